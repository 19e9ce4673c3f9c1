// Completion time at the best k against gateway bandwidth (the paper's Fig. 9), MLS
// (solid, dots) and SLS (dashed, squares), with the current bandwidth marked; below it
// MLS's saving at each bandwidth, which shows the gap that the time axis squeezes when
// times span decades. Planned for a stream, the curves are the period of each
// bandwidth's throughput plans (docs/spec-stream.md) and faint lines the same plans'
// time for one picture. The caption is read off the same sweep, so it cannot disagree.

import { el, svg, tip, linear, logScale, txt } from '../svg.js';
import { devices, seconds, pct } from '../format.js';
import { yAxis, legend } from './axes.js';
import { availableDevices } from '../cluster.js';

const EQUAL = 0.005;

/** `1–10 Mbps` or `1, 2 and 50 Mbps` for a list of bandwidths of the sweep. */
function mbpsList(points, all) {
  const values = points.map((p) => p.bandwidth_mbps);
  const run = values.length > 2 && values.every((v, i) => i === 0 || all.indexOf(v) === all.indexOf(values[i - 1]) + 1);
  if (run) return `${values[0]}–${values.at(-1)} Mbps`;
  return `${values.length > 1 ? `${values.slice(0, -1).join(', ')} and ` : ''}${values.at(-1)} Mbps`;
}

/** The sentences under the chart: where MLS equals SLS and why (`d` the devices
 * available: with one there is nothing to share), where it saves most, and whether the
 * saving shrinks or grows towards the fastest gateway; `stream` when the points are
 * throughput plans, whose saving is of period. */
export function caption(points, d = 2, stream = false) {
  if (!points.length) return ['Computing the sweep over ten bandwidths…'];
  const all = points.map((p) => p.bandwidth_mbps);
  const out = stream ? ['Planned for a stream: at each bandwidth, the plans with the least period (the time between two finished frames); the faint lines are the same plans\' time for one picture. '] : [];
  const equal = points.filter((p) => p.saving_pct < EQUAL);
  const alone = equal.filter((p) => p.mls.devices === 1 && p.sls.devices === 1);
  if (alone.length) {
    const why = d === 1 ? 'the only device available' : 'since sharing it would cost more transfer than it saves compute';
    out.push(`At ${mbpsList(alone, all)} MLS and SLS are the same plan: both run the network on one device, ${why}.`);
  }
  const others = equal.filter((p) => !alone.includes(p));
  if (others.length) out.push(` At ${mbpsList(others, all)} MLS finds nothing better than one layer per round.`);
  const best = points.reduce((a, b) => (b.saving_pct > a.saving_pct ? b : a));
  if (best.saving_pct < EQUAL) return [...out, ' MLS saves nothing at any of these bandwidths.'];
  out.push(` MLS saves most at ${best.bandwidth_mbps} Mbps: ${pct(best.saving_pct)}${stream ? ' of the period' : ''} (${devices(best.mls.devices)} against SLS's ${best.sls.devices}).`);
  const last = points.at(-1);
  if (last !== best) {
    out.push(last.saving_pct < best.saving_pct
      ? ` Towards ${last.bandwidth_mbps} Mbps the saving falls to ${pct(last.saving_pct)}: with a fast gateway transfer matters less, and fewer rounds buy less.`
      : ` At ${last.bandwidth_mbps} Mbps it saves ${pct(last.saving_pct)}.`);
  }
  out.push(stream
    ? ' MLS\'s period is never above SLS\'s: one layer per round is among its choices.'
    : ' MLS is never slower than SLS: one layer per round is among its choices.');
  return out;
}

export function renderChartBandwidth({ sweep, mls, sls, state, theme }) {
  const [width, height, left, top, bottom] = [760, 280, 56, 34, 44];
  const stream = state.objective === 'throughput';
  // What the curves show: one picture's time, or for a stream the period.
  const shown = stream ? (p) => p.period_s : (p) => p.completion_s;
  const points = sweep ?? [];
  const max = Math.max(...[mls, sls].map(shown), ...points.flatMap((p) => [p.mls, p.sls].flatMap((b) => (stream ? [b.period_s, b.completion_s] : [b.completion_s]))));
  const x = logScale([1, 1000], [left + 10, width - 20]);
  const y = linear([0, max * 1.05], [height - bottom, top]);
  let out = yAxis(y, max * 1.05, left, width - 10, theme);
  for (const t of [1, 10, 100, 1000]) {
    out += txt({ x: x(t), y: height - bottom + 14, 'text-anchor': 'middle', 'font-size': 11, fill: theme.muted }, `${t}`);
  }
  const curve = (key, value) => points.map((p, i) => `${i ? 'L' : 'M'}${x(p.bandwidth_mbps).toFixed(1)},${y(value(p[key])).toFixed(1)}`).join(' ');
  // SLS first, so MLS stays visible where the two coincide.
  const series = [['sls', 'SLS', '6 4', 'square'], ['mls', 'MLS', null, 'dot']];
  for (const [key, label, dash, marker] of series) {
    if (points.length && stream) {
      out += el('path', { d: curve(key, (b) => b.completion_s), fill: 'none', stroke: theme.muted, 'stroke-width': 1, 'stroke-dasharray': dash, 'data-one-picture': key });
    }
    if (points.length) {
      out += el('path', { d: curve(key, shown), fill: 'none', stroke: theme.fg, 'stroke-width': 2, 'stroke-dasharray': dash, 'data-period': stream ? key : null });
    }
    for (const p of points) {
      const [cx, cy] = [x(p.bandwidth_mbps), y(shown(p[key]))];
      const shape = marker === 'dot'
        ? el('circle', { cx, cy, r: 4, fill: theme.fg })
        : el('rect', { x: cx - 5, y: cy - 5, width: 10, height: 10, fill: theme.bg, stroke: theme.fg, 'stroke-width': 1.5 });
      const said = stream
        ? `period ${seconds(p[key].period_s)} (one picture ${seconds(p[key].completion_s)}) with k = ${p[key].devices}; MLS's period ${pct(p.saving_pct)} shorter`
        : `${seconds(p[key].completion_s)} with k = ${p[key].devices}; MLS saves ${pct(p.saving_pct)}`;
      out += el('g', tip(`${p.bandwidth_mbps} Mbps, ${label}: ${said}`), shape);
    }
  }
  const xc = x(state.bandwidth);
  out += el('line', { x1: xc, x2: xc, y1: top, y2: height - bottom, stroke: theme.accent, 'stroke-width': 1.5 });
  const flip = xc > width - 140;
  out += txt({ x: flip ? xc - 4 : xc + 4, y: top + 10, 'font-size': 11, 'text-anchor': flip ? 'end' : 'start', fill: theme.accent }, `now: ${state.bandwidth} Mbps`);
  for (const [plan, label] of [[mls, 'MLS'], [sls, 'SLS']]) {
    const said = stream ? `period ${seconds(plan.period_s)}` : seconds(plan.completion_s);
    out += el('g', tip(`Current setting, ${label}: ${said} with k = ${plan.devices}`),
      el('circle', { cx: xc, cy: y(shown(plan)), r: label === 'MLS' ? 7 : 10, fill: 'none', stroke: theme.accent, 'stroke-width': 2 }));
  }
  if (!sweep) out += txt({ x: width / 2, y: height / 2, 'text-anchor': 'middle', fill: theme.muted }, 'computing the sweep…');
  else out += el('g', { 'data-testid': 'fig9-ready' });
  out += txt({ x: (left + width) / 2, y: height - 8, 'text-anchor': 'middle' }, `gateway bandwidth G (Mbps, log scale), best k ≤ D for each${stream ? ' (least period)' : ''}`);
  const keys = [['MLS', { fill: theme.fg, rx: 6 }], ['SLS, dashed', { fill: theme.bg, stroke: theme.fg, 'stroke-width': 1.5 }], ['now', { fill: theme.accent, width: 3 }]];
  if (stream) keys.push(['faint: one picture', { fill: theme.muted, y: 12, height: 2 }]);
  out += legend(keys, left, 16);
  out += savingStrip(points, x, height + 8, theme, stream);
  const title = stream ? 'Period of a stream against gateway bandwidth' : 'Completion time against gateway bandwidth';
  return { svg: svg(width, height + 70, title, out, theme), caption: caption(points, availableDevices(state), stream) };
}

function savingStrip(points, x, top, theme, stream) {
  const h = 40;
  const most = Math.max(1, ...points.map((p) => p.saving_pct));
  const value = stream ? (b) => b.period_s : (b) => b.completion_s;
  let out = txt({ x: 4, y: top + 12, 'font-size': 11, fill: theme.muted }, stream ? 'period saved' : 'MLS saves');
  for (const p of points) {
    const bh = (h * Math.max(0, p.saving_pct)) / most;
    out += el('g', tip(`${p.bandwidth_mbps} Mbps: MLS ${stream ? 'period ' : ''}${seconds(value(p.mls))} vs SLS ${seconds(value(p.sls))}, ${pct(p.saving_pct)} less`),
      el('rect', { x: x(p.bandwidth_mbps) - 7, y: top + 14 + h - bh, width: 14, height: Math.max(bh, 1), fill: theme.compute }) +
      txt({ x: x(p.bandwidth_mbps), y: top + 10 + h - bh, 'text-anchor': 'middle', 'font-size': 10 }, `${p.saving_pct.toFixed(0)}%`));
  }
  return out;
}
