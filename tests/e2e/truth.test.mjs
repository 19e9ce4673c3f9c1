// "The page tells the truth in every state": each point the review saw, from
// the hash it gave, checked against the drawing or the CLI. The tour keeps its drawing
// on screen and uncovered (measured by `uncovered`, below) at 1280×800 and on a 390×844
// phone, also when opened by a `tour=N` link; keys do one thing; a mixed cluster has one
// device count and one name and colour per device in every view; a lesson's hidden
// values stay; tinyres partitions as it opens; SLS never fuses; the skip link adds no
// note. Screenshots of the fixed states go to tests/e2e/screenshots/truth-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve, open, settled, hashWritten, frames, SHOTS } from './harness.mjs';
import { cliSolve, cliSolveCluster } from './cli.mjs';
import { withPage, shown } from './checks.mjs';

let server;
before(async () => { server = await serve(); mkdirSync(SHOTS, { recursive: true }); });
after(() => server.close());

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `truth-${name}.png`) });
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const MIXED = '#model=vgg16&bandwidth=300&algorithm=mls&cluster=4x13.6@4096,2x30@8192,1x53@8192';

/** The drawing each tour step talks about, as its text does (step 2: the timeline). */
const RINGED = ['network', 'timeline', 'halo', 'network', 'dp', 'fl', 'chart-k', 'chart-bandwidth', 'stream-timeline'];

/**
 * The share of tour step `n`'s drawing that is inside the viewport and not under the
 * tour panel nor the phone's sticky setting line, from their bounding rectangles.
 */
async function uncovered(page, n) {
  return page.evaluate((view) => {
    const drawing = document.querySelector(`[data-view="${view}"]`);
    const box = (r) => [r.left, r.top, r.right, r.bottom];
    const cut = (a, b) => [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
    const area = (r) => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
    const d = box(drawing.getBoundingClientRect());
    const seen = cut(d, [0, 0, innerWidth, innerHeight]);
    const covers = ['tour', 'mini'].map((id) => document.getElementById(id))
      .filter((e) => e && !e.hidden && getComputedStyle(e).display !== 'none')
      .map((e) => cut(seen, box(e.getBoundingClientRect())));
    // The panel and the sticky line never overlap each other (top and bottom of the screen).
    const free = area(seen) - covers.reduce((s, c) => s + area(c), 0);
    return { share: free / area(d) };
  }, RINGED[n - 1]);
}

for (const [size, viewport, least] of [['1280×800', DESKTOP, 0.9], ['1920×1080', { width: 1920, height: 1080 }, 0.9], ['390×844', PHONE, 0.5]]) {
  test(`the tour keeps each step's drawing on screen and uncovered at ${size}, by button and by link`, () => withPage({ viewport }, async (page) => {
    await open(page, server.url, '#model=vgg16&tour=1');
    for (let n = 1; n <= 9; n++) {
      if (n > 1) await page.click('#tour-next');
      await settled(page);
      // Views drawn by `settled` may move the drawing; the tour re-places it on the
      // next frame (its ResizeObserver), which is what a visitor sees.
      await frames(page);
      const byButton = await uncovered(page, n);
      await shot(page, `tour-${viewport.width}-${n}`);
      // A fresh page opened at this step (a lesson link), starting at the page top.
      await page.goto('about:blank');
      await open(page, server.url, `#model=vgg16&tour=${n}`);
      await frames(page);
      const byLink = await uncovered(page, n);
      for (const [how, m] of [['button', byButton], ['link', byLink]]) {
        assert.ok(m.share >= least, `step ${n} by ${how}: ${(100 * m.share).toFixed(1)} % of the drawing in sight and uncovered`);
      }
    }
  }));
}

test('on a phone the sheet folds to a bar only where the drawing needs the room, and unfolds on "Read"', () => withPage({ viewport: PHONE }, async (page) => {
  const folded = () => page.$eval('#tour', (t) => t.classList.contains('tour-folded'));
  const textShown = () => page.$eval('#tour-text', (t) => t.getBoundingClientRect().height > 20);
  await open(page, server.url, '#model=vgg16&tour=5');
  assert.equal(await folded(), false, 'the DP table leaves room for the text');
  assert.ok(await textShown());
  await page.click('#tour-next');
  await settled(page);
  // Step 6: the FL view's three stacked panels need the room; the text is one tap away
  // (and still read out: it is out of sight, not removed).
  assert.equal(await folded(), true);
  assert.equal(await textShown(), false);
  assert.match(await page.$eval('#tour-text', (t) => t.textContent), /Data split gives each device/);
  assert.equal(await page.getAttribute('#tour-fold', 'aria-expanded'), 'false');
  await page.click('#tour-fold');
  assert.ok(await textShown(), 'Read unfolds the text');
  assert.equal(await page.getAttribute('#tour-fold', 'aria-expanded'), 'true');
  await page.click('#tour-fold');
  assert.equal(await folded(), true, 'and folds it again');
  await page.click('#tour-next');
  await settled(page);
  assert.equal(await folded(), false, 'the next step, whose drawing fits, unfolds');
  assert.ok(await textShown());
}));

test('keys do one thing: → in a focused drawing moves its tooltip, not the tour', () => withPage({ viewport: DESKTOP }, async (page) => {
  await open(page, server.url, '#model=vgg16&tour=1');
  await page.focus('[data-view=network] [data-tip][tabindex="0"]');
  const before = await page.evaluate(() => document.activeElement.dataset.tip);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => document.activeElement.dataset.tip !== b, before);
  await frames(page);
  assert.equal(await page.textContent('#tour-count'), 'Step 1 of 9');
  assert.match(await page.evaluate(() => location.hash), /tour=1(&|$)/);
  // Out of the drawing, → is the tour's again.
  await page.focus('#tour-next');
  await page.keyboard.press('ArrowRight');
  await settled(page);
  assert.equal(await page.textContent('#tour-count'), 'Step 2 of 9');
}));

test('the tour puts "Show" back, Back at step 1 looks disabled, a one-layer round is "layer N"', () => withPage({ viewport: DESKTOP }, async (page) => {
  // tiny at its teaching setting: round 3 is layer 7 alone (fc-data), named in step 6.
  await open(page, server.url, '#model=tiny&algorithm=both');
  await page.click('#tour-start');
  await settled(page);
  assert.equal(await page.inputValue('#algorithm'), 'mls', 'step 1 shows MLS');
  assert.ok(await page.isDisabled('#tour-prev'));
  assert.ok(Number(await page.$eval('#tour-prev', (b) => getComputedStyle(b).opacity)) < 0.6, 'Back looks disabled');
  for (let n = 2; n <= 9; n++) {
    await page.click('#tour-next');
    await settled(page);
    // No "layers 7" for a one-layer span anywhere in the tour.
    const text = await page.textContent('#tour-text');
    assert.doesNotMatch(text, /layers \d+(?![–\d.])/, `step ${n}`);
    if (n === 6) assert.match(text, /round 3 \(layer 7\) as fc-data/);
  }
  await page.click('#tour-next');
  await settled(page);
  assert.equal(await page.inputValue('#algorithm'), 'both', 'Show is back as it was');
  assert.equal(await page.inputValue('#objective'), 'latency', '"Plan for" is back as it was');
}));

/** The tour's text at step `n` for `hash`. */
async function stepText(page, hash, n) {
  await open(page, server.url, `${hash}&tour=${n}`);
  if (n === 8) await page.waitForFunction(() => !/being computed/.test(document.getElementById('tour-text').textContent));
  return page.textContent('#tour-text');
}

test('tour text agrees with the drawing: colours, uploads, one device, transfer rising, no saving', () => withPage({ viewport: DESKTOP }, async (page) => {
  const two = await stepText(page, '#model=vgg16', 2);
  assert.doesNotMatch(two, /orange|blue/, 'the timeline has no hue for compute or transfer');
  assert.doesNotMatch(two, /after every layer/, 'SLS rounds that upload nothing');
  const sls = cliSolve({ model: 'vgg16', devices: 10, bandwidth: 100, gflops: 13.6 }, 'sls');
  const quiet = sls.blocks.filter((b) => b.devices.length > 1 && b.devices.every((d) => d.to_bits === 0)).length;
  assert.match(two, new RegExp(`in ${quiet} of the ${sls.blocks.length} rounds the devices keep their rows`));

  const one = await stepText(page, '#model=vgg16', 1);
  assert.match(one, /the band under them is the plan MLS finds for up to D devices \(4 rounds on k = 7\)/);

  // At 79.4 Mbps MLS's transfer rises over SLS's while its compute falls.
  const s = { model: 'vgg16', devices: 10, bandwidth: 79.4, gflops: 13.6 };
  const [m, l] = [cliSolve(s, 'mls'), cliSolve(s, 'sls')];
  assert.ok(m.transfer_s > l.transfer_s && m.compute_s < l.compute_s, 'the setting still shows the case');
  const four = await stepText(page, '#model=vgg16&bandwidth=79.4', 4);
  assert.doesNotMatch(four, /Compute falls too/);
  assert.match(four, /Transfer rises, since more devices share the gateway, but compute falls by more/);

  const eight = await stepText(page, '#model=vgg16&devices=1', 8);
  assert.doesNotMatch(eight, /saves most/);
  assert.match(eight, /At none of the chart's bandwidths does MLS save anything here/);
}));

test('a mixed cluster: one device count and one name and colour per device in every view', () => withPage({ viewport: DESKTOP }, async (page) => {
  await open(page, server.url, MIXED);
  const { plan } = { plan: cliSolveCluster({ model: 'vgg16', cluster: '4x13.6@4096,2x30@8192,1x53@8192', bandwidth: 300 }) };
  assert.match(await page.textContent('[data-caption=system]'), /MLS's choice of the 7 available/);
  const mini = await page.textContent('#mini-text');
  assert.match(mini, /· 7 mixed devices ·/);
  assert.doesNotMatch(mini, /D 10|13\.6 GFLOPS —/);
  // The system picture names the team as the timeline does, fastest first.
  const team = plan.blocks[0].devices.map((d) => `${d.device + 1} · ${d.gflops} GF`);
  const system = await page.$$eval('[data-view=system] svg text', (es) => es.map((e) => e.textContent).filter((t) => t.startsWith('device ')));
  assert.deepEqual(system, team.map((t) => `device ${t}`));
  const lanes = await page.$$eval('[data-view=timeline] svg text', (es) => es.map((e) => e.textContent).filter((t) => t.startsWith('dev ')));
  assert.deepEqual(lanes, team.map((t) => `dev ${t}`));
  // Each device's colour: the system picture's box beside its name equals its halo key's.
  const systemColours = await page.$$eval('[data-view=system] svg rect[width="34"]', (es) => es.map((e) => e.getAttribute('fill')));
  const haloKey = await page.$$eval('[data-view=halo] [data-tip]', (es) => es
    .filter((e) => /^device \d+ \(/.test(e.dataset.tip))
    .map((e) => [e.dataset.tip.match(/^device (\d+)/)[1], e.querySelector('rect')?.getAttribute('fill')]));
  const byDevice = Object.fromEntries(haloKey);
  plan.blocks[0].devices.forEach((d, i) => assert.equal(systemColours[i], byDevice[d.device + 1], `device ${d.device + 1}'s colour`));
  // The name says which board: the halo key and the FL view.
  assert.ok(haloKey.length > 0);
  const tips = await page.$$eval('[data-view=halo] [data-tip]', (es) => es.map((e) => e.dataset.tip));
  assert.ok(tips.some((t) => t.startsWith('device 7 (Orange Pi 5, 53 GFLOPS, 8192 MB)')));
  assert.match(await page.textContent('[data-view=fl]'), /device 5 \(Pi 5, 30 GFLOPS, 8192 MB\)/);
  await shot(page, 'cluster-system');
}));

test('the cluster editor shows only what was applied, drops a stale line, says -5 is out of range', () => withPage({ viewport: DESKTOP }, async (page) => {
  await open(page, server.url, MIXED);
  for (const row of [1, 2, 3]) {
    const field = `#cluster-groups li:nth-child(${row}) .memory`;
    await page.fill(field, '1');
    await page.press(field, 'Tab');
    await hashWritten(page);
  }
  const cluster = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('cluster');
  const fields = await page.$$eval('#cluster-groups li', (rows) => rows.map((r) => ['count', 'gflops', 'memory'].map((k) => r.querySelector(`.${k}`).value)));
  const written = fields.map(([c, g, m]) => `${c}x${g}${m ? `@${m}` : ''}`).join(',');
  assert.equal(written, cluster, 'the fields show the cluster the link and the views hold');
  assert.match(await page.textContent('#cluster-status'), /still show the last cluster/);
  // An edit that solves clears that line.
  await page.fill('#cluster-groups li:nth-child(1) .count', '3');
  await page.press('#cluster-groups li:nth-child(1) .count', 'Tab');
  await hashWritten(page);
  assert.ok(await page.isHidden('#cluster-status'), 'no stale line after an edit that solved');
  await page.fill('#cluster-groups li:nth-child(1) .count', '-5');
  assert.match(await page.textContent('#cluster-error'), /count -5 is outside 1\.\.\d+, using 1/);
}));

test('a lesson link locks what it hides: no preset, tour or editor changes it', () => withPage({ viewport: DESKTOP }, async (page) => {
  await open(page, server.url, '#model=alexnet&devices=6&bandwidth=40&gflops=2.5&algorithm=both&hide=bandwidth,gflops,algorithm');
  const before = await shown(page);
  assert.ok(await page.isHidden('#rpi4'), 'the preset that sets them is hidden with them');
  assert.ok(await page.isHidden('#cluster'), 'so is the cluster editor, which replaces the speed');
  // Even clicked by a script, the preset leaves them.
  await page.evaluate(() => document.getElementById('rpi4').click());
  await frames(page);
  await hashWritten(page);
  assert.deepEqual(await shown(page), before);
  assert.match(await page.evaluate(() => location.hash), /bandwidth=40&gflops=2\.5&algorithm=both/);
  // The tour does not switch a hidden "Show".
  await page.click('#tour-start');
  await settled(page);
  assert.equal(await page.inputValue('#algorithm'), 'both');
  // The builder can hide the cluster editor and the system view.
  for (const id of ['cluster', 'view-system']) assert.ok(await page.$(`[data-testid=lesson-hide-${id}]`), id);
  await shot(page, 'lesson-locked');
}));

test('tinyres partitions as it opens; a plan on one device says so and offers a setting that splits', () => withPage({ viewport: DESKTOP }, async (page) => {
  await open(page, server.url, '#model=tinyres');
  const s = { model: 'tinyres', devices: 10, bandwidth: 100, gflops: 1 };
  assert.match(await page.evaluate(() => location.hash), /devices=10&bandwidth=100&gflops=1&/);
  const mls = cliSolve(s, 'mls');
  assert.ok(mls.devices > 1, 'the CLI partitions tinyres at its teaching setting');
  assert.equal((await shown(page)).devices, mls.devices);
  assert.match(await page.textContent('#note'), /tinyres opens with its teaching setting/);
  assert.ok(await page.isHidden('#single-note'));

  await open(page, server.url, '#model=tiny&devices=10&bandwidth=100&gflops=13.6');
  await page.waitForSelector('#single-note a');
  assert.match(await page.textContent('#single-note'), /The best plan here is one device alone/);
  const offered = await page.evaluate(() => location.hash);
  await page.click('#single-note a');
  await page.waitForFunction((h) => location.hash !== h, offered);
  await settled(page);
  assert.ok((await shown(page)).devices > 1, 'the setting offered splits');
  await shot(page, 'single-offer');
}));

test('captions: SLS never fuses layers, SLS-only mode makes no MLS claim, one rounding of the saving', () => withPage({ viewport: DESKTOP }, async (page) => {
  for (const model of ['resnet18', 'mobilenetv2']) {
    await open(page, server.url, `#model=${model}`);
    const caption = await page.textContent('[data-caption=network]');
    assert.doesNotMatch(caption.match(/SLS runs[^.]*\./)[0], /fuses/, model);
    assert.match(caption, /SLS runs all \d+ layers in one round on one device/);
  }
  await open(page, server.url, '#model=vgg16&algorithm=sls');
  assert.doesNotMatch(await page.textContent('[data-caption=network]'), /MLS/);
  const saving = await page.textContent('[data-testid=saving]');
  assert.ok((await page.textContent('#mini-text')).includes(saving), 'the phone line rounds as the panel');
}));

test('the skip link and the case list tell the truth', () => withPage({ viewport: DESKTOP }, async (page) => {
  await open(page, server.url, '#model=alexnet&devices=6&bandwidth=40');
  const hash = await page.evaluate(() => location.hash);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement.id === 'views');
  await frames(page);
  await hashWritten(page);
  assert.ok(await page.isHidden('#note'), 'no note');
  assert.equal(await page.evaluate(() => location.hash), hash, 'the setting stays');
  const names = await page.$$eval('#case-list dt', (es) => es.length);
  const words = { 4: 'four', 5: 'five', 6: 'six' };
  assert.match(await page.textContent('.cases p'), new RegExp(`name ${words[names]}`));
}));

test('a hash navigated to while a write is pending is not overwritten (hash.js, node)', async () => {
  // The browser's side, enough for hash.js: the address, replaceState, timers run by hand.
  const listeners = [];
  const timers = [];
  let now = 0;
  const saved = Object.fromEntries(['location', 'history', 'addEventListener', 'setTimeout', 'document'].map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]));
  Object.assign(globalThis, {
    document: { documentElement: { dataset: {} } },
    location: { hash: '#model=vgg16' },
    history: { replaceState: (_, __, h) => { globalThis.location.hash = h; } },
    addEventListener: (type, fn) => { if (type === 'hashchange') listeners.push(fn); },
    setTimeout: (fn) => timers.push(fn),
  });
  const clock = performance.now;
  performance.now = () => now;
  try {
    const { writeHash } = await import(`../../www/js/hash.js?${Date.now()}`);
    const { defaults, toHash } = await import('../../www/js/state.js');
    const s = { ...defaults(), model: 'vgg16' };
    writeHash({ ...s, devices: 5 });
    now += 10;
    writeHash({ ...s, devices: 6 });
    assert.equal(timers.length, 1, 'the second write waits');
    // A link is followed; its hashchange is queued behind the write's timer.
    location.hash = '#model=alexnet&devices=3';
    timers.shift()();
    assert.equal(location.hash, '#model=alexnet&devices=3', 'the link is not overwritten');
    for (const fn of listeners) fn();
    // The page reads it and writes its own hash for it again.
    now += 500;
    writeHash({ ...s, model: 'alexnet', devices: 3 });
    assert.equal(location.hash, toHash({ ...s, model: 'alexnet', devices: 3 }));
  } finally {
    performance.now = clock;
    for (const [key, d] of Object.entries(saved)) {
      if (d) Object.defineProperty(globalThis, key, d);
      else delete globalThis[key];
    }
  }
});
