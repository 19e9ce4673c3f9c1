// The rounds timeline: for each shown plan (MLS above SLS), one lane per device and, per
// round, what it sends and computes on a shared time axis. Phases are told apart by
// position and tone: transfers in the faint tone (rows kept from the last round and sent
// on, then the download, and after compute the upload), compute in the strong one.
// Rounds start together, when the previous round's slowest device has finished.

import { el, svg, tip, linear, ticks, txt } from '../svg.js';
import { seconds, bits, flops } from '../format.js';
import { legend } from './axes.js';
import { deviceName, deviceTag, isMixed, member } from '../cluster.js';

/** A device's phases in a block, in seconds, in the order they happen. `τo` is the
 * previous round's output that this round needs from it: held over, sent first. */
function phases(dev) {
  const total = dev.ti_bits + dev.tau_bits + dev.to_bits;
  const share = (b) => (total ? (dev.transfer_s * b) / total : 0);
  return [
    ['sends kept rows', share(dev.tau_bits), `${bits(dev.tau_bits)} the others need`],
    ['download', share(dev.ti_bits), `${bits(dev.ti_bits)} in`],
    ['compute', dev.compute_s, flops(dev.flops)],
    ['upload', share(dev.to_bits), `${bits(dev.to_bits)} out`],
  ];
}

const roundList = (rs) => (rs.length === 1 ? `round ${rs[0]}` : `rounds ${rs.slice(0, -1).join(', ')} and ${rs.at(-1)}`);

/** The sentences under the timeline, from the first shown plan's transfers. */
function caption(plan, label) {
  const quiet = plan.blocks.filter((b) => b.devices.length > 1 && b.devices.every((d) => d.to_bits === 0)).map((b) => b.round);
  const held = plan.blocks.filter((b) => b.devices.some((d) => d.tau_bits > 0)).map((b) => b.round);
  const out = ['One lane per device. In a round each device downloads its input from the gateway, computes, and uploads its output; the round ends when its slowest device is done, so the next starts together.'];
  if (quiet.length) {
    out.push(` In ${label}'s ${roundList(quiet)} the devices upload nothing at the end: each keeps its rows for the next round${held.length ? `, and at the start of ${roundList(held)} sends on only the rows another device needs (the held-over upload τo)` : ''}.`);
  }
  return out;
}

export function renderTimeline({ shown, mls, sls, theme }) {
  const plans = shown.map((a) => (a === 'mls' ? [mls, 'MLS'] : [sls, 'SLS']));
  const lanes = plans.reduce((n, [p]) => n + p.devices, 0);
  const laneH = Math.max(6, Math.min(18, 300 / lanes));
  // A mixed cluster's lanes carry names and speeds, which need a wider margin.
  const [width, left, top] = [760, plans.some(([p]) => isMixed(p)) ? 120 : 84, 54];
  const end = Math.max(...plans.map(([p]) => p.completion_s));
  const x = linear([0, end], [left, width - 14]);
  let y = top;
  let out = '';
  for (const [plan, label] of plans) {
    const h = plan.devices * laneH;
    out += txt({ x: 4, y: y + laneH / 2 + 4, 'font-weight': 600 }, label);
    let t0 = 0;
    const levels = [-Infinity, -Infinity, -Infinity];
    for (const b of plan.blocks) {
      const [xa, xb] = [x(t0), x(t0 + b.completion_s)];
      out += el('line', { x1: xa, x2: xa, y1: y - 4, y2: y + h, stroke: theme.grid });
      // Every round is labelled; a narrow one's label steps up to the lowest line where
      // it does not touch an earlier label.
      const mid = (xa + xb) / 2;
      const free = levels.findIndex((x0) => mid - x0 >= 24);
      const stagger = free < 0 ? levels.indexOf(Math.min(...levels)) : free;
      levels[stagger] = mid;
      out += el('g', { ...tip(`${label} round ${b.round} (layers ${b.first}–${b.last}, ${b.case}): starts at ${seconds(t0)}, lasts ${seconds(b.completion_s)}`), 'data-round': b.round, 'data-algorithm': label.toLowerCase(), 'data-plan': plan.algorithm },
        el('rect', { x: xa, y: y - 16 - stagger * 10, width: Math.max(2, xb - xa), height: 12, fill: 'transparent' })
        + txt({ x: mid, y: y - 6 - stagger * 10, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, `R${b.round}`));
      b.devices.forEach((dev, d) => {
        let t = t0;
        for (const [phase, s, amount] of phases(dev)) {
          if (s > 0) {
            out += el('rect', {
              x: x(t), y: y + d * laneH + 1, width: Math.max(0.5, x(t + s) - x(t)), height: laneH - 2,
              fill: phase === 'compute' ? theme.compute : theme.transfer,
              'data-round': b.round, 'data-plan': plan.algorithm,
              ...tip(`${label} round ${b.round}, ${deviceName(plan, dev)}: ${phase} ${seconds(s)} (${amount})`),
            });
          }
          t += s;
        }
      });
      t0 += b.completion_s;
    }
    if (plan.devices <= 12) {
      for (let d = 0; d < plan.devices; d++) {
        const tag = deviceTag(plan, member(plan, d));
        out += txt({ x: left - 6, y: y + d * laneH + laneH / 2 + 4, 'text-anchor': 'end', 'font-size': 10, fill: theme.muted }, tag);
      }
    }
    y += h + 46;
  }
  y -= 20;
  for (const t of ticks(end, 6)) {
    out += txt({ x: x(t), y: y - 6, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, `${t} s`);
  }
  out += legend([['transfer (sent on, down, up)', { fill: theme.transfer }], ['compute', { fill: theme.compute }]], left, 14);
  const [plan, label] = plans[0];
  return { svg: svg(width, y + 4, 'Rounds timeline', out, theme), caption: caption(plan, label) };
}
