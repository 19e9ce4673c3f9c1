// The FL view: the three ways an FL block can be split over k devices, side by side (one
// above the other on a phone) for the model's first FLs, with the plan's choice marked.
// Data mode sends partial sums to the gateway to be added; model mode splits outputs;
// hybrid feeds FL1's per-device outputs into the matching inputs of FL2 and adds FL2's
// partial sums, in one round where data or model mode needs two: drawn as round boxes.
// Every bar is labelled in the drawing; its ranges are on hover and keyboard focus. The
// partial sums flow three times and stop (class `anim`, left out of exports).

import { el, svg, tip, deviceColour, txt } from '../svg.js';
import { devices, si } from '../format.js';
import { equalSplit } from '../split.js';
import { teamSplit, deviceHue, deviceName, isMixed, member } from '../cluster.js';
import { deviceKey } from './devices.js';

/** The plan's devices for the panels below, set by renderFl before it draws them (views
 * draw one at a time): how `n` neurons split over them (equal, or in proportion to
 * speed on a mixed cluster), each one's name and colour (cluster.js: one per device). */
let team = {
  share: (n, d, k) => equalSplit(n, k, d),
  name: (d) => `device ${d + 1}`,
  colour: (d) => deviceColour(d),
};

const PW = 250;
const PH = 300;
const BAR = 12;
const REPEAT = 3;

function label(x, y, text, theme) {
  return txt({ x, y: y - 3, 'font-size': 10, fill: theme.muted }, text);
}

/** A vector of `n` neurons drawn at (x, y), whole or split by device colour. */
function vector(x, y, w, n, k, split, text, theme) {
  if (!split) {
    return el('g', tip(text), el('rect', { x, y, width: w, height: BAR, fill: theme.band, stroke: theme.fg, 'stroke-opacity': 0.5 }));
  }
  let out = '';
  for (let d = 0; d < k; d++) {
    const r = team.share(n, d, k);
    if (!r) continue;
    out += el('g', tip(`${text}: ${team.name(d)} has neurons ${r[0]}–${r[1]}`), el('rect', {
      x: x + (w * r[0]) / n, y, width: Math.max(0.5, (w * (r[1] - r[0] + 1)) / n), height: BAR, fill: team.colour(d),
    }));
  }
  return out;
}

/** Per-device partial sums of all `n` outputs, flowing into the gateway's adder. */
function partialSums(x, y, w, n, k, sx, sy, theme, labelled = true) {
  const rowH = Math.min(6, 48 / k);
  let out = labelled ? label(x, y, `partial sums: ${n} outputs from each device`, theme) : '';
  for (let d = 0; d < k; d++) {
    const yy = y + d * rowH;
    const colour = team.colour(d);
    out += el('g', tip(`${team.name(d)}: partial sums of all ${n} outputs, sent to the gateway`),
      el('rect', { x, y: yy, width: w, height: Math.max(1, rowH - 1), fill: colour }));
    const path = `M${x + w / 2 + (d - k / 2) * 3},${yy + rowH / 2} L${sx},${sy}`;
    out += el('path', { d: path, stroke: colour, 'stroke-opacity': 0.5, fill: 'none' });
    if (!theme.still) {
      // Hidden outside its run, so no dot waits at the origin before or after.
      const timing = { dur: '1.6s', begin: `${(d * 0.07).toFixed(2)}s`, repeatCount: REPEAT };
      out += el('circle', { r: 2.5, fill: colour, opacity: 0, class: 'anim' },
        el('animateMotion', { ...timing, path }) + el('animate', { ...timing, attributeName: 'opacity', values: '1;1', fill: 'remove' }));
    }
  }
  return out;
}

function adder(x, y, text, theme) {
  return el('g', tip(text),
    el('circle', { cx: x, cy: y, r: 12, fill: theme.bg, stroke: theme.fg, 'stroke-width': 2 }) +
    txt({ x, y: y + 5, 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 700 }, 'Σ')) +
    txt({ x: x + 18, y: y + 4, 'font-size': 10, fill: theme.muted }, 'gateway adds');
}

function heading(title, detail, chosen, theme) {
  return txt({ x: 10, y: 18, 'font-weight': 600 }, title) +
    txt({ x: 10, y: 34, 'font-size': 11, fill: theme.muted }, detail) +
    (chosen ? txt({ x: PW - 12, y: 18, 'text-anchor': 'end', 'font-size': 11, fill: theme.accent, 'font-weight': 600 }, chosen) : '');
}

/** `n` round boxes under a panel: what one pass over these FLs costs in rounds. */
function rounds(n, text, y, theme) {
  let out = txt({ x: 10, y: y + 10, 'font-size': 11 }, text);
  for (let i = 0; i < n; i++) out += el('rect', { x: PW - 30 - i * 26, y, width: 22, height: 12, rx: 3, fill: 'none', stroke: theme.fg });
  return el('g', { 'data-rounds': n }, out);
}

const ni = (l) => l.input.height * l.input.width * l.input.channels;
const no = (l) => l.output.channels;

function dataPanel(l, k, chosen, theme) {
  const [x, w] = [10, PW - 30];
  return heading('Data parallelism', `FL ${l.index}: inputs split, ${si(ni(l), '')}→${no(l)}`, chosen, theme) +
    label(x, 60, `inputs (${ni(l)}), split`, theme) +
    vector(x, 60, w, ni(l), k, true, `FL ${l.index} inputs (${ni(l)})`, theme) +
    partialSums(x, 96, w, no(l), k, PW / 2, 190, theme) +
    adder(PW / 2, 190, 'The gateway adds the k partial sums', theme) +
    label(x, 230, `outputs (${no(l)}) = Σ partial sums`, theme) +
    vector(x, 230, w, no(l), k, false, `FL ${l.index} outputs (${no(l)}), the sum`, theme) +
    rounds(1, 'one FL: 1 round', 262, theme);
}

function modelPanel(l, k, chosen, theme) {
  const [x, w] = [10, PW - 30];
  let lines = '';
  for (let d = 0; d < k; d++) {
    const r = team.share(no(l), d, k);
    if (!r) continue;
    const cx = x + (w * (r[0] + r[1] + 1)) / 2 / no(l);
    lines += el('path', { d: `M${cx},${74} L${cx},${138}`, stroke: team.colour(d), 'stroke-opacity': 0.7 });
  }
  return heading('Model parallelism', `FL ${l.index}: outputs split, all inputs to all`, chosen, theme) +
    label(x, 60, `inputs (${ni(l)}), sent to every device`, theme) +
    vector(x, 60, w, ni(l), k, false, `FL ${l.index} inputs (${ni(l)}), sent to every device`, theme) + lines +
    label(x, 140, `outputs (${no(l)}), split`, theme) +
    vector(x, 140, w, no(l), k, true, `FL ${l.index} outputs (${no(l)})`, theme) +
    txt({ x, y: 172, 'font-size': 11, fill: theme.muted }, 'each device its own outputs;') +
    txt({ x, y: 186, 'font-size': 11, fill: theme.muted }, 'the gateway joins them') +
    rounds(1, 'one FL: 1 round', 262, theme);
}

function hybridPanel(a, b, k, chosen, theme) {
  const [x, w] = [10, PW - 30];
  if (!b) return heading('Hybrid', 'needs two FLs in a row', '', theme);
  let flows = '';
  for (let d = 0; d < k; d++) {
    const r = team.share(no(a), d, k);
    if (!r) continue;
    const cx = x + (w * (r[0] + r[1] + 1)) / 2 / no(a);
    const dash = theme.still ? '' : el('animate', { attributeName: 'stroke-dashoffset', from: 12, to: 0, dur: '0.8s', repeatCount: REPEAT * 2 });
    flows += el('path', { d: `M${cx},${100} L${cx},${124}`, stroke: team.colour(d), 'stroke-width': 2, 'stroke-dasharray': '3 3', fill: 'none' }, dash);
  }
  return heading('Hybrid', `FL ${a.index} by model → FL ${b.index} by data`, chosen, theme) +
    label(x, 60, `FL ${a.index} inputs (${ni(a)}), to every device`, theme) +
    vector(x, 60, w, ni(a), k, false, `FL ${a.index} inputs (${ni(a)}), sent to every device`, theme) +
    label(x, 88, `FL ${a.index} outputs (${no(a)}), kept`, theme) +
    vector(x, 88, w, no(a), k, true, `FL ${a.index} outputs (${no(a)}), kept on the device`, theme) + flows +
    vector(x, 124, w, ni(b), k, true, `FL ${b.index} inputs (${ni(b)}), the same neurons`, theme) +
    label(x, 150, `= FL ${b.index} inputs, same split; partial sums ↓`, theme) +
    partialSums(x, 154, w, no(b), k, PW / 2, 222, theme, false) +
    adder(PW / 2, 222, 'The gateway adds the k partial sums of FL2', theme) +
    rounds(2, `FL ${a.index}, FL ${b.index} one by one:`, 250, theme) +
    rounds(1, 'hybrid: 1 round, one saved', 270, theme);
}

/** Where the plan used each mode: the first block of each, with its FLs and a label. */
function choices(plan) {
  const out = {};
  for (const b of plan.blocks) {
    const mode = { 'fc-hybrid': 'hybrid', 'fc-model': 'model', 'fc-data': 'data', 'conv+fc': 'data' }[b.case];
    const first = b.case === 'fc-hybrid' ? b.first : b.last;
    if (mode) out[mode] ??= { first, last: b.last, round: b.round, label: `✓ chosen in R${b.round}` };
  }
  return out;
}

export function renderFl({ net, shown, mls, sls, theme, narrow }) {
  const plan = shown[0] === 'mls' ? mls : sls;
  const name = shown[0].toUpperCase();
  const fls = net.layers.filter((l) => l.kind.type === 'fc');
  if (!fls.length) {
    const text = `${net.name} has no fully-connected layers.`;
    return { svg: svg(narrow ? PW + 10 : 760, 60, 'FL view', txt({ x: 10, y: 34, fill: theme.muted }, text), theme), caption: [text] };
  }
  const c = choices(plan);
  // Each panel shows the FLs the plan used in that mode, else the model's first FLs.
  const layer = (i) => net.layers[i - 1];
  const one = (mode) => (c[mode] ? layer(c[mode].first) : fls[0]);
  const [a, b] = c.hybrid ? [layer(c.hybrid.first), layer(c.hybrid.last)] : [fls[0], fls[1]];
  const k = plan.devices;
  const split = teamSplit(plan);
  team = { share: (n, d) => split(n, d), name: (d) => deviceName(plan, member(plan, d)), colour: (d) => deviceColour(deviceHue(member(plan, d))) };
  const panels = [
    el('g', { 'data-layer': one('data').index }, dataPanel(one('data'), k, c.data?.label, theme)),
    el('g', { 'data-layer': one('model').index }, modelPanel(one('model'), k, c.model?.label, theme)),
    el('g', { 'data-layer': a.index }, hybridPanel(a, b, k, c.hybrid?.label, theme)),
  ];
  // Side by side on a wide screen; stacked on a phone, so each stays legible unscrolled.
  const at = (i) => (narrow ? `translate(0 ${i * PH})` : `translate(${i * (PW + 5)} 0)`);
  const body = panels.map((p, i) => el('g', { transform: at(i) }, p)).join('');
  const [width, height] = narrow ? [PW + 10, 3 * PH + 24] : [3 * PW + 10, PH + 24];
  const mixed = isMixed(plan) ? ', shares in proportion to speed' : '';
  const foot = txt({ x: 10, y: height - 8, 'font-size': 11, fill: theme.muted },
    narrow ? `${devices(k)}, one colour each${mixed}; ✓: used by ${name}.` : `${devices(k)}, one colour each${mixed}. ✓ marks a mode the ${name} plan uses (R = round); that panel shows its layers.`);
  // A mixed cluster: each device's name, speed and share, under the panels.
  const key = deviceKey(plan, plan.blocks[0].devices, theme, 10, height + 16, width - 20, (dev, d) => {
    const r = split(no(fls[0]), d);
    return r ? `outputs ${r[0]}–${r[1]} of FL ${fls[0].index} (${r[1] - r[0] + 1})` : 'idle';
  });
  const used = Object.entries(c).map(([mode, v]) => `${mode} mode in round ${v.round}`);
  const caption = [
    'A fully-connected layer (FL) is split into clusters, one per device. Data mode splits its inputs, so each device makes partial sums of all outputs that the gateway adds; model mode splits its outputs, so every device needs all inputs. '
    + 'Hybrid chains the two: FL1\'s outputs stay on the device that made them and are exactly its inputs of FL2, so two FLs take one round instead of two.',
    used.length ? ` ${name} uses ${used.join(' and ')} on ${devices(k)}.` : ` ${name} splits no FL here (${devices(k)}).`,
  ];
  const total = height + (key.height ? key.height + 8 : 0);
  return { svg: svg(width, total, 'Fully-connected layers split over devices', body + foot + key.markup, theme), caption };
}
