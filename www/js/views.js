// The views and when they are drawn: those on screen at once, so a slider drag pays only
// for what can be seen, and the others one per idle period once the input has rested
// (or as soon as they scroll into view), so that no single task at load or during a drag
// holds the main thread for long (a 300-layer network view takes 20–30 ms to rebuild).
// The views that read the DP table (the DP view, "Explain this plan") wait until they
// are in sight: the table is asked of the worker only then (deep models make it slow).

import { renderSystem } from './views/system.js';
import { renderNetwork } from './views/network.js';
import { renderChartK } from './views/chart-k.js';
import { renderChartBandwidth } from './views/chart-bandwidth.js';
import { renderTimeline } from './views/timeline.js';
import { renderStreamTimeline } from './views/stream-timeline.js';
import { renderHalo } from './views/halo.js';
import { renderFl } from './views/fl.js';
import { renderDp, waitDp } from './views/dp.js';
import { renderExplain, waitExplain } from './teach/explain.js';
import { place } from './views/place.js';
import { rove } from './tooltip.js';

const VIEWS = {
  system: renderSystem,
  network: renderNetwork,
  'chart-k': renderChartK,
  'chart-bandwidth': renderChartBandwidth,
  timeline: renderTimeline,
  'stream-timeline': renderStreamTimeline,
  halo: renderHalo,
  fl: renderFl,
  dp: renderDp,
};

/** Views that are not drawings: each fills its element itself. */
const LISTS = {
  explain: { id: 'explain-list', draw: renderExplain },
};

/** The views that read the DP table, and what each says while its table is computed
 * (the box is dimmed meanwhile: what it shows is of an earlier setting). */
const WAITING = { dp: waitDp, explain: waitExplain };
const READERS = new Set(Object.keys(WAITING));

const boxOf = (name) => (LISTS[name] ? document.getElementById(LISTS[name].id) : document.querySelector(`[data-view="${name}"]`));

const visible = new Set();
const stale = new Set();
let idlePending = false;
let makeContext;
/** `ready(ctx)`: the DP tables of the context are in; `load(ctx)` asks for them. */
let tables;
/** Off-screen views wait this long after the last redraw: a drag draws only what is seen. */
const REST_MS = 200;
let lastChange = 0;

/** Safari has no requestIdleCallback; a short timer also lands after the paint. */
const whenIdle = window.requestIdleCallback ?? ((f) => setTimeout(f, 50));

/** Views that scrolled into sight out of date, drawn one per task (at load several
 * arrive at once, and drawing them in one go blocked the main thread for ~100 ms). */
const arriving = [];
let settle;
const settled = new Promise((ok) => { settle = ok; });
function drawArriving() {
  const name = arriving.shift();
  if (name && stale.has(name)) drawView(name);
  if (arriving.length) setTimeout(drawArriving, 0);
  else settle();
}

/** Resolves once the views first in sight are drawn (the page is then "ready"). */
export function viewsSettled() {
  return settled;
}

/** Marks a figure that is wider than its panel (only at phone width can it be), so its
 * "scroll sideways" hint shows; checked after layout, in the next frame. */
function markOverflow(box, narrow) {
  if (!narrow) {
    box.closest('.panel')?.classList.remove('overflows');
    return;
  }
  requestAnimationFrame(() => {
    box.closest('.panel')?.classList.toggle('overflows', box.scrollWidth > box.clientWidth + 1);
  });
}

/** Dims a view that reads the DP table and lets it say that its table is computed. */
function wait(name, ctx) {
  const box = boxOf(name);
  box.dataset.waiting = 'true';
  WAITING[name](box, ctx);
}

export function drawView(name, ctx = makeContext(false)) {
  if (READERS.has(name) && !tables.ready(ctx)) {
    // Drawn once its table is in, if still out of date (and for the setting then drawn).
    stale.add(name);
    wait(name, ctx);
    tables.load(ctx).then(() => { if (stale.has(name)) drawView(name); }, () => {});
    return;
  }
  const t0 = performance.now();
  const box = boxOf(name);
  if (LISTS[name]) LISTS[name].draw(box, ctx);
  else drawFigure(name, box, ctx);
  delete box.dataset.waiting;
  stale.delete(name);
  performance.measure(`coopai draw ${name}`, { start: t0 });
}

function drawFigure(name, box, ctx) {
  const drawn = VIEWS[name](ctx);
  // A view returns its SVG, or the SVG and the sentences of its caption; or, instead of
  // the SVG, `mount()`, which draws into the box itself (a large network view).
  const { svg, caption, mount } = typeof drawn === 'string' ? { svg: drawn } : drawn;
  if (mount) mount();
  else place(box, svg);
  // Styles set through the CSSOM, not as attributes in the markup, so a strict
  // Content-Security-Policy (no inline styles) still allows them. At phone width a
  // drawing keeps 90 % of its width (10 px text stays 9 px) and scrolls (style.css).
  const root = box.firstElementChild;
  if (root?.viewBox) root.style.setProperty('--w', root.viewBox.baseVal.width);
  for (const e of box.querySelectorAll('[data-delay]')) e.style.animationDelay = e.dataset.delay;
  if (caption !== undefined) document.querySelector(`[data-caption="${name}"]`).replaceChildren(...caption);
  rove(box);
  markOverflow(box, ctx.narrow);
}

/** Draws the next view that is not up to date, then waits for the next idle period. */
function drawNextStale() {
  idlePending = false;
  const wait = lastChange + REST_MS - performance.now();
  if (wait > 0) {
    setTimeout(scheduleStale, wait);
    return;
  }
  // A view that reads the DP table waits until it is in sight.
  const ctx = makeContext(false);
  const name = [...stale].find((n) => !READERS.has(n) || tables.ready(ctx));
  if (!name) return;
  drawView(name, ctx);
  scheduleStale();
}

function scheduleStale() {
  if (stale.size && !idlePending) {
    idlePending = true;
    whenIdle(drawNextStale, { timeout: 250 });
  }
}

/** Draws every view that is not up to date, now, and those that read the DP table once
 * it is in (for the tests and scripts/measure-load.mjs). */
export async function drawStale() {
  const waiting = makeContext(false);
  if ([...stale].some((n) => READERS.has(n)) && !tables.ready(waiting)) await tables.load(waiting).catch(() => {});
  const ctx = makeContext(false);
  for (const name of stale) drawView(name, ctx);
}

/** Whether a view that reads the DP table is in sight (so a solve brings the table). */
export function tablesInSight() {
  return [...READERS].some((n) => visible.has(n));
}

/** Redraws the views on screen now and marks the rest; `play` restarts animations. */
export function drawViews(play = false) {
  lastChange = performance.now();
  const ctx = makeContext(play);
  for (const name of [...Object.keys(VIEWS), ...Object.keys(LISTS)]) {
    if (visible.has(name)) drawView(name, ctx);
    else {
      stale.add(name);
      // Out of sight, a DP table is not computed: what such a view shows is taken down
      // now, not when it scrolls back into sight.
      if (READERS.has(name) && !tables.ready(ctx)) wait(name, ctx);
    }
  }
  scheduleStale();
}

/** `context(play)` builds what views read; `dpTables` is `{ready(ctx), load(ctx)}`:
 * whether the context's DP tables are in, and a promise of them. */
export function setContext(context, dpTables) {
  makeContext = context;
  tables = dpTables;
}

/** Starts tracking which views are on screen. Started after the first plans are drawn
 * (none are known to be in sight then, so all are stale): the views in sight at load
 * are then drawn one per task as they are reported, not all in one long task. */
export function watchViews() {
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const name = e.target.dataset.view ?? Object.keys(LISTS).find((n) => LISTS[n].id === e.target.id);
      if (!e.isIntersecting) visible.delete(name);
      else {
        visible.add(name);
        if (stale.has(name) && !arriving.includes(name) && arriving.push(name) === 1) setTimeout(drawArriving, 0);
      }
    }
    if (!arriving.length) settle();
  });
  for (const el of document.querySelectorAll('[data-view]')) observer.observe(el);
  for (const { id } of Object.values(LISTS)) observer.observe(document.getElementById(id));
}
