// Shared by the page tests and the benchmark: a static server for target/site on a free
// loopback port, and headless Chromium (Debian's) through playwright-core, with every
// console error and page error collected so a test can fail on them.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SITE = join(ROOT, 'target/site');
export const SHOTS = join(ROOT, 'tests/e2e/screenshots');

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.png': 'image/png', '.json': 'application/json',
};

/** Serves the built site under `base` (as GitHub Pages serves a project under its
 * name); cross-origin isolated so `performance.now()` is precise. */
export async function serve(base = '/') {
  const server = createServer(async (req, res) => {
    const full = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!full.startsWith(base)) return res.writeHead(404).end();
    const path = `/${full.slice(base.length)}`;
    const file = join(SITE, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}${base}`, close: () => server.close() };
}

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A fresh headless Chromium profile; `errors` gathers console errors and page errors. */
export async function browser({ colorScheme = 'light', reducedMotion = 'no-preference', viewport = { width: 1280, height: 900 } } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'coopai-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    colorScheme,
    reducedMotion,
    viewport,
    acceptDownloads: true,
  });
  const errors = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    page,
    errors,
    close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Opens the page at `hash` and waits until the core has rendered (a new hash on the
 * same page is a `hashchange`, solved like any other change). */
export async function open(page, url, hash = '') {
  await page.goto(`${url}${hash}`);
  await page.waitForSelector('body[data-ready=true]');
  await settled(page);
}

/** Waits until the page shows the plans of its latest setting (the worker's solve is
 * asynchronous: `data-busy` marks one pending), and draws the views off screen now
 * (the page draws them once the input rests). */
export async function settled(page) {
  await page.waitForSelector('body[data-ready=true]:not([data-busy])', { state: 'attached' });
  await page.evaluate(() => window.coopaiDebug.drawAll());
}

/** Waits until the page has settled and written its latest state to the address (the
 * page throttles those writes to one every 150 ms and marks one that waits). */
export async function hashWritten(page) {
  await settled(page);
  await page.waitForSelector('html:not([data-hash-pending])', { state: 'attached' });
  return page.evaluate(() => location.hash);
}

/** Waits until the browser has drawn `count` more frames: enough for a layout, a
 * ResizeObserver or an animation clock to have moved if it were going to. */
export async function frames(page, count = 2) {
  await page.evaluate((n) => new Promise((done) => {
    const next = () => (--n <= 0 ? done() : requestAnimationFrame(next));
    requestAnimationFrame(next);
  }), count);
}

/** Scrolls to the top and resolves once `selector` is reported out of sight. The page's
 * own IntersectionObservers are told in the same task, so after this the page knows it
 * too (a test that acts right after a scroll raced them on a slow machine). */
export async function scrollAwayFrom(page, selector) {
  await page.evaluate((sel) => new Promise((done) => {
    window.scrollTo(0, 0);
    const watch = new IntersectionObserver((entries) => {
      if (entries.at(-1).isIntersecting) return;
      watch.disconnect();
      done();
    });
    watch.observe(document.querySelector(sel));
  }), selector);
}
