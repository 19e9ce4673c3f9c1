// Completion time against the number of devices k = 1..D (the paper's Fig. 8): MLS and
// SLS side by side, each bar split into the compute and transfer time of its optimum.

import { el, svg, tip, linear, txt } from '../svg.js';
import { seconds } from '../format.js';
import { yAxis, legend } from './axes.js';

export function renderChartK({ mls, sls, theme }) {
  const D = mls.per_k.length;
  const [width, height, left, top, bottom] = [760, 300, 56, 34, 44];
  // On a cluster with memory limits some k fit nothing: their time is infinite, no bar.
  const fits = (p) => Number.isFinite(p.completion_s);
  const max = Math.max(...[...mls.per_k, ...sls.per_k].filter(fits).map((p) => p.completion_s));
  const y = linear([0, max * 1.05], [height - bottom, top]);
  const slot = (width - left - 10) / D;
  const barW = Math.max(2, Math.min(18, slot / 2 - 2));
  let out = yAxis(y, max * 1.05, left, width - 10, theme);
  const series = [[mls, 'MLS', theme.mls, -1], [sls, 'SLS', theme.sls, 1]];
  for (let i = 0; i < D; i++) {
    const cx = left + slot * (i + 0.5);
    for (const [plan, label, colour, side] of series) {
      const p = plan.per_k[i];
      const x = side < 0 ? cx - barW - 1 : cx + 1;
      if (!fits(p)) {
        out += el('g', tip(`${label}, k = ${p.devices}: no plan fits the devices' memory`),
          txt({ x: x + barW / 2, y: y(0) - 3, 'text-anchor': 'middle', 'font-size': 10, fill: colour }, '×'));
        continue;
      }
      const yc = y(p.compute_s);
      const yt = y(p.compute_s + p.transfer_s);
      out += el('g', { ...tip(`${label}, k = ${p.devices}: ${seconds(p.completion_s)} = ${seconds(p.compute_s)} compute + ${seconds(p.transfer_s)} transfer, ${p.blocks} blocks`), 'data-current-k': p.devices === plan.devices ? '' : null },
        el('rect', { x, y: yc, width: barW, height: y(0) - yc, fill: colour }) +
        el('rect', { x, y: yt, width: barW, height: yc - yt, fill: colour, 'fill-opacity': 0.4 }));
    }
    if (D <= 16 || (i + 1) % 2 === 1 || i + 1 === D) {
      out += txt({ x: cx, y: height - bottom + 14, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, i + 1);
    }
  }
  for (const [plan, label, colour, side] of series) {
    const cx = left + slot * (plan.devices - 0.5) + side * (barW / 2 + 1);
    // When both pick the same k, lift SLS's label above MLS's.
    const lift = side > 0 && sls.devices === mls.devices ? 18 : 0;
    const i = plan.devices - 1;
    const yb = y(Math.max(...[mls.per_k[i], sls.per_k[i]].filter(fits).map((p) => p.completion_s))) - 4 - lift;
    out += el('path', { d: `M${cx},${yb} l-5,-8 h10 z`, fill: colour });
    out += txt({ x: cx, y: yb - 11, 'text-anchor': 'middle', 'font-size': 11, fill: colour }, `${label} k=${plan.devices}`);
  }
  out += txt({ x: (left + width) / 2, y: height - 8, 'text-anchor': 'middle' }, `devices k (D = ${D} available)`);
  out += legend([['MLS compute', theme.mls], ['MLS transfer', theme.mls, 0.4], ['SLS compute', theme.sls], ['SLS transfer', theme.sls, 0.4]], left, 16);
  return svg(width, height, 'Completion time against the number of devices', out, theme);
}
