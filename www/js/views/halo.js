// The halo view: for one conv block, each device's rows at the block input and at every
// layer, split into its own equal share (solid) and the halo it adds (pale). Played from
// the last layer back to the input, the receptive field visibly widens.

import { el, svg, tip, deviceColour, txt } from '../svg.js';
import { rows as rowsText } from '../format.js';
import { teamSplit, deviceName, isMixed } from '../cluster.js';
import { deviceKey } from './devices.js';

export function convBlocks(plan) {
  return plan.blocks.filter((b) => (b.case === 'conv' || b.case === 'conv+fc') && b.devices.length > 1);
}

/** The block of `round` if it is a conv block, else the one with the most layers. */
export function pickConvBlock(plan, round) {
  const blocks = convBlocks(plan);
  return blocks.find((b) => b.round === round)
    ?? blocks.reduce((a, b) => (b.last - b.first > a.last - a.first ? b : a), blocks[0]);
}

const len = (r) => (r ? r[1] - r[0] + 1 : 0);

function message(text, theme) {
  return svg(760, 60, 'Halo view', txt({ x: 16, y: 34, fill: theme.muted }, text), theme);
}

export function renderHalo({ net, shown, mls, sls, state, theme, play }) {
  const plan = shown[0] === 'mls' ? mls : sls;
  const block = pickConvBlock(plan, state.round);
  if (!block) return message(`This ${shown[0].toUpperCase()} plan has no conv block split over several devices; add devices or bandwidth.`, theme);
  const k = block.devices.length;
  // A mixed cluster's shares follow speed; equal devices split equally, as before.
  const share = teamSplit(plan);
  const inputH = net.layers[block.first - 1].input.height;
  const columns = [
    { title: 'input', height: inputH, lane: (dev, d) => ({ rows: dev.in_rows, own: share(inputH, d) }) },
    ...block.devices[0].layers.map((l, i) => ({
      title: `layer ${l.layer}`,
      layer: l.layer,
      height: net.layers[l.layer - 1].output.height,
      lane: (dev) => dev.layers[i],
    })),
  ];
  const [width, left, top, barH] = [760, 10, 44, 230];
  const colW = (width - left * 2) / columns.length;
  const laneW = Math.max(1.5, (colW * 0.8) / k);
  let out = '';
  columns.forEach((c, i) => {
    const x0 = left + i * colW + (colW - laneW * k) / 2;
    const scale = barH / c.height;
    let body = el('rect', { x: x0 - 2, y: top, width: laneW * k + 4, height: barH, fill: 'none', stroke: theme.grid });
    let total = 0;
    block.devices.forEach((dev, d) => {
      const { rows, own } = c.lane(dev, d);
      if (!rows) return;
      total += len(rows);
      const x = x0 + d * laneW;
      const colour = deviceColour(d, theme);
      const halo = len(rows) - (own ? len(own) : 0);
      let lane = el('rect', { x, y: top + rows[0] * scale, width: laneW - 0.5, height: len(rows) * scale, fill: colour, 'fill-opacity': 0.35 });
      if (own) lane += el('rect', { x, y: top + own[0] * scale, width: laneW - 0.5, height: len(own) * scale, fill: colour });
      const who = deviceName(plan, dev, d);
      body += el('g', tip(`${who[0].toUpperCase()}${who.slice(1)}, ${c.title} (${c.height} rows): needs ${rowsText(rows)}; own share ${rowsText(own)}; halo ${Math.max(0, halo)} rows`), lane);
    });
    const factor = total / c.height;
    body += txt({ x: x0 + (laneW * k) / 2, y: top + barH + 16, 'text-anchor': 'middle', 'font-size': 11 }, c.title);
    body += txt({ x: x0 + (laneW * k) / 2, y: top + barH + 30, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, `${c.height} rows · ×${factor.toFixed(2)}`);
    const delay = play ? `animation-delay: ${((columns.length - 1 - i) * 0.25).toFixed(2)}s` : null;
    out += el('g', { class: 'step', style: delay, 'data-layer': c.layer }, body);
  });
  const gflop = block.devices.reduce((s, dev) => s + dev.flops, 0) / 1e9;
  const layers = block.last - block.first + 1;
  const rounds = layers > 1 ? `, one round instead of ${layers}` : '';
  const head = txt({ x: left, y: 16, 'font-weight': 600 },
    `Round ${block.round}: layers ${block.first}–${block.last} (${block.case}) on ${k} devices${rounds}`) +
    txt({ x: left, y: 32, 'font-size': 11, fill: theme.muted },
      `Solid: own share${isMixed(plan) ? ' (in proportion to speed)' : ''}, pale: halo. ×n: rows computed by all devices ÷ rows of the layer. ${gflop.toFixed(2)} GFLOP in all.`);
  const last = block.devices[0].layers.at(-1).layer;
  const key = deviceKey(plan, block.devices, theme, left, top + barH + 54, width - left,
    (dev) => `${rowsText(dev.out_rows)} of layer ${last}`);
  return svg(width, top + barH + 40 + key.height, 'Halo rows of a conv block', head + el('g', { class: play ? 'play' : null }, out) + key.markup, theme);
}
