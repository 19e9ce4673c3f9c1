// Exploring a network too long to draw legibly at the panel's width (ResNet-50, a
// 300-layer DenseNet): the drawing keeps a legible zoom and scrolls sideways inside its
// panel, and only the columns in sight (and one panel's width either side) are in the
// DOM, in chunks that stay while they are in reach (so a focused shape keeps its focus).
// Zoom (buttons, ctrl + wheel or pinch, + − 0 on the drawing), pan (drag, scroll),
// "Fit" and "Fit round N", an overview strip of the rounds with the part in sight, search
// by layer number, kind or where the imported file wrote it, and folding: a round of the
// plan shown first folds into one box (click its band, or "Fold rounds" for all), and so
// does a run of repeated blocks ("Fold repeats", repeats.js); a click unfolds it.

import { place } from '../place.js';
import { svg } from '../../svg.js';
import { rove } from '../../tooltip.js';
import { exportSource } from '../../export.js';
import { layout } from './layout.js';
import { TOP, BOX_H, BAND_H, arcs, arrowDefs, bands, columnShapes, footer, passthrough, shownRows, wholeDrawing } from './draw.js';
import { layerTip } from './text.js';
import { repeats } from './repeats.js';
import { whole } from '../../format.js';

/** The width of the view's box, kept by a ResizeObserver: read when asked, it would
 * lay out the page in the middle of a draw. A change redraws the view in the next frame
 * (whether it is explored depends on the width; a full-page screenshot, for one, briefly
 * makes it 0). */
let boxWidth = 0;
let resizes;
let redrawing = 0;
export function panelWidth(box) {
  if (!resizes) {
    boxWidth = box.clientWidth;
    resizes = new ResizeObserver(([e]) => {
      if (Math.abs(e.contentRect.width - boxWidth) < 0.5) return;
      boxWidth = e.contentRect.width;
      cancelAnimationFrame(redrawing);
      redrawing = requestAnimationFrame(() => import('../../views.js').then((v) => v.drawView('network')));
    });
    resizes.observe(box);
  }
  return boxWidth;
}

/** Scrolls the drawing to `px` from its left edge, clamped as the browser clamps it (the
 * position is kept, not read back: a read would lay out the page). */
function scrollTo(px) {
  S.left = Math.max(0, Math.min(px, S.lay.width * S.zoom - S.width));
  S.scroller.scrollLeft = S.left;
}

/** The smallest zoom: the drawing's 10-unit labels at 8 CSS px (9 at phone width, as
 * every drawing there). Text is never drawn smaller: the view scrolls or folds instead. */
export function minZoom(narrow) {
  return narrow ? 0.9 : 0.8;
}
const MAX_ZOOM = 3;
const STEP = 1.25;
/** Columns per chunk of DOM. */
const CHUNK = 8;

const $ = (id) => document.getElementById(id);

/** The one explored view's state. */
const S = {
  box: null, scroller: null, graph: null, foot: null, ctx: null, lay: null,
  zoom: 1, left: 0, width: 0, folds: new Set(), layoutKey: '', rootKey: null, chunks: new Map(),
  bandsMarkup: '', footMarkup: '', found: 0, hits: [], hit: -1, query: '', frame: 0, dragged: false,
};

/** The drawing's height in user units, for `rows` plans. */
const graphHeight = (rows) => TOP + BOX_H + 24 + rows * BAND_H + 4;

/** The plan whose rounds fold, and its rounds of more than one layer. */
function foldable(ctx) {
  const plan = shownRows(ctx)[0][0];
  return { plan, rounds: plan.blocks.filter((b) => b.last > b.first) };
}

const spanKey = (f) => `${f.first}-${f.last}`;

/** Every span that can fold, by key ("first-last"): the rounds of the plan shown first
 * and the runs of repeated blocks (a round wins where both span the same layers). */
function foldables(ctx) {
  const spans = new Map(repeats(ctx.net).map((r) => [spanKey(r), r]));
  for (const { first, last, round } of foldable(ctx).rounds) spans.set(spanKey({ first, last }), { first, last, round });
  return spans;
}

/** The column range whose x (user units) meets [x0, x1]. */
function columnsIn(lay, x0, x1) {
  const { cols } = lay;
  let lo = 0;
  let hi = cols.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cols[mid].x + cols[mid].w < x0) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < cols.length && cols[end].x <= x1) end++;
  return [lo, end];
}

/** Sizes the drawing at the zoom: it keeps its aspect and scrolls inside its panel.
 * Rounded up to whole pixels, so layout's rounding never scales 10-unit text under 8 px. */
function size() {
  const { width } = S.lay;
  const height = graphHeight(shownRows(S.ctx).length);
  S.graph.setAttribute('viewBox', `0 0 ${width} ${height}`);
  S.graph.querySelector(':scope > rect').setAttribute('width', width);
  S.graph.style.width = `${Math.ceil(width * S.zoom)}px`;
  S.graph.style.height = `${Math.ceil(height * S.zoom)}px`;
}

/** The chunk range whose columns meet [x0, x1] (user units). */
function chunksIn(x0, x1) {
  const [c0, c1] = columnsIn(S.lay, x0, x1);
  return [Math.floor(c0 / CHUNK), Math.floor(Math.max(c0, c1 - 1) / CHUNK)];
}

/** Adds chunk `k` to the DOM, in order. */
function addChunk(k) {
  const { lay, ctx } = S;
  const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  g.dataset.chunk = k;
  const end = Math.min(lay.cols.length, (k + 1) * CHUNK);
  g.innerHTML = columnShapes(ctx.net, lay, ctx.theme, k * CHUNK, end, foldable(ctx).plan.algorithm)
    + arcs(ctx.net, lay, ctx.theme, k * CHUNK, end);
  let next = null;
  for (const [j, other] of S.chunks) if (j > k && (!next || j < Number(next.dataset.chunk))) next = other;
  S.graph.querySelector('[data-part=chunks]').insertBefore(g, next);
  S.chunks.set(k, g);
  if (S.found) g.querySelector(`[data-layer="${S.found}"]`)?.classList.add('net-found');
}

/** The bands that meet columns `c0` to `c1 − 1` (a plan of 690 one-layer rounds has
 * 690), rewritten when they change unless one of them has the focus. */
function drawBands(c0, c1, sight) {
  const holder = S.graph.querySelector('[data-part=bands]');
  if (holder.contains(document.activeElement) && S.bandsMarkup !== null) return;
  let y = TOP + BOX_H + 24;
  let markup = '';
  for (const [plan, label] of shownRows(S.ctx)) {
    markup += bands(plan, label, y, S.lay, S.ctx.theme, c0, c1, sight);
    y += BAND_H;
  }
  if (markup !== S.bandsMarkup) holder.innerHTML = markup;
  S.bandsMarkup = markup;
}

/** Chunks within a panel's width of the part in sight, added one per idle period so
 * that scrolling on finds them drawn without a long task now. */
let ahead = [];
let aheadPending = false;
const whenIdle = window.requestIdleCallback ?? ((f) => setTimeout(f, 50));
function drawAhead() {
  aheadPending = false;
  const k = ahead.shift();
  if (k !== undefined && !S.chunks.has(k) && S.box?.contains(S.scroller)) addChunk(k);
  if (ahead.length) scheduleAhead();
}
function scheduleAhead() {
  if (aheadPending) return;
  aheadPending = true;
  whenIdle(drawAhead, { timeout: 200 });
}

/** Puts the chunks in sight into the DOM now and those within a panel's width on either
 * side soon; removes the others (but the one holding the focus). */
function renderWindow() {
  const t0 = performance.now();
  const view = S.width / S.zoom;
  const x0 = S.left / S.zoom;
  const [s0, s1] = chunksIn(x0, x0 + view);
  const [k0, k1] = chunksIn(x0 - view, x0 + 2 * view);
  for (const [k, g] of S.chunks) {
    if ((k < k0 || k > k1) && !g.contains(document.activeElement)) {
      g.remove();
      S.chunks.delete(k);
    }
  }
  for (let k = s0; k <= s1; k++) if (!S.chunks.has(k)) addChunk(k);
  // Labels centred in the chunks in sight: they move once per chunk scrolled, not per frame.
  const { cols } = S.lay;
  const last = cols[Math.min(cols.length, (s1 + 1) * CHUNK) - 1];
  drawBands(k0 * CHUNK, (k1 + 1) * CHUNK, [cols[s0 * CHUNK].x, last.x + last.w]);
  ahead = [];
  for (let k = k0; k <= k1; k++) if (!S.chunks.has(k)) ahead.push(k);
  if (ahead.length) scheduleAhead();
  // One tab stop per drawing, also when the chunk that held it has gone.
  if (!S.box.querySelector('[data-tip][tabindex="0"]')) rove(S.box);
  where(x0, x0 + view);
  performance.measure('coopai draw network window', { start: t0 });
}

/** The overview strip: each round of the plan shown first, and the part in sight. */
function drawOverview() {
  const { lay, ctx } = S;
  const { plan } = foldable(ctx);
  const t = ctx.theme;
  let rects = '';
  plan.blocks.forEach((b, n) => {
    const a = lay.cols[lay.colOf[b.first]];
    const z = lay.cols[lay.colOf[b.last]];
    rects += `<rect x="${a.x}" y="0" width="${z.x + z.w - a.x}" height="10" fill="${n % 2 ? t.transfer : t.grid}"/>`;
  });
  $('net-overview').innerHTML = `<svg viewBox="0 0 ${lay.width} 10" preserveAspectRatio="none">${rects}<rect class="net-here" y="0" height="10" fill="${t.accent}" fill-opacity="0.25" stroke="${t.accent}" stroke-width="2" vector-effect="non-scaling-stroke"/></svg>`;
}

/** What is in sight, [x0, x1] in user units: the overview's frame and the line under
 * the tools. (Given, not read: reading the scroller's geometry after the chunks changed
 * would lay out the page again.) */
function where(x0, x1) {
  const { lay, ctx } = S;
  const here = $('net-overview').querySelector('.net-here');
  here?.setAttribute('x', x0);
  here?.setAttribute('width', Math.max(1, x1 - x0));
  const [c0, c1] = columnsIn(lay, x0 + lay.colW / 2, x1 - lay.colW / 2);
  const first = lay.cols[c0];
  const last = lay.cols[Math.max(c0, c1 - 1)];
  const from = first ? first.fold?.first ?? first.layer : 0;
  const to = last ? last.fold?.last ?? last.layer : 0;
  $('net-where').textContent = `In sight: layers ${Math.max(1, from)}–${to} of ${ctx.net.layers.length} · zoom ${Math.round(S.zoom * 100)} %`;
}

function onScroll() {
  S.left = S.scroller.scrollLeft;
  if (S.frame) return;
  S.frame = requestAnimationFrame(() => {
    S.frame = 0;
    renderWindow();
  });
}

/** Zooms to `z` (clamped to legible sizes) keeping the point `anchor` px from the
 * panel's left edge where it is. */
function zoomTo(z, anchor = S.width / 2) {
  const zoom = Math.min(MAX_ZOOM, Math.max(minZoom(S.ctx.narrow), z));
  const at = (S.left + anchor) / S.zoom;
  S.zoom = zoom;
  size();
  scrollTo(at * zoom - anchor);
  renderWindow();
}

function say(text) {
  $('net-status').textContent = text;
  $('net-status').hidden = !text;
}

/** The whole network at the smallest legible zoom (it rarely fits: then it says so). */
function fit() {
  const { width } = S;
  zoomTo(Math.min(1, width / S.lay.width));
  scrollTo(0);
  renderWindow();
  const px = Math.round(S.lay.width * S.zoom);
  say(px > width + 1
    ? `At the smallest legible size (8 px text) the network is ${whole(px)} px wide, ${(px / width).toFixed(1)}× the panel: scroll, or fold its rounds or repeated blocks to see more at once.`
    : '');
}

/** Round `r` of the plan shown first across the panel, as large as fits. */
function fitRound(r) {
  const b = foldable(S.ctx).plan.blocks.find((x) => x.round === r);
  if (!b) return;
  const { cols, colOf } = S.lay;
  const a = cols[colOf[b.first]];
  const z = cols[colOf[b.last]];
  const span = z.x + z.w - a.x;
  const { width } = S;
  zoomTo(width / (span + 20));
  scrollTo((a.x - 10) * S.zoom);
  renderWindow();
  say(span * S.zoom > width + 1 ? `Round ${r} (layers ${b.first}–${b.last}) is wider than the panel at a legible size: scroll along it, or fold it.` : '');
}

/** Marks the layer found by the search, when its shape is in the DOM. */
function markFound() {
  for (const e of S.box.querySelectorAll('.net-found')) e.classList.remove('net-found');
  if (S.found) S.box.querySelector(`[data-layer="${S.found}"]`)?.classList.add('net-found');
}

/** Scrolls column of layer `n` to the middle of the panel. */
function bringIntoView(n) {
  const { lay } = S;
  scrollTo(lay.colX(n) * S.zoom - S.width / 2);
  renderWindow();
  markFound();
}

/** The layers whose number is `q`, or whose description (with where the imported file
 * wrote it: `line 40`, an ONNX node's name, a Keras layer's) contains it. */
function matches(q) {
  const { net } = S.ctx;
  if (/^\d+$/.test(q)) {
    const n = Number(q);
    return n >= 1 && n <= net.layers.length ? [n] : [];
  }
  const needle = q.toLowerCase();
  return net.layers.filter((l) => layerTip(net, l).toLowerCase().includes(needle)).map((l) => l.index);
}

/** The next layer matching the search box (Enter again: the one after). */
function search() {
  const q = $('net-search').value.trim();
  if (!q) {
    S.found = 0;
    markFound();
    say('');
    return;
  }
  if (q !== S.query) {
    S.query = q;
    S.hits = matches(q);
    S.hit = -1;
  }
  if (!S.hits.length) {
    S.found = 0;
    markFound();
    say(`No layer matches “${q}”: type a layer number (1–${S.ctx.net.layers.length}) or part of a description (conv 3×3, concat, add)${S.ctx.net.sources ? ' or of where the file wrote it (a line, a node or layer name)' : ''}.`);
    return;
  }
  S.hit = (S.hit + 1) % S.hits.length;
  const n = S.hits[S.hit];
  S.found = n;
  const fold = [...S.folds].find((f) => { const [a, b] = f.split('-').map(Number); return a <= n && n <= b; });
  if (fold) setFold(fold, false);
  bringIntoView(n);
  const l = S.ctx.net.layers[n - 1];
  say(`${layerTip(S.ctx.net, l)}${S.hits.length > 1 ? ` (match ${S.hit + 1} of ${S.hits.length}; Enter for the next)` : ''}`);
}

/** Whether the spans keyed `a` and `b` ("first-last") share a layer. */
function overlap(a, b) {
  const [a0, a1] = a.split('-').map(Number);
  const [b0, b1] = b.split('-').map(Number);
  return a0 <= b1 && b0 <= a1;
}

/** Folds `keys` (spans "first-last"), unfolding any folded span they overlap. */
function foldSpans(keys) {
  for (const key of keys) {
    for (const other of S.folds) if (overlap(key, other)) S.folds.delete(other);
    S.folds.add(key);
  }
}

/** Folds (or unfolds) the round or run whose layers are `key` ("first-last"), and redraws. */
function setFold(key, on) {
  say('');
  if (on) foldSpans([key]);
  else S.folds.delete(key);
  explore(S.box, S.ctx);
}

function foldAll() {
  say('');
  const { rounds } = foldable(S.ctx);
  if (S.folds.size) S.folds.clear();
  else foldSpans(rounds.map(spanKey));
  explore(S.box, S.ctx);
}

/** Folds every run of repeated blocks, or unfolds them if any is folded. */
function foldRepeats() {
  say('');
  const runs = repeats(S.ctx.net).map(spanKey);
  const folded = runs.filter((k) => S.folds.has(k));
  if (folded.length) for (const k of folded) S.folds.delete(k);
  else foldSpans(runs);
  explore(S.box, S.ctx);
}

/** A click or Enter on a folded box unfolds it; on a band of a foldable round, folds it. */
function activate(target) {
  const fold = target.closest('[data-fold]');
  if (fold) {
    setFold(fold.dataset.fold, false);
    S.box.querySelector(`[data-layer="${fold.dataset.first}"]`)?.focus();
    return true;
  }
  const band = target.closest('[data-round][data-plan]');
  const { plan } = foldable(S.ctx);
  if (band && band.dataset.plan === plan.algorithm && band.dataset.last !== band.dataset.first && S.box.contains(band)) {
    setFold(`${band.dataset.first}-${band.dataset.last}`, true);
    S.box.querySelector(`[data-fold="${band.dataset.first}-${band.dataset.last}"]`)?.focus();
    return true;
  }
  return false;
}

/** ← and → on a layer move to the next column's shape (drawn first if it was not). */
function step(from, dir) {
  const { lay } = S;
  const n = from.dataset.fold ? Number(from.dataset.first) : Number(from.dataset.layer ?? 0);
  const c = lay.colOf[n] + dir;
  if (c < 0 || c >= lay.cols.length) return;
  const col = lay.cols[c];
  const key = col.fold ? `[data-fold="${col.fold.first}-${col.fold.last}"]` : `[data-layer="${col.layer}"]`;
  const x = (col.x + col.w / 2) * S.zoom;
  const sc = S.scroller;
  if (x < S.left + 20 || x > S.left + S.width - 20) scrollTo(x - S.width / 2);
  renderWindow();
  const to = col.layer === 0 ? S.box.querySelector('[data-chunk="0"] [data-tip]') : S.box.querySelector(key);
  if (!to) return;
  for (const e of S.box.querySelectorAll('[tabindex="0"]')) e.tabIndex = -1;
  to.tabIndex = 0;
  to.focus({ preventScroll: true });
}

/** The scroller's own pointer: ctrl + wheel (and a pinch) zooms, a drag pans. */
function wireScroller(sc) {
  sc.addEventListener('wheel', (e) => {
    if (!e.ctrlKey) return;
    e.preventDefault();
    zoomTo(S.zoom * Math.exp(-e.deltaY * 0.002), e.clientX - sc.getBoundingClientRect().left);
  }, { passive: false });
  let drag = null;
  sc.addEventListener('pointerdown', (e) => {
    S.dragged = false;
    if (e.pointerType === 'mouse' && e.button === 0) drag = { x: e.clientX, left: S.left };
  });
  sc.addEventListener('pointermove', (e) => {
    if (!drag || !(e.buttons & 1)) return;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3) S.dragged = true;
    if (S.dragged) scrollTo(drag.left - dx);
  });
  sc.addEventListener('pointerup', () => { drag = null; });
}

/** The tools, the overview and the drawing's keys, once (the box stays; its drawing
 * comes and goes). */
function wireTools(box) {
  const active = () => S.scroller && box.contains(S.scroller);
  box.addEventListener('click', (e) => {
    if (active() && !S.dragged) activate(e.target);
  });
  box.addEventListener('keydown', (e) => {
    if (!active()) return;
    const shape = e.target.closest?.('[data-chunk] [data-layer], [data-chunk] [data-fold], [data-chunk="0"] > [data-tip]:first-child');
    if (e.key === '+' || e.key === '=') zoomTo(S.zoom * STEP);
    else if (e.key === '-') zoomTo(S.zoom / STEP);
    else if (e.key === '0') fit();
    else if (e.key === 'Enter' || e.key === ' ') {
      if (!activate(e.target)) return;
    } else if (shape && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) step(shape, e.key === 'ArrowRight' ? 1 : -1);
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  $('net-zoom-in').addEventListener('click', () => zoomTo(S.zoom * STEP));
  $('net-zoom-out').addEventListener('click', () => zoomTo(S.zoom / STEP));
  $('net-fit').addEventListener('click', fit);
  $('net-fold').addEventListener('click', foldAll);
  $('net-fold-runs').addEventListener('click', foldRepeats);
  $('net-round').addEventListener('change', (e) => { if (e.target.value) fitRound(Number(e.target.value)); });
  $('net-search').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    search();
  });
  $('net-search').addEventListener('search', search);
  const overview = $('net-overview');
  const jump = (e) => {
    const r = overview.getBoundingClientRect();
    scrollTo(((e.clientX - r.left) / r.width) * S.lay.width * S.zoom - S.width / 2);
  };
  overview.addEventListener('pointerdown', (e) => {
    if (!active()) return;
    overview.setPointerCapture(e.pointerId);
    jump(e);
  });
  overview.addEventListener('pointermove', (e) => { if (active() && e.buttons & 1) jump(e); });
  exportSource('network', () => (active() ? wholeMarkup() : null));
}

/** The whole drawing as one SVG (all its columns, folds as shown, the footer under the
 * bands): what the SVG and PNG buttons save. Bounded: at most 1,001 columns and
 * `MAX_ARCS` arcs into each. */
function wholeMarkup() {
  const { head, parts } = wholeDrawing(S.ctx, S.lay);
  const [, width, height] = head.match(/viewBox="0 0 ([\d.]+) ([\d.]+)"/).map(Number);
  return { markup: `${head}${parts.map((p) => `<g>${p}</g>`).join('')}</svg>`, width, height };
}

/** The tools' rounds list and the fold button, written only when they change. */
function tools() {
  const { plan, rounds } = foldable(S.ctx);
  const options = ['<option value="">a round…</option>', ...plan.blocks.map((b) => `<option value="${b.round}">R${b.round}: layers ${b.first}–${b.last}</option>`)].join('');
  const list = $('net-round');
  if (list.dataset.options !== options) {
    list.innerHTML = options;
    list.dataset.options = options;
  }
  const fold = $('net-fold');
  fold.disabled = !rounds.length && !S.folds.size;
  fold.textContent = S.folds.size ? 'Unfold all' : 'Fold rounds';
  fold.setAttribute('aria-pressed', String(S.folds.size > 0));
  const runs = repeats(S.ctx.net);
  const runsFolded = runs.some((r) => S.folds.has(spanKey(r)));
  const foldRuns = $('net-fold-runs');
  foldRuns.disabled = !runs.length;
  foldRuns.textContent = runsFolded ? 'Unfold repeats' : 'Fold repeats';
  foldRuns.setAttribute('aria-pressed', String(runsFolded));
  foldRuns.title = runs.length ? `Fold each run of identical blocks into one box: ${runs.map((r) => `${r.count} × ${r.name}`).join(', ')}` : 'No block repeats in this network';
  for (const id of ['net-tools', 'net-overview']) $(id).hidden = false;
}

/** Builds the drawing's frame for a model and theme: the scrolling graph (chunks of
 * columns, the passthrough arc, the bands) and the footer beside it, not scrolled. */
function frame(box, net, theme) {
  const keep = box.contains(S.scroller) ? S.left : 0;
  place(box, '');
  box.innerHTML = `<div class="net-scroll">${svg(1, 1, `${net.name}: layers and blocks`, `${arrowDefs(theme)}<g data-part="chunks"></g><g data-part="passthrough"></g><g data-part="bands"></g>`, theme)}</div>`
    + svg(760, 1, `${net.name}: each plan's compute and transfer`, '<g data-part="foot"></g>', theme);
  [S.scroller, S.foot] = box.children;
  S.graph = S.scroller.firstElementChild;
  // As every drawing's root (views.js), so it keeps 90 % of its size at phone width.
  S.foot.style.setProperty('--w', 760);
  S.left = keep;
  // Set only when needed: setting it lays out the page, which a new model just changed.
  if (keep) S.scroller.scrollLeft = keep;
  S.scroller.addEventListener('scroll', onScroll, { passive: true });
  wireScroller(S.scroller);
  if (S.rootKey?.net !== net) S.folds = new Set();
  S.rootKey = { net, theme };
  S.layoutKey = '';
  S.bandsMarkup = '';
  S.footMarkup = '';
  S.chunks.clear();
}

let wired = false;

/** Draws `ctx` into the network view's `box` as an explorable drawing. */
export function explore(box, ctx) {
  if (!S.box) S.zoom = 1;
  S.width = panelWidth(box);
  S.box = box;
  S.ctx = ctx;
  const { net, theme } = ctx;
  if (!wired) {
    wireTools(box);
    wired = true;
  }
  if (!box.contains(S.scroller) || S.rootKey?.net !== net || S.rootKey?.theme !== theme) frame(box, net, theme);
  const spans = foldables(ctx);
  S.folds = new Set([...S.folds].filter((k) => spans.has(k)));
  const folds = [...S.folds].map((k) => spans.get(k)).sort((a, b) => a.first - b.first);
  const layoutKey = `${shownRows(ctx)[0][1]}|${[...S.folds].join(',')}`;
  if (layoutKey !== S.layoutKey) {
    S.lay = layout(net, folds);
    S.layoutKey = layoutKey;
    for (const g of S.chunks.values()) g.remove();
    S.chunks.clear();
    S.graph.querySelector('[data-part=passthrough]').innerHTML = passthrough(net, S.lay, theme);
  }
  const rows = shownRows(ctx);
  S.bandsMarkup = null;
  const foot = footer({ ...ctx, rows }, S.lay.cols[0].x, 760, 8);
  if (foot.markup !== S.footMarkup) {
    S.foot.querySelector('[data-part=foot]').innerHTML = foot.markup;
    S.foot.setAttribute('viewBox', `0 0 760 ${foot.y}`);
    S.foot.querySelector(':scope > rect').setAttribute('height', foot.y);
    S.footMarkup = foot.markup;
  }
  size();
  drawOverview();
  renderWindow();
  tools();
}

/** Back to a drawing scaled to its panel: the tools hide, the box is emptied for it. */
export function leaveExplore(box) {
  if (S.scroller && box.contains(S.scroller)) place(box, '');
  S.scroller = null;
  S.box = null;
  for (const id of ['net-tools', 'net-overview', 'net-status']) $(id).hidden = true;
  $('net-where').textContent = '';
}
