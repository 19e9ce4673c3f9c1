// Starts the page: loads the wasm core, reads the state from the URL hash, and on every
// control `input` re-solves and redraws each view synchronously. Only the bandwidth
// sweep (Fig. 9) is deferred, since it costs ten comparisons and is cached.

import { FIELDS, parseHash, toHash } from './state.js';
import { start, network, plans, cachedSweep, computeSweep } from './engine.js';
import { setModels, showState, bindControls } from './controls.js';
import { readTheme } from './svg.js';
import { installTooltip } from './tooltip.js';
import { exportJson, exportSvg, exportPng } from './export.js';
import { renderNetwork } from './views/network.js';
import { renderChartK } from './views/chart-k.js';
import { renderChartBandwidth } from './views/chart-bandwidth.js';
import { renderTimeline } from './views/timeline.js';
import { renderHalo, convBlocks, pickConvBlock } from './views/halo.js';
import { renderFl } from './views/fl.js';

const VIEWS = {
  network: renderNetwork,
  'chart-k': renderChartK,
  'chart-bandwidth': renderChartBandwidth,
  timeline: renderTimeline,
  halo: renderHalo,
  fl: renderFl,
};

const $ = (id) => document.getElementById(id);
let state;
let result;
let theme;
let sweepTimer;

function showMessage(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

/** The plans a view shows for the algorithm setting, MLS first. */
function shown() {
  return state.algorithm === 'both' ? ['mls', 'sls'] : [state.algorithm];
}

function context(play) {
  return { state, net: network(state.model), ...result, shown: shown(), theme, sweep: cachedSweep(state), play };
}

function showFigures({ mls, saving }) {
  document.querySelector('[data-testid=completion]').textContent = `${mls.completion_s.toPrecision(4)} s`;
  document.querySelector('[data-testid=devices-used]').textContent = String(mls.devices);
  document.querySelector('[data-testid=block-count]').textContent = String(mls.blocks.length);
  document.querySelector('[data-testid=saving]').textContent = `${saving.toFixed(2)} %`;
}

function renderView(name, ctx) {
  document.querySelector(`[data-view="${name}"]`).innerHTML = VIEWS[name](ctx);
  stale.delete(name);
}

/** Views on screen, kept by an IntersectionObserver; only they are drawn before the paint. */
const visible = new Set();
const stale = new Set();
let laterPending = false;

/** Redraws the views on screen now and the others once the page is idle, so a
 * slider drag pays only for what can be seen; `play` restarts the halo animation. */
function render(play = false) {
  const ctx = context(play);
  showFigures(result);
  fillRounds(ctx);
  for (const name of Object.keys(VIEWS)) {
    if (visible.has(name)) renderView(name, ctx);
    else stale.add(name);
  }
  if (stale.size && !laterPending) {
    laterPending = true;
    // Safari has no requestIdleCallback; a short timer also lands after the paint.
    (window.requestIdleCallback ?? ((f) => setTimeout(f, 50)))(renderStale, { timeout: 250 });
  }
}

function renderStale() {
  laterPending = false;
  const ctx = context(false);
  for (const name of stale) renderView(name, ctx);
}

function watchVisibility() {
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const name = e.target.dataset.view;
      if (!e.isIntersecting) visible.delete(name);
      else {
        visible.add(name);
        if (stale.has(name) && result) renderView(name, context(false));
      }
    }
  });
  for (const el of document.querySelectorAll('[data-view]')) observer.observe(el);
}

function fillRounds(ctx) {
  const plan = ctx[ctx.shown[0]];
  const select = $('halo-round');
  const blocks = convBlocks(plan);
  select.replaceChildren(...blocks.map((b) => new Option(`round ${b.round}: layers ${b.first}–${b.last} (${b.case})`, b.round)));
  select.disabled = blocks.length === 0;
  const picked = pickConvBlock(plan, state.round);
  if (picked) select.value = picked.round;
}

/** The sweep runs once the page has painted and the control has rested. */
function scheduleSweep() {
  clearTimeout(sweepTimer);
  if (cachedSweep(state)) return;
  const s = { ...state };
  sweepTimer = setTimeout(() => {
    try {
      computeSweep(s);
      if (s.model === state.model && s.devices === state.devices && s.gflops === state.gflops) {
        renderView('chart-bandwidth', context(false));
      }
    } catch (e) {
      showMessage('error', e.message);
    }
  }, 120);
}

/** Writes the hash at most every 150 ms (Safari refuses more than 100 writes in 10 s),
 * always ending with the latest state. */
let hashTimer = null;
let hashWritten = 0;
function writeHash() {
  const due = hashWritten + 150 - performance.now();
  if (due <= 0) {
    history.replaceState(null, '', toHash(state));
    hashWritten = performance.now();
  } else if (hashTimer === null) {
    hashTimer = setTimeout(() => { hashTimer = null; writeHash(); }, due);
  }
}

function update(play = false) {
  writeHash();
  showState(state);
  try {
    result = plans(state);
  } catch (e) {
    showMessage('error', e.message);
    return;
  }
  showMessage('error', '');
  render(play);
  scheduleSweep();
}

function readHash() {
  const { state: s, notes } = parseHash(location.hash);
  state = s;
  showMessage('note', notes.length ? `The address was adjusted: ${notes.join('; ')}.` : '');
}

function bindExports() {
  for (const box of document.querySelectorAll('.export')) {
    const name = box.dataset.for;
    for (const kind of ['SVG', 'PNG']) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = kind;
      b.setAttribute('aria-label', `Download the ${name} view as ${kind}`);
      b.addEventListener('click', () => {
        const el = document.querySelector(`[data-view="${name}"] svg`);
        const file = `coopai-${state.model}-${name}.${kind.toLowerCase()}`;
        (kind === 'SVG' ? exportSvg : exportPng)(file, el);
      });
      box.append(b);
    }
  }
  $('export-json').addEventListener('click', () => {
    const value = state.algorithm === 'both' ? { mls: result.mls, sls: result.sls } : result[state.algorithm];
    exportJson(`coopai-${state.model}-${state.algorithm}.json`, value);
  });
  $('copy-link').addEventListener('click', () => navigator.clipboard?.writeText(location.href));
}

async function main() {
  installTooltip($('tip'));
  try {
    FIELDS.model.choices = await start();
  } catch (e) {
    showMessage('error', `Could not start the WebAssembly core: ${e.message}`);
    return;
  }
  theme = readTheme();
  setModels(FIELDS.model.choices);
  readHash();
  bindControls((change) => {
    Object.assign(state, change);
    update('model' in change);
  });
  $('halo-round').addEventListener('input', (e) => {
    state.round = Number(e.target.value);
    update(true);
  });
  $('halo-play').addEventListener('click', () => render(true));
  addEventListener('hashchange', () => {
    if (location.hash === toHash(state)) return;
    readHash();
    update(true);
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    theme = readTheme();
    render();
  });
  bindExports();
  watchVisibility();
  update(true);
  renderStale();
  document.body.dataset.ready = 'true';
}

main();
