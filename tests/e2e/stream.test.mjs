// The page's stream mode: the "one picture / a stream" switch in the hash,
// frames per second beside the completion time, three frames pipelined on a link lane
// and the device lanes, the period curve in Fig. 8, a caption that says why the
// stream plan fuses fewer layers than the plan for one picture — each against the
// CLI's `--objective throughput` — and a screenshot of the pipelined timeline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, browser, open, settled, ROOT } from './harness.mjs';
import { cliSolve, cliSolveStream } from './cli.mjs';
import { seconds } from '../../www/js/format.js';

let server;
before(async () => { server = await serve(); });
after(() => server.close());

const SETTING = { model: 'vgg16', devices: 10, bandwidth: 1000, gflops: 13.6 };
const HASH = '#model=vgg16&devices=10&bandwidth=1000&gflops=13.6&algorithm=both';

const text = (page, id) => page.textContent(`[data-testid=${id}]`);
const caption = (page, view) => page.textContent(`[data-caption="${view}"]`);

test('a stream: the stream plan against the CLI, pipelined in three frames', async () => {
  const b = await browser();
  try {
    await open(b.page, server.url, `${HASH}&objective=throughput`);
    const mls = cliSolveStream(SETTING, 'mls');
    const sls = cliSolveStream(SETTING, 'sls');
    const latency = cliSolve(SETTING, 'mls');
    assert.equal(await b.page.$eval('#objective', (e) => e.value), 'throughput');
    assert.ok((await text(b.page, 'fps')).startsWith(mls.throughput_fps.toPrecision(3)));
    assert.ok((await text(b.page, 'sls-fps')).startsWith(sls.throughput_fps.toPrecision(3)));
    assert.equal(await text(b.page, 'block-count'), String(mls.blocks.length));
    assert.equal(await text(b.page, 'saving-of'), 'of the period');
    const saving = (100 * (sls.period_s - mls.period_s)) / sls.period_s;
    assert.equal(await text(b.page, 'saving'), `${saving.toFixed(2)} %`);
    // Three periods once the pipeline is full: frames 2, 3 and 4 are done, the link and
    // the devices hold different frames at once, and the devices (the bottleneck here:
    // ΣC > ΣT) are busy all the time.
    const view = '[data-view=stream-timeline]';
    for (const f of [2, 3, 4]) assert.ok(await b.page.$(`${view} [data-done="${f}"]`), `frame ${f} done`);
    const spans = (kind) => b.page.$$eval(`${view} rect[data-tip*="${kind}"]`, (rs) => rs.map((r) => [Number(r.getAttribute('x')), Number(r.getAttribute('x')) + Number(r.getAttribute('width')), r.dataset.frame]));
    // One lane per device, named as every view names it.
    const lanes = await b.page.$$eval(`${view} svg text[text-anchor=end]`, (ts) => ts.map((t) => t.textContent).filter((t) => !t.startsWith('frame ')));
    assert.deepEqual(lanes, ['link', ...Array.from({ length: mls.devices }, (_, d) => `dev ${d + 1}`)]);
    const link = await spans('the link carries');
    const compute = await spans('computes');
    assert.ok(new Set(link.map(([, , f]) => f)).size >= 2 && new Set(compute.map(([, , f]) => f)).size >= 2, 'several frames at once');
    const sum = (key) => mls.rounds.reduce((a, r) => a + r[key], 0);
    assert.ok(sum('compute_s') > sum('transfer_s'));
    let covered = 0;
    let reach = -Infinity;
    for (const [a, z] of compute.sort((p, q) => p[0] - q[0])) {
      if (z > reach) { covered += z - Math.max(a, reach); reach = z; }
    }
    const [left, right] = [Math.min(...compute.map(([a]) => a)), Math.max(...compute.map(([, z]) => z))];
    assert.ok(covered > 0.99 * (right - left), `the devices are busy ${covered} of ${right - left}`);
    // The caption compares with the plan for one picture, from the same plans.
    assert.ok(mls.period_s < latency.period_s && mls.blocks.length > latency.blocks.length, 'the setting shows the trade-off');
    const c = await caption(b.page, 'stream-timeline');
    assert.match(c, new RegExp(`For one picture MLS uses ${latency.blocks.length} rounds on ${latency.devices} devices`));
    assert.match(c, new RegExp(`for the stream MLS uses ${mls.blocks.length} rounds on ${mls.devices}`));
    assert.match(c, /It fuses fewer layers/);
    assert.match(c, new RegExp(`${mls.frames_in_flight} frames are in flight`));
    // Fig. 8's period curve: one point per k, MLS and SLS.
    for (const a of ['mls', 'sls']) assert.ok(await b.page.$(`[data-view=chart-k] polyline[data-period=${a}]`));
    assert.equal((await b.page.$$('[data-view=chart-k] circle[data-tip*="period"]')).length, 2 * SETTING.devices);
    const panel = await b.page.$('#view-stream-timeline');
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: join(ROOT, 'docs/screenshots/stream-timeline-vgg16-light.png') });
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('a stream: Fig. 9 draws each bandwidth\'s throughput plans, their period and one picture\'s time, as the CLI plans them', async () => {
  const b = await browser();
  try {
    await open(b.page, server.url, `${HASH}&objective=throughput`);
    const view = '[data-view=chart-bandwidth]';
    await (await b.page.$(`#view-chart-bandwidth`)).scrollIntoViewIfNeeded();
    await b.page.waitForSelector(`${view} [data-testid=fig9-ready]`, { state: 'attached' });
    for (const a of ['mls', 'sls']) {
      assert.ok(await b.page.$(`${view} path[data-period=${a}]`), `${a}'s period curve`);
      assert.ok(await b.page.$(`${view} path[data-one-picture=${a}]`), `${a}'s one-picture line`);
    }
    const tips = await b.page.$$eval(`${view} g[data-tip*="Mbps, MLS"]`, (gs) => gs.map((g) => g.dataset.tip));
    assert.equal(tips.length, 10);
    for (const mbps of [1, 100, 1000]) {
      const cli = cliSolveStream({ ...SETTING, bandwidth: mbps }, 'mls');
      const tip = tips.find((t) => t.startsWith(`${mbps} Mbps, MLS:`));
      assert.ok(tip.includes(`period ${seconds(cli.period_s)} (one picture ${seconds(cli.completion_s)}) with k = ${cli.devices}`), tip);
    }
    assert.match(await caption(b.page, 'chart-bandwidth'), /^Planned for a stream: at each bandwidth, the plans with the least period/);
    assert.match(await caption(b.page, 'chart-bandwidth'), /MLS's period is never above SLS's/);
    assert.equal(await b.page.textContent('#h-chart-bandwidth'), 'Period against bandwidth (Fig. 9)');
    const mls = cliSolveStream(SETTING, 'mls');
    assert.match(await b.page.textContent('#mini-text'), new RegExp(`MLS a frame every ${seconds(mls.period_s)} on ${mls.devices} devices`));
    await (await b.page.$('#view-chart-bandwidth')).screenshot({ path: join(ROOT, 'target/fig9-stream.png') });
    // Back to one picture: the latency sweep, no period curve.
    await b.page.selectOption('#objective', 'latency');
    await settled(b.page);
    await b.page.waitForSelector(`${view} [data-testid=fig9-ready]`, { state: 'attached' });
    assert.equal(await b.page.$(`${view} path[data-period]`), null);
    assert.equal(await b.page.textContent('#h-chart-bandwidth'), 'Completion time against bandwidth (Fig. 9)');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the switch goes into the hash and back, and re-solves', async () => {
  const b = await browser();
  try {
    await open(b.page, server.url, HASH);
    const latency = cliSolve(SETTING, 'mls');
    assert.ok(!(await b.page.evaluate(() => location.hash)).includes('objective'));
    assert.equal(await text(b.page, 'saving-of'), 'of the time');
    // Every plan reports its period: the latency plan's frames per second.
    assert.ok((await text(b.page, 'fps')).startsWith(latency.throughput_fps.toPrecision(3)));
    assert.match(await caption(b.page, 'stream-timeline'), /Choose “Plan for: a stream”/);
    await b.page.selectOption('#objective', 'throughput');
    await b.page.waitForFunction(() => location.hash.includes('objective=throughput'));
    await settled(b.page);
    const stream = cliSolveStream(SETTING, 'mls');
    assert.ok((await text(b.page, 'fps')).startsWith(stream.throughput_fps.toPrecision(3)));
    assert.equal(await text(b.page, 'block-count'), String(stream.blocks.length));
    await b.page.selectOption('#objective', 'latency');
    await b.page.waitForFunction(() => !location.hash.includes('objective'));
    await settled(b.page);
    assert.equal(await text(b.page, 'block-count'), String(latency.blocks.length));
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('a stream: the DP view and Explain this plan read the MLS plan for one picture and say so', async () => {
  const b = await browser();
  try {
    await open(b.page, server.url, `${HASH}&objective=throughput`);
    const latency = cliSolve(SETTING, 'mls');
    const stream = cliSolveStream(SETTING, 'mls');
    // VGG16 at 1000 Mbps: the stream plan has more rounds than the plan for one picture,
    // so a table of eq. (2) can only be the latter's.
    assert.notEqual(stream.blocks.length, latency.blocks.length);
    await b.page.locator('#view-dp').scrollIntoViewIfNeeded();
    await b.page.waitForFunction(() => /Every row is filled/.test(document.querySelector('[data-caption="dp"]')?.textContent ?? ''));
    const dp = await caption(b.page, 'dp');
    assert.match(dp, new RegExp(`^In a stream the plan is chosen for its period by another DP .* MLS's plan for one picture, on ${latency.devices} devices\\.`));
    // The table's T(L) is the completion time of the plan for one picture.
    assert.ok(dp.includes(`Reading back from T(${latency.model.layers}) = ${seconds(latency.completion_s)}:`), dp);
    await b.page.locator('#explain-list').scrollIntoViewIfNeeded();
    await b.page.waitForFunction(() => /for one picture/.test(document.querySelector('#explain-list').previousElementSibling.textContent));
    const heading = await b.page.$eval('#explain-list', (l) => l.previousElementSibling.textContent);
    assert.match(heading, new RegExp(`^Explain this MLS plan for one picture .*: ${latency.blocks.length} rounds? on ${latency.devices} devices`));
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
