// Load cost of the page (reported, not asserted): main-thread long tasks (> 50 ms) from
// navigation until the page and its Fig. 9 sweep are drawn, and the time to redraw Fig. 9
// alone. Run after scripts/build.sh:
//   node scripts/measure-load.mjs [runs]
// Each run is a first visit: a fresh browser profile (no compiled wasm cached), with a
// PerformanceObserver for 'longtask' installed before the page's own scripts run, so the
// wasm start, the first solve and every idle-time draw are seen.

import { serve, browser, open } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.argv[2] ?? 3);
const MODELS = (process.env.MODELS ?? 'vgg16,yolov2,tiny').split(',');

const server = await serve();
try {
  for (const model of MODELS) {
    for (let run = 0; run < RUNS; run++) {
      const b = await browser();
      await b.page.addInitScript(() => {
        window.longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.longTasks.push(`${Math.round(e.duration)} at ${Math.round(e.startTime)}`);
        }).observe({ type: 'longtask', buffered: true });
      });
      await open(b.page, server.url, `#model=${model}`);
      await b.page.waitForSelector('[data-view=chart-bandwidth] [data-testid=fig9-ready]', { state: 'attached' });
      // Idle-time draws land within a second.
      await b.page.waitForTimeout(1000);
      const tasks = await b.page.evaluate(() => [...window.longTasks]);
      // Fig. 9 alone, the sweep cached: rebuilding its SVG, then style and layout.
      const redraw = await b.page.evaluate(() => {
        const times = [];
        for (let i = 0; i < 10; i++) {
          const t0 = performance.now();
          window.coopaiDebug.redraw('chart-bandwidth');
          document.querySelector('[data-view=chart-bandwidth] svg').getBoundingClientRect();
          times.push(performance.now() - t0);
        }
        return times.sort((x, y) => x - y)[5];
      });
      // The observer sees long tasks: a 80 ms busy loop must show.
      const probe = await b.page.evaluate(async () => {
        setTimeout(() => { const t = performance.now(); while (performance.now() - t < 80); }, 0);
        await new Promise((ok) => setTimeout(ok, 500));
        return window.longTasks.at(-1);
      });
      console.log(`${model} run ${run + 1}: long tasks at load [${tasks.join(', ')}] ms; Fig. 9 redraw ${redraw.toFixed(2)} ms (median of 10); probe ${probe} ms`);
      await b.close();
      if (b.errors.length) throw new Error(`console errors: ${b.errors.join('; ')}`);
    }
  }
} finally {
  server.close();
}
