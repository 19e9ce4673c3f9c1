// The page names a pasted model's format by the core's one detector, the CLI's: a TF.js
// model.json is a TF.js model.json (the page once called it "project JSON").

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, open, ROOT } from './harness.mjs';
import { withPage } from './checks.mjs';

const KERAS = readFileSync(join(ROOT, 'tests/models/tiny.keras.json'), 'utf8');

let server;
before(async () => { server = await serve(); });
after(() => server.close());

/** Pastes `text` as one input event and resolves to the next status line. */
async function pasted(page, text) {
  const before = await page.textContent('#custom-status');
  await page.$eval('#custom-text', (t, value) => {
    t.value = value;
    t.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste' }));
  }, text);
  await page.waitForFunction((b) => document.querySelector('#custom-status').textContent !== b, before);
  return page.textContent('#custom-status');
}

test('each pasted format is named for what it is', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=tiny&devices=4');
  await page.selectOption('#model', 'custom');
  await page.waitForSelector('#custom-panel:not([hidden])');
  const tfjs = `{"format": "layers-model", "modelTopology": ${KERAS}, "weightsManifest": []}`;
  assert.match(await pasted(page, tfjs), /^TF\.js model\.json read from the text: “tiny”/);
  assert.match(await pasted(page, KERAS), /^Keras JSON read from the text: “tiny”/);
}));
