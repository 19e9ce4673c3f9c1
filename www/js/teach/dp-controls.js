// The DP view's controls: which k, and a step-through that fills the table one end
// layer j at a time (empty, next row, play/pause, all); the view's caption says what the
// DP just compared. Cell tooltips are written on hover or focus, because a
// table of a 100-layer model holds thousands of cells.

import { drawView } from '../views.js';
import { cellTip, dpFor, dpReady, getFilled, setFilled } from '../views/dp.js';
import { prefersStill } from './anim.js';
import { maxK } from './engine.js';

const $ = (id) => document.getElementById(id);
let timer = null;
let context;
let change;

function redraw() {
  const ctx = context();
  drawView('dp', ctx);
  if (!dpReady(ctx)) return;
  const total = dpFor(ctx).rows.length;
  $('dp-play').textContent = timer ? 'Pause' : '▶ Play';
  $('dp-play').setAttribute('aria-pressed', String(Boolean(timer)));
  $('dp-step').disabled = getFilled() >= total;
}

function stop() {
  clearInterval(timer);
  timer = null;
}

function step() {
  if (!dpReady(context())) return;
  const total = dpFor(context()).rows.length;
  setFilled(Math.min(total, getFilled() + 1));
  if (getFilled() >= total) stop();
  redraw();
}

/** The D the k list was built for: most re-solves keep it. */
let listed = 0;

/** The k list: the plan's best k first, then every k up to D. */
export function fillDpK(state, plan) {
  const select = $('dp-k');
  const d = maxK(state);
  if (listed !== d) {
    listed = d;
    const options = [new Option('', 0)];
    for (let k = 1; k <= d; k += 1) options.push(new Option(`k = ${k}`, k));
    select.replaceChildren(...options);
  }
  const best = `best, k = ${plan.devices}`;
  if (select.options[0].text !== best) select.options[0].text = best;
  select.value = state.dpk >= 1 && state.dpk <= d ? state.dpk : 0;
}

/** `ctx()` gives what views read; `onChange(partial)` changes the state (the k). */
export function bindDp(ctx, onChange) {
  context = ctx;
  change = onChange;
  $('dp-k').addEventListener('input', (e) => {
    stop();
    setFilled(Infinity);
    change({ dpk: Number(e.target.value) });
  });
  $('dp-restart').addEventListener('click', () => {
    stop();
    setFilled(0);
    redraw();
  });
  $('dp-step').addEventListener('click', () => {
    stop();
    if (getFilled() === Infinity) setFilled(0);
    step();
  });
  $('dp-all').addEventListener('click', () => {
    stop();
    setFilled(Infinity);
    redraw();
  });
  $('dp-play').addEventListener('click', () => {
    if (timer) {
      stop();
      redraw();
      return;
    }
    if (!dpReady(context())) return;
    const total = dpFor(context()).rows.length;
    if (getFilled() >= total) setFilled(0);
    timer = setInterval(step, prefersStill() ? 1200 : 450);
    redraw();
  });
  // Tooltips for cells are written just before the shared tooltip reads them.
  const figure = document.querySelector('[data-view=dp]');
  const describe = (e) => {
    const cell = e.target.closest?.('[data-cell]');
    if (!cell || cell.hasAttribute('data-tip')) return;
    const c = context();
    const text = cellTip(dpFor(c), Number(cell.dataset.j), Number(cell.dataset.first), dpFor(c).k);
    cell.setAttribute('data-tip', text);
    cell.setAttribute('aria-label', text);
  };
  figure.addEventListener('mouseover', describe);
  figure.addEventListener('focusin', describe);
}
