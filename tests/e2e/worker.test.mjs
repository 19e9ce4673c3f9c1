// The page solves in a Web Worker: a newer input supersedes a running
// solve and only the newest setting is ever drawn; a long solve says how far it got;
// all of it without console errors, also under a sub-path. Behaviour, not durations:
// the drawn settings are read from `data-drawn`, which the page sets as it draws.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, open, settled, SHOTS } from './harness.mjs';
import { assertMatchesCli, hashState, withPage } from './checks.mjs';
import { chain300File, pasteChain300 } from './chain300.mjs';

let server;
let sub;
before(async () => {
  server = await serve();
  sub = await serve('/coopai/pages/');
});
after(() => {
  server.close();
  sub.close();
});

/** Starts recording every setting the page draws from now on. */
function recordDrawn(page) {
  return page.evaluate(() => {
    window.drawnLog = [];
    new MutationObserver(() => window.drawnLog.push(document.body.dataset.drawn))
      .observe(document.body, { attributes: true, attributeFilter: ['data-drawn'] });
  });
}

const drawnLog = (page) => page.evaluate(() => window.drawnLog);

/** Fifteen bandwidth events in one task, as a fast drag queues them: only the last
 * setting may be drawn, and it must be. */
async function burst(page) {
  await recordDrawn(page);
  const shown = await page.evaluate(() => {
    const slider = document.getElementById('bandwidth');
    for (let i = 1; i <= 15; i++) {
      slider.value = String(20 + 10 * i);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    }
    return document.getElementById('bandwidth-value').textContent;
  });
  await settled(page);
  // The hash is written at most every 150 ms; the drawn setting must become it.
  await page.waitForFunction(() => location.hash === document.body.dataset.drawn);
  const last = await page.evaluate(() => location.hash);
  assert.match(last, new RegExp(`bandwidth=${parseFloat(shown)}&`));
  assert.deepEqual(await drawnLog(page), [last]);
}

test('a burst of slider events draws only the last one, which matches the CLI', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=yolov2&devices=32&bandwidth=100&gflops=13.6&algorithm=both');
  await burst(page);
  await assertMatchesCli(page);
  assert.equal(await page.isHidden('#progress'), true);
}));

test('a long solve shows its progress, and a newer input drops it', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=tiny&devices=2&bandwidth=100&gflops=13.6&algorithm=both');
  await pasteChain300(page);
  await recordDrawn(page);
  // 30 new ks for each algorithm: long enough that the progress shows.
  await page.focus('#devices');
  await page.keyboard.press('End');
  await page.waitForFunction(() => /^Solving… MLS, k \d+ of 32$/.test(document.getElementById('progress').textContent)
    && !document.getElementById('progress').hidden);
  await page.screenshot({ path: `${SHOTS}/worker-progress.png` });
  const dropped = await page.evaluate(() => window.coopaiDebug.dropped());
  await page.keyboard.press('Home');
  await settled(page);
  // The worker dropped the rest of the solve for 32 devices (MLS was still running; a
  // pending Fig. 9 sweep may be dropped too).
  assert.ok(await page.evaluate(() => window.coopaiDebug.dropped()) > dropped, 'the worker dropped the solve');
  const drawn = await drawnLog(page);
  assert.ok(drawn.length >= 1, 'the last setting is drawn');
  assert.ok(drawn.every((h) => h.includes('devices=1&')), `only D = 1 is drawn: ${drawn.join(' ')}`);
  assert.equal((await hashState(page)).devices, 1);
  assert.equal(await page.isHidden('#progress'), true);
  await assertMatchesCli(page, chain300File());
}));

test('under a sub-path the worker starts and supersedes as at the root', () => withPage({}, async (page) => {
  await open(page, sub.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=both');
  await assertMatchesCli(page);
  await burst(page);
  await assertMatchesCli(page);
}));
