// The network view: every layer as a shape sized by its output tensor (height by rows,
// width by channels), CLs as boxes, cost-free layers (pools, joins, reshapes) dashed and
// FLs as pills, YOLOv2's passthrough and a branching model's skips and joins as arcs,
// and the blocks of each shown plan as bands labelled round, case and time (MLS's row
// first; SLS's outlined dashed). No hue: hue means a device everywhere on the page.

import { el, svgParts, tip, txt } from '../svg.js';
import { devices, flops, seconds, shape, whole } from '../format.js';
import { caseText, hasFl } from '../cases.js';
import { deviceName } from '../cluster.js';
import { caption } from './network-caption.js';

const TOP = 44;
const BOX_H = 130;
const BAND_H = 30;

/** A layer in words, with the geometry that decides its rows. */
function layerText(l) {
  const k = l.kind;
  switch (k.type) {
    case 'fc': return `FC ${k.outputs}`;
    case 'conv': {
      const pool = k.pool ? `, pool ${k.pool.size}/${k.pool.stride}` : '';
      const groups = k.groups > 1 ? (k.groups === l.input.channels ? ', depthwise' : `, ${k.groups} groups`) : '';
      const dil = k.dilation > 1 ? `, dilation ${k.dilation}` : '';
      return `conv ${k.kernel}×${k.kernel_w ?? k.kernel}/${k.stride}, ${k.filters} filters${groups}${dil}${pool}`;
    }
    case 'pool':
      return k.global ? `global ${k.mode} pool` : `${k.mode} pool ${k.size}×${k.size_w ?? k.size}/${k.stride}${k.padding ? `, padding ${k.padding}` : ''}${k.ceil ? ', ceil' : ''}`;
    case 'add': return 'add (residual)';
    case 'mul': return 'elementwise product';
    case 'scale': return 'per-channel scale';
    case 'concat': return 'concat';
    case 'split': return `channel group ${k.group_id + 1} of ${k.groups}`;
    case 'upsample': return `upsample ×${k.factor}`;
    case 'shuffle': return `channel shuffle, ${k.groups} groups`;
    case 'reorg': return `reorg ${k.stride}×${k.stride}`;
    default: return k.type;
  }
}

function layerTip(l, inputs) {
  const skip = l.skip_channels ? ` (+${l.skip_channels} passthrough channels)` : '';
  const from = inputs && (inputs.length > 1 || inputs[0] !== l.index - 1)
    ? ` reads ${inputs.map((t) => (t === 0 ? 'the input' : `layer ${t}`)).join(' and ')};` : '';
  return `Layer ${l.index}: ${layerText(l)};${from} input ${shape(l.input)}${skip} → output ${shape(l.output)}; ${flops(l.flops)}; ${whole(l.params)} parameters`;
}

/**
 * Branching models: an arc over the shapes from every tensor a layer reads other than
 * the one just before it (residual skips, concat joins, side branches), like YOLOv2's
 * passthrough arc. Arcs over longer spans rise higher so that nested skips stay apart.
 */
function skipArcs(net, colX, theme) {
  let out = '';
  const span = Math.max(1, net.layers.length);
  net.layers.forEach((l, n) => {
    for (const t of net.inputs[n]) {
      if (t === l.index - 1) continue;
      const x1 = colX(t);
      const x2 = colX(l.index);
      const rise = 10 + 26 * Math.min(1, (l.index - t) / Math.max(8, span / 4));
      const what = { concat: 'concatenated', add: 'added', mul: 'multiplied' }[l.kind.type] ?? 'read';
      out += el('g', tip(`Layer ${t === 0 ? 'input' : t}'s output ${shape(t === 0 ? net.input : net.layers[t - 1].output)} is ${what} by layer ${l.index} (${layerText(l)})`),
        el('path', { d: `M${x1},${TOP - 2} C${x1},${TOP - 2 - rise} ${x2},${TOP - 2 - rise} ${x2},${TOP - 2}`, fill: 'none', stroke: theme.muted, 'stroke-width': 1.5, 'stroke-opacity': 0.8, 'marker-end': 'url(#arrow)' }));
    }
  });
  return out;
}

/** One row of bands for a plan, spanning the layer columns of each block. */
function bands(plan, label, y, colX, colW, theme) {
  const dash = label === 'SLS' ? '5 3' : null;
  let out = txt({ x: 4, y: y + BAND_H / 2 + 4, 'font-weight': 600 }, label);
  for (const b of plan.blocks) {
    const x = colX(b.first) - colW / 2 + 1;
    const w = colX(b.last) - colX(b.first) + colW - 2;
    const text = `R${b.round} · ${b.case} · ${seconds(b.completion_s)}`;
    const short = w > text.length * 6.2 ? text : w > 24 ? `R${b.round}` : '';
    out += el(
      'g',
      { ...tip(`${label} round ${b.round}: layers ${b.first}–${b.last}, ${seconds(b.completion_s)} = ${seconds(b.compute_s)} compute + ${seconds(b.transfer_s)} transfer on ${deviceName(plan, b.devices[b.critical_device], b.critical_device)} (the slowest). Case ${caseText(b.case)}`),
        'data-round': b.round, 'data-first': b.first, 'data-last': b.last, 'data-algorithm': label.toLowerCase(), 'data-plan': plan.algorithm },
      el('rect', { x, y, width: w, height: BAND_H - 4, rx: hasFl(b.case) ? (BAND_H - 4) / 2 : 3, fill: theme.band, stroke: theme.fg, 'stroke-opacity': 0.55, 'stroke-dasharray': dash }) +
        txt({ x: x + w / 2, y: y + BAND_H / 2 + 2, 'text-anchor': 'middle', 'font-size': 11 }, short),
    );
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

/** The columns every part of the drawing shares: they depend on the model alone. */
function columns(net) {
  const count = net.layers.length + 1;
  const left = 46;
  const colW = Math.max(34, Math.min(72, (760 - left - 10) / count));
  const width = Math.max(760, left + count * colW + 10);
  return { left, colW, width, colX: (i) => left + i * colW + colW / 2 };
}

/** The layers' shapes, the arcs and the arrow marker: the same for every setting of a
 * model, so they are built once per model and theme (and kept drawn, views/place.js). */
let drawnShapes = { net: null, theme: null, markup: '' };

function layerShapes(net, theme) {
  if (drawnShapes.net === net && drawnShapes.theme === theme) return drawnShapes.markup;
  const items = [{ index: 0, output: net.input }, ...net.layers];
  const { colW, colX } = columns(net);
  const maxH = Math.max(...items.map((l) => l.output.height));
  const maxC = Math.max(...items.map((l) => l.output.channels));
  const fcMax = Math.max(1, ...net.layers.filter((l) => l.kind.type === 'fc').map((l) => l.output.channels));

  let shapes = '';
  for (const l of items) {
    const x = colX(l.index);
    const base = TOP + BOX_H;
    if (l.index > 0 && l.kind.type === 'fc') {
      const h = 24 + (BOX_H - 30) * (Math.log(l.output.channels + 1) / Math.log(fcMax + 1));
      shapes += el('g', { ...tip(layerTip(l)), 'data-layer': l.index },
        el('rect', { x: x - 5, y: base - h, width: 10, height: h, rx: 5, fill: theme.band, stroke: theme.fg, 'stroke-opacity': 0.6, 'stroke-width': 1.5 }));
    } else {
      const h = 8 + (BOX_H - 10) * Math.sqrt(l.output.height / maxH);
      const w = 4 + (colW - 12) * (Math.log2(l.output.channels + 1) / Math.log2(maxC + 1));
      const label = l.index === 0 ? `Input ${shape(l.output)}` : layerTip(l, net.inputs?.[l.index - 1]);
      // Layers that cost nothing (pools, joins, reshapes) are drawn dashed.
      const free = l.index > 0 && l.kind.type !== 'conv';
      shapes += el('g', { ...tip(label), 'data-layer': l.index || null },
        el('rect', { x: x - w / 2, y: base - h, width: w, height: h, rx: 2, fill: l.index === 0 || free ? theme.bg : theme.band, stroke: theme.fg, 'stroke-opacity': 0.6, 'stroke-dasharray': free ? '2 2' : null }));
    }
    shapes += txt({ x, y: base + 14, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, l.index === 0 ? 'in' : l.index);
  }

  if (net.dag) shapes += skipArcs(net, colX, theme);

  if (net.branch) {
    const { source, target } = net.branch.spec;
    const x1 = colX(source);
    const x2 = colX(target);
    shapes += el('g', tip(`Passthrough: layer ${source}'s conv output through a 1×1 conv and reorg ×${net.branch.spec.reorg} → ${shape(net.branch.shape)}, concatenated into layer ${target}'s input; ${flops(net.branch.flops)}`),
      el('path', { d: `M${x1},${TOP - 2} C${x1},${TOP - 36} ${x2},${TOP - 36} ${x2},${TOP - 2}`, fill: 'none', stroke: theme.muted, 'stroke-width': 2, 'marker-end': 'url(#arrow)' }) +
      txt({ x: (x1 + x2) / 2, y: TOP - 30, 'text-anchor': 'middle', 'font-size': 11 }, `passthrough → ${shape(net.branch.shape)}`));
  }

  const defs = el('defs', {}, el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: theme.muted })));
  drawnShapes = { net, theme, markup: defs + shapes };
  return drawnShapes.markup;
}

export function renderNetwork({ net, shown, mls, sls, saving, theme }) {
  const { left, colW, width, colX } = columns(net);
  const rows = shown.map((a) => (a === 'mls' ? [mls, 'MLS'] : [sls, 'SLS']));
  let y = TOP + BOX_H + 24;
  let body = '';
  for (const [plan, label] of rows) {
    body += bands(plan, label, y, colX, colW, theme);
    y += BAND_H;
  }
  y += 8;
  const barW = Math.min(220, width / 4);
  for (const [plan, label] of rows) {
    body += splitBar(plan, label, left, y, barW, theme);
    y += 20;
  }
  body += el('rect', { x: left, y: y - 2, width: 12, height: 12, fill: theme.compute }) + txt({ x: left + 16, y: y + 9, 'font-size': 11 }, 'compute')
    + el('rect', { x: left + 80, y: y - 2, width: 12, height: 12, fill: theme.transfer }) + txt({ x: left + 96, y: y + 9, 'font-size': 11 }, 'transfer')
    + txt({ x: left + 170, y: y + 9, 'font-size': 11, fill: theme.muted }, 'boxes: conv layers · pills: fully-connected layers (FL) · bands: blocks');
  y += 22;
  body += txt({ 'data-testid': 'network-saving', x: left, y: y + 4, 'font-weight': 600 },
    `MLS saves ${saving.toFixed(2)} % over SLS (${seconds(mls.completion_s)} with ${devices(mls.devices)} vs ${seconds(sls.completion_s)} with ${sls.devices})`);
  y += 14;

  return { svg: svgParts(width, y, `${net.name}: layers and blocks`, [layerShapes(net, theme), body], theme), caption: caption(rows, saving, net) };
}
