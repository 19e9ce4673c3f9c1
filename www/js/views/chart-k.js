// Completion time against the number of devices k = 1..D (the paper's Fig. 8): MLS and
// SLS side by side (MLS left and solid, SLS right and outlined dashed), each bar split
// into the compute (strong tone) and transfer (faint tone) of its optimum; over them, each
// k's period if its optimum is streamed (docs/spec-stream.md), MLS solid, SLS dashed.

import { el, svg, tip, linear, txt } from '../svg.js';
import { devices, seconds } from '../format.js';
import { yAxis, legend } from './axes.js';

/** The sentences under the chart, from the plans' per-k figures. */
function caption(mls, sls, D, objective) {
  const best = (p) => p.per_k[p.devices - 1];
  const last = (p) => p.per_k[D - 1];
  if (objective === 'throughput') {
    return [
      `Planned for a stream: each k's plan has the least period (the lines), and the bars are the same plans' times for one picture. `
      + `MLS's period is least with ${devices(mls.devices)} (${seconds(mls.period_s)}), SLS's with ${devices(sls.devices)} (${seconds(sls.period_s)}); the triangles mark those k.`,
    ];
  }
  const out = [
    `MLS is fastest with ${devices(mls.devices)} (${seconds(mls.completion_s)}), SLS with ${devices(sls.devices)} (${seconds(sls.completion_s)}).`,
  ];
  if (D > mls.devices) {
    out.push(` With all ${D}, MLS's transfer grows to ${seconds(last(mls).transfer_s)} (from ${seconds(best(mls).transfer_s)}): more devices share the work but also the gateway's bandwidth.`);
  }
  out.push(' MLS trades a little recomputation for fewer rounds, so it is never above SLS; the triangles mark the best k of each.');
  const fast = mls.per_k.filter((p) => Number.isFinite(p.period_s)).reduce((a, b) => (b.period_s < a.period_s ? b : a));
  out.push(` The lines are each k's period if its plan is streamed (the time between frames, max of total compute and total transfer): MLS's shortest is ${seconds(fast.period_s)} at k = ${fast.devices}.`);
  return out;
}

export function renderChartK({ mls, sls, state, theme }) {
  const D = mls.per_k.length;
  const [width, height, left, top, bottom] = [760, 300, 56, 34, 44];
  // On a cluster with memory limits some k fit nothing: their time is infinite, no bar.
  const fits = (p) => Number.isFinite(p.completion_s);
  const max = Math.max(...[...mls.per_k, ...sls.per_k].filter(fits).map((p) => Math.max(p.completion_s, p.period_s)));
  const y = linear([0, max * 1.05], [height - bottom, top]);
  const slot = (width - left - 10) / D;
  const barW = Math.max(2, Math.min(18, slot / 2 - 2));
  let out = yAxis(y, max * 1.05, left, width - 10, theme);
  const series = [[mls, 'MLS', null, -1], [sls, 'SLS', '3 2', 1]];
  for (let i = 0; i < D; i++) {
    const cx = left + slot * (i + 0.5);
    for (const [plan, label, dash, side] of series) {
      const p = plan.per_k[i];
      const x = side < 0 ? cx - barW - 1 : cx + 1;
      if (!fits(p)) {
        out += el('g', tip(`${label}, k = ${p.devices}: no plan fits the devices' memory`),
          txt({ x: x + barW / 2, y: y(0) - 3, 'text-anchor': 'middle', 'font-size': 10, fill: theme.fg }, '×'));
        continue;
      }
      const yc = y(p.compute_s);
      const yt = y(p.compute_s + p.transfer_s);
      const outline = dash ? el('rect', { x: x + 0.5, y: yt + 0.5, width: Math.max(0, barW - 1), height: Math.max(0, y(0) - yt - 1), fill: 'none', stroke: theme.fg, 'stroke-dasharray': dash }) : '';
      out += el('g', { ...tip(`${label}, k = ${p.devices}: ${seconds(p.completion_s)} = ${seconds(p.compute_s)} compute + ${seconds(p.transfer_s)} transfer, ${p.blocks} blocks`), 'data-k': p.devices, 'data-algorithm': label.toLowerCase(), 'data-current-k': p.devices === plan.devices ? '' : null },
        el('rect', { x, y: yc, width: barW, height: y(0) - yc, fill: theme.compute }) +
        el('rect', { x, y: yt, width: barW, height: yc - yt, fill: theme.transfer }) + outline);
    }
    if (D <= 16 || (i + 1) % 2 === 1 || i + 1 === D) {
      out += txt({ x: cx, y: height - bottom + 14, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, i + 1);
    }
  }
  for (const [plan, label, dash, side] of series) {
    // The period curve: one point per k that fits, at its bar.
    const points = plan.per_k.filter(fits).map((p) => [left + slot * (p.devices - 0.5) + side * (barW / 2 + 1), y(p.period_s), p]);
    out += el('polyline', { points: points.map(([px, py]) => `${px},${py}`).join(' '), fill: 'none', stroke: theme.fg, 'stroke-width': 1.5, 'stroke-dasharray': dash, 'data-period': label.toLowerCase() });
    for (const [px, py, p] of points) {
      out += el('circle', { cx: px, cy: py, r: 2.5, fill: theme.fg, ...tip(`${label}, k = ${p.devices}: period ${seconds(p.period_s)} if streamed`) });
    }
  }
  for (const [plan, label, , side] of series) {
    const cx = left + slot * (plan.devices - 0.5) + side * (barW / 2 + 1);
    // When both pick the same k, lift SLS's label above MLS's.
    const lift = side > 0 && sls.devices === mls.devices ? 18 : 0;
    const i = plan.devices - 1;
    const yb = y(Math.max(...[mls.per_k[i], sls.per_k[i]].filter(fits).map((p) => p.completion_s))) - 4 - lift;
    out += el('path', { d: `M${cx},${yb} l-5,-8 h10 z`, fill: theme.fg });
    out += txt({ x: cx, y: yb - 11, 'text-anchor': 'middle', 'font-size': 11 }, `${label} k=${plan.devices}`);
  }
  out += txt({ x: (left + width) / 2, y: height - 8, 'text-anchor': 'middle' }, `devices k (D = ${D} available)`);
  out += legend([
    ['compute', { fill: theme.compute }], ['transfer', { fill: theme.transfer }],
    ['MLS: left bar', { fill: theme.compute }], ['SLS: right bar, dashed', { fill: 'none', stroke: theme.fg, 'stroke-dasharray': '3 2' }],
    ['line: period streamed', { fill: theme.fg, y: 12, height: 2 }],
  ], left, 16);
  return { svg: svg(width, height, 'Completion time against the number of devices', out, theme), caption: caption(mls, sls, D, state.objective) };
}
