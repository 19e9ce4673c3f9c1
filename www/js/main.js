// Starts the page: loads the wasm core, reads the state from the URL hash, and on every
// control `input` re-solves MLS and SLS and redraws the views on screen before the next
// paint. The bandwidth sweep (Fig. 9, ten comparisons) waits until the control rests.

import { FIELDS, parseHash, toHash } from './state.js';
import { start, network, plans, cachedSweep, computeSweep } from './engine.js';
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
  return { state, net: network(state.model), ...result, shown, theme, sweep: cachedSweep(state), play };
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

function update(play = false) {
  writeHash(state);
  showState(state);
  try {
    result = plans(state);
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

function readHash() {
  const { state: s, notes } = parseHash(location.hash);
  state = s;
  showMessage('note', notes.length ? `The address was adjusted: ${notes.join('; ')}.` : '');
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
  $('halo-play').addEventListener('click', () => drawView('halo', context(true)));
  $('copy-link').addEventListener('click', () => {
    const done = (text) => showMessage('note', text);
    navigator.clipboard?.writeText(location.href)
      .then(() => done('Link copied: it opens this exact view.'), () => done('Copy the address bar to share this view.'))
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
  bindExports(() => ({ state, result }));
  watchViews(context);
  update(true);
  drawStale();
  document.body.dataset.ready = 'true';
}

main();
