// Hostile input on the page: what a hand-made address or a heavy model can do is bounded.
// A strict Content-Security-Policy with no inline handlers; hash keys named like
// built-in object properties and hex numbers are notes, not "undefined … NaN"; 100,000
// unknown keys make a short note; a link model longer than the page ever writes is not
// read, and the default model is drawn instead of a blank page; the Fig. 9 sweep of a
// model the page can solve, but not ten times over, is refused at once with the reason.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, open } from './harness.mjs';
import { shown, withPage } from './checks.mjs';

let server;
before(async () => { server = await serve(); });
after(() => server.close());

test('a strict CSP, no inline handlers, and the page still works under it', () => withPage({}, async (page) => {
  await open(page, server.url);
  const csp = await page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.match(csp, /object-src 'none'/);
  assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
  const inline = await page.evaluate(() => [...document.querySelectorAll('*')]
    .flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`)));
  assert.deepEqual(inline, []);
  // The form does not submit (it used an inline handler for that).
  await page.press('#devices', 'Enter');
  assert.equal(new URL(page.url()).search, '');
  // Under the policy the core runs and the views draw (a violation is a console error).
  assert.equal((await shown(page)).devices, 7);
  assert.ok(await page.$('[data-view="chart-bandwidth"] svg'));
}));

test('object-property keys and hex numbers are notes, like any unknown input', () => withPage({}, async (page) => {
  await open(page, server.url, '#valueOf=1&__proto__=2&constructor=3&devices=0x10&bandwidth=0o7&gflops=Infinity');
  const note = await page.textContent('#note');
  for (const key of ['valueOf', '__proto__', 'constructor']) assert.match(note, new RegExp(`ignored unknown setting “${key}”`));
  assert.match(note, /devices “0x10” is not a number, using 10/);
  assert.match(note, /bandwidth “0o7” is not a number, using 100/);
  assert.match(note, /GFLOPS “Infinity” is not a number, using 13\.6/);
  assert.doesNotMatch(note, /undefined|NaN/);
  assert.deepEqual(await shown(page), { completion: 0.9113, devices: 7, blocks: 4, saving: 31.53 });
}));

test('100,000 unknown keys make a short note', () => withPage({}, async (page) => {
  const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}=1`).join('&');
  await open(page, server.url, `#${keys}&devices=3`);
  const note = await page.textContent('#note');
  assert.ok(note.length < 600, `${note.length} characters`);
  assert.match(note, /99,992 more changes not listed/);
  assert.equal((await shown(page)).devices, 3);
}));

test('a link model longer than the page writes is not read; the default is drawn', () => withPage({}, async (page) => {
  const custom = 'A'.repeat(50_000);
  await open(page, server.url, `#model=custom&devices=10&custom=${custom}`);
  const note = await page.textContent('#note');
  assert.match(note, /the custom model in the address has 50,000 characters, more than the 2,000 a link carries, ignored/);
  assert.match(note, /using vgg16/);
  assert.deepEqual(await shown(page), { completion: 0.9113, devices: 7, blocks: 4, saving: 31.53 });
}));

test('the Fig. 9 sweep is refused at once when ten comparisons are over the limit', () => withPage({}, async (page) => {
  // 400 CLs at D = 32: one comparison is 4.3e7 block-evaluation steps (accepted), the
  // sweep ten of them (refused).
  const layers = Array.from({ length: 400 }, () => ({ type: 'conv', filters: 1, kernel: 1 }));
  const model = JSON.stringify({ name: 'deep', input: { height: 4, width: 4, channels: 1 }, layers });
  await open(page, server.url, '#model=vgg16&devices=32');
  await page.selectOption('#model', 'custom');
  await page.$eval('#custom-text', (t, value) => {
    t.value = value;
    t.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste' }));
  }, model);
  await page.waitForFunction(() => document.querySelector('#error').textContent.includes('the bandwidth sweep'), null, { timeout: 20_000 });
  const error = await page.textContent('#error');
  assert.match(error, /^the bandwidth sweep \(10 comparisons\) with 32 devices on a 400-layer model would take about \d+ block-evaluation steps, more than the limit of 200000000; use fewer devices or fewer layers$/);
  // The model itself is solved and drawn.
  assert.equal((await shown(page)).blocks > 0, true);
}));
