// The cluster editor's pure parts under node: the short form read from a link (clamped
// and noted, never NaN), written back like the CLI's `--cluster`, in the URL state; and
// the split in proportion to speed that the FL and halo views draw, checked against
// the shares in `coopai solve --cluster … --json`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { FIELDS, parseHash, toHash } from '../../www/js/state.js';
import { parseCluster, formatCluster, clampField, weightedSplit, PRESETS, presetOf } from '../../www/js/cluster.js';
import { equalSplit } from '../../www/js/split.js';

FIELDS.model.choices = ['tiny', 'alexnet', 'vgg16', 'vgg19', 'yolov2', 'custom'];

const BIN = process.env.COOPAI_CLI
  ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release/coopai');

test('the short form reads and writes back unchanged', () => {
  for (const text of ['4x13.6,1x50@2048', '10x13.6', '1x0.37@512,2x30@8192,1x53@8192', '32x0.1@1']) {
    const { groups, notes } = parseCluster(text);
    assert.deepEqual(notes, [], text);
    assert.equal(formatCluster(groups), text);
  }
  assert.deepEqual(parseCluster('4x13.6,1X50@2048').groups, [
    { count: 4, gflops: 13.6, memory: null }, { count: 1, gflops: 50, memory: 2048 },
  ]);
  assert.deepEqual(parseCluster(''), { groups: [], notes: [] });
});

test('hostile groups are clamped or left out, each with a note, never NaN', () => {
  const cases = [
    ['0x13.6', '1x13.6', /count 0 is outside 1\.\.32, using 1/],
    ['2.6x13.6', '3x13.6', /count 2\.6 is not whole, using 3/],
    ['4x1e12', '4x1000', /speed 1e12 is outside 0\.1\.\.1000 GFLOPS, using 1000/],
    ['4x0.001', '4x0.1', /speed 0\.001 is outside/],
    ['4x13.654321', '4x13.65', /is rounded, using 13\.65/],
    ['4x13.6@0', '4x13.6@1', /memory 0 is outside 1\.\.1048576 MB, using 1/],
    ['4x13.6@-5', '4x13.6', /memory size “-5” is negative.*unlimited/],
    // A sign reads, so -5 is out of range, not "not a number".
    ['-5x13.6', '1x13.6', /count -5 is outside 1\.\.32, using 1/],
    ['4x-2', '4x0.1', /speed -2 is outside 0\.1\.\.1000 GFLOPS, using 0\.1/],
    ['4x13.6@', '4x13.6', /unlimited/],
    ['4xNaN', '', /speed “NaN” is not a number.*left out/],
    ['4xInfinity,2x5', '2x5', /“Infinity” is not a number/],
    ['0x10x5', '', /left out/],
    ['abc,2x5', '2x5', /“abc” is not COUNTxGFLOPS/],
    ['2x<script>alert(1)</script>', '', /not a number/],
    ['20x1,20x2,5x3', '20x1,12x2', /count 20 is outside 1\.\.12, using 12.*at most 32 devices/],
    ['x13.6', '', /a count “” is not a number/],
  ];
  for (const [text, expected, note] of cases) {
    const { groups, notes } = parseCluster(text);
    assert.equal(formatCluster(groups), expected, text);
    assert.match(notes.join('; '), note, text);
    for (const g of groups) {
      assert.ok(Number.isInteger(g.count) && g.count >= 1, text);
      assert.ok(Number.isFinite(g.gflops) && g.gflops > 0, text);
      assert.ok(g.memory === null || Number.isInteger(g.memory), text);
    }
  }
  // A huge hostile value stays bounded: at most 32 devices, one note past the limit.
  const { groups, notes } = parseCluster(Array(10000).fill('1x1').join(','));
  assert.equal(groups.length, 32);
  assert.equal(notes.length, 1);
});

test('a field left by the user is clamped; while typing, only flagged', () => {
  assert.deepEqual(clampField('count', '5', 3), { value: 3, out: true, note: 'count 5 is outside 1..3, using 3' });
  assert.deepEqual(clampField('gflops', ' 50 '), { value: 50 });
  assert.deepEqual(clampField('memory', ''), { value: null });
  assert.equal(clampField('gflops', '0x10').value, null);
  assert.equal(clampField('gflops', '13.').value, 13);
  assert.deepEqual(clampField('count', '-5', 3), { value: 1, out: true, note: 'count -5 is outside 1..3, using 1' });
});

test('the cluster lives in the hash as the CLI writes it, replacing devices and GFLOPS', () => {
  const { state, notes } = parseHash('#model=vgg16&bandwidth=100&algorithm=mls&cluster=4x13.6,1x50@2048');
  assert.deepEqual(notes, []);
  assert.equal(state.cluster, '4x13.6,1x50@2048');
  assert.equal(toHash(state), '#model=vgg16&bandwidth=100&algorithm=mls&cluster=4x13.6,1x50@2048');
  // Escaped as URLSearchParams would write it, it reads the same.
  assert.equal(parseHash('#cluster=4x13.6%2C1x50%402048').state.cluster, '4x13.6,1x50@2048');
  const mixed = parseHash('#model=vgg16&devices=3&gflops=2&cluster=2x5');
  assert.match(mixed.notes.join(), /devices and GFLOPS are ignored/);
  assert.equal(toHash(mixed.state), '#model=vgg16&bandwidth=100&algorithm=both&cluster=2x5');
  // No cluster: the hash is exactly as before.
  assert.equal(toHash(parseHash('').state), '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=both');
  const bad = parseHash('#cluster=%3Cimg%20src%3Dx%3E');
  assert.equal(bad.state.cluster, '');
  assert.match(bad.notes.join(), /“<img src=x>” left out/);
});

test('presets name their source; the paper’s figure only for the Pi 4', () => {
  for (const p of PRESETS) {
    assert.ok(p.source.length > 20, p.id);
    assert.equal(presetOf({ count: 3, gflops: p.gflops, memory: p.memory }), p);
    if (p.id !== 'rpi4') assert.match(p.source, /approximate/);
  }
  assert.match(PRESETS.find((p) => p.id === 'rpi4').source, /paper/);
  assert.equal(presetOf({ count: 1, gflops: 13.6, memory: null }), null);
});

test('equal speeds split like the spec’s equal split', () => {
  for (let n = 1; n < 40; n++) {
    for (let k = 1; k < 9; k++) {
      const split = weightedSplit(n, Array(k).fill(13.6));
      for (let d = 0; d < k; d++) assert.deepEqual(split[d], equalSplit(n, k, d), `n ${n} k ${k} d ${d}`);
    }
  }
});

test('the split in proportion to speed equals the shares in the CLI’s plans', () => {
  let checked = 0;
  for (const [model, cluster, bandwidth] of [
    ['alexnet', '2x13.6,1x30,1x50', 1000], ['vgg16', '3x13.6,1x50', 100], ['vgg16', '1x0.37,2x30,1x53', 300],
  ]) {
    for (const algorithm of ['mls', 'sls']) {
      const plan = JSON.parse(execFileSync(BIN, ['solve', '--model', model, '--cluster', cluster, '--bandwidth',
        String(bandwidth), '--algorithm', algorithm, '--json'], { encoding: 'utf8' }));
      const speeds = plan.blocks[0].devices.map((d) => d.gflops);
      const size = (r) => (r ? r[1] - r[0] + 1 : 0);
      const same = (ranges, what) => {
        const n = ranges.reduce((a, r) => a + size(r), 0);
        assert.deepEqual(weightedSplit(n, speeds), ranges, `${model} ${cluster} ${algorithm} ${what}`);
        checked += 1;
      };
      for (const b of plan.blocks) {
        b.devices[0].layers.forEach((l, i) => same(b.devices.map((d) => d.layers[i].own), `round ${b.round} layer ${l.layer}`));
        if (b.case === 'fc-data') same(b.devices.map((d) => d.neurons[0].inputs), `round ${b.round} inputs`);
        if (b.case === 'fc-model' || b.case === 'fc-hybrid') same(b.devices.map((d) => d.neurons[0].outputs), `round ${b.round} outputs`);
      }
    }
  }
  assert.ok(checked > 20, `${checked} splits checked`);
});
