// The FL view: the three ways an FL block can be split over k devices, side by side for
// the model's first FLs, with the plan's choice marked. Data mode sends partial sums to
// the gateway to be added; model mode splits outputs; hybrid feeds FL1's per-device
// outputs into the matching inputs of FL2 and adds FL2's partial sums.

import { el, svg, tip, deviceColour, txt } from '../svg.js';
import { devices, si } from '../format.js';
import { equalSplit } from '../split.js';
import { teamSplit, deviceName, isMixed } from '../cluster.js';
import { deviceKey } from './devices.js';

/** The plan's devices for the panels below, set by renderFl before it draws them (views
 * draw one at a time): how `n` neurons split over them (equal, or in proportion to
 * speed on a mixed cluster) and each one's name. */
let team = {
  share: (n, d, k) => equalSplit(n, k, d),
  name: (d) => `device ${d + 1}`,
};

const PW = 250;
const BAR = 12;

/** A vector of `n` neurons drawn at (x, y), whole or split by device colour. */
function vector(x, y, w, n, k, split, label, theme) {
  if (!split) {
    return el('g', tip(label), el('rect', { x, y, width: w, height: BAR, fill: theme.muted, 'fill-opacity': 0.5 }));
  }
  let out = '';
  for (let d = 0; d < k; d++) {
    const r = team.share(n, d, k);
    if (!r) continue;
    out += el('rect', {
      x: x + (w * r[0]) / n, y, width: Math.max(0.5, (w * (r[1] - r[0] + 1)) / n), height: BAR,
      fill: deviceColour(d, theme), 'data-tip': `${label}: ${team.name(d)} has neurons ${r[0]}–${r[1]}`,
    });
  }
  return out;
}

/** Per-device partial sums of all `n` outputs, flowing into the gateway's adder. */
function partialSums(x, y, w, n, k, sx, sy, theme) {
  const rowH = Math.min(6, 48 / k);
  let out = '';
  for (let d = 0; d < k; d++) {
    const yy = y + d * rowH;
    const colour = deviceColour(d, theme);
    out += el('rect', { x, y: yy, width: w, height: Math.max(1, rowH - 1), fill: colour, 'fill-opacity': 0.6,
      'data-tip': `${team.name(d)}: partial sums of all ${n} outputs, sent to the gateway` });
    const path = `M${x + w / 2 + (d - k / 2) * 3},${yy + rowH / 2} L${sx},${sy}`;
    out += el('path', { d: path, stroke: colour, 'stroke-opacity': 0.3, fill: 'none' });
    if (!theme.still) {
      out += el('circle', { r: 2.5, fill: colour },
        el('animateMotion', { dur: '1.6s', begin: `${(d * 0.07).toFixed(2)}s`, repeatCount: 'indefinite', path }));
    }
  }
  return out;
}

function adder(x, y, text, theme) {
  const pulse = theme.still ? '' : el('animate', { attributeName: 'r', values: '12;15;12', dur: '1.6s', repeatCount: 'indefinite' });
  return el('g', tip(text),
    el('circle', { cx: x, cy: y, r: 12, fill: theme.bg, stroke: theme.accent, 'stroke-width': 2 }, pulse) +
    txt({ x, y: y + 5, 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 700, fill: theme.accent }, 'Σ'));
}

function heading(px, title, detail, chosen, theme) {
  return txt({ x: px + 10, y: 18, 'font-weight': 600 }, title) +
    txt({ x: px + 10, y: 34, 'font-size': 11, fill: theme.muted }, detail) +
    (chosen ? txt({ x: px + PW - 12, y: 18, 'text-anchor': 'end', 'font-size': 11, fill: theme.accent, 'font-weight': 600 }, chosen) : '');
}

const ni = (l) => l.input.height * l.input.width * l.input.channels;
const no = (l) => l.output.channels;

function dataPanel(px, l, k, chosen, theme) {
  const [x, w] = [px + 10, PW - 30];
  return heading(px, 'Data parallelism', `FL ${l.index}: inputs split, ${si(ni(l), '')}→${no(l)}`, chosen, theme) +
    vector(x, 48, w, ni(l), k, true, `FL ${l.index} inputs (${ni(l)})`, theme) +
    partialSums(x, 80, w, no(l), k, px + PW / 2, 176, theme) +
    adder(px + PW / 2, 176, 'The gateway adds the k partial sums', theme) +
    vector(x, 206, w, no(l), k, false, `FL ${l.index} outputs (${no(l)}), the sum`, theme) +
    txt({ x, y: 236, 'font-size': 11, fill: theme.muted }, 'outputs = Σ of partial sums');
}

function modelPanel(px, l, k, chosen, theme) {
  const [x, w] = [px + 10, PW - 30];
  let lines = '';
  for (let d = 0; d < k; d++) {
    const r = team.share(no(l), d, k);
    if (!r) continue;
    const cx = x + (w * (r[0] + r[1] + 1)) / 2 / no(l);
    lines += el('path', { d: `M${cx},${60} L${cx},${128}`, stroke: deviceColour(d, theme), 'stroke-opacity': 0.5 });
  }
  return heading(px, 'Model parallelism', `FL ${l.index}: outputs split, all inputs to all`, chosen, theme) +
    vector(x, 48, w, ni(l), k, false, `FL ${l.index} inputs (${ni(l)}), sent to every device`, theme) + lines +
    vector(x, 128, w, no(l), k, true, `FL ${l.index} outputs (${no(l)})`, theme) +
    txt({ x, y: 160, 'font-size': 11, fill: theme.muted }, 'each device its own outputs;') +
    txt({ x, y: 174, 'font-size': 11, fill: theme.muted }, 'the gateway joins them');
}

function hybridPanel(px, a, b, k, chosen, theme) {
  const [x, w] = [px + 10, PW - 30];
  if (!b) return heading(px, 'Hybrid', 'needs two FLs in a row', '', theme);
  let flows = '';
  for (let d = 0; d < k; d++) {
    const r = team.share(no(a), d, k);
    if (!r) continue;
    const cx = x + (w * (r[0] + r[1] + 1)) / 2 / no(a);
    flows += el('path', { d: `M${cx},${88} L${cx},${112}`, stroke: deviceColour(d, theme), 'stroke-width': 2, 'stroke-dasharray': '3 3', fill: 'none' },
      theme.still ? '' : el('animate', { attributeName: 'stroke-dashoffset', from: 12, to: 0, dur: '0.8s', repeatCount: 'indefinite' }));
  }
  return heading(px, 'Hybrid', `FL ${a.index} by model → FL ${b.index} by data`, chosen, theme) +
    vector(x, 48, w, ni(a), k, false, `FL ${a.index} inputs (${ni(a)}), sent to every device`, theme) +
    vector(x, 76, w, no(a), k, true, `FL ${a.index} outputs (${no(a)}), kept on the device`, theme) + flows +
    vector(x, 112, w, ni(b), k, true, `FL ${b.index} inputs (${ni(b)}), the same neurons`, theme) +
    partialSums(x, 134, w, no(b), k, px + PW / 2, 200, theme) +
    adder(px + PW / 2, 200, 'The gateway adds the k partial sums of FL2', theme) +
    vector(x, 222, w, no(b), k, false, `FL ${b.index} outputs (${no(b)}), the sum`, theme);
}

/** Where the plan used each mode: the first block of each, with its FLs and a label. */
function choices(plan) {
  const out = {};
  for (const b of plan.blocks) {
    const mode = { 'fc-hybrid': 'hybrid', 'fc-model': 'model', 'fc-data': 'data', 'conv+fc': 'data' }[b.case];
    const first = b.case === 'fc-hybrid' ? b.first : b.last;
    if (mode) out[mode] ??= { first, last: b.last, label: `✓ chosen in R${b.round}` };
  }
  return out;
}

export function renderFl({ net, shown, mls, sls, theme }) {
  const plan = shown[0] === 'mls' ? mls : sls;
  const fls = net.layers.filter((l) => l.kind.type === 'fc');
  if (!fls.length) {
    return svg(760, 60, 'FL view', txt({ x: 16, y: 34, fill: theme.muted }, `${net.name} has no fully-connected layers.`), theme);
  }
  const c = choices(plan);
  // Each panel shows the FLs the plan used in that mode, else the model's first FLs.
  const layer = (i) => net.layers[i - 1];
  const one = (mode) => (c[mode] ? layer(c[mode].first) : fls[0]);
  const [a, b] = c.hybrid ? [layer(c.hybrid.first), layer(c.hybrid.last)] : [fls[0], fls[1]];
  const k = plan.devices;
  const split = teamSplit(plan);
  team = { share: (n, d) => split(n, d), name: (d) => deviceName(plan, plan.blocks[0].devices[d], d) };
  const body = el('g', { 'data-layer': one('data').index }, dataPanel(0, one('data'), k, c.data?.label, theme)) +
    el('g', { 'data-layer': one('model').index }, modelPanel(PW + 5, one('model'), k, c.model?.label, theme)) +
    el('g', { 'data-layer': a.index }, hybridPanel(2 * PW + 10, a, b, k, c.hybrid?.label, theme));
  const foot = txt({ x: 10, y: 262, 'font-size': 11, fill: theme.muted },
    `${devices(k)}, one colour each${isMixed(plan) ? ', shares in proportion to speed' : ''}. ✓ marks a mode the ${shown[0].toUpperCase()} plan uses (R = round); that panel shows its layers.`);
  const key = deviceKey(plan, plan.blocks[0].devices, theme, 10, 288, 3 * PW, (dev, d) => {
    const r = split(no(fls[0]), d);
    return r ? `outputs ${r[0]}–${r[1]} of FL ${fls[0].index} (${r[1] - r[0] + 1})` : 'idle';
  });
  return svg(3 * PW + 10, 272 + key.height + (key.height ? 8 : 0), 'Fully-connected layers split over devices', body + foot + key.markup, theme);
}
