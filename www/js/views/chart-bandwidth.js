// Completion time at the best k against gateway bandwidth (the paper's Fig. 9), MLS
// and SLS, with the current bandwidth marked; below it MLS's saving at each bandwidth,
// which shows the gap that the time axis squeezes when times span decades.

import { el, svg, tip, linear, logScale, txt } from '../svg.js';
import { seconds, pct } from '../format.js';
import { yAxis, legend } from './axes.js';

export function renderChartBandwidth({ sweep, mls, sls, state, theme }) {
  const [width, height, left, top, bottom] = [760, 280, 56, 34, 44];
  const points = sweep ?? [];
  const max = Math.max(mls.completion_s, sls.completion_s, ...points.map((p) => Math.max(p.mls.completion_s, p.sls.completion_s)));
  const x = logScale([1, 1000], [left + 10, width - 20]);
  const y = linear([0, max * 1.05], [height - bottom, top]);
  let out = yAxis(y, max * 1.05, left, width - 10, theme);
  for (const t of [1, 10, 100, 1000]) {
    out += txt({ x: x(t), y: height - bottom + 14, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, `${t}`);
  }
  // SLS first, so MLS stays visible where the two coincide.
  for (const [key, label, colour] of [['sls', 'SLS', theme.sls], ['mls', 'MLS', theme.mls]]) {
    if (points.length) {
      const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.bandwidth_mbps).toFixed(1)},${y(p[key].completion_s).toFixed(1)}`).join(' ');
      out += el('path', { d, fill: 'none', stroke: colour, 'stroke-width': 2 });
    }
    for (const p of points) {
      out += el('circle', { cx: x(p.bandwidth_mbps), cy: y(p[key].completion_s), r: 4, fill: colour,
        ...tip(`${p.bandwidth_mbps} Mbps, ${label}: ${seconds(p[key].completion_s)} with k = ${p[key].devices}; MLS saves ${pct(p.saving_pct)}`) });
    }
  }
  const xc = x(state.bandwidth);
  out += el('line', { x1: xc, x2: xc, y1: top, y2: height - bottom, stroke: theme.fg, 'stroke-dasharray': '4 3' });
  const flip = xc > width - 120;
  out += txt({ x: flip ? xc - 4 : xc + 4, y: top + 10, 'font-size': 11, 'text-anchor': flip ? 'end' : 'start' }, `now: ${state.bandwidth} Mbps`);
  for (const [plan, colour, label] of [[mls, theme.mls, 'MLS'], [sls, theme.sls, 'SLS']]) {
    out += el('circle', { cx: xc, cy: y(plan.completion_s), r: 6, fill: 'none', stroke: colour, 'stroke-width': 2.5,
      ...tip(`Current setting, ${label}: ${seconds(plan.completion_s)} with k = ${plan.devices}`) });
  }
  if (!sweep) out += txt({ x: width / 2, y: height / 2, 'text-anchor': 'middle', fill: theme.muted }, 'computing the sweep…');
  out += txt({ x: (left + width) / 2, y: height - 8, 'text-anchor': 'middle' }, 'gateway bandwidth G (Mbps, log scale), best k ≤ D for each');
  out += legend([['MLS', theme.mls], ['SLS', theme.sls]], left, 16);
  out += savingStrip(points, x, height + 8, theme);
  return svg(width, height + 70, 'Completion time against gateway bandwidth', out, theme);
}

function savingStrip(points, x, top, theme) {
  const h = 40;
  const most = Math.max(1, ...points.map((p) => p.saving_pct));
  let out = txt({ x: 4, y: top + 12, 'font-size': 11, fill: theme.muted }, 'MLS saves');
  for (const p of points) {
    const bh = (h * Math.max(0, p.saving_pct)) / most;
    out += el('g', tip(`${p.bandwidth_mbps} Mbps: MLS ${seconds(p.mls.completion_s)} vs SLS ${seconds(p.sls.completion_s)}, ${pct(p.saving_pct)} less`),
      el('rect', { x: x(p.bandwidth_mbps) - 7, y: top + 14 + h - bh, width: 14, height: bh, fill: theme.mls, 'fill-opacity': 0.7 }) +
      txt({ x: x(p.bandwidth_mbps), y: top + 10 + h - bh, 'text-anchor': 'middle', 'font-size': 10 }, `${p.saving_pct.toFixed(0)}%`));
  }
  return out;
}
