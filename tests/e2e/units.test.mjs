// The page's pure modules under node: the URL state table (parse, clamp, notes,
// round-trip) and the equal split the FL view draws, checked against the CLI's plan.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIELDS, MAX_LINK_MODEL, MAX_NOTES, parseHash, toHash, defaults, nice, linkModel } from '../../www/js/state.js';
import { encode, decode } from '../../www/js/base64url.js';
import { equalSplit } from '../../www/js/split.js';
import { cliSolve } from './cli.mjs';

FIELDS.model.choices = ['tiny', 'alexnet', 'vgg16', 'vgg19', 'yolov2', 'custom'];

test('a full hash round-trips and gives no notes', () => {
  const hash = '#model=yolov2&devices=32&bandwidth=1.5&gflops=0.1&algorithm=both&round=3';
  const { state, notes } = parseHash(hash);
  assert.deepEqual(notes, []);
  assert.deepEqual(state, { model: 'yolov2', devices: 32, bandwidth: 1.5, gflops: 0.1, algorithm: 'both', round: 3, custom: '', cluster: '', tour: 0, dpk: 0, hide: '', objective: 'latency' });
  assert.equal(toHash(state), hash);
});

test('missing keys take the paper setting; round 0 stays out of the hash', () => {
  const { state, notes } = parseHash('');
  assert.deepEqual(state, defaults());
  assert.deepEqual(notes, []);
  assert.equal(toHash(state), '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=both');
});

test('bad values are clamped or replaced, each with a note', () => {
  const { state, notes } = parseHash('#model=VGG19&devices=2.6&bandwidth=&gflops=1e400&algorithm=x&devices=-3&zzz=1');
  assert.deepEqual(state, { model: 'vgg19', devices: 1, bandwidth: 100, gflops: 13.6, algorithm: 'both', round: 0, custom: '', cluster: '', tour: 0, dpk: 0, hide: '', objective: 'latency' });
  assert.deepEqual(notes, [
    'devices 2.6 is not a whole number, using 3',
    'bandwidth “” is not a number, using 100',
    'GFLOPS “1e400” is not a number, using 13.6',
    'unknown algorithm “x”, using both',
    'devices -3 is outside 1..32, using 1',
    'ignored unknown setting “zzz”',
  ]);
});

test('hash keys are own properties only, whatever the prototype has', () => {
  const { state, notes } = parseHash('#valueOf=1&toString=2&__proto__=3&hasOwnProperty=4');
  assert.deepEqual(state, defaults());
  assert.deepEqual(notes, ['valueOf', 'toString', '__proto__', 'hasOwnProperty'].map((k) => `ignored unknown setting “${k}”`));
});

test('numbers follow the CLI grammar: decimal only', () => {
  for (const raw of ['0x10', '0o7', '0b11', 'Infinity', '-Infinity', 'NaN', '', ' ', '1_0', '1e', '.', '+', '5px']) {
    const { state, notes } = parseHash(`#devices=${encodeURIComponent(raw)}`);
    assert.equal(state.devices, 10, raw);
    assert.deepEqual(notes, [`devices “${raw}” is not a number, using 10`], raw);
  }
  for (const [raw, value] of [['12', 12], ['+12', 12], [' 12 ', 12], ['1.2e1', 12], ['12.', 12], ['1.2E+1', 12]]) {
    assert.deepEqual(parseHash(`#devices=${encodeURIComponent(raw)}`), { state: { ...defaults(), devices: value }, notes: [] }, raw);
  }
  assert.equal(parseHash('#gflops=.5').state.gflops, 0.5);
});

test('a whole-number setting given a fraction says so', () => {
  assert.deepEqual(parseHash('#devices=2.5').notes, ['devices 2.5 is not a whole number, using 3']);
  assert.deepEqual(parseHash('#devices=40.5').notes, ['devices 40.5 is outside 1..32, using 32']);
});

test('notes are capped, the rest counted', () => {
  const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}=1`).join('&');
  const { notes } = parseHash(`#${keys}`);
  assert.equal(notes.length, MAX_NOTES + 1);
  assert.equal(notes.at(-1), `${(100_000 - MAX_NOTES).toLocaleString('en')} more changes not listed`);
  assert.ok(notes.join('; ').length < 500);
});

test('a link model is read only up to the length the page writes', () => {
  const fits = linkModel('y'.repeat(1500));
  assert.equal(parseHash(`#model=custom&custom=${fits}`).state.custom, 'y'.repeat(1500));
  const { state, notes } = parseHash(`#model=custom&custom=${fits}A`);
  assert.equal(state.custom, '');
  assert.deepEqual(notes, ['the custom model in the address has 2,001 characters, more than the 2,000 a link carries, ignored']);
});

test('long hostile values are shortened in notes', () => {
  const { notes } = parseHash(`#model=${encodeURIComponent('<script>'.repeat(20))}`);
  assert.equal(notes.length, 1);
  assert.ok(notes[0].length < 80, notes[0]);
});

test('a pasted model round-trips through the hash as base64url, only when it fits', () => {
  const json = '{"name":"ünï <b>","input":{"height":8,"width":8,"channels":3},"layers":[{"type":"fc","outputs":2}]}';
  const state = { ...defaults(), model: 'custom', custom: json };
  const hash = toHash(state);
  assert.match(hash, /^#model=custom&devices=10&bandwidth=100&gflops=13.6&algorithm=both&custom=[A-Za-z0-9_-]+$/);
  assert.deepEqual(parseHash(hash), { state, notes: [] });
  // A zoo model leaves the pasted one out of the link.
  assert.doesNotMatch(toHash({ ...state, model: 'tiny' }), /custom=/);
  const long = `{"name":"${'x'.repeat(MAX_LINK_MODEL)}"}`;
  assert.equal(linkModel(long), null);
  assert.equal(toHash({ ...state, custom: long }), '#model=custom&devices=10&bandwidth=100&gflops=13.6&algorithm=both');
  // The limit is on the encoded value, 4/3 as long as ASCII text.
  assert.equal(linkModel('y'.repeat(1500)).length, MAX_LINK_MODEL);
  assert.equal(linkModel('y'.repeat(1501)), null);
});

test('base64url: any text back, anything else refused', () => {
  for (const text of ['', 'a', 'ab', 'abc', '{"name":"模型 🚀"}', '\u0000<script>']) assert.equal(decode(encode(text)), text);
  assert.equal(encode('\u00ff\u00fe'), 'w7_Dvg');
  for (const bad of ['<script>', 'a', 'w7/Dvg', 'w7_Dvg==', '_w']) assert.equal(decode(bad), null, bad);
  const { state, notes } = parseHash('#model=custom&custom=%3Cscript%3E');
  assert.equal(state.custom, '');
  assert.deepEqual(notes, ['the custom model in the address is not base64url text, ignored']);
});

test('log sliders snap to three significant digits', () => {
  assert.equal(nice(13.5981), 13.6);
  assert.equal(nice(0.123456), 0.123);
  assert.equal(nice(999.4), 999);
});

test('the FL view splits neurons exactly as the core does', () => {
  const plan = cliSolve({ model: 'vgg16', devices: 10, bandwidth: 100, gflops: 13.6 });
  let checked = 0;
  for (const block of plan.blocks.filter((b) => b.case === 'fc-hybrid')) {
    const k = block.devices.length;
    // VGG16's FL 15 has 4096 outputs, split over the block's devices.
    block.devices.forEach((dev, d) => {
      assert.deepEqual(equalSplit(4096, k, d), dev.neurons[0].outputs);
      checked += 1;
    });
  }
  assert.ok(checked > 0, 'the VGG16 plan has a hybrid block');
  assert.deepEqual(equalSplit(10, 4, 0), [0, 2]);
  assert.deepEqual(equalSplit(10, 4, 3), [8, 9]);
  assert.equal(equalSplit(2, 4, 3), null);
});

test('text and attributes in the drawings are escaped', async () => {
  const { el, txt } = await import('../../www/js/svg.js');
  assert.equal(txt({ x: 1 }, '<img src=x onerror=alert(1)>'), '<text x="1">&#60;img src=x onerror=alert(1)&#62;</text>');
  assert.equal(el('g', { 'data-tip': '"><script>' }), '<g data-tip="&#34;&#62;&#60;script&#62;"></g>');
});

test('numbers in words: runs of three or more as ranges, pairs and singles as they are', async () => {
  const { numberList } = await import('../../www/js/format.js');
  assert.equal(numberList([7]), '7');
  assert.equal(numberList([1, 2]), '1 and 2');
  assert.equal(numberList([1, 2, 3, 4, 6, 7, 11]), '1–4, 6, 7 and 11');
  assert.equal(numberList([2, 5, 6, 7]), '2 and 5–7');
});
