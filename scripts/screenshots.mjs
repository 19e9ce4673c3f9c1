// Screenshots at 390, 1280 and 1920 px, light and dark, for looking at the page as a
// visitor does (not asserted): the first screen and the whole page. After scripts/build.sh:
//   node scripts/screenshots.mjs [hash]
//   → tests/e2e/screenshots/page-<width>-<scheme>.png (first screen), full-<width>-<scheme>.png

import { serve, browser, open, SHOTS } from '../tests/e2e/harness.mjs';

const HASH = process.argv[2] ?? '';
const server = await serve();
try {
  for (const scheme of ['light', 'dark']) {
    for (const width of [390, 1280, 1920]) {
      const b = await browser({ colorScheme: scheme, reducedMotion: 'reduce', viewport: { width, height: width === 390 ? 844 : 1000 } });
      try {
        await open(b.page, server.url, HASH);
        await b.page.waitForSelector('[data-testid=fig9-ready]', { state: 'attached' });
        await b.page.evaluate(() => window.coopaiDebug.drawAll());
        await b.page.waitForTimeout(300);
        await b.page.screenshot({ path: `${SHOTS}/page-${width}-${scheme}.png` });
        const file = `${SHOTS}/full-${width}-${scheme}.png`;
        await b.page.screenshot({ path: file, fullPage: true });
        console.log(file, b.errors.length ? `console errors: ${b.errors.join('; ')}` : '');
      } finally {
        await b.close();
      }
    }
  }
} finally {
  server.close();
}
