// The DP, halo and timeline views and Explain at hundreds of layers, and what the DP
// view and Explain say, with real networks: DenseNet-201 and YOLOv4 (public Darknet cfgs opened as files, 304 and 162
// layers), ResNet-50 from the zoo at D = 32, YOLOv3-tiny. At 1280×800 the timeline,
// halo and DP views render at least 90 % of their text at 8 CSS px or more with no two
// labels overlapping by more than 30 % of the smaller; the DP view cuts no T(j) label,
// is one tab stop, and says why T(j) falls on a branching model; Explain groups rounds
// alike, shows no floating-point residue, names idle devices and is never the previous
// model's; a long file's text waits to be asked for, and another k redraws the DP view
// alone. Main-thread times are measured by scripts/bench-page.mjs, not asserted here.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, open, settled, scrollAwayFrom, ROOT, SHOTS } from './harness.mjs';
import { cliSolveDp } from './cli.mjs';
import { withPage } from './checks.mjs';
import { seconds } from '../../www/js/format.js';

let server;
before(async () => { server = await serve(); });
after(() => server.close());

const DESKTOP = { viewport: { width: 1280, height: 800 } };

/** Opens a real file through "Open file…" and waits until its plans are drawn. */
async function openFile(page, file, devices) {
  await open(page, server.url, `#model=tiny&devices=${devices}&bandwidth=100&gflops=13.6&algorithm=mls`);
  await page.setInputFiles('#custom-file', join(ROOT, file));
  await page.waitForFunction((name) => document.querySelector('#custom-status').textContent.includes(name), file.split('/').pop(), { timeout: 120000 });
  await page.waitForSelector('body:not([data-busy])', { state: 'attached', timeout: 120000 });
  await settled(page);
}

/** The text of view `name`: how many labels render under 8 CSS px, and the pairs of
 * labels whose boxes overlap by more than 30 % of the smaller one. */
async function legibility(page, name) {
  await page.locator(`[data-view=${name}]`).scrollIntoViewIfNeeded();
  await page.evaluate(() => window.coopaiDebug.drawAll());
  return page.$eval(`[data-view=${name}] svg`, (svg) => {
    const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim());
    const scale = svg.getScreenCTM().a;
    const small = texts.filter((t) => Number(getComputedStyle(t).fontSize.replace('px', '')) * scale < 8).length;
    const boxes = texts.map((t) => [t.textContent, t.getBoundingClientRect()]);
    const overlaps = [];
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const [p, q] = [boxes[a][1], boxes[b][1]];
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w <= 0 || h <= 0) continue;
        if (w * h > 0.3 * Math.min(p.width * p.height, q.width * q.height)) overlaps.push(`${boxes[a][0]} / ${boxes[b][0]}`);
      }
    }
    return { count: texts.length, small, overlaps };
  });
}

async function assertLegible(page, label) {
  for (const view of ['timeline', 'halo', 'dp']) {
    const { count, small, overlaps } = await legibility(page, view);
    assert.ok(count > 0, `${label} ${view}: no text`);
    assert.ok(small <= 0.1 * count, `${label} ${view}: ${small} of ${count} labels under 8 px`);
    assert.deepEqual(overlaps, [], `${label} ${view}: labels overlap`);
  }
}

test('DenseNet-201 and YOLOv4 opened as files, ResNet-50 at D = 32: every label readable, none overprinted', () => withPage(DESKTOP, async (page) => {
  await openFile(page, 'tests/corpus_real/pjreddie/densenet201.cfg', 10);
  await assertLegible(page, 'DenseNet-201');
  // The table is one image of every cell, one tab stop, its T(j) inside the drawing.
  const cells = await page.$eval('[data-testid=dp-cells]', (e) => Number(e.dataset.cells));
  assert.ok(cells > 10000, `${cells} cells painted`);
  assert.equal(await page.$$eval('[data-view=dp] [tabindex="0"]', (e) => e.length), 1);
  // A cell of the image under the pointer: outlined, and its tooltip is that block's.
  const box = await page.$eval('[data-testid=dp-cells]', (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, side: r.width / Number(e.dataset.layers) };
  });
  // Whole pixels, as mouse events report them; the cell there is computed the same way.
  const [px, py] = [Math.round(box.x + 49.5 * box.side), Math.round(box.y + 99.5 * box.side)];
  const [i, j] = [Math.floor((px - box.x) / box.side) + 1, Math.floor((py - box.y) / box.side) + 1];
  await page.mouse.move(px - 3, py);
  await page.mouse.move(px, py);
  assert.ok(await page.textContent('#tip').then((t) => t.startsWith(`Block b(${i}..${j}) on `)), await page.textContent('#tip'));
  assert.equal(await page.$eval('[data-probe]', (e) => `${e.dataset.first} ${e.dataset.j}`), `${i} ${j}`);
  for (const v of ['dp', 'halo', 'timeline']) await page.locator(`#view-${v}`).screenshot({ path: join(SHOTS, `large-${v}-densenet201.png`) });
  await openFile(page, 'tests/corpus_real/alexeyab/yolov4.cfg', 32);
  await assertLegible(page, 'YOLOv4');
  await open(page, server.url, '#model=resnet50&devices=32&bandwidth=100&gflops=13.6&algorithm=mls');
  await assertLegible(page, 'ResNet-50');
}));

/** The T(j) labels that end past the drawing's right edge. */
async function cutLabels(page) {
  await page.locator('#view-dp').scrollIntoViewIfNeeded();
  await page.waitForSelector('[data-testid=dp-block]');
  return page.$eval('[data-view=dp] svg', (svg) => {
    const right = svg.getBoundingClientRect().right;
    return [...svg.querySelectorAll('text')].filter((t) => t.textContent.startsWith('T(') && t.getBoundingClientRect().right > right + 0.5).map((t) => t.textContent);
  });
}

for (const width of [1280, 1920]) {
  test(`the DP view cuts no T(j) label at ${width} px, and is one tab stop`, () => withPage({ viewport: { width, height: 900 } }, async (page) => {
    await open(page, server.url, '#model=yolov2&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
    assert.deepEqual(await cutLabels(page), []);
    await open(page, server.url, '#model=resnet50&devices=32&bandwidth=100&gflops=13.6&algorithm=mls');
    assert.deepEqual(await cutLabels(page), []);
    assert.equal(await page.$$eval('[data-view=dp] [tabindex="0"]', (e) => e.length), 1, 'one tab stop');
    // The arrow keys walk the kept cells, the grid's rows in order.
    await page.focus('[data-view=dp] [tabindex="0"]');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.j), '2');
    assert.match(await page.textContent('#tip'), /Block b\(\d+\.\.2\)/);
  }));
}

test('in dark mode the DP legend matches its cells: the strongest tone is the closest', () => withPage({ colorScheme: 'dark' }, async (page) => {
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  await page.locator('#view-dp').scrollIntoViewIfNeeded();
  await page.waitForSelector('[data-testid=dp-tone]');
  const tones = await page.$$eval('[data-testid=dp-tone]', (els) => els.map((e) => [Number(e.dataset.times), Number(e.getAttribute('fill-opacity'))]));
  assert.ok(tones.every(([, o], i) => i === 0 || o < tones[i - 1][1]), `tones fade as the time grows: ${tones}`);
  // No word says lighter or darker: in dark mode the strong tone is the light one.
  const words = await page.textContent('#view-dp');
  assert.doesNotMatch(words, /darker|lighter/);
}));

test('on a branching model the DP view says why T(j) falls as j grows', () => withPage({}, async (page) => {
  const s = { model: 'resnet18', devices: 10, bandwidth: 100, gflops: 13.6 };
  const { dp } = cliSolveDp(s);
  const fall = dp.rows.findIndex((r, i) => i > 0 && r.best_s < dp.rows[i - 1].best_s && seconds(r.best_s) !== seconds(dp.rows[i - 1].best_s));
  assert.ok(fall > 0, 'ResNet-18 has a row where T(j) falls');
  await open(page, server.url, '#model=resnet18&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  await page.locator('#view-dp').scrollIntoViewIfNeeded();
  await page.waitForSelector('[data-testid=dp-block]');
  const caption = await page.textContent('#dp-caption');
  assert.ok(caption.includes(`T(${dp.rows[fall].last}) = ${seconds(dp.rows[fall].best_s)} is less than T(${dp.rows[fall - 1].last}) = ${seconds(dp.rows[fall - 1].best_s)}`), caption);
  assert.match(caption, /inside a branch/);
}));

async function explanation(page, hash) {
  await open(page, server.url, hash);
  await page.locator('#explain').scrollIntoViewIfNeeded();
  await page.waitForSelector('#explain-list li[data-round]');
  return page.$$eval('#explain-list li', (els) => els.map((e) => e.textContent));
}

test('Explain this plan shows no floating-point residue, no empty saving, and names idle devices (YOLOv3-tiny)', () => withPage({}, async (page) => {
  const cfg = 'tests/corpus_real/pjreddie/yolov3-tiny.cfg';
  await openFile(page, cfg, 10);
  // At 10 devices, 100 Mbps, 13.6 GFLOPS the longer block ending at layer 21 ties but
  // for the 16th digit; at 0.1 GFLOPS and 32 devices layer 14's 13 rows leave devices idle.
  for (const [devices, gflops] of [[10, 13.6], [32, 0.1], [10, 0.1]]) {
    const hash = await page.evaluate(([d, g]) => location.hash.replace(/devices=\d+/, `devices=${d}`).replace(/gflops=[\d.]+/, `gflops=${g}`), [devices, gflops]);
    const items = await explanation(page, hash);
    for (const text of items) {
      assert.doesNotMatch(text, /e-\d+|0\.000 s (?:of )?transfer|instead of ([\d.]+ m?s), \1/, text);
      const same = text.match(/T\(\d+\) = ([\d.]+ m?s) instead of ([\d.]+ m?s)/);
      if (same) assert.notEqual(same[1], same[2], text);
    }
    if (devices === 32) assert.ok(items.some((t) => /of which \d+ get rows/.test(t)), items.join('\n'));
  }
}));

test('Explain this plan groups consecutive rounds that read the same (ResNet-50, D = 32)', () => withPage({}, async (page) => {
  const items = await explanation(page, '#model=resnet50&devices=32&bandwidth=100&gflops=13.6&algorithm=mls');
  const texts = items.map((t) => t.replace(/Round \d+|layers \d+–\d+/g, ''));
  for (let i = 1; i < texts.length; i++) assert.notEqual(texts[i], texts[i - 1], `items ${i} and ${i + 1} read the same`);
  const groups = await page.$$eval('#explain-list li[data-rounds]', (els) => els.map((e) => [e.dataset.rounds, e.textContent]));
  assert.ok(groups.length > 0, 'a run of rounds alike shares one item');
  const [a, z] = groups[0][0].split('-').map(Number);
  assert.match(groups[0][1], new RegExp(`^Rounds ${a}–${z} each fuse`));
  assert.match(groups[0][1], new RegExp(`The ${z - a + 1} blocks: layers `));
  // Hovering the shared item lights every one of its rounds in the timeline.
  await page.evaluate(() => window.coopaiDebug.drawAll());
  await page.hover('#explain-list li[data-rounds]');
  const lit = await page.$$eval('[data-view=timeline] .linked[data-round]', (els) => [...new Set(els.map((e) => Number(e.dataset.round)))].sort((x, y) => x - y));
  assert.deepEqual(lit, Array.from({ length: z - a + 1 }, (_, n) => a + n));
}));

test('after another model is chosen, Explain never shows the previous model\'s plan', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  await page.locator('#explain').scrollIntoViewIfNeeded();
  await page.waitForSelector('#explain-list li[data-round]');
  const old = await page.textContent('#explain-list');
  await scrollAwayFrom(page, '#explain-list');
  await page.selectOption('#model', 'resnet50');
  await page.waitForSelector('body:not([data-busy])', { state: 'attached', timeout: 120000 });
  // Out of sight, its table is not computed yet: the old explanation is taken down.
  const waiting = await page.textContent('#explain-list');
  assert.notEqual(waiting, old, 'the previous model\'s explanation still stands');
  assert.match(waiting, /Computing the DP table/);
  await page.locator('#explain').scrollIntoViewIfNeeded();
  await page.waitForSelector('#explain-list li[data-round]');
  assert.match(await page.textContent('#h-explain'), /Explain this MLS plan: \d+ rounds on 32 devices|Explain this MLS plan: \d+ rounds? on \d+ devices?/);
}));

test('the halo view draws a long block in windows, the timeline zooms into a round', () => withPage(DESKTOP, async (page) => {
  await openFile(page, 'tests/corpus_real/pjreddie/densenet201.cfg', 10);
  await page.locator('#view-halo').scrollIntoViewIfNeeded();
  const columns = () => page.$$eval('[data-view=halo] text', (t) => t.map((e) => e.textContent).filter((s) => /^(input|layer \d+)$/.test(s)));
  const first = await columns();
  assert.ok(first.length <= 11 && first[0] === 'input', first.join());
  await page.click('[data-view=halo] [data-halo-move="1"]');
  const next = await columns();
  assert.equal(next[0], first.at(-1), 'the next window keeps one column in common');
  await page.click('[data-view=halo] [data-halo-move="-1"]');
  assert.deepEqual(await columns(), first);

  await page.locator('#view-timeline').scrollIntoViewIfNeeded();
  const round = await page.$eval('[data-view=timeline] [data-zoom-from][data-round="2"]', (e) => [Number(e.dataset.zoomFrom), Number(e.dataset.zoomTo)]);
  await page.click('[data-view=timeline] [data-zoom-from][data-round="2"]');
  const range = await page.textContent('[data-testid=timeline-range]');
  assert.ok(range.startsWith(`Zoomed to ${seconds(round[0])}–${seconds(round[1])}`), range);
  assert.match(range, /round 2;.* % compute, .* % transfer/);
  await page.locator('#view-timeline').screenshot({ path: join(SHOTS, 'large-timeline-zoomed.png') });
  await page.click('[data-view=timeline] [data-zoom-out]');
  assert.match(await page.textContent('[data-testid=timeline-range]'), /^Shown: /);

  // Ctrl + wheel zooms around the pointer (a quarter along the axis): the time under it
  // stays under it; a sideways wheel then pans; zooming out past the plan shows it whole.
  const shown = () => page.$eval('[data-testid=timeline-range]', (e) => [Number(e.dataset.from), Number(e.dataset.to)]);
  const [, end] = await shown();
  const at = await page.$eval('[data-view=timeline] svg', (svg) => {
    const r = svg.getBoundingClientRect();
    const u = r.width / svg.viewBox.baseVal.width;
    const x0 = Number(svg.querySelector('[data-testid=timeline-range]').getAttribute('x'));
    return { x: r.left + (x0 + 0.25 * (760 - 14 - x0)) * u, y: r.top + r.height / 3 };
  });
  await page.mouse.move(at.x, at.y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -400);
  await page.keyboard.up('Control');
  await page.waitForFunction((e) => Number(document.querySelector('[data-testid=timeline-range]').dataset.to) < e, end);
  const [a, b] = await shown();
  assert.ok(b - a < end / 2, `ctrl + wheel zoomed in: ${a}–${b} of ${end}`);
  assert.ok(Math.abs((0.25 * end - a) / (b - a) - 0.25) < 0.01, `the time under the pointer stays: ${a}–${b} of ${end}`);
  assert.match(await page.textContent('[data-testid=timeline-range]'), /^Zoomed to /);
  await page.mouse.wheel(300, 0);
  await page.waitForFunction((from) => Number(document.querySelector('[data-testid=timeline-range]').dataset.from) > from, a);
  const [c, d] = await shown();
  assert.ok(Math.abs((d - c) - (b - a)) < 1e-9 * end, 'a sideways wheel pans, the span stays');
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 2000);
  await page.keyboard.up('Control');
  await page.waitForFunction(() => document.querySelector('[data-testid=timeline-range]').textContent.startsWith('Shown: '));
}));

// What kept main-thread tasks over 50 ms when a 300-layer file is
// opened and the DP view's k switched. Opening DenseNet-201's 1,951-line cfg put its
// text in the "Your model" box, whose layout took 60–300 ms in one task; now a text over
// 400 lines waits for "Show its … lines". Switching k redrew every view in sight (one
// 55–240 ms task on YOLOv4 and DenseNet-201); now only the DP view redraws.

test('a long file is read and drawn, its text put in the box only when asked', () => withPage(DESKTOP, async (page) => {
  await openFile(page, 'tests/corpus_real/pjreddie/densenet201.cfg', 10);
  const text = readFileSync(join(ROOT, 'tests/corpus_real/pjreddie/densenet201.cfg'), 'utf8');
  assert.equal(await page.inputValue('#custom-text'), '');
  assert.match(await page.getAttribute('#custom-text', 'placeholder'), /only when asked/);
  assert.ok(text.endsWith('\n'));
  assert.equal(await page.textContent('#custom-show'), `Show its ${text.match(/\n/g).length.toLocaleString('en')} lines to edit them`);
  assert.match(await page.textContent('#custom-status'), /^Darknet cfg read from “densenet201\.cfg”: .*304 layers/);
  assert.equal(await page.inputValue('#model'), 'custom');
  await page.click('#custom-show');
  assert.equal(await page.inputValue('#custom-text'), text);
  assert.ok(await page.isHidden('#custom-show'));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'custom-text');
  // The text shown reads as before: an edit re-reads it.
  await page.$eval('#custom-text', (t) => {
    t.value = t.value.replace('[net]', '[net]\n# edited');
    t.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => /read from the text/.test(document.querySelector('#custom-status').textContent));
}));

test('another k in the DP view redraws the DP view alone', () => withPage(DESKTOP, async (page) => {
  await openFile(page, 'tests/corpus_real/alexeyab/yolov4.cfg', 10);
  await page.locator('#view-dp').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.coopaiDebug.drawAll());
  await settled(page);
  const before = await page.$eval('[data-view=dp] svg', (s) => s.getAttribute('aria-label'));
  const k = before.endsWith('k = 3') ? '2' : '3';
  await page.evaluate(() => performance.clearMeasures());
  await page.selectOption('#dp-k', k);
  await page.waitForFunction((n) => location.hash.includes(`dpk=${n}`), k);
  await page.waitForFunction((b) => {
    const svg = document.querySelector('[data-view=dp] svg');
    return svg && svg.getAttribute('aria-label') !== b && !document.querySelector('[data-view=dp]').dataset.waiting;
  }, before);
  await settled(page);
  const drawn = await page.evaluate(() => [...new Set(performance.getEntriesByType('measure').map((m) => m.name).filter((n) => n.startsWith('coopai draw ')))]);
  assert.deepEqual(drawn, ['coopai draw dp']);
  assert.equal(await page.$eval('[data-view=dp] svg', (s) => s.getAttribute('aria-label')), `The dynamic program for k = ${k}`);
  // The chooser agrees with the drawing.
  assert.equal(await page.inputValue('#dp-k'), k);
  // The cells' image is painted in the next task, for this table: its kept cells are the
  // accent colour at the kept shapes' places.
  await page.waitForSelector('[data-testid=dp-cells][href^="data:image/png"]:not([data-paint])');
  const kept = await page.evaluate(async () => {
    const image = document.querySelector('[data-testid=dp-cells]');
    const img = new Image();
    img.src = image.getAttribute('href');
    await img.decode();
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [img.width, img.height];
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    const rows = [...document.querySelectorAll('[data-view=dp] [data-kept]')];
    const alpha = rows.map((r) => g.getImageData(Number(r.dataset.first) - 1, Number(r.dataset.j) - 1, 1, 1).data[3]);
    return { rows: rows.length, opaque: alpha.filter((a) => a > 200).length };
  });
  assert.ok(kept.rows > 100, `${kept.rows} kept cells`);
  assert.equal(kept.opaque, kept.rows, 'every kept cell painted at 0.9 opacity in the image');
}));
