// Browser benchmark of the page (reported, not asserted), run after scripts/build.sh:
//   node scripts/bench-page.mjs [--json] [samples]
// For every zoo model at D = 10 and 32, and chain300 (pasted) at D = 32, the bandwidth
// slider is moved back and forth, one `input` event per frame, each waiting until its
// plans are drawn. Per event: `work` is the main thread's part (the input handler, then
// drawing the worker's answer: the `coopai paint` measure), `paint` the time from the
// event to the next frame painted after the answer was drawn. `longest_task_ms` is the
// longest `longtask` entry (over 50 ms) during the drag, or when there is none the
// longest event's work. The server is cross-origin isolated, so timers are precise.
// `--json` prints `{rows: [{model, devices, work_p95_ms, paint_p95_ms, longest_task_ms}],
// wasm_gzip_bytes}`; without it, a table.

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serve, browser, open, SITE } from '../tests/e2e/harness.mjs';
import { pasteChain300 } from '../tests/e2e/chain300.mjs';

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
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

async function row(page, model, devices) {
  await measure(page, 5);
  const { times, long } = await measure(page, SAMPLES);
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

const server = await serve();
const b = await browser();
const rows = [];
try {
  await open(b.page, server.url);
  const zoo = await b.page.$$eval('#model option', (os) => os.map((o) => o.value).filter((v) => v !== 'custom'));
  for (const model of zoo) {
    for (const devices of [10, 32]) {
      await open(b.page, server.url, `#model=${model}&devices=${devices}&bandwidth=100&gflops=13.6&algorithm=mls`);
      rows.push(await row(b.page, model, devices));
    }
  }
  await open(b.page, server.url, '#model=tiny&devices=32&bandwidth=100&gflops=13.6&algorithm=mls');
  await pasteChain300(b.page);
  rows.push(await row(b.page, 'chain300', 32));
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
  console.log(`\nwasm: ${(wasm.length / 1024).toFixed(1)} KiB raw, ${(wasmGzip / 1024).toFixed(1)} KiB gzip`);
}
