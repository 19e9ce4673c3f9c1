// The rounds timeline: for each shown plan, one lane per device and, per round, its
// download, compute and upload on a shared time axis. Rounds start together, when the
// previous round's slowest device has finished.

import { el, svg, tip, linear, ticks, txt } from '../svg.js';
import { seconds, bits, flops } from '../format.js';
import { legend } from './axes.js';
import { deviceName, deviceTag, isMixed } from '../cluster.js';

/** The three phases of a device in a block, in seconds, in the order they happen. */
function phases(dev) {
  const total = dev.ti_bits + dev.tau_bits + dev.to_bits;
  const down = total ? (dev.transfer_s * dev.ti_bits) / total : 0;
  return [
    ['download', down, `${bits(dev.ti_bits)} in`],
    ['compute', dev.compute_s, flops(dev.flops)],
    ['upload', dev.transfer_s - down, `${bits(dev.tau_bits + dev.to_bits)} out`],
  ];
}

export function renderTimeline({ shown, mls, sls, theme }) {
  const plans = shown.map((a) => (a === 'mls' ? [mls, 'MLS'] : [sls, 'SLS']));
  const lanes = plans.reduce((n, [p]) => n + p.devices, 0);
  const laneH = Math.max(6, Math.min(18, 300 / lanes));
  // A mixed cluster's lanes carry names and speeds, which need a wider margin.
  const [width, left, top] = [760, plans.some(([p]) => isMixed(p)) ? 120 : 84, 40];
  const end = Math.max(...plans.map(([p]) => p.completion_s));
  const x = linear([0, end], [left, width - 14]);
  const colours = { download: theme.transfer, compute: theme.compute, upload: theme.transfer };
  let y = top;
  let out = '';
  for (const [plan, label] of plans) {
    const h = plan.devices * laneH;
    out += txt({ x: 4, y: y + laneH / 2 + 4, 'font-weight': 600 }, label);
    let t0 = 0;
    for (const b of plan.blocks) {
      out += el('line', { x1: x(t0), x2: x(t0), y1: y - 4, y2: y + h, stroke: theme.grid });
      out += el('g', { ...tip(`${label} round ${b.round} (layers ${b.first}–${b.last}, ${b.case}): starts at ${seconds(t0)}, lasts ${seconds(b.completion_s)}`), 'data-round': b.round, 'data-plan': plan.algorithm },
        txt({ x: (x(t0) + x(t0 + b.completion_s)) / 2, y: y - 6, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted },
          x(t0 + b.completion_s) - x(t0) > 18 ? `R${b.round}` : ''));
      b.devices.forEach((dev, d) => {
        let t = t0;
        for (const [phase, s, amount] of phases(dev)) {
          if (s > 0) {
            out += el('rect', {
              x: x(t), y: y + d * laneH + 1, width: Math.max(0.5, x(t + s) - x(t)), height: laneH - 2,
              fill: colours[phase], 'fill-opacity': phase === 'download' ? 0.55 : 1,
              'data-tip': `${label} round ${b.round}, ${deviceName(plan, dev, d)}: ${phase} ${seconds(s)} (${amount})`,
              'data-round': b.round, 'data-plan': plan.algorithm,
            });
          }
          t += s;
        }
      });
      t0 += b.completion_s;
    }
    if (plan.devices <= 12) {
      for (let d = 0; d < plan.devices; d++) {
        const tag = deviceTag(plan, plan.blocks[0].devices[d], d);
        out += txt({ x: left - 6, y: y + d * laneH + laneH / 2 + 4, 'text-anchor': 'end', 'font-size': 10, fill: theme.muted }, tag);
      }
    }
    y += h + 26;
  }
  for (const t of ticks(end, 6)) {
    out += txt({ x: x(t), y: y - 6, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, `${t} s`);
  }
  out += legend([['download', theme.transfer, 0.55], ['compute', theme.compute], ['upload', theme.transfer]], left, 16);
  return svg(width, y + 4, 'Rounds timeline', out, theme);
}
