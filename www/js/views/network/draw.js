// The network view's markup, part by part: the shapes of a range of columns (each layer's
// output tensor, or a folded round), the arcs into them, the plans' bands and the
// compute/transfer footer. No hue: hue means a device everywhere on the page.

import { el, svgParts, tip, txt } from '../../svg.js';
import { devices, flops, pct, seconds, shape } from '../../format.js';
import { caseText, hasFl } from '../../cases.js';
import { deviceName } from '../../cluster.js';
import { layerText, layerTip, tensorsText } from './text.js';

export const TOP = 44;
export const BOX_H = 130;
export const BAND_H = 30;
/** Arcs drawn into one layer at most (the nearest inputs); its tooltip names the rest. A
 * layer that reads hundreds of tensors would otherwise draw hundreds of thousands. */
const MAX_ARCS = 3;

/** The largest rows, channels and FC width of a model: the shapes' scales. */
const scalesOf = new WeakMap();
function scales(net) {
  let s = scalesOf.get(net);
  if (!s) {
    const items = [{ output: net.input }, ...net.layers];
    s = {
      maxH: Math.max(...items.map((l) => l.output.height)),
      maxC: Math.max(...items.map((l) => l.output.channels)),
      fcMax: Math.max(1, ...net.layers.filter((l) => l.kind.type === 'fc').map((l) => l.output.channels)),
    };
    scalesOf.set(net, s);
  }
  return s;
}

/** The arrow marker the arcs end with. */
export function arrowDefs(theme) {
  return el('defs', {}, el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: theme.muted })));
}

/** Layer `i`'s shape and number (0: the input). */
function layerShape(net, i, x, colW, theme) {
  const { maxH, maxC, fcMax } = scales(net);
  const l = i === 0 ? { index: 0, output: net.input } : net.layers[i - 1];
  const base = TOP + BOX_H;
  let out;
  if (i > 0 && l.kind.type === 'fc') {
    const h = 24 + (BOX_H - 30) * (Math.log(l.output.channels + 1) / Math.log(fcMax + 1));
    out = el('g', { ...tip(layerTip(net, l, false)), 'data-layer': l.index },
      el('rect', { x: x - 5, y: base - h, width: 10, height: h, rx: 5, fill: theme.band, stroke: theme.fg, 'stroke-opacity': 0.6, 'stroke-width': 1.5 }));
  } else {
    const h = 8 + (BOX_H - 10) * Math.sqrt(l.output.height / maxH);
    const w = 4 + (colW - 12) * (Math.log2(l.output.channels + 1) / Math.log2(maxC + 1));
    const label = i === 0 ? `Input ${shape(l.output)}` : layerTip(net, l);
    // Layers that cost nothing (pools, joins, reshapes) are drawn dashed.
    const free = i > 0 && l.kind.type !== 'conv';
    out = el('g', { ...tip(label), 'data-layer': l.index || null },
      el('rect', { x: x - w / 2, y: base - h, width: w, height: h, rx: 2, fill: i === 0 || free ? theme.bg : theme.band, stroke: theme.fg, 'stroke-opacity': 0.6, 'stroke-dasharray': free ? '2 2' : null }));
  }
  return out + txt({ x, y: base + 14, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, i === 0 ? 'in' : i);
}

/** A folded run of repeated blocks: one box, `× 35` over the block's name. */
function runShape(net, col, theme) {
  const { first, last, count, period, name } = col.fold;
  const work = net.layers.slice(first - 1, last).reduce((s, l) => s + l.flops, 0);
  const block = net.layers.slice(first - 1, first - 1 + period).map((l) => layerText(net, l)).join(', ');
  const x = col.x + col.w / 2;
  const label = `${count} × ${name} (${block}): layers ${first}–${last} (${last - first + 1} layers, ${flops(work)}). Click, or press Enter, to unfold it.`;
  return el('g', { ...tip(label), 'data-fold': `${first}-${last}`, 'data-run': count, 'data-first': first, 'data-last': last, class: 'net-fold' },
    el('rect', { x: col.x + 4, y: TOP + 24, width: col.w - 8, height: BOX_H - 24, rx: 6, fill: theme.band, stroke: theme.fg, 'stroke-opacity': 0.8, 'stroke-width': 1.5 })
    // A stack of boxes behind it says "many of one".
    + el('path', { d: `M${col.x + 8},${TOP + 20} H${col.x + col.w - 4} V${TOP + BOX_H - 4} M${col.x + 12},${TOP + 16} H${col.x + col.w} V${TOP + BOX_H - 8}`, fill: 'none', stroke: theme.fg, 'stroke-opacity': 0.5 })
    + txt({ x, y: TOP + 24 + (BOX_H - 24) / 2 - 4, 'text-anchor': 'middle', 'font-size': 12, 'font-weight': 600 }, `× ${count}`)
    + txt({ x, y: TOP + 24 + (BOX_H - 24) / 2 + 12, 'text-anchor': 'middle', 'font-size': 10 }, name))
    + txt({ x, y: TOP + BOX_H + 14, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, `${first}–${last}`);
}

/** A folded round: one box for its layers, which a click (or Enter) unfolds. */
function foldShape(net, col, plan, theme) {
  if (col.fold.count) return runShape(net, col, theme);
  const { first, last, round } = col.fold;
  const n = last - first + 1;
  const work = net.layers.slice(first - 1, last).reduce((s, l) => s + l.flops, 0);
  const x = col.x + col.w / 2;
  const label = `${plan.toUpperCase()} round ${round} folded: layers ${first}–${last} (${n} layers, ${flops(work)}). Click, or press Enter, to unfold it.`;
  return el('g', { ...tip(label), 'data-fold': `${first}-${last}`, 'data-round': round, 'data-plan': plan, 'data-first': first, 'data-last': last, class: 'net-fold' },
    el('rect', { x: col.x + 4, y: TOP + 24, width: col.w - 8, height: BOX_H - 24, rx: 6, fill: theme.band, stroke: theme.fg, 'stroke-opacity': 0.8, 'stroke-width': 1.5 })
    + txt({ x, y: TOP + 24 + (BOX_H - 24) / 2 - 4, 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 600 }, `R${round}`)
    + txt({ x, y: TOP + 24 + (BOX_H - 24) / 2 + 12, 'text-anchor': 'middle', 'font-size': 10 }, `${n} layers`))
    + txt({ x, y: TOP + BOX_H + 14, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, `${first}–${last}`);
}

/** Columns `c0` to `c1 − 1` of the layout `lay`: shapes and numbers. `plan` names the
 * plan whose rounds are folded. */
export function columnShapes(net, lay, theme, c0, c1, plan) {
  let out = '';
  for (let c = c0; c < c1; c++) {
    const col = lay.cols[c];
    out += col.fold ? foldShape(net, col, plan, theme) : layerShape(net, col.layer, col.x + col.w / 2, lay.colW, theme);
  }
  return out;
}

/**
 * Branching models: an arc over the shapes from every tensor a layer reads other than
 * the one just before it (residual skips, concat joins, side branches), like YOLOv2's
 * passthrough arc. Arcs over longer spans rise higher so that nested skips stay apart.
 * Only the arcs into columns `c0` to `c1 − 1`; none inside a folded round.
 */
export function arcs(net, lay, theme, c0, c1) {
  if (!net.dag) return '';
  let out = '';
  const span = Math.max(1, net.layers.length);
  const first = lay.cols[c0]?.fold?.first ?? lay.cols[c0]?.layer ?? 0;
  const end = c1 >= lay.cols.length ? net.layers.length + 1 : lay.cols[c1].fold?.first ?? lay.cols[c1].layer;
  for (let i = Math.max(1, first); i < end; i++) {
    const l = net.layers[i - 1];
    const far = net.inputs[i - 1].filter((t) => t !== i - 1 && lay.colOf[t] !== lay.colOf[i]);
    // The nearest inputs get arcs; a layer reading more names the others in a tooltip.
    const drawn = far.length > MAX_ARCS ? [...far].sort((a, b) => b - a).slice(0, MAX_ARCS) : far;
    for (const t of drawn) {
      const x1 = lay.colX(t);
      const x2 = lay.colX(i);
      const rise = 10 + 26 * Math.min(1, (l.index - t) / Math.max(8, span / 4));
      const what = { concat: 'concatenated', add: 'added', mul: 'multiplied' }[l.kind.type] ?? 'read';
      out += el('g', tip(`Layer ${t === 0 ? 'input' : t}'s output ${shape(t === 0 ? net.input : net.layers[t - 1].output)} is ${what} by layer ${l.index} (${layerText(net, l)})`),
        el('path', { d: `M${x1},${TOP - 2} C${x1},${TOP - 2 - rise} ${x2},${TOP - 2 - rise} ${x2},${TOP - 2}`, fill: 'none', stroke: theme.muted, 'stroke-width': 1.5, 'stroke-opacity': 0.8, 'marker-end': 'url(#arrow)' }));
    }
    if (drawn.length < far.length) {
      const rest = far.filter((t) => !drawn.includes(t)).sort((a, b) => a - b);
      const x = lay.colX(i);
      out += el('g', tip(`Layer ${l.index} (${layerText(net, l)}) also reads ${rest.length} more tensors, not drawn as arcs: ${tensorsText(rest)}`),
        el('path', { d: `M${x - 6},${TOP - 40} L${x},${TOP - 30} L${x + 6},${TOP - 40}`, fill: 'none', stroke: theme.muted, 'stroke-width': 2 }));
    }
  }
  return out;
}

/** YOLOv2's passthrough arc, when the model has one. */
export function passthrough(net, lay, theme) {
  if (!net.branch) return '';
  const { source, target } = net.branch.spec;
  const x1 = lay.colX(source);
  const x2 = lay.colX(target);
  return el('g', tip(`Passthrough: layer ${source}'s conv output through a 1×1 conv and reorg ×${net.branch.spec.reorg} → ${shape(net.branch.shape)}, concatenated into layer ${target}'s input; ${flops(net.branch.flops)}`),
    el('path', { d: `M${x1},${TOP - 2} C${x1},${TOP - 36} ${x2},${TOP - 36} ${x2},${TOP - 2}`, fill: 'none', stroke: theme.muted, 'stroke-width': 2, 'marker-end': 'url(#arrow)' }) +
    txt({ x: (x1 + x2) / 2, y: TOP - 30, 'text-anchor': 'middle', 'font-size': 11 }, `passthrough → ${shape(net.branch.shape)}`));
}

/** One band: `blocks` (consecutive, one or more rounds that share their columns). Its
 * label is centred on the part of it within `sight` ([x0, x1], when the drawing is
 * larger than its panel), so a long round's label stays in view. */
function band(plan, label, blocks, x, w, y, theme, sight) {
  const dash = label === 'SLS' ? '5 3' : null;
  const [b, z] = [blocks[0], blocks.at(-1)];
  const one = blocks.length === 1;
  const text = one ? `R${b.round} · ${b.case} · ${seconds(b.completion_s)}` : `R${b.round}–${z.round}`;
  const [from, to] = sight ? [Math.max(x, sight[0]), Math.min(x + w, sight[1])] : [x, x + w];
  const room = to - from;
  const short = room > text.length * 6.2 ? text : room > 24 ? `R${b.round}` : '';
  const words = one
    ? `${label} round ${b.round}: layers ${b.first}–${b.last}, ${seconds(b.completion_s)} = ${seconds(b.compute_s)} compute + ${seconds(b.transfer_s)} transfer on ${deviceName(plan, b.devices[b.critical_device], b.critical_device)} (the slowest). Case ${caseText(b.case)}`
    : `${label} rounds ${b.round}–${z.round}: layers ${b.first}–${z.last} (folded), ${seconds(blocks.reduce((s, x) => s + x.completion_s, 0))}`;
  const attrs = one ? { 'data-round': b.round, 'data-first': b.first, 'data-last': b.last, 'data-algorithm': label.toLowerCase(), 'data-plan': plan.algorithm }
    : { 'data-first': b.first, 'data-last': z.last, 'data-algorithm': label.toLowerCase() };
  return el('g', { ...tip(words), ...attrs },
    el('rect', { x, y, width: w, height: BAND_H - 4, rx: blocks.some((x) => hasFl(x.case)) ? (BAND_H - 4) / 2 : 3, fill: theme.band, stroke: theme.fg, 'stroke-opacity': 0.55, 'stroke-dasharray': dash }) +
      txt({ x: sight ? (from + to) / 2 : x + w / 2, y: y + BAND_H / 2 + 2, 'text-anchor': 'middle', 'font-size': 11 }, short));
}

/** One row of bands for a plan, spanning the columns of each block; rounds that fall in
 * one folded column share one band. Only the bands that meet columns `c0` to `c1 − 1`,
 * labelled within `sight` (see `band`). */
export function bands(plan, label, y, lay, theme, c0 = 0, c1 = Infinity, sight = null) {
  let out = txt({ x: 4, y: y + BAND_H / 2 + 4, 'font-weight': 600 }, label);
  const { cols, colOf } = lay;
  const blocks = plan.blocks;
  for (let n = 0; n < blocks.length;) {
    const b = blocks[n];
    const [a, z] = [colOf[b.first], colOf[b.last]];
    let m = n + 1;
    while (m < blocks.length && colOf[blocks[m].first] === a && colOf[blocks[m].last] === z) m++;
    if (z >= c0 && a < c1) {
      const [from, to] = [cols[a], cols[z]];
      const x = (from.x + from.w / 2) - from.w / 2 + 1;
      // As `colX(last) − colX(first) + colW − 2` without folds, to the last digit.
      const w = (to.x + to.w / 2) - (from.x + from.w / 2) + (from.w + to.w) / 2 - 2;
      out += band(plan, label, blocks.slice(n, m), x, w, y, theme, sight);
    }
    n = m;
  }
  return out;
}

/** A compute/transfer split bar with its caption. */
function splitBar(plan, label, x, y, w, theme) {
  const total = plan.completion_s;
  const cw = (w * plan.compute_s) / total;
  return (
    el('g', tip(`${label} compute ${seconds(plan.compute_s)}`),
      el('rect', { x, y, width: cw, height: 12, fill: theme.compute })) +
    el('g', tip(`${label} transfer ${seconds(plan.transfer_s)}`),
      el('rect', { x: x + cw, y, width: w - cw, height: 12, fill: theme.transfer })) +
    txt({ x: x + w + 8, y: y + 11 },
      `${label}: k = ${plan.devices} · ${seconds(total)} = ${seconds(plan.compute_s)} compute + ${seconds(plan.transfer_s)} transfer`)
  );
}

/** Each plan's compute/transfer split, the legend and MLS's saving, from `y` down in a
 * drawing `width` wide; returns the markup and the height it reaches. */
export function footer({ rows, saving, mls, sls, theme, state }, left, width, y0) {
  let y = y0;
  let body = '';
  const barW = Math.min(220, width / 4);
  for (const [plan, label] of rows) {
    body += splitBar(plan, label, left, y, barW, theme);
    y += 20;
  }
  body += el('rect', { x: left, y: y - 2, width: 12, height: 12, fill: theme.compute }) + txt({ x: left + 16, y: y + 9, 'font-size': 11 }, 'compute')
    + el('rect', { x: left + 80, y: y - 2, width: 12, height: 12, fill: theme.transfer }) + txt({ x: left + 96, y: y + 9, 'font-size': 11 }, 'transfer')
    + txt({ x: left + 170, y: y + 9, 'font-size': 11, fill: theme.muted }, 'boxes: conv layers · pills: fully-connected layers (FL) · bands: blocks');
  y += 22;
  // MLS's saving only beside MLS's own bars; in a stream, of the period the plans chose.
  if (rows.some(([plan]) => plan === mls)) {
    const [what, time] = state.objective === 'throughput' ? ['period', (p) => p.period_s] : ['time', (p) => p.completion_s];
    body += txt({ 'data-testid': 'network-saving', x: left, y: y + 4, 'font-weight': 600 },
      `MLS saves ${pct(saving)} of the ${what} over SLS (${seconds(time(mls))} with ${devices(mls.devices)} vs ${seconds(time(sls))} with ${sls.devices})`);
    y += 14;
  }
  return { markup: body, y };
}

/** The layers' shapes, the arcs and the arrow marker of a whole drawing: the same for
 * every setting of a model, so built once per model, theme and folds (and kept drawn,
 * views/place.js). */
let drawnShapes = { net: null, theme: null, lay: null, markup: '' };

function allShapes(net, lay, theme, plan) {
  if (drawnShapes.net === net && drawnShapes.theme === theme && drawnShapes.lay === lay) return drawnShapes.markup;
  const markup = arrowDefs(theme) + columnShapes(net, lay, theme, 0, lay.cols.length, plan)
    + arcs(net, lay, theme, 0, lay.cols.length) + passthrough(net, lay, theme);
  drawnShapes = { net, theme, lay, markup };
  return markup;
}

/** The plans shown, MLS first, with their row labels. */
export function shownRows({ shown, mls, sls }) {
  return shown.map((a) => (a === 'mls' ? [mls, 'MLS'] : [sls, 'SLS']));
}

/** The whole drawing in parts (shapes, then bands and footer) at the layout `lay`. */
export function wholeDrawing(ctx, lay) {
  const { net, theme } = ctx;
  const rows = shownRows(ctx);
  let y = TOP + BOX_H + 24;
  let body = '';
  for (const [plan, label] of rows) {
    body += bands(plan, label, y, lay, theme);
    y += BAND_H;
  }
  const foot = footer({ ...ctx, rows }, lay.cols[0].x, lay.width, y + 8);
  return svgParts(lay.width, foot.y, `${net.name}: layers and blocks`, [allShapes(net, lay, theme, rows[0][0].algorithm), body + foot.markup], theme);
}

