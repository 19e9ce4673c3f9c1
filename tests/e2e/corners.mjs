// A sweep of what the page says: every zoo model at the corners of every slider (D = 1 and 32,
// G = 1 and 1000 Mbps, F = 0.1 and 100 GFLOPS, each from the paper's setting), on a
// mixed cluster and in SLS-only mode; for each, every caption and every tour step is
// read against `coopai solve --json` for that setting. A script, not a test (about
// 80 page loads and 700 tour steps: ten minutes and more on two busy cores):
//
//   node tests/e2e/corners.mjs [model …]
//
// prints one line per finding and a summary; exits 1 when it found any.

import { serve, browser, open, settled } from './harness.mjs';
import { cliSolve, cliSolveCluster } from './cli.mjs';

const ZOO = ['tiny', 'tinyres', 'alexnet', 'vgg16', 'vgg19', 'yolov2', 'resnet18', 'resnet50', 'mobilenetv2'];
const CLUSTER = '4x13.6@4096,2x30@8192,1x53@8192';
const BASE = { devices: 10, bandwidth: 100, gflops: 13.6, algorithm: 'both' };
const CORNERS = [
  ['paper', {}], ['D=1', { devices: 1 }], ['D=32', { devices: 32 }], ['G=1', { bandwidth: 1 }],
  ['G=1000', { bandwidth: 1000 }], ['F=0.1', { gflops: 0.1 }], ['F=100', { gflops: 100 }],
  ['SLS only', { algorithm: 'sls' }], ['cluster', { cluster: CLUSTER }],
];

const findings = [];
let checked = 0;
const pct2 = (x) => `${x.toFixed(2)} %`;

function hashOf(model, s) {
  const head = `#model=${model}&bandwidth=${s.bandwidth}&algorithm=${s.algorithm}`;
  return s.cluster ? `${head}&cluster=${s.cluster}` : `${head}&devices=${s.devices}&gflops=${s.gflops}`;
}

function plans(model, s) {
  if (s.cluster) {
    const c = { model, cluster: s.cluster, bandwidth: s.bandwidth };
    return [cliSolveCluster(c, 'mls'), cliSolveCluster(c, 'sls')];
  }
  const c = { model, ...s };
  return [cliSolve(c, 'mls'), cliSolve(c, 'sls')];
}

/** What every text on the page must never say, whatever the setting. */
function readsWell(where, text) {
  const bad = [
    [/NaN|undefined|Infinity|\[object/, 'a broken number'],
    [/layers (\d+)–\1(?!\d)/, 'a one-layer span written as a range'],
    [/layers \d+(?![–\d.,])(?! (?:and|of|in|to)\b)/, '"layers N" for one layer'],
    [/\b1 (rounds|devices|blocks|layers)\b|\bon 0 devices\b/, 'a plural for one'],
    [/orange|\bblue\b.*compute/, 'a hue for compute or transfer'],
  ];
  for (const [re, what] of bad) if (re.test(text)) findings.push(`${where}: ${what}: …${text.match(re).input.slice(Math.max(0, text.search(re) - 60), text.search(re) + 60)}…`);
}

/** Goes to `hash` on the open page (a hashchange, as a visitor's link) and waits until
 * its plans are drawn, or the page shows an error. */
async function go(page, hash) {
  const before = await page.evaluate(() => document.body.dataset.drawn);
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((b) => document.body.dataset.drawn !== b || !document.getElementById('error').hidden, before, { timeout: 120000 });
  await settled(page);
}

async function check(page, model, name, s) {
  const where = `${model} ${name}`;
  let mls;
  let sls;
  try {
    [mls, sls] = plans(model, s);
  } catch (e) {
    // The core refuses this setting (work or memory): the page must say so.
    await go(page, hashOf(model, s));
    const error = await page.textContent('#error');
    if (!error.trim()) findings.push(`${where}: the CLI refuses (${String(e.stderr ?? e.message).trim().split('\n')[0]}) but the page shows no error`);
    return;
  }
  await go(page, hashOf(model, s));
  const caption = async (view) => (await page.textContent(`[data-caption="${view}"]`)).trim();
  const saving = (100 * (sls.completion_s - mls.completion_s)) / sls.completion_s;
  const D = s.cluster ? 7 : s.devices;

  const net = await caption('network');
  const slsText = net.match(/SLS runs[^.]*\./)?.[0] ?? '';
  if (/fuses/.test(slsText)) findings.push(`${where}: SLS said to fuse layers: ${slsText}`);
  if (s.algorithm === 'sls' && /MLS/.test(net)) findings.push(`${where}: SLS-only caption speaks of MLS: ${net}`);
  if (s.algorithm !== 'sls') {
    const m = net.match(/MLS runs (\d+) layers in (\d+) rounds? on (\d+) devices?/) ?? net.match(/MLS runs all (\d+) layers in (one) round on (one) device/);
    if (!m) findings.push(`${where}: network caption has no MLS plan: ${net}`);
    else if (m[2] !== 'one' && (Number(m[2]) !== mls.blocks.length || Number(m[3]) !== mls.devices)) findings.push(`${where}: caption says ${m[0]}, CLI ${mls.blocks.length} rounds on ${mls.devices}`);
    if (saving > 0.005 && !net.includes(`finishes ${pct2(saving)} sooner`)) findings.push(`${where}: caption saving differs from CLI ${pct2(saving)}: ${net}`);
  }
  const system = await caption('system');
  const shownPlan = s.algorithm === 'sls' ? sls : mls;
  const k = shownPlan.devices;
  if (!system.includes(`on ${k === 1 ? 'one device' : `${k} devices`} (${s.algorithm === 'sls' ? 'SLS' : 'MLS'}'s choice of the ${D} available)`)) findings.push(`${where}: system caption: ${system}`);
  for (const view of ['system', 'network', 'chart-k', 'chart-bandwidth', 'timeline', 'halo', 'fl']) {
    const text = await caption(view);
    readsWell(`${where} ${view} caption`, text);
    // With one device available, a one-device plan is not a choice against transfer.
    if (D === 1 && /would cost more|costs more in transfer/.test(text)) findings.push(`${where} ${view} caption: gives transfer as the reason with D = 1: ${text}`);
  }
  const mini = await page.textContent('#mini-text');
  if (!mini.includes(pct2(saving))) findings.push(`${where}: phone line ${mini} vs saving ${pct2(saving)}`);
  const single = !(await page.isHidden('#single-note'));
  if (single !== (mls.devices === 1)) findings.push(`${where}: one-device note ${single ? 'shown' : 'missing'} with MLS on ${mls.devices}`);

  for (let n = 1; n <= 9; n++) {
    await go(page, `${hashOf(model, s)}&tour=${n}`);
    if (n === 8) await page.waitForFunction(() => !/being computed/.test(document.getElementById('tour-text').textContent), null, { timeout: 60000 }).catch(() => {});
    const text = await page.textContent('#tour-text');
    readsWell(`${where} tour ${n}`, text);
    if (D === 1 && /would cost more|costs more in transfer/.test(text)) findings.push(`${where} tour ${n}: gives transfer as the reason with D = 1: ${text}`);
    // The steps that switch "Show" read the plans as the CLI has them.
    const k = text.match(/MLS groups the \d+ layers into (\d+) blocks on k = (\d+)/);
    if (k && (Number(k[1]) !== mls.blocks.length || Number(k[2]) !== mls.devices)) findings.push(`${where} tour ${n}: ${k[0]} vs CLI ${mls.blocks.length} on ${mls.devices}`);
    if (/saves most at \d+ Mbps \(0\.0 %\)/.test(text)) findings.push(`${where} tour ${n}: claims a 0.0 % saving is the most`);
    if (/Compute falls too/.test(text) && mls.transfer_s > sls.transfer_s) findings.push(`${where} tour ${n}: "Compute falls too" while transfer rose`);
    checked += 1;
  }
  checked += 1;
}

const models = process.argv.slice(2).length ? process.argv.slice(2) : ZOO;
const server = await serve();
const b = await browser({ viewport: { width: 1280, height: 800 } });
await open(b.page, server.url, '#model=vgg16');
for (const model of models) {
  for (const [name, change] of CORNERS) {
    const s = { ...BASE, ...change };
    try {
      await check(b.page, model, name, s);
    } catch (e) {
      findings.push(`${model} ${name}: the sweep failed: ${e.message.split('\n')[0]}`);
    }
    process.stdout.write('.');
  }
}
process.stdout.write('\n');
for (const e of b.errors) findings.push(`console: ${e}`);
await b.close();
server.close();
for (const f of findings) console.log(f);
console.log(`${models.length} models × ${CORNERS.length} settings: ${checked} states read, ${findings.length} findings`);
process.exit(findings.length ? 1 : 0);
