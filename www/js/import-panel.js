// The "Your model" panel: paste into the text box, open a file or drop one on the page
// (text formats, or an ONNX file read as bytes).
// Text is read by the core at most once per pause in typing (it bounds the text, but a
// 4 MiB paste should not be re-read on every key); a model that reads well replaces the
// one drawn, and an error shows under the box with its line or JSON path while the last
// good model stays drawn and solved. A long file's text goes into the box only when
// asked: laying out a textarea's text costs the main thread about 50 ms per 1,000 lines,
// all in one task (DenseNet-201's 1,951-line cfg: 60–120 ms under load).

import { readModel, readModelBytes, Superseded } from './engine.js';
import { MAX_LINK_MODEL, linkModel } from './state.js';
import { escaped } from './shown.js';

const PAUSE_MS = 300;
/** The core refuses more; checked on the file's size so a huge file is never read. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** The same for ONNX files (the core's `onnx::MAX_ONNX_BYTES`): weights make them big. */
const MAX_ONNX_BYTES = 1024 * 1024 * 1024;

/** Longer texts wait for "Show the text" (a few milliseconds of layout at most). */
const MAX_SHOWN_LINES = 400;

const $ = (id) => document.getElementById(id);
let timer;
let accept;
/** The text held back from the box, until "Show the text" puts it there. */
let held = null;

/** Puts `text` in the box, or holds a long one back behind "Show the text". */
function showText(text) {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lines <= MAX_SHOWN_LINES; i = text.indexOf('\n', i + 1)) lines++;
  const long = lines > MAX_SHOWN_LINES;
  held = long ? text : null;
  $('custom-text').value = long ? '' : text;
  $('custom-show').hidden = !long;
  $('custom-text').placeholder = long ? 'The model read is drawn; its text is long, so it is put here only when asked (the button below).' : '';
  if (long) $('custom-show').textContent = `Show its ${text.replace(/\n$/, '').split('\n').length.toLocaleString('en')} lines to edit them`;
}

function show(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

/** The error as `location: message`, the location in bold; plain text nodes only. */
function showError(e) {
  const [location, ...rest] = e.message.split(': ');
  const strong = document.createElement('strong');
  strong.textContent = rest.length ? `${location}:` : '';
  $('custom-error').replaceChildren(strong, rest.length ? ` ${rest.join(': ')}` : location);
  $('custom-error').hidden = false;
  $('custom-text').setAttribute('aria-invalid', 'true');
}

function describeModel(json, format, origin) {
  const model = JSON.parse(json);
  const layers = `${model.layers.length} layer${model.layers.length === 1 ? '' : 's'}`;
  const { height, width, channels } = model.input;
  return `${format} read from ${origin}: “${model.name}”, ${layers}, ${height}×${width}×${channels} input.`;
}

/** The detection head an ONNX file ends in, which the gateway decodes at no charge in
 * the plan (docs/spec-dag.md D7), as the CLI's plan names it. */
function headed(head) {
  return head ? ` ${head[0].toUpperCase()}${head.slice(1)}.` : '';
}

/** What the core read leniently (an ONNX file's schema slips), as the CLI warns of it:
 * the count, and the first line, which names the node and both opsets. */
function warned(warnings) {
  if (!warnings.length) return '';
  const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more like it)` : '';
  return ` ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${warnings[0]}${more}.`;
}

/** Reads `text` now (or awaits `load` instead), saying how it went; `origin` names where
 * it came from. Resolves to the compact project JSON, or `null` after showing the error
 * (or when a newer text superseded it). */
async function read(text, origin, load = () => readModel(text)) {
  clearTimeout(timer);
  try {
    const { format, json, warnings = [], head } = await load();
    $('custom-error').hidden = true;
    $('custom-text').removeAttribute('aria-invalid');
    show('custom-status', describeModel(json, format, origin) + headed(head) + warned(warnings));
    return json;
  } catch (e) {
    if (e instanceof Superseded) return null;
    showError(e);
    show('custom-status', 'The views still show the last model that read well.');
    return null;
  }
}

/** Reads `text` and draws it, unless the core refuses to solve it (too much work for
 * these devices), which is shown like a reading error. */
async function readAndAccept(text, origin, load) {
  const json = await read(text, origin, load);
  const refused = json && await accept(json);
  if (refused) {
    showError(refused);
    show('custom-status', 'The model reads, but the views still show the last model that could be solved.');
  }
}

/** An ONNX file (by name, or by the protobuf key it starts with) is read as bytes; the
 * box then shows the model in the project's JSON, which can be edited like any text. */
async function readFile(file) {
  const name = escaped(file.name);
  const [first] = new Uint8Array(await file.slice(0, 1).arrayBuffer());
  if (/\.onnx$/i.test(file.name) || first === 0x08 || first === 0x12) {
    if (file.size > MAX_ONNX_BYTES) {
      showError(new Error(`${name}: the file has ${file.size} bytes, more than the 1 GiB an ONNX model may have`));
      return;
    }
    let imported;
    let error;
    try {
      imported = await readModelBytes(new Uint8Array(await file.arrayBuffer()));
    } catch (e) {
      error = e;
    }
    showText(imported ? `${JSON.stringify(JSON.parse(imported.json), null, 2)}\n` : '');
    readAndAccept('', `“${name}”`, async () => {
      if (error) throw error;
      return imported;
    });
    return;
  }
  if (file.size > MAX_FILE_BYTES) {
    showError(new Error(`${name}: the file has ${file.size} bytes, more than the 4 MiB a model may have`));
    return;
  }
  const text = await file.text();
  showText(text);
  readAndAccept(text, `“${name}”`);
}

/** Any file dragged over the page can be dropped; the panel and controls light up. */
function bindDrop() {
  let leave;
  const hasFiles = (e) => e.dataTransfer?.types.includes('Files');
  addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    document.body.classList.add('dragging');
    clearTimeout(leave);
    leave = setTimeout(() => document.body.classList.remove('dragging'), 200);
  });
  addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    document.body.classList.remove('dragging');
    const file = e.dataTransfer.files[0];
    if (file) readFile(file);
  });
}

function download(json) {
  const model = JSON.parse(json);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([`${JSON.stringify(model, null, 2)}\n`], { type: 'application/json' }));
  // The name is the user's: keep only what every file system accepts.
  a.download = `${model.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'model'}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Wires the panel; `onModel(json)` receives each model that reads well (compact project
 * JSON) and resolves to the error that kept it from being solved, if any; `current()` gives
 * the compact JSON of the model drawn. */
export function bindImport(onModel, current) {
  accept = onModel;
  $('custom-text').addEventListener('input', (e) => {
    held = null;
    $('custom-show').hidden = true;
    e.target.placeholder = '';
    clearTimeout(timer);
    timer = setTimeout(() => readAndAccept(e.target.value, 'the text'), PAUSE_MS);
  });
  $('custom-file').addEventListener('change', (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (file) readFile(file);
  });
  $('custom-download').addEventListener('click', () => download(current()));
  $('custom-show').addEventListener('click', () => {
    $('custom-text').value = held ?? '';
    held = null;
    $('custom-show').hidden = true;
    $('custom-text').placeholder = '';
    $('custom-text').focus();
  });
  bindDrop();
}

export function showImport(visible) {
  $('custom-panel').hidden = !visible;
}

/** Puts `text` in the box and reads it (a link's model, a starting point to edit), or
 * awaits `load` instead (as `read`); resolves to the compact project JSON or `null`, and
 * leaves accepting it to the caller. */
export function readNow(text, origin, load) {
  showText(text);
  return read(text, origin, load);
}

/** The model the link note was last written for: a slider move keeps it. */
let noted = null;

/** Says when a shared link cannot carry the pasted model. */
export function showLinkNote(json) {
  if (json === noted) return;
  noted = json;
  show('custom-link', json && linkModel(json) === null
    ? `Links do not include this model: it takes more than ${MAX_LINK_MODEL.toLocaleString('en')} characters. Download it as JSON to share it.`
    : '');
}
