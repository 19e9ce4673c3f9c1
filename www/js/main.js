// Starts the page: loads the wasm core, reads the state from the URL hash, and on every
// control `input` re-solves MLS and SLS and redraws the views on screen before the next
// paint. The bandwidth sweep (Fig. 9, ten comparisons) waits until the control rests.

import { CUSTOM, FIELDS, parseHash, toHash } from './state.js';
import { start, network, plans, cachedSweep, computeSweep, readModel } from './engine.js';
import { bindImport, readNow, showImport, showLinkNote } from './import-panel.js';
import { setModels, showState, bindControls } from './controls.js';
import { readTheme } from './svg.js';
import { installTooltip } from './tooltip.js';
import { bindExports } from './export.js';
import { writeHash } from './hash.js';
import { drawView, drawViews, drawStale, watchViews } from './views.js';
import { convBlocks, pickConvBlock } from './views/halo.js';

const $ = (id) => document.getElementById(id);
let state;
let result;
let theme;
let sweepTimer;

function showMessage(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

/** What every view reads; `shown` lists the plans to draw, MLS first. */
function context(play) {
  const shown = state.algorithm === 'both' ? ['mls', 'sls'] : [state.algorithm];
  return { state, net: network(state), ...result, shown, theme, sweep: cachedSweep(state), play };
}

/** The test hooks hold MLS's figures whatever is shown. */
function showFigures({ mls, saving }) {
  const set = (id, text) => { document.querySelector(`[data-testid=${id}]`).textContent = text; };
  set('completion', `${mls.completion_s.toPrecision(4)} s`);
  set('devices-used', String(mls.devices));
  set('block-count', String(mls.blocks.length));
  set('saving', `${saving.toFixed(2)} %`);
}

/** The halo view's block list, for the plan shown first. */
function fillRounds() {
  const plan = result[state.algorithm === 'sls' ? 'sls' : 'mls'];
  const select = $('halo-round');
  const blocks = convBlocks(plan);
  select.replaceChildren(...blocks.map((b) => new Option(`round ${b.round}: layers ${b.first}–${b.last} (${b.case})`, b.round)));
  select.disabled = blocks.length === 0;
  const picked = pickConvBlock(plan, state.round);
  if (picked) select.value = picked.round;
}

/** The sweep runs once the control has rested for 120 ms, then redraws Fig. 9. */
function scheduleSweep() {
  clearTimeout(sweepTimer);
  if (cachedSweep(state)) return;
  const s = { ...state };
  sweepTimer = setTimeout(() => {
    try {
      computeSweep(s);
      if (cachedSweep(state)) drawView('chart-bandwidth');
    } catch (e) {
      showMessage('error', e.message);
    }
  }, 120);
}

/** Re-solves (unless `solved` holds the plans of the state already) and redraws. */
function update(play = false, solved = null) {
  writeHash(state);
  showState(state);
  showImport(state.model === CUSTOM);
  showLinkNote(state.model === CUSTOM ? state.custom : '');
  try {
    result = solved ?? plans(state);
  } catch (e) {
    showMessage('error', e.message);
    return;
  }
  showMessage('error', '');
  showFigures(result);
  fillRounds();
  drawViews(play);
  scheduleSweep();
}

const pretty = (json) => JSON.stringify(JSON.parse(json), null, 2);

/** A link's pasted model is read by the core like a paste; the last good model (or the
 * zoo's default at start) replaces one that is missing (too long for the link), does
 * not read, or is refused for its work at these settings. Returns the plans when it
 * solved them, so they are not solved twice. */
function readLinkModel(notes, last) {
  if (state.model !== CUSTOM) return null;
  const fallback = () => {
    state.model = last?.model ?? FIELDS.model.fallback;
    state.custom = last?.custom ?? '';
    return null;
  };
  const using = () => (last?.model === CUSTOM ? 'the last model that read well' : last?.model ?? FIELDS.model.fallback);
  if (!state.custom) {
    notes.push(`the address names your own model but does not include it (too long for a link), using ${using()}`);
    return fallback();
  }
  try {
    state.custom = readModel(state.custom).json;
  } catch (e) {
    notes.push(`the model in the address does not read (${e.message}), using ${using()}`);
    return fallback();
  }
  let solved;
  try {
    solved = plans(state);
  } catch (e) {
    notes.push(`the model in the address cannot be solved here (${e.message}), using ${using()}`);
    return fallback();
  }
  readNow(pretty(state.custom), 'the link');
  return solved;
}

/** Reads the address; returns the plans when reading it solved them already. */
function readHash() {
  const last = state;
  const { state: s, notes } = parseHash(location.hash);
  state = s;
  const solved = readLinkModel(notes, last);
  showMessage('note', notes.length ? `The address was adjusted: ${notes.join('; ')}.` : '');
  return solved;
}

/** Picking "your model" with none yet starts from the model on screen, as JSON to edit. */
function startCustom(change) {
  if (change.model !== CUSTOM || state.custom) return;
  const json = readNow(pretty(readModel(state.model).json), `${state.model}, a starting point to edit`);
  if (json) state.custom = json;
}

async function main() {
  installTooltip($('tip'));
  try {
    FIELDS.model.choices = [...(await start()), CUSTOM];
  } catch (e) {
    showMessage('error', `Could not start the WebAssembly core: ${e.message}`);
    return;
  }
  theme = readTheme();
  setModels(FIELDS.model.choices.filter((m) => m !== CUSTOM));
  const solved = readHash();
  // No inline handlers (the CSP forbids them): the form never submits.
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  bindControls((change) => {
    startCustom(change);
    Object.assign(state, change);
    update('model' in change);
    // At phone width the panel opens below the controls.
    if (change.model === CUSTOM) $('custom-panel').scrollIntoView({ block: 'nearest' });
  });
  // A pasted model replaces the one drawn only once it solves, so the last good one stays.
  bindImport((json) => {
    const next = { ...state, model: CUSTOM, custom: json, round: 0 };
    let solved;
    try {
      solved = plans(next);
    } catch (e) {
      return e;
    }
    state = next;
    update(true, solved);
    return null;
  }, () => state.custom);
  $('halo-round').addEventListener('input', (e) => {
    state.round = Number(e.target.value);
    update(true);
  });
  $('halo-play').addEventListener('click', () => drawView('halo', context(true)));
  $('copy-link').addEventListener('click', () => {
    const done = (text) => showMessage('note', text);
    navigator.clipboard?.writeText(location.href)
      .then(() => done('Link copied: it opens this exact view.'), () => done('Copy the address bar to share this view.'))
      ?? done('Copy the address bar to share this view.');
  });
  addEventListener('hashchange', () => {
    if (location.hash === toHash(state)) return;
    update(true, readHash());
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    theme = readTheme();
    drawViews();
  });
  bindExports(() => ({ state, result }));
  watchViews(context);
  update(true, solved);
  drawStale();
  document.body.dataset.ready = 'true';
}

main();
