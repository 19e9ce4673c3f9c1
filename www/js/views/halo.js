// The halo view: for one conv block, each device's rows at every layer, split into its own
// equal share (solid, its colour) and the halo it adds (the same colour, hatched), and at
// the block input the rows it needs (outlined: they are fetched or kept, not computed).
// Under each layer its kernel, stride and pool say why the halo grows: a k×k kernel needs
// ⌊k/2⌋ more rows on each side, a pool or a stride doubles what lies below. Played from
// the last layer back to the input, the receptive field visibly widens.

import { el, svg, tip, deviceColour, txt } from '../svg.js';
import { textWidth } from './thin.js';
import { devices as deviceCount, plural, rows as rowsText } from '../format.js';
import { deviceHue, deviceName, isMixed } from '../cluster.js';
import { deviceKey } from './devices.js';
import { columnWindow } from './halo-window.js';

/** With more devices than this the lanes become slivers: show this many, spread. */
const MAX_LANES = 8;

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

/** `layers 1–7`, or `layer 3` for a block of one. */
export function layerSpan(b) {
  return b.first === b.last ? `layer ${b.first}` : `layers ${b.first}–${b.last}`;
}

function message(text, theme) {
  return { svg: svg(760, 60, 'Halo view', txt({ x: 16, y: 34, fill: theme.muted }, text), theme), caption: [text] };
}

/** Indices of the devices drawn: all, or MAX_LANES spread from the first to the last. */
function lanesShown(k) {
  if (k <= MAX_LANES) return [...Array(k).keys()];
  return [...new Set(Array.from({ length: MAX_LANES }, (_, i) => Math.round((i * (k - 1)) / (MAX_LANES - 1))))];
}

/** `3×3/1, pool 2/2`: what widens the halo below this layer (a layer with no window of
 * its own, a concat or an add, by its kind). */
function why(layer) {
  const c = layer.kind;
  if (!c.kernel) return c.type;
  return `${c.kernel}×${c.kernel}/${c.stride}${c.pool ? ` +pool ${c.pool.size}/${c.pool.stride}` : ''}`;
}

/** `columns 1–11 of 283`, `◀ input–layer 9` and `layers 19–28 ▶` on the line at `y`,
 * when the block has more columns than are drawn: the controls of views/halo-window.js. */
function windowControls(columns, from, to, left, right, y, theme) {
  // Column 0 is the block's input; the last column of a span is always a layer.
  const span = (a, z) => (columns[a].layer ? `layers ${columns[a].layer}–` : 'input–layer ') + columns[z].layer;
  let out = txt({ x: left, y, 'font-size': 11, fill: theme.muted },
    `A long block: columns ${from + 1}–${to} of ${columns.length} drawn`);
  const control = (move, text, x) => el('g', { 'data-halo-move': move, ...tip(`Show ${text.replace(/[◀▶]/g, '').trim()}`), role: 'button', cursor: 'pointer' },
    el('rect', { x: x - textWidth(text) - 10, y: y - 12, width: textWidth(text) + 12, height: 17, rx: 3, fill: theme.band, stroke: theme.grid })
    + txt({ x: x - 4, y, 'text-anchor': 'end', 'font-size': 11 }, text));
  let x = right;
  if (to < columns.length) {
    const text = `${span(to, Math.min(columns.length, to + 10) - 1)} ▶`;
    out += control(1, text, x);
    x -= textWidth(text) + 20;
  }
  if (from > 0) out += control(-1, `◀ ${span(Math.max(0, from - 10), from - 1)}`, x);
  return out;
}

export function renderHalo({ net, shown, mls, sls, state, theme, play }) {
  const plan = shown[0] === 'mls' ? mls : sls;
  const name = shown[0].toUpperCase();
  const block = pickConvBlock(plan, state.round);
  if (!block) {
    return message(plan.devices === 1
      ? `This ${name} plan runs on one device, so nothing is split and there is no halo. The note above the views says what would split it.`
      : `This ${name} plan has no conv block split over several devices.`, theme);
  }
  const k = block.devices.length;
  const shownDevices = lanesShown(k);
  const n = shownDevices.length;
  const inputH = net.layers[block.first - 1].input.height;
  const columns = [
    { title: 'input', height: inputH, note: 'needed', lane: (dev) => ({ rows: dev.in_rows, own: null }) },
    ...block.devices[0].layers.map((l, i) => ({
      title: `layer ${l.layer}`,
      layer: l.layer,
      height: net.layers[l.layer - 1].output.height,
      note: why(net.layers[l.layer - 1]),
      lane: (dev) => dev.layers[i],
    })),
  ];
  // A long block: a window of its columns, with controls to move it.
  const [from, to] = columnWindow(`${plan.algorithm} ${block.round} ${block.first}`, columns.length);
  const drawn = columns.slice(from, to);
  const windowed = drawn.length < columns.length;
  const [width, left, top, barH] = [760, 10, windowed ? 70 : 48, 220];
  const colW = (width - left * 2) / drawn.length;
  const laneW = Math.max(3, (colW * 0.8) / n);
  let out = '';
  drawn.forEach((c, i) => {
    const x0 = left + i * colW + (colW - laneW * n) / 2;
    const scale = barH / c.height;
    let body = el('rect', { x: x0 - 2, y: top, width: laneW * n + 4, height: barH, fill: 'none', stroke: theme.grid });
    let total = 0;
    block.devices.forEach((dev) => { total += len(c.lane(dev).rows); });
    shownDevices.forEach((d, lane) => {
      const dev = block.devices[d];
      const { rows, own } = c.lane(dev);
      if (!rows) return;
      const x = x0 + lane * laneW;
      const colour = deviceColour(deviceHue(dev));
      const who = deviceName(plan, dev);
      const Who = `${who[0].toUpperCase()}${who.slice(1)}`;
      const [y, h, w] = [top + rows[0] * scale, Math.max(1, len(rows) * scale), laneW - 1];
      let body2;
      let text;
      if (own) {
        // The whole band hatched (halo), the own share solid over it.
        body2 = el('rect', { x, y, width: w, height: h, fill: colour }) + el('rect', { x, y, width: w, height: h, fill: 'url(#halo-hatch)' })
          + el('rect', { x, y: top + own[0] * scale, width: w, height: Math.max(1, len(own) * scale), fill: colour });
        text = `${Who}, ${c.title} (${plural(c.height, 'row')}): computes ${rowsText(rows)}; own share ${rowsText(own)}; halo ${len(rows) - len(own)} rows`;
      } else {
        body2 = el('rect', { x: x + 0.75, y, width: w - 1.5, height: h, fill: 'none', stroke: colour, 'stroke-width': 1.5 });
        text = `${Who}, block input (${plural(c.height, 'row')}): needs ${rowsText(rows)}, downloaded or kept from the last round`;
      }
      body += el('g', tip(text), body2);
    });
    const factor = total / c.height;
    const cx = x0 + (laneW * n) / 2;
    // One short fact a line, so a column of 67 units holds them all.
    const lines = [c.title, ...c.note.split(' +').map((n, q) => (q ? `+${n}` : n)), plural(c.height, 'row'), `×${factor.toFixed(2)}`];
    lines.forEach((line, q) => {
      body += txt({ x: cx, y: top + barH + 15 + q * 13, 'text-anchor': 'middle', 'font-size': q ? 10 : 11, fill: q ? theme.muted : null }, line);
    });
    const delay = play ? `${((drawn.length - 1 - i) * 0.25).toFixed(2)}s` : null;
    out += el('g', { class: 'step', 'data-delay': delay, 'data-layer': c.layer ?? null }, body);
  });
  const gflop = block.devices.reduce((s, dev) => s + dev.flops, 0) / 1e9;
  const layers = block.last - block.first + 1;
  const subset = n < k ? ` (${n} of them drawn: ${shownDevices.map((d) => d + 1).join(', ')})` : '';
  const head = txt({ x: left, y: 16, 'font-weight': 600 },
    `${name} round ${block.round}: ${layerSpan(block)} (${block.case}) on ${deviceCount(k)}${subset}`) +
    (windowed ? windowControls(columns, from, to, left, width - left, 56, theme) : '') +
    txt({ x: left, y: 34, 'font-size': 11, fill: theme.muted },
      'Solid: own share · hatched: halo, fetched and recomputed · outlined: input rows needed. ×n: rows computed by all ÷ rows of the layer.');
  // The block's widest halo: on a chain its first layer; a branching block may start
  // with a pool to one row, whose halo says nothing.
  const computed = columns.slice(1).map((c) => ({ c, total: block.devices.reduce((s, dev) => s + len(c.lane(dev).rows), 0) }));
  const widest = computed.reduce((a, b) => (b.total / b.c.height > a.total / a.c.height ? b : a));
  const blockLayers = block.devices[0].layers.map((l) => net.layers[l.layer - 1]);
  const kernels = [...new Set(blockLayers.map((l) => l.kind.kernel))].filter((q) => q > 1);
  const widen = [
    ...kernels.map((q) => `a ${q}×${q} kernel adds ${Math.floor(q / 2)} row${q >= 4 ? 's' : ''} on each side of a band`),
    ...(blockLayers.some((l) => l.kind.pool || l.kind.stride > 1) ? ['a pool or a stride of 2 doubles it'] : []),
  ];
  const caption = [
    `Each device owns ${isMixed(plan) ? `a band of layer ${block.last}'s rows in proportion to its speed` : `an equal band of layer ${block.last}'s rows`}. To compute it without talking to the others it needs a wider band of every earlier layer: the halo, which it fetches at the start and recomputes.`,
    layers > 1
      ? ` In ${name}'s round ${block.round}, ${deviceCount(k)} compute ${widest.total} rows of layer ${widest.c.layer}'s ${widest.c.height} (×${(widest.total / widest.c.height).toFixed(2)}${widest.c.layer === block.first ? '' : ', the widest halo of the block'}), ${gflop.toFixed(3)} GFLOP in all, and run ${layers} layers in one round instead of ${layers} rounds.`
      : ` ${name}'s round ${block.round} holds one layer, so its only halo is the kernel's rows at the input.`,
    widen.length ? ` Read it from right to left: ${widen.slice(0, -1).join(', ')}${widen.length > 1 ? ' and ' : ''}${widen.at(-1)}.` : '',
  ];
  // A mixed cluster: each device's name, speed and grid, under the columns.
  const key = deviceKey(plan, block.devices, theme, left, top + barH + 58 + 13 * Math.max(...drawn.map((c) => c.note.split(' +').length)), width - left,
    (dev) => `${rowsText(dev.out_rows)} of layer ${block.devices[0].layers.at(-1).layer}`);
  const notes = Math.max(...drawn.map((c) => c.note.split(' +').length));
  return { svg: svg(width, top + barH + 44 + notes * 13 + key.height, 'Halo rows of a conv block', head + el('g', { class: play ? 'play' : null }, out) + key.markup, theme), caption };
}
