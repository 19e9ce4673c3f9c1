// Browser benchmark of the page (reported, not asserted), run after scripts/build.sh:
//   node scripts/bench-page.mjs [--json] [--large] [samples]
// For every zoo model at D = 10 and 32, and chain300 (pasted) at D = 32, the bandwidth
// slider is moved back and forth, one `input` event per frame, each waiting until its
// plans are drawn. Per event: `work` is the main thread's part (the input handler, then
// drawing the worker's answer: the `coopai paint` measure), `paint` the time from the
// event to the next frame painted after the answer was drawn. `longest_task_ms` is the
// longest `longtask` entry (over 50 ms) during the drag, or when there is none the
// longest event's work. The server is cross-origin isolated, so timers are precise.
// Then the large real models (DenseNet-201, YOLOv4, ResNet-152: tests/corpus_real/) at
// D = 10 and 32, opened as files, through the phases a user goes through: `open` (the file read
// and solved, the views in sight drawn), `scroll` (every view scrolled into sight in
// turn), `switch_k` (another k in the DP view) and `drag` (the bandwidth slider, fewer
// events: each re-solves a 300-layer model). Each phase's `*_longest_task_ms` is its
// longest `longtask` entry, or null when no task took over 50 ms.
// `--large` runs only the large models' rows (a few minutes instead of many).
// `--json` prints `{rows: [{model, devices, work_p95_ms, paint_p95_ms, longest_task_ms,
// and for the large models open_/scroll_/switch_k_/drag_longest_task_ms}],
// wasm_gzip_bytes}`; without it, tables.

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serve, browser, open, ROOT, SITE } from '../tests/e2e/harness.mjs';
import { pasteChain300 } from '../tests/e2e/chain300.mjs';

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const LARGE_ONLY = args.includes('--large');
const SAMPLES = Number(args.find((a) => !a.startsWith('--')) ?? 60);

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** In the page: `n` slider events, each at a frame, each waiting for its plans to be
 * drawn and the frame after. Returns `[paint, work]` per event and the long tasks. */
async function measure(page, n) {
  return page.evaluate(async (count) => {
    const long = [];
    const observer = new PerformanceObserver((list) => long.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });
    const slider = document.getElementById('bandwidth');
    const frame = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
    const drawn = () => new Promise((ok) => {
      const check = () => (document.body.dataset.busy ? setTimeout(check, 0) : ok());
      check();
    });
    const times = [];
    for (let i = 0; i < count; i++) {
      await frame();
      performance.clearMeasures('coopai paint');
      slider.value = String(Number(slider.value) + (i % 2 ? 20 : -20));
      const t0 = performance.now();
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      const handler = performance.now() - t0;
      await drawn();
      await frame();
      const paint = performance.getEntriesByName('coopai paint').reduce((s, e) => s + e.duration, 0);
      times.push([performance.now() - t0, handler + paint]);
    }
    observer.disconnect();
    return { times, long };
  }, n);
}

async function row(page, model, devices, samples = SAMPLES) {
  await measure(page, 5);
  const { times, long } = await measure(page, samples);
  const paint = times.map((s) => s[0]).sort((x, y) => x - y);
  const work = times.map((s) => s[1]).sort((x, y) => x - y);
  const round = (x) => Math.round(x * 10) / 10;
  return {
    model,
    devices,
    work_p95_ms: round(quantile(work, 0.95)),
    paint_p95_ms: round(quantile(paint, 0.95)),
    longest_task_ms: round(long.length ? Math.max(...long) : work.at(-1)),
  };
}

/** The large real models, as files: the page opens them with "Open file…". */
const LARGE = [
  ['densenet201', 'tests/corpus_real/pjreddie/densenet201.cfg'],
  ['yolov4', 'tests/corpus_real/alexeyab/yolov4.cfg'],
  ['resnet152', 'tests/corpus_real/pjreddie/resnet152.cfg'],
];
const VIEWS = ['view-system', 'view-network', 'explain', 'view-chart-k', 'view-chart-bandwidth', 'view-timeline', 'view-halo', 'view-fl', 'view-dp'];

/** Waits until no solve or table is pending and the idle-time draws have landed. */
async function quiet(page) {
  await page.waitForSelector('body:not([data-busy])', { state: 'attached', timeout: 300000 });
  await page.waitForTimeout(600);
}

/** The longest task over 50 ms since the last call, or null. */
function longest(page) {
  return page.evaluate(() => {
    const l = window.benchLong.splice(0);
    return l.length ? Math.round(Math.max(...l) * 10) / 10 : null;
  });
}

/** The phases a user goes through for `file` at `devices`: open, scroll, switch k, drag. */
async function largeRow(page, model, file, devices) {
  await open(page, server.url, `#model=tiny&devices=${devices}&bandwidth=100&gflops=13.6&algorithm=mls`);
  await page.evaluate(() => {
    window.benchLong = [];
    new PerformanceObserver((list) => window.benchLong.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  await page.setInputFiles('#custom-file', join(ROOT, file));
  await page.waitForFunction((name) => document.getElementById('custom-status').textContent.includes(name), file.split('/').pop(), { timeout: 300000 });
  await quiet(page);
  const opened = await longest(page);
  for (const id of VIEWS) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await quiet(page);
  }
  const scrolled = await longest(page);
  await page.selectOption('#dp-k', String(devices === 10 ? 5 : 10));
  await page.waitForFunction(() => location.hash.includes('dpk='));
  await quiet(page);
  const switched = await longest(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await quiet(page);
  await longest(page);
  const drag = await row(page, model, devices, 10);
  const dragged = await longest(page);
  return {
    ...drag, open_longest_task_ms: opened, scroll_longest_task_ms: scrolled, switch_k_longest_task_ms: switched, drag_longest_task_ms: dragged,
  };
}

const server = await serve();
const b = await browser();
const rows = [];
try {
  await open(b.page, server.url);
  const zoo = LARGE_ONLY ? [] : await b.page.$$eval('#model option', (os) => os.map((o) => o.value).filter((v) => v !== 'custom'));
  for (const model of zoo) {
    for (const devices of [10, 32]) {
      await open(b.page, server.url, `#model=${model}&devices=${devices}&bandwidth=100&gflops=13.6&algorithm=mls`);
      rows.push(await row(b.page, model, devices));
    }
  }
  if (!LARGE_ONLY) {
    await open(b.page, server.url, '#model=tiny&devices=32&bandwidth=100&gflops=13.6&algorithm=mls');
    await pasteChain300(b.page);
    rows.push(await row(b.page, 'chain300', 32));
  }
  for (const [model, file] of LARGE) {
    for (const devices of [10, 32]) rows.push(await largeRow(b.page, model, file, devices));
  }
  if (b.errors.length) throw new Error(`console errors: ${b.errors.join('; ')}`);
} finally {
  await b.close();
  server.close();
}

const wasm = readFileSync(join(SITE, 'pkg/coopai_bg.wasm'));
const wasmGzip = gzipSync(wasm, { level: 9 }).length;
if (JSON_OUT) {
  console.log(JSON.stringify({ rows, wasm_gzip_bytes: wasmGzip }, null, 2));
} else {
  console.log(`Slider input on the page, ${SAMPLES} events each (headless Chromium, ms)\n`);
  console.log('| model | D | main-thread work, p95 | input → painted result, p95 | longest task |\n| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.model} | ${r.devices} | ${r.work_p95_ms} | ${r.paint_p95_ms} | ${r.longest_task_ms} |`);
  const none = (x) => x ?? 'none over 50';
  console.log('\nLarge models opened as files: the longest main-thread task of each phase (ms)\n');
  console.log('| model | D | open | scroll every view into sight | switch k | drag |\n| --- | --- | --- | --- | --- | --- |');
  for (const r of rows.filter((x) => 'open_longest_task_ms' in x)) {
    console.log(`| ${r.model} | ${r.devices} | ${none(r.open_longest_task_ms)} | ${none(r.scroll_longest_task_ms)} | ${none(r.switch_k_longest_task_ms)} | ${none(r.drag_longest_task_ms)} |`);
  }
  console.log(`\nwasm: ${(wasm.length / 1024).toFixed(1)} KiB raw, ${(wasmGzip / 1024).toFixed(1)} KiB gzip`);
}
