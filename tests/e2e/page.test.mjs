// The page as a person meets it, in headless Chromium: every control moves and the
// shown MLS figures equal the CLI's `solve --json` for the same setting; the URL hash
// round-trips; a hostile hash is clamped and noted, never executed; exports work; and
// any console error fails the test. Screenshots of each view go to screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, open, hashWritten, SHOTS } from './harness.mjs';
import { cliSolve } from './cli.mjs';
import { hashState, shown, assertMatchesCli, withPage } from './checks.mjs';

let server;
before(async () => { server = await serve(); });
after(() => server.close());

test('the default page matches the paper and the CLI', () => withPage({}, async (page) => {
  await open(page, server.url);
  const s = await assertMatchesCli(page);
  assert.deepEqual(s, { model: 'vgg16', devices: 10, bandwidth: 100, gflops: 13.6, algorithm: 'both' });
  assert.deepEqual(await shown(page), { completion: 0.9113, devices: 7, blocks: 4, saving: 31.53 });
}));

test('every control re-solves on input and agrees with the CLI', () => withPage({}, async (page) => {
  await open(page, server.url);
  for (const model of ['tiny', 'alexnet', 'vgg19', 'yolov2', 'vgg16']) {
    await page.selectOption('#model', model);
    assert.equal((await hashState(page)).model, model);
    await assertMatchesCli(page);
  }
  // Keyboard on the sliders: each key press is an `input` event.
  await page.focus('#devices');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await hashState(page)).devices, 9);
  await page.keyboard.press('End');
  assert.equal((await hashState(page)).devices, 32);
  assert.equal(await page.textContent('#devices-value'), '32 devices');
  await assertMatchesCli(page);
  await page.focus('#bandwidth');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  const slow = await hashState(page);
  assert.ok(slow.bandwidth < 50, `bandwidth ${slow.bandwidth}`);
  assert.equal(await page.textContent('#bandwidth-value'), `${slow.bandwidth} Mbps`);
  await assertMatchesCli(page);
  await page.keyboard.press('End');
  assert.equal((await hashState(page)).bandwidth, 1000);
  assert.equal(await page.textContent('#bandwidth-value'), '1000 Mbps');
  await page.keyboard.press('Home');
  assert.equal((await hashState(page)).bandwidth, 1);
  await page.keyboard.press('PageUp');
  await assertMatchesCli(page);
  await page.focus('#gflops');
  await page.keyboard.press('PageUp');
  const fast = await hashState(page);
  assert.ok(fast.gflops > 13.6, `gflops ${fast.gflops}`);
  await assertMatchesCli(page);
  await page.fill('#devices', '4');
  assert.equal((await hashState(page)).devices, 4);
  await assertMatchesCli(page);
  await page.selectOption('#algorithm', 'both');
  assert.equal((await hashState(page)).algorithm, 'both');
  assert.match(await page.textContent('[data-view=network]'), /SLS/);
  await page.click('#rpi4');
  const preset = await hashState(page);
  assert.equal(preset.gflops, 13.6);
  assert.equal(preset.bandwidth, 100);
  await assertMatchesCli(page);
}));

test('the URL hash round-trips into the controls and the figures', () => withPage({}, async (page) => {
  const hash = '#model=alexnet&devices=6&bandwidth=40&gflops=2.5&algorithm=both';
  await open(page, server.url, hash);
  assert.equal(await page.evaluate(() => location.hash), hash);
  assert.equal(await page.inputValue('#model'), 'alexnet');
  assert.equal(await page.inputValue('#algorithm'), 'both');
  assert.equal(await page.textContent('#devices-value'), '6 devices');
  assert.equal(await page.textContent('#gflops-value'), '2.5 GFLOPS');
  // Each slider's thumb sits where its value is: 40 Mbps is 53 % along 1..1000 on a log scale.
  const fraction = await page.$eval('#bandwidth', (e) => (e.value - e.min) / (e.max - e.min));
  assert.ok(Math.abs(fraction - Math.log(40) / Math.log(1000)) < 0.01, `bandwidth thumb at ${fraction}`);
  assert.ok(await page.isHidden('#note'));
  const before = await assertMatchesCli(page);
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.deepEqual(await hashState(page), before);
  // The halo view's block is part of the state too.
  await open(page, server.url, '#model=alexnet&devices=10&bandwidth=300&gflops=13.6&algorithm=mls');
  const rounds = await page.$$eval('#halo-round option', (os) => os.map((o) => o.value));
  assert.ok(rounds.length >= 2, `conv blocks ${rounds}`);
  const current = await page.inputValue('#halo-round');
  const picked = rounds.find((r) => r !== current);
  await page.selectOption('#halo-round', picked);
  assert.match(await hashWritten(page), new RegExp(`&round=${picked}$`));
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  await page.evaluate(() => window.coopaiDebug.drawAll()); // the halo view is drawn lazily
  assert.equal(await page.inputValue('#halo-round'), picked);
  assert.match(await page.textContent('[data-view=halo]'), new RegExp(`^MLS round ${picked}:`));
  // Editing the hash by hand re-solves.
  await page.evaluate(() => { location.hash = '#model=yolov2&devices=12&bandwidth=100&gflops=13.6&algorithm=mls'; });
  await page.waitForFunction(() => document.querySelector('#model').value === 'yolov2');
  await assertMatchesCli(page);
}));

test('a hostile URL is clamped with a visible note and never executed', () => withPage({}, async (page) => {
  const hostile = '#model=%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E&devices=NaN'
    + '&bandwidth=1e309&gflops=-5&algorithm=%3Cscript%3Ewindow.pwned%3D2%3C%2Fscript%3E&round=1e99&evil=1';
  await open(page, server.url, hostile);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.$('#note img, #note script'), null);
  const note = await page.textContent('#note');
  assert.ok(await page.isVisible('#note'));
  for (const word of ['model', 'devices', 'bandwidth', 'GFLOPS', 'algorithm', 'evil']) assert.match(note, new RegExp(word));
  assert.deepEqual(await hashState(page), { model: 'vgg16', devices: 10, bandwidth: 100, gflops: 0.1, algorithm: 'both' });
  await assertMatchesCli(page);
  await open(page, server.url, '#model=vgg19&devices=99999&bandwidth=0.001&gflops=1e12');
  assert.deepEqual(await hashState(page), { model: 'vgg19', devices: 32, bandwidth: 1, gflops: 100, algorithm: 'both' });
  assert.match(await page.textContent('#note'), /outside 1\.\.32/);
  await assertMatchesCli(page);
}));

test('exports: plan JSON equal to the CLI, views as SVG and PNG, the link copied', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
  const read = async (selector) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    return Buffer.concat(chunks);
  };
  const plan = JSON.parse(await read('#export-json'));
  assert.deepEqual(plan, cliSolve(await hashState(page)));
  const svgText = (await read('[data-for=network] button:nth-child(1)')).toString();
  assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const png = await read('[data-for=chart-k] button:nth-child(2)');
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.click('#copy-link');
  await page.waitForFunction(() => document.querySelector('#copy-status').textContent.startsWith('Link copied'));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.evaluate(() => location.href));
}));

test('numbers appear on keyboard focus', () => withPage({}, async (page) => {
  await open(page, server.url);
  await page.focus('[data-view=network] [data-tip]');
  await page.waitForSelector('#tip:not([hidden])');
  assert.match(await page.textContent('#tip'), /^Input 224×224×3/);
  await page.focus('[data-view=chart-k] [data-tip]');
  assert.match(await page.textContent('#tip'), /^MLS, k = 1: .* s = .* compute \+ .* transfer/);
}));

const VIEWS = ['system', 'network', 'chart-k', 'chart-bandwidth', 'timeline', 'halo', 'fl'];

const SHOT_SETTINGS = [
  ['vgg16-light', 'light', '#model=vgg16&devices=10&bandwidth=100&gflops=13.6&algorithm=both'],
  ['yolov2-dark', 'dark', '#model=yolov2&devices=10&bandwidth=100&gflops=13.6&algorithm=mls'],
  ['alexnet-light', 'light', '#model=alexnet&devices=10&bandwidth=300&gflops=13.6&algorithm=mls'],
];

for (const [name, scheme, hash] of SHOT_SETTINGS) {
  test(`screenshots of every view, ${name}`, () => withPage({ colorScheme: scheme, reducedMotion: 'reduce' }, async (page) => {
    await open(page, server.url, hash);
    await page.waitForSelector('[data-view=chart-bandwidth] [data-testid=fig9-ready]', { state: 'attached' });
    await page.evaluate(() => window.coopaiDebug.drawAll());
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, scheme === 'dark' ? 'rgb(18, 21, 27)' : 'rgb(245, 246, 248)');
    for (const v of VIEWS) {
      const svg = await page.$(`[data-view=${v}] svg`);
      assert.ok(svg, `${v} has a drawing`);
      await (await page.$(`#view-${v}`)).screenshot({ path: `${SHOTS}/${v}-${name}.png` });
    }
    await page.screenshot({ path: `${SHOTS}/page-${name}.png`, fullPage: true });
  }));
}

test('works under a sub-path, as on GitHub Pages', () => withPage({}, async (page) => {
  const sub = await serve('/coopai/');
  try {
    await open(page, sub.url, '#model=tiny&devices=4&bandwidth=1000&gflops=13.6&algorithm=mls');
    await assertMatchesCli(page);
  } finally {
    sub.close();
  }
}));

test('phone width: no sideways scrolling', () => withPage({ viewport: { width: 390, height: 844 } }, async (page) => {
  await open(page, server.url, '#model=alexnet&devices=8&bandwidth=100&gflops=13.6&algorithm=mls');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: `${SHOTS}/phone.png` });
}));
