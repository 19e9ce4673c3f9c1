// The rounds timeline: for each shown plan (MLS above SLS), one lane per device and, per
// round, what it sends and computes on a shared time axis. Phases are told apart by
// position and tone: transfers in the faint tone (rows kept from the last round and sent
// on, then the download, and after compute the upload), compute in the strong one.
// Rounds start together, when the previous round's slowest device has finished.

import { el, svg, tip, linear, ticks, txt } from '../svg.js';
import { seconds, bits, flops, numberList } from '../format.js';
import { legend } from './axes.js';
import { deviceName, deviceTag, isMixed, member } from '../cluster.js';
import { textWidth } from './thin.js';
import { setTimeAxis, timeRange, zoomed } from './timeline-zoom.js';

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

const roundList = (rs) => (rs.length === 1 ? `round ${rs[0]}` : `rounds ${numberList(rs)}`);

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

/** What the range drawn holds for the first plan shown: its rounds, and the devices'
 * time in it split into compute and transfer; with a control back to the whole plan. */
function rangeLine(label, from, to, totals, left, y, theme) {
  // The control back sits at the top right, beside the legend.
  const busy = totals.compute + totals.transfer;
  const rs = totals.rounds;
  const which = rs.length === 1 ? `round ${rs[0]}` : `rounds ${rs[0]}–${rs.at(-1)}`;
  const split = busy > 0 ? `; the devices' time in it: ${Math.round((100 * totals.compute) / busy)} % compute, ${Math.round((100 * totals.transfer) / busy)} % transfer` : '';
  let out = txt({ x: left, y, 'font-size': 10, fill: theme.muted, 'data-testid': 'timeline-range', 'data-from': from, 'data-to': to },
    `${zoomed() ? 'Zoomed to' : 'Shown:'} ${seconds(from)}–${seconds(to)} (${seconds(to - from)}), ${label} ${which}${split}`);
  if (zoomed()) {
    out += el('g', { 'data-zoom-out': '', ...tip('Show the whole plan again'), role: 'button', cursor: 'zoom-out' },
      el('rect', { x: 760 - 14 - 92, y: 3, width: 92, height: 16, rx: 3, fill: theme.band, stroke: theme.grid })
      + txt({ x: 760 - 14 - 46, y: 15, 'text-anchor': 'middle', 'font-size': 11 }, '⟲ whole plan'));
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
  // The range drawn: the whole plan, or the round zoomed into (timeline-zoom.js).
  const [from, to] = timeRange(end);
  const scale = linear([from, to], [left, width - 14]);
  setTimeAxis(end, from, to, left, width - 14);
  const x = (t) => scale(Math.max(from, Math.min(to, t)));
  const inside = (a, b) => b > from && a < to;
  const totals = { compute: 0, transfer: 0, rounds: [] };
  let y = top;
  let out = '';
  for (const [plan, label] of plans) {
    const h = plan.devices * laneH;
    out += txt({ x: 4, y: y + laneH / 2 + 4, 'font-weight': 600 }, label);
    let t0 = 0;
    const levels = [-Infinity, -Infinity, -Infinity];
    for (const b of plan.blocks) {
      if (!inside(t0, t0 + b.completion_s)) {
        t0 += b.completion_s;
        continue;
      }
      if (plan === plans[0][0]) totals.rounds.push(b.round);
      const [xa, xb] = [x(t0), x(t0 + b.completion_s)];
      out += el('line', { x1: xa, x2: xa, y1: y - 4, y2: y + h, stroke: theme.grid });
      // A round's label goes on the lowest of three lines where it does not touch an
      // earlier label; a sliver with no room on any is left unlabelled (its tooltip and
      // a zoom into it name it).
      const mid = (xa + xb) / 2;
      const name = `R${b.round}`;
      const stagger = levels.findIndex((x0) => mid - x0 >= textWidth(name, 10) + 4);
      if (stagger >= 0) levels[stagger] = mid;
      out += el('g', {
        ...tip(`${label} round ${b.round} (layers ${b.first}–${b.last}, ${b.case}): starts at ${seconds(t0)}, lasts ${seconds(b.completion_s)}. Click or press Enter to zoom into it; ctrl + wheel or a pinch zooms around the pointer.`),
        'data-round': b.round, 'data-algorithm': label.toLowerCase(), 'data-plan': plan.algorithm,
        'data-zoom-from': t0, 'data-zoom-to': t0 + b.completion_s, cursor: 'zoom-in',
      },
      el('rect', { x: xa, y: y - 16 - Math.max(0, stagger) * 10, width: Math.max(2, xb - xa), height: 12, fill: 'transparent' })
        + (stagger >= 0 ? txt({ x: mid, y: y - 6 - stagger * 10, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, name) : ''));
      b.devices.forEach((dev, d) => {
        let t = t0;
        for (const [phase, s, amount] of phases(dev)) {
          if (s > 0 && inside(t, t + s)) {
            if (plan === plans[0][0]) totals[phase === 'compute' ? 'compute' : 'transfer'] += Math.min(to, t + s) - Math.max(from, t);
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
  // Round times inside the range: multiples of a round step of its span.
  const steps = ticks(to - from, 6);
  const step = steps[1] ?? 0;
  for (let n = Math.ceil(from / step - 1e-9); step > 0 && n * step <= to * (1 + 1e-9); n += 1) {
    out += txt({ x: scale(n * step), y: y - 6, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, `${Number((n * step).toPrecision(6))} s`);
  }
  out += rangeLine(plans[0][1], from, to, totals, left, y + 12, theme);
  y += 16;
  out += legend([['transfer (sent on, down, up)', { fill: theme.transfer }], ['compute', { fill: theme.compute }]], left, 14);
  const [plan, label] = plans[0];
  return { svg: svg(width, y + 4, 'Rounds timeline', out, theme), caption: caption(plan, label) };
}
