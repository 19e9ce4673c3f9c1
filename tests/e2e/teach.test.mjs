// The teaching tools (tour, DP view, explanations, lessons) in headless Chromium, checked against the CLI:
// the guided tour from step 1 to the last for two settings, every step's figures equal
// to `coopai solve --json` (and `--dp`) for the setting on screen, also after a slider
// moves mid-tour; the DP view's optimal blocks equal the plan's blocks for several
// settings, branching models included; `hide=` and the lesson-link builder; linked
// views; animation controls and reduced motion. Any console error fails a test.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve, open, settled, frames, SHOTS } from './harness.mjs';
import { cliSolve, cliSolveCluster, cliSolveDp, cliSolveStream } from './cli.mjs';
import { hashState, assertMatchesCli, withPage } from './checks.mjs';
import { seconds, flops, devices } from '../../www/js/format.js';
import { layerSpan, pickConvBlock } from '../../www/js/views/halo.js';

let server;
before(async () => { server = await serve(); mkdirSync(SHOTS, { recursive: true }); });
after(() => server.close());

const pct = (x) => `${x.toFixed(1)} %`;
const saving = (mls, sls) => (100 * (sls.completion_s - mls.completion_s)) / sls.completion_s;

/** The figures step `n` must state for setting `s`, all from the CLI. */
function expected(n, s) {
  const { plan: mls, dp } = cliSolveDp(s, 'mls');
  const sls = cliSolve(s, 'sls');
  switch (n) {
    case 1: {
      const one = mls.per_k[0];
      return [`${mls.model.layers} layers`, flops(mls.model.flops), `D = ${s.devices} edge devices of ${s.gflops} GFLOPS`, `${s.bandwidth} Mbps`,
        seconds(one.completion_s), seconds(one.compute_s), seconds(one.transfer_s)];
    }
    case 2:
      return [`${sls.blocks.length} rounds on k = ${sls.devices}`, seconds(sls.completion_s), seconds(sls.transfer_s),
        pct((100 * sls.transfer_s) / sls.completion_s), `${s.bandwidth} Mbps`,
        ...(sls.devices < s.devices ? [`SLS stops at ${sls.devices} of ${s.devices}`] : [])];
    case 3: {
      const b = pickConvBlock(mls, 0);
      const computed = b.devices.reduce((t, d) => t + d.flops, 0);
      // The table's halo for this very block: what the devices compute beyond the layers.
      const row = dp.rows.find((r) => r.last === b.last);
      const halo = row.candidates.find((c) => c.first === b.first && c.case === b.case).halo_flops;
      const n = b.last - b.first + 1;
      return [`${layerSpan(b)} in round ${b.round} on ${devices(b.devices.length)}`, flops(computed), flops(computed - halo),
        pct((100 * halo) / (computed - halo)), n === 1 ? 'no saving' : `one round instead of ${n}`];
    }
    case 4:
      return [`${mls.blocks.length} blocks on k = ${mls.devices}`, mls.blocks.map(layerSpan).join(', '),
        seconds(mls.completion_s), seconds(sls.completion_s), pct(saving(mls, sls)),
        seconds(sls.transfer_s), seconds(mls.transfer_s), seconds(sls.compute_s), seconds(mls.compute_s),
        ...(mls.devices > sls.devices && mls.compute_s < sls.compute_s ? [`afford k = ${mls.devices} devices where SLS stops at ${sls.devices}`] : [])];
    case 5:
      return [`k = ${dp.k}`, `compared ${dp.rows.reduce((t, r) => t + r.candidates.length, 0)} candidate blocks`,
        `T(${mls.model.layers}) = ${seconds(dp.completion_s)}`, `the ${dp.chain.length} blocks`];
    case 6: {
      const fc = mls.blocks.filter((b) => b.case.startsWith('fc') || b.case === 'conv+fc');
      return fc.map((b) => `round ${b.round} (${layerSpan(b)}) as ${b.case}, ${seconds(b.completion_s)}`);
    }
    case 7: {
      const all = mls.per_k.at(-1);
      return [seconds(mls.per_k[0].completion_s), `k = ${mls.devices} of the ${s.devices}`, seconds(mls.completion_s),
        seconds(all.completion_s), seconds(all.transfer_s)];
    }
    case 8: {
      const at = (g) => {
        const m = cliSolve({ ...s, bandwidth: g }, 'mls');
        return [seconds(m.completion_s), `k = ${m.devices}`, pct(saving(m, cliSolve({ ...s, bandwidth: g }, 'sls')))];
      };
      // The Fig. 9 bandwidths: where MLS saves most (the first on a tie).
      const all = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].map((g) => [g, saving(cliSolve({ ...s, bandwidth: g }, 'mls'), cliSolve({ ...s, bandwidth: g }, 'sls'))]);
      const top = all.reduce((a, p) => (p[1] > a[1] ? p : a));
      return [...at(10), ...at(1000), `${s.bandwidth} Mbps: ${seconds(mls.completion_s)} with k = ${mls.devices}, ${pct(saving(mls, sls))}`,
        `saves most at ${top[0]} Mbps (${pct(top[1])})`];
    }
    case 9: {
      // The stream's step: the throughput plan against MLS's plan for one picture.
      const stream = cliSolveStream(s, 'mls');
      const same = stream.period_s === mls.period_s && stream.blocks.length === mls.blocks.length && stream.devices === mls.devices;
      return [`a frame every ${seconds(stream.period_s)} (${stream.throughput_fps.toPrecision(3)} frames/s)`,
        `${stream.frames_in_flight} frame`,
        same ? `plan for one picture (${mls.blocks.length} rounds on ${mls.devices} devices) is also the best for a stream`
          : `For one picture MLS uses ${mls.blocks.length} rounds on ${mls.devices} devices, whose period is ${seconds(mls.period_s)}; for the stream MLS uses ${stream.blocks.length} rounds on ${stream.devices}`,
        'That is the tour'];
    }
    default:
      throw new Error(`no step ${n}`);
  }
}

const VIEWS = ['view-network', 'view-timeline', 'view-halo', 'view-network', 'view-dp', 'view-fl', 'view-chart-k', 'view-chart-bandwidth', 'view-stream-timeline'];

/** Checks the step on screen: its number, its ringed view, every CLI figure in its text. */
async function checkStep(page, n) {
  // The step is shown with the plans of its setting, solved in the worker.
  const s = await hashState(page);
  assert.equal(await page.textContent('#tour-count'), `Step ${n} of 9`);
  assert.equal(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('tour'), String(n));
  const text = await page.textContent('[data-testid=tour-text]');
  for (const figure of expected(n, s)) assert.ok(text.includes(figure), `step ${n} at ${JSON.stringify(s)}: “${figure}” missing from “${text}”`);
  assert.ok(await page.$eval(`#${VIEWS[n - 1]}`, (e) => e.classList.contains('tour-focus')), `step ${n} rings ${VIEWS[n - 1]}`);
  return text;
}

test('the tour, started from its button, states the CLI figures at every step (VGG16, the paper setting)', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  assert.ok(await page.isHidden('#tour'));
  await page.click('#tour-start');
  for (let n = 1; n <= 9; n += 1) {
    await checkStep(page, n);
    if (n === 2) assert.equal(await page.inputValue('#algorithm'), 'both', 'step 2 shows SLS beside MLS');
    if (n === 1) await page.screenshot({ path: join(SHOTS, 'tour-step1.png') });
    if (n === 4) await page.screenshot({ path: join(SHOTS, 'tour-step4.png') });
    if (n < 9) await page.click('[data-testid=tour-next]');
  }
  assert.equal(await page.textContent('[data-testid=tour-next]'), 'Finish');
  await page.click('[data-testid=tour-next]');
  await settled(page);
  assert.ok(await page.isHidden('#tour'));
  assert.equal(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('tour'), null);
}));

test('the tour from a link, by keyboard, follows a slider moved mid-tour (AlexNet, 6 devices, 40 Mbps, 2.5 GFLOPS)', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=alexnet&devices=6&bandwidth=40&gflops=2.5&algorithm=mls&tour=1');
  assert.ok(await page.isVisible('#tour'));
  await checkStep(page, 1);
  await page.focus('#tour-next');
  await page.keyboard.press('ArrowRight');
  await checkStep(page, 2);
  await page.keyboard.press('ArrowLeft');
  await checkStep(page, 1);
  for (let n = 2; n <= 9; n += 1) {
    await page.keyboard.press('ArrowRight');
    const before = await checkStep(page, n);
    if (n === 4) {
      // A slider moved mid-tour: arrows move the slider, not the tour, and the step's
      // words follow the new plan.
      await page.focus('#bandwidth');
      await page.keyboard.press('PageDown');
      assert.ok((await hashState(page)).bandwidth < 40);
      const after = await checkStep(page, 4);
      assert.notEqual(after, before);
      await assertMatchesCli(page);
      await page.focus('#tour-next');
    }
  }
  await page.keyboard.press('Escape');
  await settled(page);
  assert.ok(await page.isHidden('#tour'));
}));

/** The DP view's blocks, as `[first, last]`. */
async function dpBlocks(page) {
  await page.locator('#view-dp').scrollIntoViewIfNeeded();
  await page.waitForSelector('[data-testid=dp-block]');
  return page.$$eval('[data-testid=dp-block]', (els) => els.map((e) => [Number(e.dataset.first), Number(e.dataset.last)]));
}

test('the DP view traces back the plan\'s blocks, chains and branching models alike', () => withPage({}, async (page) => {
  const settings = [
    ['vgg16', 10, 100, 13.6, 'mls'],
    ['alexnet', 6, 40, 2.5, 'mls'],
    ['yolov2', 10, 100, 13.6, 'mls'],
    ['tinyres', 8, 1000, 2, 'mls'],
    ['resnet18', 10, 1000, 13.6, 'mls'],
    ['mobilenetv2', 10, 1000, 13.6, 'mls'],
    ['vgg16', 10, 100, 13.6, 'sls'],
    ['tinyres', 4, 100, 13.6, 'mls'],
  ];
  for (const [model, d, g, f, algorithm] of settings) {
    await open(page, server.url, `#model=${model}&devices=${d}&bandwidth=${g}&gflops=${f}&algorithm=${algorithm}`);
    const s = { model, devices: d, bandwidth: g, gflops: f };
    const { plan, dp } = cliSolveDp(s, algorithm);
    const want = plan.blocks.map((b) => [b.first, b.last]);
    assert.deepEqual(await dpBlocks(page), want, `${model} ${algorithm}`);
    assert.deepEqual(dp.chain.map((b) => [b.first, b.last]), want, `CLI table of ${model}`);
    // One kept cell per row, at the first layer the table kept.
    const kept = await page.$$eval('[data-view=dp] [data-kept]', (els) => els.map((e) => [Number(e.dataset.first), Number(e.dataset.j)]));
    assert.deepEqual(kept, dp.rows.map((r) => [r.first, r.last]), `kept cells of ${model}`);
    if (model === 'tinyres') await page.locator('#view-dp').screenshot({ path: join(SHOTS, 'dp-tinyres.png') });
  }
  // Another k: the chain of the table at k = 3 has as many blocks as the CLI's optimum for k = 3.
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  await page.locator('#view-dp').scrollIntoViewIfNeeded();
  await page.selectOption('#dp-k', '3');
  await page.waitForFunction(() => location.hash.includes('dpk='));
  assert.equal(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('dpk'), '3');
  const at3 = cliSolve({ model: 'vgg16', devices: 10, bandwidth: 100, gflops: 13.6 }).per_k[2];
  assert.equal((await dpBlocks(page)).length, at3.blocks);
  assert.match(await page.textContent('#dp-caption'), new RegExp(`T\\(16\\) = ${seconds(at3.completion_s).replace('.', '\\.')}`));
}));

test('a mixed cluster\'s DP view and explanation are of the cluster, at every k', () => withPage({}, async (page) => {
  const s = { model: 'vgg16', cluster: '3x13.6,1x50', bandwidth: 300 };
  await open(page, server.url, `#model=vgg16&bandwidth=300&algorithm=mls&cluster=${s.cluster}`);
  const { plan, dp } = cliSolveCluster(s, 'mls', { dp: true });
  assert.deepEqual(await dpBlocks(page), dp.chain.map((b) => [b.first, b.last]));
  assert.deepEqual(dp.chain.map((b) => [b.first, b.last]), plan.blocks.map((b) => [b.first, b.last]));
  await page.locator('#explain').scrollIntoViewIfNeeded();
  await settled(page);
  assert.match(await page.textContent('#explain'), new RegExp(`${plan.blocks.length} rounds on ${plan.devices} devices`));
  // The k list runs to the cluster's 4 devices, not the hidden sliders' D.
  await page.locator('#view-dp').scrollIntoViewIfNeeded();
  assert.equal(await page.$$eval('#dp-k option', (o) => o.length), 1 + 4);
  await page.selectOption('#dp-k', '2');
  await settled(page);
  const at2 = cliSolveCluster(s).per_k[1];
  assert.equal((await dpBlocks(page)).length, at2.blocks);
  assert.match(await page.textContent('#dp-caption'), new RegExp(`T\\(16\\) = ${seconds(at2.completion_s).replace('.', '\\.')}`));
}));

test('the DP view fills one row at a time, and its cells explain their time', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  const { dp } = cliSolveDp({ model: 'vgg16', devices: 10, bandwidth: 100, gflops: 13.6 });
  await page.locator('#view-dp').scrollIntoViewIfNeeded();
  await page.click('#dp-restart');
  assert.equal(await page.$$eval('[data-testid=dp-block]', (e) => e.length), 0);
  assert.equal(await page.$$eval('[data-view=dp] [data-cell]', (e) => e.length), 0);
  for (let j = 1; j <= 3; j += 1) {
    await page.click('#dp-step');
    const row = dp.rows[j - 1];
    const kept = row.candidates.find((c) => c.first === row.first && c.case === row.case);
    const caption = await page.textContent('#dp-caption');
    assert.ok(caption.includes(`Row j = ${j}: ${row.candidates.length} candidate`), caption);
    assert.ok(caption.includes(`T(${j}) = T(${row.first - 1}) + e(${row.first}, ${j}) = ${seconds(kept.before_s)} + ${seconds(kept.block_s)} = ${seconds(row.best_s)}`), caption);
    assert.equal(await page.$$eval('[data-view=dp] [data-cell]', (e) => e.length), dp.rows.slice(0, j).reduce((t, r) => t + new Set(r.candidates.map((c) => c.first)).size, 0));
  }
  await page.locator('#view-dp').screenshot({ path: join(SHOTS, 'dp-step.png') });
  await page.click('#dp-all');
  assert.equal((await dpBlocks(page)).length, dp.chain.length);
  // A fused candidate's tooltip: its compute, halo and transfer, from the table.
  const row = dp.rows[6];
  const c = row.candidates.find((x) => x.first === 3);
  await page.hover(`[data-view=dp] [data-cell][data-j="7"][data-first="3"]`);
  const tip = await page.textContent('#tip');
  for (const part of [`b(3..7)`, seconds(c.before_s), seconds(c.block_s), seconds(c.compute_s), seconds(c.halo_s), seconds(c.transfer_s)]) {
    assert.ok(tip.includes(part), `${part} in ${tip}`);
  }
}));

test('hide= hides controls and views; hidden controls keep their values', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=alexnet&devices=6&bandwidth=40&gflops=2.5&algorithm=mls&hide=bandwidth,gflops,view-fig9,nonsense');
  assert.ok(await page.isHidden('#bandwidth'));
  assert.ok(await page.isHidden('#gflops'));
  assert.ok(await page.isHidden('#view-chart-bandwidth'));
  assert.ok(await page.isVisible('#devices'));
  assert.ok(await page.isVisible('#view-chart-k'));
  const note = await page.textContent('#lesson-note');
  assert.match(note, /hides: Bandwidth G, Device speed F, Fig\. 9/);
  assert.match(note, /nonsense/);
  // The hidden bandwidth and speed still drive the plan.
  const s = await assertMatchesCli(page);
  assert.equal(s.bandwidth, 40);
  assert.equal(s.gflops, 2.5);
  await page.focus('#devices');
  await page.keyboard.press('ArrowRight');
  const moved = await assertMatchesCli(page);
  assert.deepEqual([moved.devices, moved.bandwidth, moved.gflops], [7, 40, 2.5]);
  const hash = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
  assert.equal(hash.get('hide'), 'bandwidth,gflops,view-fig9');
  await page.screenshot({ path: join(SHOTS, 'lesson-hidden.png') });
  await page.click('#lesson-show-all');
  await settled(page);
  assert.ok(await page.isVisible('#bandwidth'));
  assert.ok(await page.isVisible('#view-chart-bandwidth'));
  assert.ok(await page.isHidden('#lesson-note'));
}));

test('the lesson-link builder makes a link that opens the same setting, parts hidden, tour on', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=yolov2&devices=12&bandwidth=20&gflops=5&algorithm=mls');
  await page.locator('#lesson').scrollIntoViewIfNeeded();
  for (const id of ['devices', 'model', 'view-timeline', 'view-fig8']) await page.check(`[data-testid=lesson-hide-${id}]`);
  await page.check('#lesson-tour');
  const link = await page.inputValue('[data-testid=lesson-link]');
  const params = new URLSearchParams(new URL(link).hash.slice(1));
  assert.equal(params.get('hide'), 'model,devices,view-fig8,view-timeline');
  assert.equal(params.get('tour'), '1');
  assert.equal(params.get('devices'), '12');
  await page.locator('#lesson').screenshot({ path: join(SHOTS, 'lesson-builder.png') });
  // Opened fresh, the link gives the same plan with those parts hidden.
  await page.goto('about:blank');
  await page.goto(link);
  await page.waitForSelector('body[data-ready=true]');
  assert.ok(await page.isHidden('#devices'));
  assert.ok(await page.isHidden('#model'));
  assert.ok(await page.isHidden('#view-timeline'));
  assert.ok(await page.isHidden('#view-chart-k'));
  assert.ok(await page.isVisible('#bandwidth'));
  assert.ok(await page.isVisible('#tour'));
  const s = await assertMatchesCli(page);
  assert.deepEqual([s.model, s.devices, s.bandwidth, s.gflops], ['yolov2', 12, 20, 5]);
  // Its builder starts with the link's boxes ticked.
  assert.ok(await page.isChecked('[data-testid=lesson-hide-view-timeline]'));
  assert.ok(!(await page.isChecked('[data-testid=lesson-hide-bandwidth]')));
}));

test('hovering or focusing a round or a layer highlights it in every view', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  // Draw every view first (off-screen ones are drawn when idle).
  for (const id of ['view-timeline', 'view-halo', 'view-fl', 'view-dp', 'view-chart-k']) await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  await page.locator('#view-network').scrollIntoViewIfNeeded();
  const plan = cliSolve({ model: 'vgg16', devices: 10, bandwidth: 100, gflops: 13.6 });
  const b2 = plan.blocks[1];
  await page.hover('[data-view=network] [data-round="2"][data-plan=mls]');
  const lit = () => page.$$eval('.linked', (els) => els.map((e) => ({
    view: e.closest('[data-view]')?.dataset.view ?? e.closest('section')?.id,
    round: e.dataset.round, layer: e.dataset.layer, k: e.dataset.currentK,
  })));
  let on = await lit();
  const views = new Set(on.map((x) => x.view));
  for (const v of ['network', 'timeline', 'dp', 'chart-k', 'view-network']) assert.ok(views.has(v), `${v} lit: ${[...views]}`);
  const layers = on.filter((x) => x.view === 'network' && x.layer).map((x) => Number(x.layer));
  assert.deepEqual(layers, Array.from({ length: b2.last - b2.first + 1 }, (_, i) => b2.first + i));
  assert.ok(on.some((x) => x.view === 'view-network' && x.round === '2'), 'the explanation of round 2');
  assert.ok(on.filter((x) => x.view === 'timeline').every((x) => x.round === '2'));
  // Focus a layer by keyboard: its round lights up, in the halo view too when it shows it.
  const layer = plan.blocks[0].first + 1;
  await page.focus(`[data-view=network] [data-layer="${layer}"]`);
  on = await lit();
  assert.ok(on.some((x) => x.view === 'network' && x.round === '1'));
  assert.ok(on.some((x) => x.view === 'halo' && x.layer === String(layer)));
  assert.ok(on.some((x) => x.view === 'dp' && x.layer === String(layer)));
  await page.keyboard.press('Escape');
  assert.equal((await lit()).length, 0);
}));

test('the halo and FL animations play, pause, step and change speed', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  // Views off screen are drawn lazily; draw them now so no redraw restarts a clock below.
  await page.evaluate(() => window.coopaiDebug.drawAll());
  await page.locator('#view-halo').scrollIntoViewIfNeeded();
  const halo = () => page.$eval('[data-view=halo]', (f) => f.getAnimations({ subtree: true }).map((a) => ({ state: a.playState, t: Number(a.currentTime), rate: a.playbackRate })));
  assert.equal(await page.textContent('[data-testid=halo-anim-play]'), 'Pause');
  await page.click('[data-testid=halo-anim-play]');
  assert.equal(await page.textContent('[data-testid=halo-anim-play]'), '▶ Play');
  await page.click('[data-testid=halo-anim-step]');
  const a = await halo();
  assert.ok(a.length > 0 && a.every((x) => x.state === 'paused'), JSON.stringify(a));
  await page.click('[data-testid=halo-anim-step]');
  const b = await halo();
  assert.ok(b.every((x, i) => Math.abs(x.t - a[i].t - 250) < 1), 'a step is 250 ms of the replay');
  await page.selectOption('[data-testid=halo-anim-speed]', '0.5');
  await page.click('[data-testid=halo-anim-play]');
  const c = await halo();
  // Playing again at half speed: none is left paused (the first to start may be done).
  assert.ok(c.every((x) => x.rate === 0.5 && x.state !== 'paused') && c.some((x) => x.state === 'running'), JSON.stringify(c));
  await page.locator('#view-fl').scrollIntoViewIfNeeded();
  // Let any redraw the scroll brings (views are drawn lazily) land before reading the clock.
  await page.evaluate(() => window.coopaiDebug.drawAll());
  await frames(page);
  const clock = () => page.$eval('[data-view=fl] svg', (s) => s.getCurrentTime());
  // A redraw (views are drawn lazily) replaces the drawing and its clock: mark the
  // drawing, and measure again if it was replaced in between.
  const mark = () => page.$eval('[data-view=fl] svg', (s) => { s.dataset.probe = '1'; });
  const same = () => page.$eval('[data-view=fl] svg', (s) => s.dataset.probe === '1');
  let measured = false;
  for (let attempt = 0; attempt < 3 && !measured; attempt++) {
    await mark();
    // Pause (the button says what it will do).
    if (await page.textContent('[data-testid=fl-anim-play]') !== '▶ Play') await page.click('[data-testid=fl-anim-play]');
    const t0 = await clock();
    await frames(page, 10); // a running clock would move in ten frames
    const t1 = await clock();
    await page.click('[data-testid=fl-anim-step]');
    const t2 = await clock();
    if (!(await same())) continue;
    assert.equal(t1, t0, 'paused');
    // Chromium's SMIL clock counts whole microseconds, so a set time may lose one.
    assert.ok(Math.abs(t2 - t1 - 0.2) < 5e-6, `a step is 0.2 s, not ${t2 - t1}`);
    measured = true;
  }
  assert.ok(measured, 'the FL drawing kept being redrawn');
}));

test('reduced motion: nothing moves until asked', () => withPage({ reducedMotion: 'reduce' }, async (page) => {
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  await page.locator('#view-halo').scrollIntoViewIfNeeded();
  assert.equal(await page.textContent('[data-testid=halo-anim-play]'), '▶ Play');
  const states = await page.$eval('[data-view=halo]', (f) => f.getAnimations({ subtree: true }).map((a) => a.playState));
  assert.ok(states.every((s) => s === 'finished'), JSON.stringify(states));
  await page.locator('#view-fl').scrollIntoViewIfNeeded();
  assert.ok(await page.isDisabled('[data-testid=fl-anim-play]'));
  assert.match(await page.textContent('[data-anim=fl]'), /reduced motion/);
  await page.click('[data-testid=halo-anim-step]');
  const stepped = await page.$eval('[data-view=halo]', (f) => f.getAnimations({ subtree: true }).map((a) => a.playState));
  assert.ok(stepped.length > 0 && stepped.every((s) => s === 'paused'), JSON.stringify(stepped));
}));

test('"Explain this plan" gives each round its figures from the DP table', () => withPage({}, async (page) => {
  for (const [model, d, g, f] of [['vgg16', 10, 100, 13.6], ['alexnet', 6, 40, 2.5]]) {
    await open(page, server.url, `#model=${model}&devices=${d}&bandwidth=${g}&gflops=${f}&algorithm=mls`);
    const { plan, dp } = cliSolveDp({ model, devices: d, bandwidth: g, gflops: f });
    const items = await page.$$eval('#explain-list li', (els) => els.map((e) => e.textContent));
    assert.equal(items.length, plan.blocks.length);
    const cand = (j, i, c) => dp.rows[j - 1].candidates.filter((x) => x.first === i && (!c || x.case === c));
    const alone = (n) => cand(n, n).reduce((a, x) => (x.block_s < a.block_s ? x : a));
    plan.blocks.forEach((b, r) => {
      const text = items[r];
      const kept = cand(b.last, b.first, b.case)[0];
      assert.ok(text.startsWith(`Round ${b.round}`), text);
      assert.ok(text.includes(seconds(kept.block_s)), `${seconds(kept.block_s)} in ${text}`);
      if (b.case === 'conv' || b.case === 'conv+fc') {
        if (b.last > b.first) {
          let sum = 0;
          for (let n = b.first; n <= b.last; n += 1) sum += alone(n).block_s;
          for (const part of [flops(kept.halo_flops), `saves ${b.last - b.first} round${b.last - b.first === 1 ? '' : 's'}`, seconds(sum)]) assert.ok(text.includes(part), `${part} in ${text}`);
        }
      } else if (b.case === 'fc-hybrid') {
        assert.ok(text.includes(seconds(alone(b.first).block_s + alone(b.last).block_s)), text);
      }
    });
  }
}));
