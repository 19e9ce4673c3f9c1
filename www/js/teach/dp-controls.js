// The DP view's controls: which k, and a step-through that fills the table one end
// layer j at a time (empty, next row, play/pause, all), with a sentence per step saying
// what the DP just compared. Cell tooltips are written on hover or focus, because a
// table of a 100-layer model holds thousands of cells.

import { drawView } from '../views.js';
import { cellTip, dpFor, getFilled, setFilled } from '../views/dp.js';
import { seconds } from '../format.js';
import { prefersStill } from './anim.js';

const $ = (id) => document.getElementById(id);
let timer = null;
let context;
let change;

/** What the DP did at the last filled row, or how the table reads when full. */
function caption(ctx) {
  const t = dpFor(ctx);
  const n = Math.min(getFilled(), t.rows.length);
  if (n >= t.rows.length) {
    return `Every row is filled. Reading back from T(${t.rows.at(-1).last}) = ${seconds(t.completion_s)}: ` +
      t.chain.map((b) => (b.first === b.last ? `layer ${b.first}` : `layers ${b.first}–${b.last}`)).join(', then ') +
      '. Hover a cell for its compute, transfer and halo.';
  }
  if (n === 0) return 'The table is empty: T(0) = 0, nothing computed yet. Press "Fill next row".';
  const row = t.rows[n - 1];
  const kept = row.candidates.find((c) => c.first === row.first && c.case === row.case);
  return `Row j = ${row.last}: ${row.candidates.length} candidate last blocks compared; the best starts at layer ${row.first} (${row.case}): ` +
    `T(${row.last}) = T(${row.first - 1}) + e(${row.first}, ${row.last}) = ${seconds(kept.before_s)} + ${seconds(kept.block_s)} = ${seconds(row.best_s)}.`;
}

function redraw() {
  const ctx = context();
  drawView('dp', ctx);
  $('dp-caption').textContent = caption(ctx);
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
  const total = dpFor(context()).rows.length;
  setFilled(Math.min(total, getFilled() + 1));
  if (getFilled() >= total) stop();
  redraw();
}

/** The best k and D the k list was built for: most re-solves change neither. */
let listed = '';

/** The k list: the plan's best k first, then every k up to D. */
export function fillDpK(state, plan) {
  const select = $('dp-k');
  if (listed !== `${plan.devices}|${state.devices}`) {
    listed = `${plan.devices}|${state.devices}`;
    const options = [new Option(`best, k = ${plan.devices}`, 0)];
    for (let k = 1; k <= state.devices; k += 1) options.push(new Option(`k = ${k}`, k));
    select.replaceChildren(...options);
  }
  select.value = state.dpk >= 1 && state.dpk <= state.devices ? state.dpk : 0;
  $('dp-caption').textContent = caption(context());
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
