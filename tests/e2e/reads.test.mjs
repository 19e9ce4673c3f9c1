// The page reads right, as a first-time visitor checks it: the teaching
// network teaches at once, the side panel's figures belong to the algorithm they are
// labelled with, every caption's numbers are the plan's (checked against the CLI), the
// keyboard reaches every view in few Tab presses and every tooltip with the arrows, the
// phone shows no page-wide sideways scroll and legible drawings, wide screens show two
// views abreast, and the FL view labels its bars and stops animating.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, open, frames } from './harness.mjs';
import { cliSolve } from './cli.mjs';
import { hashState, assertMatchesCli, withPage } from './checks.mjs';

let server;
before(async () => { server = await serve(); });
after(() => server.close());

const VGG16 = '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=both';

/** Opens `hash` with every view drawn and the Fig. 9 sweep done. */
async function openDrawn(page, hash) {
  await open(page, server.url, hash);
  await page.waitForSelector('[data-testid=fig9-ready]', { state: 'attached' });
  await page.evaluate(() => window.coopaiDebug.drawAll());
}

const caption = (page, view) => page.textContent(`[data-caption="${view}"]`);

async function assertTeaches(page) {
  const s = await hashState(page);
  const mls = cliSolve(s, 'mls');
  assert.ok(mls.devices >= 2, `tiny uses ${mls.devices} device(s) at ${JSON.stringify(s)}`);
  assert.ok(mls.blocks.length >= 2, `tiny has ${mls.blocks.length} block(s)`);
  assert.ok(mls.blocks.some((b) => b.case === 'conv' && b.last > b.first), 'a fused conv block, so a halo');
  await assertMatchesCli(page);
  assert.ok(parseFloat(await page.textContent('[data-testid=saving]')) > 5, 'MLS saves something');
  await page.evaluate(() => window.coopaiDebug.drawAll());
  assert.ok(await page.$('[data-view=halo] [fill="url(#halo-hatch)"]'), 'the halo view draws halo rows');
}

test('tiny teaches at its defaults: from a link, and picked from the list', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=tiny');
  await assertTeaches(page);
  assert.match(await page.textContent('#note'), /teaching setting/);
  await open(page, server.url, VGG16);
  await page.selectOption('#model', 'tiny');
  await assertTeaches(page);
  // Leaving it restores the paper's setting it had replaced.
  await page.selectOption('#model', 'alexnet');
  assert.equal((await hashState(page)).gflops, 13.6);
  // A link that sets the speed keeps it.
  await open(page, server.url, '#model=tiny&gflops=13.6');
  assert.equal((await hashState(page)).gflops, 13.6);
  assert.equal(cliSolve(await hashState(page)).devices, 1);
}));

test('the side panel shows MLS beside SLS, each figure under its label', () => withPage({}, async (page) => {
  await open(page, server.url);
  assert.equal((await hashState(page)).algorithm, 'both', 'the default shows both');
  for (const algorithm of ['sls', 'mls', 'both']) {
    await page.selectOption('#algorithm', algorithm);
    const s = await hashState(page);
    for (const [plan, prefix, column] of [[cliSolve(s, 'mls'), '', 'MLS'], [cliSolve(s, 'sls'), 'sls-', 'SLS']]) {
      const text = (id) => page.textContent(`[data-testid=${prefix}${id}]`);
      assert.equal(Number(await text('devices-used')), plan.devices, `${column} devices with ${algorithm} shown`);
      assert.equal(Number(await text('block-count')), plan.blocks.length, `${column} blocks`);
      assert.ok(Math.abs(parseFloat(await text('completion')) - plan.completion_s) <= 5e-4 * plan.completion_s);
      // The cell sits in the column headed by its algorithm.
      const header = await page.$eval(`[data-testid=${prefix}devices-used]`, (td) => td.closest('table').tHead.rows[0].cells[td.cellIndex].textContent);
      assert.equal(header, column);
    }
  }
}));

test('captions state the plan\'s own numbers', () => withPage({}, async (page) => {
  await openDrawn(page, VGG16);
  const s = await hashState(page);
  const [mls, sls] = [cliSolve(s, 'mls'), cliSolve(s, 'sls')];
  const near = (shown, value, what) => assert.ok(Math.abs(shown - value) <= 5e-4 * value + 1e-4, `${what}: ${shown} vs ${value}`);

  const net = await caption(page, 'network');
  let m = net.match(/MLS runs (\d+) layers in (\d+) rounds on (\d+) devices/);
  assert.deepEqual(m.slice(2).map(Number), [mls.blocks.length, mls.devices], net);
  const named = [...net.matchAll(/round (\d+) fuses layers (\d+)–(\d+)/g)];
  for (const [, r, a, b] of named) {
    const block = mls.blocks[Number(r) - 1];
    assert.deepEqual([block.first, block.last], [Number(a), Number(b)], `round ${r}`);
  }
  assert.equal(named.length, mls.blocks.filter((b) => b.last > b.first).length, 'each fusing round is named');
  m = net.match(/SLS runs \d+ layers in (\d+) rounds on (\d+) devices/);
  assert.deepEqual(m.slice(1).map(Number), [sls.blocks.length, sls.devices]);

  const k = await caption(page, 'chart-k');
  m = k.match(/MLS is fastest with (\d+) devices \(([\d.]+) s\), SLS with (\d+) devices \(([\d.]+) s\)/);
  assert.equal(Number(m[1]), mls.devices);
  near(Number(m[2]), mls.completion_s, 'MLS time');
  assert.equal(Number(m[3]), sls.devices);
  near(Number(m[4]), sls.completion_s, 'SLS time');

  const fig9 = await caption(page, 'chart-bandwidth');
  m = fig9.match(/At (\d+)–(\d+) Mbps MLS and SLS are the same plan: both run the network on one device/);
  assert.ok(m, fig9);
  for (const g of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((g) => g >= Number(m[1]) && g <= Number(m[2]))) {
    const at = { ...s, bandwidth: g };
    assert.deepEqual([cliSolve(at, 'mls').devices, cliSolve(at, 'sls').devices], [1, 1], `${g} Mbps`);
  }
  m = fig9.match(/MLS saves most at (\d+) Mbps: ([\d.]+) % \((\d+) devices against SLS's (\d+)\)/);
  const at = { ...s, bandwidth: Number(m[1]) };
  const [bm, bs] = [cliSolve(at, 'mls'), cliSolve(at, 'sls')];
  assert.ok(Math.abs(Number(m[2]) - (100 * (bs.completion_s - bm.completion_s)) / bs.completion_s) < 0.006, fig9);
  assert.deepEqual([Number(m[3]), Number(m[4])], [bm.devices, bs.devices]);
  m = fig9.match(/Towards 1000 Mbps the saving falls to ([\d.]+) %/);
  const [fm, fs] = [cliSolve({ ...s, bandwidth: 1000 }, 'mls'), cliSolve({ ...s, bandwidth: 1000 }, 'sls')];
  assert.ok(Math.abs(Number(m[1]) - (100 * (fs.completion_s - fm.completion_s)) / fs.completion_s) < 0.006, fig9);

  const timeline = await caption(page, 'timeline');
  // Rounds listed as `1–3, 5 and 7`.
  const listed = (words) => words.split(/, | and /).flatMap((w) => {
    const [a, b = a] = w.split('–').map(Number);
    return Array.from({ length: b - a + 1 }, (_, n) => a + n);
  });
  m = timeline.match(/In MLS's rounds? ([\d, and–]+?) the devices upload nothing at the end/);
  assert.deepEqual(listed(m[1]), mls.blocks.filter((b) => b.devices.every((d) => d.to_bits === 0)).map((b) => b.round));
  m = timeline.match(/at the start of rounds? ([\d, and–]+?) sends on/);
  assert.deepEqual(listed(m[1]), mls.blocks.filter((b) => b.devices.some((d) => d.tau_bits > 0)).map((b) => b.round));

  const halo = await caption(page, 'halo');
  m = halo.match(/In MLS's round (\d+), (\d+) devices compute (\d+) rows of layer (\d+)'s (\d+) \(×([\d.]+)/);
  const block = mls.blocks[Number(m[1]) - 1];
  assert.equal(Number(m[2]), block.devices.length);
  // The layer of the widest halo (×: rows computed by all ÷ rows of the layer).
  const widest = block.devices[0].layers.findIndex((l) => l.layer === Number(m[4]));
  const rows = (i) => block.devices.reduce((n, d) => n + (d.layers[i].rows ? d.layers[i].rows[1] - d.layers[i].rows[0] + 1 : 0), 0);
  assert.equal(Number(m[3]), rows(widest));
  assert.equal(Number(m[6]), Number((rows(widest) / Number(m[5])).toFixed(2)));

  const fl = await caption(page, 'fl');
  const modes = [...fl.matchAll(/(data|model|hybrid) mode in round (\d+)/g)].map(([, mode, r]) => [mode, Number(r)]);
  const CASE = { data: ['fc-data', 'conv+fc'], model: ['fc-model'], hybrid: ['fc-hybrid'] };
  assert.ok(modes.length > 0, fl);
  for (const [mode, r] of modes) assert.ok(CASE[mode].includes(mls.blocks[r - 1].case), `${mode} in round ${r}`);

  const system = await caption(page, 'system');
  assert.match(system, new RegExp(`on ${mls.devices} devices \\(MLS's choice of the ${s.devices} available\\)`));
}));

test('a plan with many fusing rounds is counted in the caption, with its longest named (YOLOv2)', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=yolov2&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  const mls = cliSolve(await hashState(page), 'mls');
  const fused = mls.blocks.filter((b) => b.last > b.first);
  assert.ok(fused.length > 5, `${fused.length} fusing rounds: too few to be counted`);
  const longest = Math.max(...fused.map((b) => b.last - b.first + 1));
  const m = (await caption(page, 'network')).match(/; (\d+) of them fuse layers, up to (\d+) in one: round (\d+) fuses layers (\d+)–(\d+)\./);
  assert.ok(m, await caption(page, 'network'));
  assert.deepEqual(m.slice(1, 3).map(Number), [fused.length, longest]);
  const block = mls.blocks[Number(m[3]) - 1];
  assert.deepEqual([block.first, block.last, block.last - block.first + 1], [Number(m[4]), Number(m[5]), longest]);
}));

test('a skip link, and at most 30 Tab presses to any view\'s controls', () => withPage({}, async (page) => {
  await openDrawn(page, VGG16);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the views');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'views');
  // From the top of the page, Tab by Tab, note when each view's controls are reached.
  await page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
  await open(page, server.url, VGG16);
  await page.evaluate(() => window.coopaiDebug.drawAll());
  const wanted = ['system', 'network', 'chart-k', 'chart-bandwidth', 'timeline', 'halo', 'fl'];
  const reached = {};
  for (let presses = 1; presses <= 30 && Object.keys(reached).length < wanted.length; presses++) {
    await page.keyboard.press('Tab');
    const view = await page.evaluate(() => {
      const a = document.activeElement;
      return a.closest('section')?.id.replace(/^view-/, '') ?? null;
    });
    if (view && !(view in reached)) reached[view] = presses;
  }
  assert.deepEqual(Object.keys(reached).sort(), [...wanted].sort(), `reached in 30 presses: ${JSON.stringify(reached)}`);
}));

test('every tooltip is reachable by keyboard, one tab stop per figure', () => withPage({}, async (page) => {
  await openDrawn(page, '#model=alexnet&devices=4&bandwidth=100&gflops=13.6&algorithm=both');
  for (const view of ['network', 'chart-k', 'chart-bandwidth', 'timeline', 'halo', 'fl']) {
    const figure = `[data-view=${view}]`;
    const tips = await page.$$eval(`${figure} [data-tip]`, (els) => els.map((e) => e.getAttribute('data-tip')));
    assert.ok(tips.length > 0, `${view} has tooltips`);
    assert.equal(await page.$$eval(`${figure} [data-tip][tabindex="0"]`, (e) => e.length), 1, `${view}: one tab stop`);
    await page.focus(`${figure} [data-tip][tabindex="0"]`);
    const seen = [];
    for (let i = 0; i < tips.length; i++) {
      seen.push(await page.textContent('#tip'));
      assert.ok(await page.isVisible('#tip'), `${view}: tip ${i} visible`);
      await page.keyboard.press('ArrowRight');
    }
    assert.deepEqual(seen, tips, `${view}: the arrows visit every tooltip in order`);
  }
}));

test('the "Copy link" confirmation shows beside the button, also when scrolled', () => withPage({}, async (page) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openDrawn(page, VGG16);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.click('#copy-link');
  await page.waitForFunction(() => document.querySelector('#copy-status').textContent !== '');
  const box = await page.$eval('#copy-status', (e) => e.getBoundingClientRect().toJSON());
  assert.ok(box.top >= 0 && box.bottom <= 900, `status at ${box.top}..${box.bottom}`);
}));

for (const hash of [VGG16, '#model=yolov2&devices=32&bandwidth=100&gflops=13.6&algorithm=both', '#model=tiny']) {
  test(`phone width: no page-wide sideways scroll, legible drawings (${hash})`, () => withPage({ viewport: { width: 390, height: 844 } }, async (page) => {
    await openDrawn(page, hash);
    await frames(page); // the overflow hints follow a ResizeObserver
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    const report = await page.$$eval('.figure svg', (svgs) => svgs.map((svg) => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const sizes = [...svg.querySelectorAll('text')].filter((t) => t.textContent).map((t) => Number(t.getAttribute('font-size') ?? 12) * scale);
      const box = svg.parentElement;
      return { view: box.dataset.view, smallest: Math.min(...sizes), scrolls: box.scrollWidth > box.clientWidth + 1, hinted: box.closest('.panel').classList.contains('overflows') };
    }));
    for (const r of report) {
      assert.ok(r.smallest >= 8.5, `${r.view}: text ${r.smallest.toFixed(1)} px`);
      assert.equal(r.hinted, r.scrolls, `${r.view}: a drawing that scrolls says so`);
    }
    assert.equal(report.find((r) => r.view === 'fl').scrolls, false, 'the FL view stacks its panels');
    // The setting stays in sight while the views scroll.
    await page.evaluate(() => window.scrollTo(0, 3000));
    const mini = await page.$eval('#mini', (e) => e.getBoundingClientRect().top);
    assert.equal(mini, 0);
  }));
}

test('layout: two views abreast at 1920 px, one column at 1280 px', async () => {
  for (const [width, columns] of [[1920, 2], [1280, 1]]) {
    await withPage({ viewport: { width, height: 1080 } }, async (page) => {
      await open(page, server.url, VGG16);
      const lefts = await page.$$eval('.views > section:not([hidden])', (s) => s.map((e) => Math.round(e.getBoundingClientRect().left)));
      assert.equal(new Set(lefts).size, columns, `${width} px: ${lefts}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0);
    });
  }
});

test('the FL view labels its bars, draws the hybrid\'s saved round and stops moving', () => withPage({}, async (page) => {
  await openDrawn(page, VGG16);
  const text = await page.textContent('[data-view=fl]');
  for (const word of ['inputs (25088)', 'outputs (4096)', 'partial sums', 'gateway adds']) assert.ok(text.includes(word), word);
  assert.equal(await page.$$eval('[data-view=fl] [data-rounds="2"]', (e) => e.length), 1, 'two FLs one by one: 2 rounds');
  assert.ok(await page.$$eval('[data-view=fl] [data-rounds="1"]', (e) => e.length) >= 1);
  assert.equal(await page.$('svg [repeatCount=indefinite]'), null, 'no animation loops for ever');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-for=fl] button:nth-child(1)')]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const exported = Buffer.concat(chunks).toString();
  assert.doesNotMatch(exported, /class="anim"|<animate/, 'the export is still: no dots parked at the origin');
}));

test('the halo view shows why halos grow, and stays legible with many devices', () => withPage({}, async (page) => {
  await openDrawn(page, '#model=vgg16&devices=32&bandwidth=1000&gflops=1&algorithm=mls');
  const text = await page.textContent('[data-view=halo]');
  assert.match(text, /3×3\/1/);
  assert.match(await caption(page, 'halo'), /a 3×3 kernel adds 1 row on each side/);
  const k = cliSolve(await hashState(page)).devices;
  const lanes = await page.$$eval('[data-view=halo] .step:nth-of-type(2) [data-tip]', (e) => e.length);
  assert.ok(lanes <= 8, `${lanes} lanes drawn for ${k} devices`);
  if (k > 8) assert.match(text, /of them drawn/);
  // The input column shows what each device needs, not an own share nobody computes.
  assert.match(await page.getAttribute('[data-view=halo] .step:first-of-type [data-tip]', 'data-tip'), /needs rows/);
}));

test('the drawings and the page chrome use the palette of the theme', async () => {
  for (const scheme of ['light', 'dark']) {
    await withPage({ colorScheme: scheme }, async (page) => {
      await open(page, server.url, VGG16);
      const { panel, bg } = await page.evaluate(() => ({
        panel: getComputedStyle(document.documentElement).getPropertyValue('--panel').trim(),
        bg: document.querySelector('[data-view=network] svg > rect').getAttribute('fill'),
      }));
      assert.equal(bg, panel, scheme);
    });
  }
});

test('works under a strict Content-Security-Policy: no inline scripts, handlers or styles', () => withPage({ viewport: { width: 390, height: 844 } }, async (page) => {
  const violations = [];
  await page.exposeFunction('cspViolation', (v) => violations.push(v));
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => window.cspViolation(`${e.violatedDirective}: ${e.sample}`)));
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    if (route.request().resourceType() === 'document') {
      headers['content-security-policy'] = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:";
    }
    await route.fulfill({ response, headers });
  });
  await openDrawn(page, '#model=alexnet&devices=10&bandwidth=300&gflops=13.6&algorithm=both');
  await page.click('#halo-play');
  await page.focus('[data-view=timeline] [data-tip][tabindex="0"]');
  // The phone-width sizing is set through the CSSOM, so the policy lets it through.
  assert.equal(await page.$eval('[data-view=network] svg', (s) => getComputedStyle(s).minWidth), '684px');
  assert.deepEqual(violations, []);
}));
