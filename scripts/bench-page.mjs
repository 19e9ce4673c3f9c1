// Browser benchmark of the page (reported, not asserted): the time from a slider's
// `input` event to the next painted frame, for every zoo model at D = 10 and D = 32,
// and the wasm size raw and gzipped. Run after scripts/build.sh:
//   node scripts/bench-page.mjs [samples]
// The bandwidth slider is moved back and forth so each event re-solves MLS and SLS and
// redraws every view; the server is cross-origin isolated, so timers are precise. The
// last column is the synchronous part: both solves and rebuilding every view's SVG.

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serve, browser, open, SITE } from '../tests/e2e/harness.mjs';

const SAMPLES = Number(process.argv[2] ?? 60);
const MODELS = (process.env.MODELS ?? 'tiny,alexnet,vgg16,vgg19,yolov2').split(',');

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** In the page: move the slider `n` times, each time waiting for the frame after it. */
async function measure(page, n) {
  return page.evaluate(async (count) => {
    const slider = document.getElementById('bandwidth');
    const frame = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
    const times = [];
    for (let i = 0; i < count; i++) {
      await frame();
      slider.value = String(150 + (i % 2) * 20);
      const t0 = performance.now();
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      const t1 = performance.now();
      await frame();
      times.push([performance.now() - t0, t1 - t0]);
    }
    return times;
  }, n);
}

const server = await serve();
const b = await browser();
const rows = [];
try {
  for (const model of MODELS) {
    for (const devices of [10, 32]) {
      await open(b.page, server.url, `#model=${model}&devices=${devices}&bandwidth=100&gflops=13.6&algorithm=mls`);
      await measure(b.page, 5);
      const samples = await measure(b.page, SAMPLES);
      const t = samples.map((s) => s[0]).sort((x, y) => x - y);
      const js = samples.map((s) => s[1]).sort((x, y) => x - y);
      rows.push(`| ${model} | ${devices} | ${quantile(t, 0.5).toFixed(1)} | ${quantile(t, 0.95).toFixed(1)} | ${quantile(js, 0.5).toFixed(1)} |`);
    }
  }
  if (b.errors.length) throw new Error(`console errors: ${b.errors.join('; ')}`);
} finally {
  await b.close();
  server.close();
}

const wasm = readFileSync(join(SITE, 'pkg/coopai_bg.wasm'));
const js = readFileSync(join(SITE, 'pkg/coopai.js'));
console.log(`Slider input → painted frame, ${SAMPLES} samples each (headless Chromium, ms)\n`);
console.log('| model | D | input → paint, median | input → paint, p95 | work (solves + redraw), median |\n| --- | --- | --- | --- | --- |');
console.log(rows.join('\n'));
console.log(`\nwasm: ${(wasm.length / 1024).toFixed(1)} KiB raw, ${(gzipSync(wasm, { level: 9 }).length / 1024).toFixed(1)} KiB gzip; ` +
  `bindings JS: ${(js.length / 1024).toFixed(1)} KiB raw, ${(gzipSync(js, { level: 9 }).length / 1024).toFixed(1)} KiB gzip`);
