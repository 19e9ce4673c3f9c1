// The cluster editor in headless Chromium: a mixed cluster from a link is drawn exactly
// as `coopai solve --cluster … --json` plans it (figures, exported plan, every halo
// lane, device names in the timeline and FL views); editing the groups re-solves and
// round-trips through the link; hostile values are clamped or refused with a note and
// never reach the screen as NaN; switching the editor off gives back the sliders and
// today's hash. Any console error fails. Screenshots of a mixed plan go to screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, open, settled, hashWritten, SHOTS } from './harness.mjs';
import { cliSolveCluster } from './cli.mjs';
import { shown, withPage } from './checks.mjs';
import { rows as rowsText } from '../../www/js/format.js';

let server;
before(async () => { server = await serve(); });
after(() => server.close());

/** The hash's parameters once the page has written it (at most every 150 ms). */
async function hashParams(page) {
  return new URLSearchParams((await hashWritten(page)).slice(1));
}

/** Leaves a field with Tab, which commits its value, and waits for the solve. */
async function leave(page, selector) {
  await page.press(selector, 'Tab');
  await settled(page);
}

/** The cluster setting in the hash; `cluster` is null when the sliders are in use. */
async function clusterState(page) {
  const p = await hashParams(page);
  return { model: p.get('model'), cluster: p.get('cluster'), bandwidth: Number(p.get('bandwidth')) };
}

/** The shown MLS figures equal the CLI's for the hash's cluster. */
async function assertMatchesCliCluster(page) {
  const s = await clusterState(page);
  assert.ok(s.cluster, 'a cluster in the hash');
  const mls = cliSolveCluster(s, 'mls');
  const sls = cliSolveCluster(s, 'sls');
  const got = await shown(page);
  const where = JSON.stringify(s);
  assert.equal(got.devices, mls.devices, `devices at ${where}`);
  assert.equal(got.blocks, mls.blocks.length, `blocks at ${where}`);
  assert.ok(Math.abs(got.completion - mls.completion_s) <= 5e-4 * mls.completion_s, `completion ${got.completion} vs ${mls.completion_s} at ${where}`);
  const saving = (100 * (sls.completion_s - mls.completion_s)) / sls.completion_s;
  assert.ok(Math.abs(got.saving - saving) <= 0.006, `saving ${got.saving} vs ${saving} at ${where}`);
  return { s, mls };
}

const rowValues = (page) => page.$$eval('#cluster-groups li', (lis) => lis.map((li) =>
  ['count', 'gflops', 'memory'].map((k) => li.querySelector(`.${k}`).value).join('|')));

/** Nothing on screen reads NaN, undefined or Infinity: text, tooltips and drawings. */
async function assertNoBadNumbers(page) {
  const text = await page.evaluate(() => document.body.innerText
    + [...document.querySelectorAll('[data-tip]')].map((e) => e.dataset.tip).join(' ')
    + [...document.querySelectorAll('[data-view]')].map((e) => e.innerHTML).join(' '));
  assert.doesNotMatch(text, /NaN|undefined|Infinity/);
}

const MIXED = '#model=vgg16&bandwidth=300&algorithm=mls&cluster=4x13.6@4096,2x30@8192,1x53@8192';

test('a mixed cluster from a link is drawn exactly as the CLI plans it', () => withPage({}, async (page) => {
  await open(page, server.url, MIXED);
  assert.equal(await page.evaluate(() => location.hash), MIXED);
  assert.ok(await page.isHidden('#note'));
  assert.ok(await page.isChecked('#cluster-on'));
  assert.ok(await page.isHidden('#devices'), 'the devices slider gives way to the editor');
  assert.ok(await page.isHidden('#gflops'));
  assert.deepEqual(await rowValues(page), ['4|13.6|4096', '2|30|8192', '1|53|8192']);
  assert.deepEqual(await page.$$eval('#cluster-groups .preset-name', (e) => e.map((x) => x.textContent)),
    ['Raspberry Pi 4 (4 GB)', 'Raspberry Pi 5 (8 GB)', 'Orange Pi 5, RK3588S (8 GB)']);
  assert.match(await page.textContent('#cluster-summary'), /^7 devices; the CLI’s --cluster 4x13\.6@4096,2x30@8192,1x53@8192$/);
  const { s, mls } = await assertMatchesCliCluster(page);
  assert.ok(mls.devices > 2 && mls.blocks.length > 3, 'a plan worth drawing');

  // The exported plan is the CLI's, byte for byte once parsed.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  assert.deepEqual(JSON.parse(Buffer.concat(chunks)), mls);

  // Every halo lane of the block drawn carries the plan's rows and its device's name.
  const round = Number(await page.inputValue('#halo-round'));
  const block = mls.blocks.find((b) => b.round === round);
  // The CLI's name, and the board the figures are (the name says which board).
  const boards = { '13.6@4096': 'Pi 4', '30@8192': 'Pi 5', '53@8192': 'Orange Pi 5' };
  const name = (dev) => {
    const c = mls.cluster[dev.device];
    return `${c.name} (${boards[`${c.gflops}@${c.memory_mb}`]}, ${c.gflops} GFLOPS, ${c.memory_mb} MB)`;
  };
  const tips = await page.$$eval('[data-view=halo] [data-tip]', (es) => es.map((e) => e.dataset.tip));
  for (const dev of block.devices) {
    const who = name(dev).replace(/^d/, 'D');
    for (const l of dev.layers) {
      const tip = tips.find((t) => t.startsWith(`${who}, layer ${l.layer} (`));
      assert.ok(tip, `a halo lane for ${who} at layer ${l.layer}`);
      assert.match(tip, new RegExp(`computes ${rowsText(l.rows)}; own share ${rowsText(l.own)};`.replace(/[()]/g, '\\$&')));
    }
    assert.ok(tips.includes(`${name(dev)}: ${rowsText(dev.out_rows)} of layer ${block.devices[0].layers.at(-1).layer}`), `key for ${name(dev)}`);
  }
  // The fast device's grid is the tallest.
  const grids = block.devices.map((d) => d.out_rows[1] - d.out_rows[0] + 1);
  assert.ok(grids[0] > grids.at(-1), `grids ${grids}`);

  // Timeline lanes and FL shares name each device with its speed.
  const lanes = await page.$$eval('[data-view=timeline] svg text', (es) => es.map((e) => e.textContent).filter((t) => t.startsWith('dev ')));
  assert.deepEqual(lanes, mls.blocks[0].devices.map((d) => `dev ${d.device + 1} · ${d.gflops} GF`));
  // The network view's bands name each round's slowest device.
  const bandTips = await page.$$eval('[data-view=network] [data-tip]', (es) => es.map((e) => e.dataset.tip));
  for (const b of mls.blocks) {
    const slowest = name(b.devices[b.critical_device]);
    assert.ok(bandTips.some((t) => t.startsWith(`MLS round ${b.round}:`) && t.includes(`on ${slowest} (the slowest)`)), `round ${b.round} names ${slowest}`);
  }
  const flText = await page.textContent('[data-view=fl]');
  for (const d of mls.blocks[0].devices) assert.ok(flText.includes(name(d)), `FL key names ${name(d)}`);
  assert.match(flText, /shares in proportion to speed/);
  await page.waitForSelector('[data-view=chart-bandwidth] path');
  await assertNoBadNumbers(page);
  assert.equal(s.cluster, '4x13.6@4096,2x30@8192,1x53@8192');
}));

test('editing the cluster re-solves, agrees with the CLI and round-trips through the link', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  assert.ok(await page.isHidden('#cluster-editor'));
  const paper = await shown(page);
  // Switching on starts from the sliders: ten Pi 4s, the paper's plan.
  await page.check('#cluster-on');
  assert.equal((await clusterState(page)).cluster, '10x13.6');
  assert.deepEqual(await shown(page), paper);
  assert.equal((await hashParams(page)).get('devices'), null, 'the cluster replaces devices in the link');
  await assertMatchesCliCluster(page);

  await page.fill('#cluster-groups li:nth-child(1) .count', '3');
  assert.equal((await clusterState(page)).cluster, '3x13.6');
  await assertMatchesCliCluster(page);
  await page.selectOption('#cluster-preset', 'rpi5');
  await page.click('#cluster-add');
  assert.equal((await clusterState(page)).cluster, '3x13.6,1x30@8192');
  assert.match(await page.textContent('#cluster-status'), /Raspberry Pi 5.*Jeff Geerling.*approximate/);
  assert.equal(await page.textContent('#cluster-groups li:nth-child(2) .preset-name'), 'Raspberry Pi 5 (8 GB)');
  await assertMatchesCliCluster(page);
  await page.fill('#cluster-groups li:nth-child(2) .gflops', '50');
  assert.equal((await clusterState(page)).cluster, '3x13.6,1x50@8192');
  assert.equal(await page.textContent('#cluster-groups li:nth-child(2) .preset-name'), '');
  await page.fill('#cluster-groups li:nth-child(2) .memory', '');
  const edited = await clusterState(page);
  assert.equal(edited.cluster, '3x13.6,1x50');
  const { mls } = await assertMatchesCliCluster(page);
  // In 3x13.6,1x50 the fast device's conv grid is at least twice a slow one's (splits by speed).
  const conv = mls.blocks.find((b) => b.case === 'conv' && b.devices.length > 1);
  const size = (d) => d.out_rows[1] - d.out_rows[0] + 1;
  assert.ok(size(conv.devices[0]) >= 2 * size(conv.devices[1]), 'fast grid twice a slow one');

  // The link reproduces the editor and the figures.
  const figures = await shown(page);
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.deepEqual(await clusterState(page), edited);
  assert.deepEqual(await rowValues(page), ['3|13.6|', '1|50|']);
  assert.deepEqual(await shown(page), figures);

  // Removing a group; the last one cannot be removed.
  await page.click('#cluster-groups li:nth-child(1) .remove');
  assert.equal((await clusterState(page)).cluster, '1x50');
  assert.ok(await page.isDisabled('#cluster-groups li:nth-child(1) .remove'));
  await assertMatchesCliCluster(page);

  // Off again: the sliders and today's hash, and the devices slider still works.
  await page.uncheck('#cluster-on');
  await settled(page);
  await page.waitForFunction(() => location.hash === '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  assert.deepEqual(await shown(page), paper);
  await page.focus('#devices');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await hashParams(page)).get('devices'), '9');
  assert.ok(await page.isHidden('#cluster-editor'));
}));

test('hostile values are clamped or refused with a note, never NaN on screen', () => withPage({}, async (page) => {
  const hostile = `#model=vgg16&devices=7&cluster=${encodeURIComponent('0x13.6,99x1e12@-5,abc,2x<img src=x onerror="window.pwned=1">')}`;
  await open(page, server.url, hostile);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.$('#note img'), null);
  const note = await page.textContent('#note');
  for (const part of [/count 0 is outside 1\.\.32, using 1/, /count 99 is outside 1\.\.31, using 31/, /speed 1e12 is outside/,
    /memory size “-5” is negative/, /“abc” is not COUNTxGFLOPS/, /at most 32 devices/, /devices and GFLOPS are ignored/]) {
    assert.match(note, part);
  }
  assert.equal((await clusterState(page)).cluster, '1x13.6,31x1000');
  await assertMatchesCliCluster(page);
  await assertNoBadNumbers(page);

  // A cluster the core refuses (nothing fits in 1 MB) is dropped with the core's reason.
  await open(page, server.url, '#model=vgg16&bandwidth=100&algorithm=mls&cluster=10x13.6@1');
  assert.match(await page.textContent('#note'), /cluster 10x13\.6@1 was refused \(no plan fits the devices' memory: layer \d+ needs/);
  assert.equal((await clusterState(page)).cluster, null);
  assert.ok(!(await page.isChecked('#cluster-on')));

  // Typing: a value that does not read is flagged next to the editor and the plan stays;
  // leaving the field restores the last good value.
  await open(page, server.url, '#model=vgg16&bandwidth=100&algorithm=mls&cluster=3x13.6,1x50');
  const before = await shown(page);
  const speed = '#cluster-groups li:nth-child(2) .gflops';
  await page.fill(speed, 'abc');
  assert.match(await page.textContent('#cluster-error'), /a speed “abc” is not a number/);
  assert.equal(await page.getAttribute(speed, 'aria-invalid'), 'true');
  assert.deepEqual(await shown(page), before);
  await leave(page, speed);
  assert.equal(await page.inputValue(speed), '50');
  assert.match(await page.textContent('#cluster-status'), /kept 50/);
  assert.equal((await clusterState(page)).cluster, '3x13.6,1x50');

  // Out of range: flagged while typing, clamped with a note when the field is left.
  await page.fill(speed, '5000');
  assert.match(await page.textContent('#cluster-error'), /outside 0\.1\.\.1000 GFLOPS.*leave the field to use 1000/);
  assert.deepEqual(await shown(page), before);
  await leave(page, speed);
  assert.equal(await page.inputValue(speed), '1000');
  assert.match(await page.textContent('#cluster-status'), /speed 5000 is outside 0\.1\.\.1000 GFLOPS, using 1000/);
  assert.ok(await page.isHidden('#cluster-error'));
  assert.equal((await clusterState(page)).cluster, '3x13.6,1x1000');
  await assertMatchesCliCluster(page);
  const count = '#cluster-groups li:nth-child(1) .count';
  await page.fill(count, '99');
  await leave(page, count);
  assert.equal(await page.inputValue(count), '31');
  assert.equal((await clusterState(page)).cluster, '31x13.6,1x1000');
  assert.ok(await page.isDisabled('#cluster-add'), 'no more than 32 devices');
  await assertMatchesCliCluster(page);

  // 1 MB on the slow devices: only teams led by the fast one fit; Fig. 8 marks the rest.
  await page.fill('#cluster-groups li:nth-child(1) .memory', '1');
  assert.equal((await clusterState(page)).cluster, '31x13.6@1,1x1000');
  const { mls } = await assertMatchesCliCluster(page);
  const none = mls.per_k.filter((p) => p.completion_s === null).map((p) => p.devices);
  assert.ok(none.length > 0, 'some k fit nothing');
  const tips = await page.$$eval('[data-view=chart-k] [data-tip]', (es) => es.map((e) => e.dataset.tip));
  for (const k of none) assert.ok(tips.includes(`MLS, k = ${k}: no plan fits the devices' memory`), `k = ${k} marked`);
  await assertNoBadNumbers(page);
  // 1 MB everywhere: the core's one-line memory error next to the editor; nothing changes.
  const solved = await shown(page);
  await page.fill('#cluster-groups li:nth-child(2) .memory', '1');
  await settled(page);
  assert.match(await page.textContent('#cluster-error'), /^no plan fits the devices' memory: layer \d+ needs at least [\d.]+ MB/);
  assert.match(await page.textContent('#cluster-status'), /still show the last cluster/);
  assert.deepEqual(await shown(page), solved);
  assert.equal((await clusterState(page)).cluster, '31x13.6@1,1x1000');
  await assertNoBadNumbers(page);
  // Once another control moves, the rows show the cluster drawn again.
  await page.focus('#algorithm');
  await settled(page);
  assert.match(await page.textContent('#cluster-error'), /^no plan fits/, 'leaving the field tries it once more');
  await page.selectOption('#algorithm', 'both');
  await settled(page);
  assert.deepEqual(await rowValues(page), ['31|13.6|1', '1|1000|']);
  assert.ok(await page.isHidden('#cluster-error'));

  // Another control that meets the memory limit says so by the editor too.
  await open(page, server.url, '#model=alexnet&bandwidth=100&algorithm=mls&cluster=1x0.37@300');
  assert.ok(await page.isHidden('#cluster-error'));
  await page.selectOption('#model', 'vgg16');
  await settled(page);
  assert.match(await page.textContent('#cluster-error'), /^no plan fits the devices' memory/);
  assert.match(await page.textContent('#error'), /^no plan fits the devices' memory/);
  await page.selectOption('#model', 'alexnet');
  await settled(page);
  assert.ok(await page.isHidden('#cluster-error'));
  assert.ok(await page.isHidden('#error'));
  await assertMatchesCliCluster(page);
}));

test('screenshots of a mixed plan', () => withPage({ reducedMotion: 'reduce', viewport: { width: 1280, height: 1400 } }, async (page) => {
  await open(page, server.url, MIXED);
  await page.waitForSelector('[data-view=chart-bandwidth] path');
  await (await page.$('#cluster')).screenshot({ path: `${SHOTS}/cluster-editor.png` });
  await page.click('.cluster-sources summary');
  await page.mouse.move(0, 0);
  await (await page.$('#cluster')).screenshot({ path: `${SHOTS}/cluster-sources.png` });
  for (const v of ['halo', 'timeline', 'fl', 'network']) {
    await (await page.$(`#view-${v}`)).screenshot({ path: `${SHOTS}/cluster-${v}.png` });
  }
  await page.screenshot({ path: `${SHOTS}/cluster-page.png`, fullPage: true });
}));

test('phone width with a cluster: no sideways scrolling', () => withPage({ viewport: { width: 390, height: 844 } }, async (page) => {
  await open(page, server.url, MIXED);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await (await page.$('#cluster')).screenshot({ path: `${SHOTS}/cluster-phone.png` });
}));
