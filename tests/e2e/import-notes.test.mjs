// What the importer says beside the model it read, on the page as in the CLI: the
// lenient reads of an ONNX file (the dynamo exporter's opset-18 Split in an opset-17
// file) and the detection head its plans leave to the gateway (docs/spec-dag.md D7).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, open, settled, ROOT, SHOTS } from './harness.mjs';
import { assertMatchesCli, withPage } from './checks.mjs';

const REAL = join(ROOT, 'tests/onnx/real');

let server;
before(async () => { server = await serve(); });
after(() => server.close());

/** Opens `file` from tests/onnx/real and waits for its status line. */
async function openFile(page, file) {
  await page.setInputFiles('#custom-file', join(REAL, file));
  await page.waitForFunction((f) => document.querySelector('#custom-status').textContent.startsWith(`ONNX read from “${f}”`), file);
  await settled(page);
  return page.textContent('#custom-status');
}

test('the model status line names warnings and the head left to the gateway', () => withPage({}, async (page) => {
  await open(page, server.url, '#model=tiny&devices=6&bandwidth=1000&gflops=13.6&algorithm=mls');
  await page.selectOption('#model', 'custom');
  await page.waitForSelector('#custom-panel:not([hidden])');

  // YOLOv8n from the dynamo exporter at opset 17: nine Splits read as opset 18 defines
  // them, and a head decoded by the gateway, as `coopai solve` prints them.
  const v8 = await openFile(page, 'yolov8n.dynamo17.onnx');
  assert.match(v8, /Detection head left to the gateway: \d+ nodes \(.*\) decode the outputs of layers [\d, ]+; priced at zero, as are its convs' 1075200 FLOPs\./);
  assert.match(v8, / 9 warnings: node \d+ '[^']+': Split: num_outputs is an attribute of Split from opset 18, but the file imports opset 17: read as opset 18 defines it \(and 8 more like it\)\.$/);
  await page.locator('#custom-panel').screenshot({ path: `${SHOTS}/import-notes.png` });
  await assertMatchesCli(page, join(REAL, 'yolov8n.dynamo17.onnx'));
  // The network view draws the model up to its maps, and says what comes after them.
  const caption = await page.textContent('[data-caption=network]');
  assert.match(caption, /Not drawn: the detection head left to the gateway: \d+ nodes \(.*\) decode the outputs of layers [\d, ]+; priced at zero, as are its convs' 1075200 FLOPs\./);

  // YOLOv5n: one warning, said once.
  const v5 = await openFile(page, 'yolov5n.dynamo17.onnx');
  assert.match(v5, / 1 warning: node \d+ '[^']+': Split: num_outputs .* read as opset 18 defines it\.$/);

  // torchvision's SSDlite: one [3, H, W] picture; the selection of boxes (27 kinds of
  // op) is named by its commonest kinds.
  const ssd = await openFile(page, 'ssdlite320_mobilenet_v3_large.classic.onnx');
  assert.match(ssd, /Detection head left to the gateway: 996 nodes \((\w+ \d+, ){6}21 other kinds\) decode the outputs of layers 102, 104, [\d, ]+; priced at zero\./);
  await assertMatchesCli(page, join(REAL, 'ssdlite320_mobilenet_v3_large.classic.onnx'));

  // A classifier read as written: neither.
  const convnext = await openFile(page, 'convnext_tiny.dynamo.onnx');
  assert.doesNotMatch(convnext, /warning|gateway/);
  assert.doesNotMatch(await page.textContent('[data-caption=network]'), /Not drawn/);
}));
