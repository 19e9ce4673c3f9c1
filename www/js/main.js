// Starts the page: loads the wasm core, reads the state from the URL hash, and on every
// control `input` re-solves MLS and SLS and redraws the views on screen before the next
// paint. The bandwidth sweep (Fig. 9, ten comparisons) waits until the control rests,
// then runs one bandwidth per task so that the page stays responsive while it fills in.

import { CUSTOM, FIELDS, parseHash, toHash } from './state.js';
import { start, network, plans, cachedSweep, sweepStep, readModel } from './engine.js';
import { bindImport, readNow, showImport, showLinkNote } from './import-panel.js';
import { setModels, showState, bindControls } from './controls.js';
import { readTheme } from './svg.js';
import { installTooltip } from './tooltip.js';
import { bindExports } from './export.js';
import { writeHash } from './hash.js';
import { drawView, drawViews, drawStale, watchViews, viewsSettled } from './views.js';
import { convBlocks, layerSpan, pickConvBlock } from './views/halo.js';
import { openingFor, openingNote } from './teaching.js';
import { fillCases, showFigures } from './figures.js';
import { bindCluster, showCluster, showClusterError, readLinkCluster } from './cluster-panel.js';
import { installTeach, updateTeach } from './teach/index.js';

const $ = (id) => document.getElementById(id);
let state;
let result;
let theme;
let sweepTimer;
/** Phone width: the FL view stacks its panels. */
const narrowQuery = matchMedia('(max-width: 800px)');

function showMessage(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

/** What every view reads; `shown` lists the plans to draw, MLS first. */
function context(play) {
  const shown = state.algorithm === 'both' ? ['mls', 'sls'] : [state.algorithm];
  return { state, net: network(state), ...result, shown, theme, sweep: cachedSweep(state), play, narrow: narrowQuery.matches };
}

/** The halo view's block list, for the plan shown first. */
function fillRounds() {
  const plan = result[state.algorithm === 'sls' ? 'sls' : 'mls'];
  const select = $('halo-round');
  const blocks = convBlocks(plan);
  select.replaceChildren(...blocks.map((b) => new Option(`round ${b.round}: ${layerSpan(b)} (${b.case})`, b.round)));
  select.disabled = blocks.length === 0;
  const picked = pickConvBlock(plan, state.round);
  if (picked) select.value = picked.round;
}

/** The sweep starts once the control has rested for 120 ms and computes one bandwidth
 * per task (a few ms each), then redraws Fig. 9; a newer setting cancels it. */
function scheduleSweep() {
  clearTimeout(sweepTimer);
  if (cachedSweep(state)) return;
  const s = { ...state };
  const step = () => {
    try {
      if (!sweepStep(s)) sweepTimer = setTimeout(step, 0);
      else if (cachedSweep(state)) drawView('chart-bandwidth');
    } catch (e) {
      showMessage('error', e.message);
    }
  };
  sweepTimer = setTimeout(step, 120);
}

/** Re-solves (unless `solved` holds the plans of the state already) and redraws. */
function update(play = false, solved = null) {
  writeHash(state);
  showState(state);
  showCluster(state);
  showImport(state.model === CUSTOM);
  showLinkNote(state.model === CUSTOM ? state.custom : '');
  try {
    const t0 = performance.now();
    result = solved ?? plans(state);
    // Seen in a profile and by scripts/measure-load.mjs.
    performance.measure('coopai solve', { start: t0 });
  } catch (e) {
    showMessage('error', e.message);
    showClusterError(e.message);
    return;
  }
  showMessage('error', '');
  $('copy-status').textContent = '';
  showFigures(state, result);
  fillRounds();
  drawViews(play);
  scheduleSweep();
  updateTeach(context(false));
}

const pretty = (json) => JSON.stringify(JSON.parse(json), null, 2);

/** A link's pasted model is read by the core like a paste; the zoo's default replaces
 * one that is missing (too long for the link) or does not read. */
function readLinkModel(notes) {
  if (state.model !== CUSTOM) return;
  const fallback = () => {
    state.model = FIELDS.model.fallback;
    state.custom = '';
  };
  if (!state.custom) {
    notes.push(`the address names your own model but does not include it (too long for a link), using ${FIELDS.model.fallback}`);
    return fallback();
  }
  try {
    state.custom = readModel(state.custom).json;
  } catch (e) {
    notes.push(`the model in the address does not read (${e.message}), using ${FIELDS.model.fallback}`);
    return fallback();
  }
  readNow(pretty(state.custom), 'the link');
}

function readHash() {
  const { state: s, notes } = parseHash(location.hash);
  state = s;
  readLinkModel(notes);
  readLinkCluster(state, notes, plans);
  // A model with a teaching setting opens with it where the link leaves a field out.
  const opening = openingFor(state.model, location.hash);
  if (opening) Object.assign(state, opening);
  const said = notes.length ? `The address was adjusted: ${notes.join('; ')}.` : '';
  showMessage('note', [said, opening ? openingNote(state.model) : ''].filter(Boolean).join(' '));
}

/** Picking a model with a teaching setting from the list applies that setting; leaving
 * it for another model restores the paper's values it replaced, unless they were moved. */
function openModel(change) {
  if (!change.model) return;
  const opening = openingFor(change.model);
  if (opening) {
    Object.assign(change, opening);
    showMessage('note', openingNote(change.model));
    return;
  }
  const left = openingFor(state.model);
  if (!left) return;
  for (const [key, value] of Object.entries(left)) {
    if (state[key] === value) change[key] = FIELDS[key].fallback;
  }
  showMessage('note', '');
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
  readHash();
  fillCases();
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  bindControls((change) => {
    startCustom(change);
    openModel(change);
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
  // The cluster editor, like a pasted model: an edit replaces the plan drawn only once
  // it solves. Switching it on starts from the sliders' D equal devices of F.
  const tryState = (next) => {
    let solved;
    try {
      solved = plans(next);
    } catch (e) {
      return e;
    }
    state = next;
    update(false, solved);
    return null;
  };
  bindCluster((cluster) => tryState({ ...state, cluster, round: 0 }),
    (on) => tryState({ ...state, cluster: on ? `${state.devices}x${state.gflops}` : '', round: 0 }));
  $('halo-round').addEventListener('input', (e) => {
    state.round = Number(e.target.value);
    update(true);
  });
  $('halo-play').addEventListener('click', () => drawView('halo', context(true)));
  // The confirmation shows beside the button, where the eyes are, not at the page top.
  $('copy-link').addEventListener('click', () => {
    const done = (text) => { $('copy-status').textContent = text; };
    navigator.clipboard?.writeText(location.href)
      .then(() => done('Link copied: it opens this view.'), () => done('Copy the address bar to share this view.'))
      ?? done('Copy the address bar to share this view.');
  });
  addEventListener('hashchange', () => {
    if (location.hash === toHash(state)) return;
    readHash();
    update(true);
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    theme = readTheme();
    drawViews();
  });
  narrowQuery.addEventListener('change', () => drawViews());
  bindExports(() => ({ state, result }));
  // Teaching (issue 10): tour, DP view, explanations, linked views, lessons, animations.
  installTeach({
    context: () => context(false),
    change: (c) => { Object.assign(state, c); update('model' in c); },
    replay: (name) => drawView(name, context(true)),
  });
  // The first calls into the core compile its code (lazily, function by function):
  // a small solve in a task of its own takes that cost, then the first real solve
  // runs in the next task; each stays short.
  const nextTask = () => new Promise((ok) => setTimeout(ok, 0));
  await nextTask();
  plans({ model: 'tiny', devices: 2, bandwidth: 100, gflops: 13.6 });
  await nextTask();
  watchViews(context);
  update(true);
  // For scripts/measure-load.mjs and the tests: redraw one view, or all of them now.
  window.coopaiDebug = { redraw: (name) => drawView(name), drawAll: drawStale };
  await viewsSettled();
  document.body.dataset.ready = 'true';
}

main();
