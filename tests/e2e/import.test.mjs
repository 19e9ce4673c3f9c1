// "Your model" as a researcher uses it: paste a model (project JSON, Darknet cfg), see
// the figures the CLI gives for the same file; paste a broken one and see its line or
// JSON path next to the box while the last good model stays; share it in a link; drop
// or open a file; download it as JSON and get the same model back.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, open, settled, hashWritten, ROOT, SHOTS } from './harness.mjs';
import { cliSolve } from './cli.mjs';
import { shown, assertMatchesCli, withPage } from './checks.mjs';

const MODELS = join(ROOT, 'tests/models');
const CORPUS = join(ROOT, 'tests/corpus');
const TMP = mkdtempSync(join(tmpdir(), 'coopai-import-'));
const SETTING = '&devices=6&bandwidth=50&gflops=13.6&algorithm=mls';

/** The README's example model. */
const README_JSON = `{"name": "tiny", "input": {"height": 32, "width": 32, "channels": 3},
 "layers": [{"type": "conv", "filters": 16, "kernel": 3, "stride": 1, "padding": 1,
             "pool": {"size": 2, "stride": 2}},
            {"type": "fc", "outputs": 10}]}`;

/** The corpus' expected location and message fragment for a file. */
function expected(file) {
  const line = readFileSync(join(CORPUS, 'EXPECTED.tsv'), 'utf8').split('\n').find((l) => l.startsWith(`${file}\t`));
  const [, location, fragment] = line.split('\t');
  return { location, fragment };
}

function tmpFile(name, text) {
  const path = join(TMP, name);
  writeFileSync(path, text);
  return path;
}

let server;
before(async () => { server = await serve(); });
after(() => server.close());

/** Types `text` into the box as a paste and waits for a new status that names `format`. */
async function paste(page, text, format) {
  const before = await page.textContent('#custom-status');
  await page.fill('#custom-text', text);
  await page.waitForFunction(([f, b]) => {
    const status = document.querySelector('#custom-status').textContent;
    return status !== b && status.startsWith(`${f} read from the text`);
  }, [format, before]);
}

/** Pastes `text` and waits for an error other than the one shown before; `quick` sets
 * the text as one `input` event (Playwright's fill takes half a minute on 24 KB of lines). */
async function pasteBroken(page, text, quick = false) {
  const before = await page.textContent('#custom-error');
  if (quick) {
    await page.$eval('#custom-text', (t, value) => {
      t.value = value;
      t.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste' }));
    }, text);
  } else {
    await page.fill('#custom-text', text);
  }
  await page.waitForFunction((b) => {
    const e = document.querySelector('#custom-error');
    return !e.hidden && e.textContent !== b;
  }, before);
  return page.textContent('#custom-error');
}

async function openCustom(page, zoo = 'tiny') {
  await open(page, server.url, `#model=${zoo}${SETTING}`);
  await page.selectOption('#model', 'custom');
  await page.waitForSelector('#custom-panel:not([hidden])');
}

test('pasted models are drawn and solved as the CLI solves their files', () => withPage({}, async (page) => {
  // The importers' build loads for a text the visitor gives, not for the starting point.
  const importer = [];
  page.on('request', (r) => { if (r.url().includes('/pkg/import/')) importer.push(r.url()); });
  await openCustom(page);
  // The box starts with the model on screen, as project JSON to edit.
  assert.match(await page.textContent('#custom-status'), /^project JSON read from tiny, a starting point to edit: “tiny”, 7 layers, 48×48×3 input\.$/);
  assert.equal(JSON.parse(await page.inputValue('#custom-text')).name, 'tiny');
  await assertMatchesCli(page, 'tiny');
  assert.deepEqual(importer, []);

  await paste(page, README_JSON, 'project JSON');
  assert.ok(importer.length > 0, 'the paste loads the importers');
  assert.match(await page.textContent('#custom-status'), /“tiny”, 2 layers, 32×32×3 input/);
  await assertMatchesCli(page, tmpFile('readme.json', README_JSON));

  const cfg = join(MODELS, 'alexnet.cfg');
  await paste(page, readFileSync(cfg, 'utf8'), 'Darknet cfg');
  // Views redraw in their own tasks after the solve.
  await page.waitForFunction(() => document.querySelector('[data-view=network] svg')?.getAttribute('aria-label').startsWith('darknet: '));
  await assertMatchesCli(page, cfg);
  assert.deepEqual(await shown(page), await shownFor(page, 'alexnet'), 'alexnet.cfg is the zoo AlexNet');

  const keras = join(MODELS, 'vgg16.keras.json');
  await paste(page, readFileSync(keras, 'utf8'), 'Keras JSON');
  await assertMatchesCli(page, keras);

  // A spatial attention block ([sam]): its product is named, its second input an arc.
  const sam = join(ROOT, 'tests/corpus_real/alexeyab/yolov4-sam-cut.cfg');
  await paste(page, readFileSync(sam, 'utf8'), 'Darknet cfg');
  await assertMatchesCli(page, sam);
  const tips = await page.$$eval('[data-view=network] [data-tip]', (es) => es.map((e) => e.dataset.tip));
  assert.ok(tips.some((t) => t.startsWith('Layer 9: elementwise product; reads layer 8 and layer 7;')), tips.join('\n'));
  assert.ok(tips.some((t) => t.startsWith("Layer 7's output 512×512×256 is multiplied by layer 9")), tips.join('\n'));

  // Typing is read once it pauses, not on every key.
  const statuses = await page.$eval('#custom-text', async (t) => {
    const status = () => document.querySelector('#custom-status').textContent;
    const seen = [status()];
    for (const key of '{"x') {
      t.value += key;
      t.dispatchEvent(new InputEvent('input', { inputType: 'insertText', data: key }));
      await new Promise((ok) => setTimeout(ok, 50));
      seen.push(status());
    }
    await new Promise((ok) => setTimeout(ok, 400));
    seen.push(status());
    return seen;
  });
  assert.equal(new Set(statuses.slice(0, -1)).size, 1, statuses.join(' | '));
  assert.match(statuses.at(-1), /still show the last model/);
}));

/** The figures the page shows for a zoo model at the same setting, in a second tab. */
async function shownFor(page, zoo) {
  const other = await page.context().newPage();
  const hash = await page.evaluate(() => location.hash);
  await open(other, server.url, hash.replace(/model=custom/, `model=${zoo}`).replace(/&custom=[^&]*/, ''));
  const figures = await shown(other);
  await other.close();
  return figures;
}

test('a broken model shows its line or path next to the box; the last good one stays', () => withPage({}, async (page) => {
  await openCustom(page);
  const cfg = join(MODELS, 'tiny.cfg');
  await paste(page, readFileSync(cfg, 'utf8'), 'Darknet cfg');
  const good = await shown(page);
  const drawing = await page.innerHTML('[data-view=network]');
  for (const file of ['pool_larger_than_input.cfg', 'fc_then_conv.cfg', 'keras_negative_filters.json', 'project_fc_then_conv.json']) {
    const { location, fragment } = expected(file);
    const error = await pasteBroken(page, readFileSync(join(CORPUS, file), 'utf8'));
    assert.ok(error.startsWith(`${location}: `), `${file}: ${error}`);
    assert.ok(error.includes(fragment), `${file}: ${error}`);
    assert.equal(await page.getAttribute('#custom-text', 'aria-invalid'), 'true');
    assert.match(await page.textContent('#custom-status'), /still show the last model that read well/);
    assert.deepEqual(await shown(page), good, `${file}: the figures of the last good model`);
    assert.equal(await page.innerHTML('[data-view=network]'), drawing, `${file}: the drawing of the last good model`);
    assert.ok(await page.isHidden('#error'), 'the error is next to the box, not at the top');
  }
  // The error sits right under the box, inside the panel.
  const box = await page.locator('#custom-text').boundingBox();
  const err = await page.locator('#custom-error').boundingBox();
  assert.ok(err.y >= box.y + box.height && err.y - (box.y + box.height) < 20, `error ${JSON.stringify(err)} under box ${JSON.stringify(box)}`);
  await page.locator('#custom-panel').screenshot({ path: `${SHOTS}/import-error-light.png` });

  // A model that reads but is too much work for 32 devices is refused the same way.
  const deep = `[net]\nheight=8\nwidth=8\nchannels=1\n${'[convolutional]\nfilters=1\nsize=1\n'.repeat(1000)}`;
  await page.fill('#devices', '32');
  const figures32 = await shown(page);
  const work = await pasteBroken(page, deep, true);
  assert.match(work, /^an MLS solve with 32 devices on a 1000-layer model would take about \d+ block-evaluation steps, more than the limit/);
  assert.match(await page.textContent('#custom-status'), /reads, but the views still show the last model that could be solved/);
  assert.deepEqual(await shown(page), figures32);
  assert.ok(await page.isHidden('#error'));

  // A hostile paste: more than the core reads, refused by its size before any parsing
  // (the message is the size check's, not a parser's; no clock here: the machine's load
  // would make it flaky); a name that is markup.
  const huge = await pasteBroken(page, '['.repeat(5 * 1024 * 1024), true);
  assert.match(huge, /4 MiB|4194304/);
  const named = README_JSON.replace('"tiny"', '"<img src=x onerror=\\"window.pwned=1\\">"');
  await paste(page, named, 'project JSON');
  assert.match(await page.textContent('#custom-status'), /“<img src=x onerror="window.pwned=1">”/);
  assert.equal(await page.$('#custom-panel img, [data-view] img'), null);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await assertMatchesCli(page, tmpFile('named.json', named));
  const long = await pasteBroken(page, README_JSON.replace('"tiny"', `"${'n'.repeat(100000)}"`), true);
  assert.equal(long, 'name: the name has 100000 characters, more than the limit of 200');
}));

test('a pasted model travels in the link when it fits, with a note when it does not', () => withPage({}, async (page) => {
  await openCustom(page);
  const cfg = join(MODELS, 'tiny.cfg');
  await paste(page, readFileSync(cfg, 'utf8'), 'Darknet cfg');
  const hash = await hashWritten(page);
  const value = new URLSearchParams(hash.slice(1)).get('custom');
  assert.ok(value && value.length <= 2000, `custom= has ${value?.length} characters`);
  assert.match(hash, /^#model=custom&/);
  assert.ok(await page.isHidden('#custom-link'));
  const figures = await shown(page);
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await page.inputValue('#model'), 'custom');
  assert.match(await page.textContent('#custom-status'), /^project JSON read from the link: “darknet”, 7 layers/);
  assert.deepEqual(await shown(page), figures);
  assert.equal(await page.evaluate(() => location.hash), hash);
  await assertMatchesCli(page, cfg);

  // YOLOv2 is too long for a link: the link says so, and opening it says so too.
  const yolo = join(MODELS, 'yolov2.cfg');
  await paste(page, readFileSync(yolo, 'utf8'), 'Darknet cfg');
  const short = await hashWritten(page);
  assert.match(await page.textContent('#custom-link'), /Links do not include this model/);
  assert.doesNotMatch(short, /custom=/);
  await open(page, `${server.url}?fresh`, short);
  assert.equal(await page.inputValue('#model'), 'vgg16');
  assert.match(await page.textContent('#note'), /names your own model but does not include it/);

  // Hostile values in the link: not base64url, and a model that does not read.
  const broken = Buffer.from('{"input": {"height": -8}}').toString('base64url');
  await open(page, `${server.url}?again`, `#model=custom&custom=${broken}${SETTING}`);
  assert.match(await page.textContent('#note'), /the model in the address does not read \(\$\.input\.height: /);
  await open(page, `${server.url}?third`, `#model=custom&custom=%3Cscript%3E${SETTING}`);
  assert.match(await page.textContent('#note'), /not base64url/);
  assert.equal(await page.inputValue('#model'), 'vgg16');
}));

test('a file dropped on the page or opened is read at once', () => withPage({}, async (page) => {
  await open(page, server.url, `#model=vgg16${SETTING}`);
  const text = readFileSync(join(MODELS, 'tiny.cfg'), 'utf8');
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.items.add(new File([t], 'tiny.cfg', { type: 'text/plain' }));
    const target = document.querySelector('[data-view=network]');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, text);
  await page.waitForFunction(() => document.querySelector('#custom-status').textContent.startsWith('Darknet cfg read from “tiny.cfg”'));
  // The model is taken once the worker has solved it (the status comes first).
  await page.waitForFunction(() => document.querySelector('#model').value === 'custom');
  assert.equal(await page.inputValue('#custom-text'), text);
  await assertMatchesCli(page, join(MODELS, 'tiny.cfg'));

  const keras = join(MODELS, 'alexnet.keras.json');
  await page.setInputFiles('#custom-file', keras);
  await page.waitForFunction(() => document.querySelector('#custom-status').textContent.startsWith('Keras JSON read from “alexnet.keras.json”'));
  await assertMatchesCli(page, keras);
}));

test('an ONNX file dropped or opened is read as bytes and solved as the CLI solves it', () => withPage({}, async (page) => {
  await open(page, server.url, `#model=vgg16${SETTING}`);
  const onnx = join(ROOT, 'tests/onnx', 'squeezenet.onnx');
  await page.evaluate((bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], 'squeezenet.onnx'));
    const target = document.querySelector('[data-view=network]');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, [...readFileSync(onnx)]);
  await page.waitForFunction(() => document.querySelector('#custom-status').textContent.startsWith('ONNX read from “squeezenet.onnx”'));
  // Read, then solved in the worker before it replaces the model drawn.
  await settled(page);
  assert.equal(await page.inputValue('#model'), 'custom');
  // The box holds the model in the project's JSON, which reads back as such.
  assert.equal(JSON.parse(await page.inputValue('#custom-text')).name, 'squeezenet_old');
  await assertMatchesCli(page, onnx);

  const resnet = join(ROOT, 'tests/onnx', 'resnet50.onnx');
  await page.setInputFiles('#custom-file', resnet);
  await page.waitForFunction(() => document.querySelector('#custom-status').textContent.startsWith('ONNX read from “resnet50.onnx”'));
  await assertMatchesCli(page, resnet);

  // A broken ONNX file: its error next to the box, the last good model stays.
  const broken = join(TMP, 'broken.onnx');
  writeFileSync(broken, readFileSync(resnet).subarray(0, 40000));
  await page.setInputFiles('#custom-file', broken);
  await page.waitForFunction(() => !document.querySelector('#custom-error').hidden);
  assert.match(await page.textContent('#custom-error'), /^byte 23: not an ONNX model .*the file is truncated\)$/);
  await assertMatchesCli(page, resnet);
}));

test('the downloaded JSON is the same model', () => withPage({}, async (page) => {
  await openCustom(page);
  const file = join(MODELS, 'yolov2.cfg');
  await paste(page, readFileSync(file, 'utf8'), 'Darknet cfg');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#custom-download')]);
  assert.equal(download.suggestedFilename(), 'darknet.json');
  const saved = join(TMP, 'downloaded.json');
  await download.saveAs(saved);
  const s = { model: file, devices: 6, bandwidth: 50, gflops: 13.6 };
  for (const algorithm of ['mls', 'sls']) {
    assert.deepEqual(cliSolve({ ...s, model: saved }, algorithm), cliSolve(s, algorithm), algorithm);
  }
  // And pasted back, it reads as project JSON with the same figures.
  const figures = await shown(page);
  await paste(page, readFileSync(saved, 'utf8'), 'project JSON');
  assert.deepEqual(await shown(page), figures);
}));

// The docs' screenshot: AlexNet's cfg with a typo, the error under the box, the last
// good model still drawn below.
for (const scheme of ['light', 'dark']) {
  test(`screenshot of the import panel, ${scheme}`, () => withPage({ colorScheme: scheme, reducedMotion: 'reduce' }, async (page) => {
    await open(page, server.url, '#model=alexnet&devices=10&bandwidth=100&gflops=13.6&algorithm=mls');
    await page.selectOption('#model', 'custom');
    const cfg = readFileSync(join(MODELS, 'alexnet.cfg'), 'utf8');
    await paste(page, cfg, 'Darknet cfg');
    const error = await pasteBroken(page, cfg.replace('filters=256', 'filters=25x6'));
    assert.match(error, /^line \d+: found filters=25x6, expected a whole number/);
    await page.$eval('#custom-text', (t) => { t.blur(); t.scrollTop = 0; });
    await page.screenshot({ path: `${SHOTS}/import-${scheme}.png` });
  }));
}
