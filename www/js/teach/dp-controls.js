// The DP view's controls: which k, and a step-through that fills the table one end
// layer j at a time (empty, next row, play/pause, all); the view's caption says what the
// DP just compared. Cell tooltips are written on hover or focus, because a
// table of a 100-layer model holds thousands of cells.

import { drawView } from '../views.js';
import { cellTip, dpFor, dpReady, getFilled, setFilled } from '../views/dp.js';
import { prefersStill } from './anim.js';
import { maxK, rowAt } from './engine.js';
import { candidateOf } from '../worker/dp-pack.js';

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
    if (!cell || cell.getAttribute('data-tip')) return;
    const c = context();
    const text = cellTip(dpFor(c), Number(cell.dataset.j), Number(cell.dataset.first), dpFor(c).k);
    cell.setAttribute('data-tip', text);
    cell.setAttribute('aria-label', text);
  };
  figure.addEventListener('mouseover', describe);
  figure.addEventListener('focusin', describe);
  figure.addEventListener('mousemove', probe);
  figure.addEventListener('mouseleave', () => figure.querySelector('[data-probe]')?.remove());
}

/** A large table is one image (views/dp-cells.js): the cell under the pointer is found
 * from its position and outlined by a probe, whose words the shared tooltip shows. */
function probe(e) {
  const image = e.target.closest?.('[data-testid=dp-cells]');
  const root = image?.ownerSVGElement;
  const old = root?.querySelector('[data-probe]');
  if (!image) return;
  const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(root.getScreenCTM().inverse());
  const [x, y, side] = ['x', 'y', 'width'].map((a) => Number(image.getAttribute(a)));
  const layers = Number(image.dataset.layers);
  const cell = side / layers;
  const i = Math.floor((p.x - x) / cell) + 1;
  const j = Math.floor((p.y - y) / cell) + 1;
  const t = dpFor(context());
  const row = rowAt(t, j);
  const filled = t.rows.indexOf(row) < getFilled();
  if (!row || !filled || !candidateOf(t, row, i)) {
    old?.remove();
    image.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    return;
  }
  if (old && old.dataset.first === String(i) && old.dataset.j === String(j)) return;
  const ring = old ?? document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  const text = cellTip(t, j, i, t.k);
  for (const [k, v] of Object.entries({
    x: x + (i - 1) * cell - 1, y: y + (j - 1) * cell - 1, width: cell + 2, height: cell + 2,
    fill: 'none', stroke: context().theme.accent, 'stroke-width': 1.5, 'pointer-events': 'none',
    'data-probe': '', 'data-cell': '', 'data-first': i, 'data-j': j, 'data-layer': j, 'data-tip': text, 'aria-label': text,
  })) ring.setAttribute(k, v);
  if (!old) root.append(ring);
  ring.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
}
