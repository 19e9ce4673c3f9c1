// What the page tests share: a page in a fresh browser that must end without console
// errors, the MLS figures the page shows, and their check against `coopai solve --json`.

import assert from 'node:assert/strict';
import { browser, hashWritten, settled } from './harness.mjs';
import { cliSolve } from './cli.mjs';

/** The state the page put in its hash (written at most every 150 ms). */
export async function hashState(page) {
  const hash = await hashWritten(page);
  const p = new URLSearchParams(hash.slice(1));
  return {
    model: p.get('model'), devices: Number(p.get('devices')), bandwidth: Number(p.get('bandwidth')),
    gflops: Number(p.get('gflops')), algorithm: p.get('algorithm'),
  };
}

export async function shown(page) {
  await settled(page);
  const text = (id) => page.textContent(`[data-testid=${id}]`);
  return {
    completion: parseFloat(await text('completion')),
    devices: Number(await text('devices-used')),
    blocks: Number(await text('block-count')),
    saving: parseFloat(await text('saving')),
  };
}

/** The shown figures equal the CLI's, to the precision shown; `model` (a zoo name or a
 * file) replaces the hash's model, for a pasted one. */
export async function assertMatchesCli(page, model) {
  const s = await hashState(page);
  if (model) s.model = model;
  const mls = cliSolve(s, 'mls');
  const sls = cliSolve(s, 'sls');
  const got = await shown(page);
  const where = JSON.stringify(s);
  assert.equal(got.devices, mls.devices, `devices at ${where}`);
  assert.equal(got.blocks, mls.blocks.length, `blocks at ${where}`);
  assert.ok(Math.abs(got.completion - mls.completion_s) <= 5e-4 * mls.completion_s, `completion ${got.completion} vs ${mls.completion_s} at ${where}`);
  const saving = (100 * (sls.completion_s - mls.completion_s)) / sls.completion_s;
  assert.ok(Math.abs(got.saving - saving) <= 0.006, `saving ${got.saving} vs ${saving} at ${where}`);
  return s;
}

export async function withPage(options, fn) {
  const b = await browser(options);
  try {
    await fn(b.page);
    assert.deepEqual(b.errors, [], 'console errors');
  } finally {
    await b.close();
  }
}
