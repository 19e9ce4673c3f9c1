// A stream of frames (docs/spec-stream.md): the first shown plan's cyclic schedule over
// three periods once the pipeline is full, one link lane (the gateway carrying a round's
// rows) and one lane per device (its compute in the round). Frame f runs like frame 1,
// f − 1 periods later, so the lanes show the link and the devices busy with different
// frames at once, and one frame done per period. Frames are told apart by tone and
// number, never by hue (hue is the device's only, palette.js); phases keep the rounds
// timeline's tones.

import { el, svg, tip, linear, ticks, txt } from '../svg.js';
import { seconds, si } from '../format.js';
import { legend } from './axes.js';
import { deviceTag } from '../cluster.js';

const FRAMES = 3;
/** Frames by tone, in turn. */
const OPACITY = [1, 0.7, 0.45];

const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/** The sentences under the drawing, from the plans it draws and compares (the tour's
 * stream step reads them too). */
export function streamCaption(plan, label, latency, objective) {
  const compute = sum(plan.rounds.map((r) => r.compute_s));
  const transfer = sum(plan.rounds.map((r) => r.transfer_s));
  const linkBound = transfer >= compute;
  const out = [
    `Streamed, ${label}'s plan finishes a frame every ${seconds(plan.period_s)} (${plan.throughput_fps.toPrecision(3)} frames/s). `
    + `Per frame the devices compute ${seconds(compute)} and the link carries ${seconds(transfer)}; while the devices work on one frame the link carries another's rows, `
    + `so only the larger sets the pace: the ${linkBound ? 'link' : 'devices'}, busy all the time. `
    + `A frame takes ${seconds(plan.latency_s)} from its first transfer to its last compute (alone it would take ${seconds(plan.completion_s)}), `
    + `so ${plan.frames_in_flight} frame${plan.frames_in_flight === 1 ? ' is' : 's are'} in flight (the drawing shows three periods of them), and a device holds up to ${si(plan.stream_memory_bytes, 'B')}.`,
  ];
  if (objective !== 'throughput' || !latency) {
    out.push(' Choose “Plan for: a stream” to see the plan with the shortest period.');
    return out;
  }
  const [r, rl] = [plan.blocks.length, latency.blocks.length];
  const lc = sum(latency.rounds.map((x) => x.compute_s));
  const lt = sum(latency.rounds.map((x) => x.transfer_s));
  if (latency.period_s === plan.period_s && r === rl && latency.devices === plan.devices) {
    out.push(` Here MLS's plan for one picture (${rl} rounds on ${latency.devices} devices) is also the best for a stream.`);
    return out;
  }
  const saved = (100 * (latency.period_s - plan.period_s)) / latency.period_s;
  out.push(` For one picture MLS uses ${rl} rounds on ${latency.devices} devices, whose period is ${seconds(latency.period_s)}; for the stream ${label} uses ${r} rounds on ${plan.devices}, a ${saved.toFixed(1)} % shorter period. `);
  if (r > rl) {
    const halo = compute < lc ? ', and smaller blocks recompute less halo' : '';
    out.push(`It fuses fewer layers: more, shorter rounds make one picture wait more between rounds, but in a stream other frames fill those waits${halo} (compute ${seconds(lc)} → ${seconds(compute)}, transfer ${seconds(lt)} → ${seconds(transfer)}).`);
  } else if (r < rl) {
    out.push(`It fuses more layers: fewer rounds send fewer rows between rounds, which is what the ${linkBound ? 'link, the bottleneck,' : 'stream'} needs (transfer ${seconds(lt)} → ${seconds(transfer)}, compute ${seconds(lc)} → ${seconds(compute)}).`);
  } else {
    out.push(`It cuts the layers differently, balancing the two: compute ${seconds(lc)} → ${seconds(compute)}, transfer ${seconds(lt)} → ${seconds(transfer)}; only the larger counts.`);
  }
  return out;
}

export function renderStreamTimeline({ shown, mls, sls, latency, state, theme }) {
  const [plan, label] = shown[0] === 'sls' ? [sls, 'SLS'] : [mls, 'MLS'];
  const devices = plan.blocks[0].devices;
  const P = plan.period_s;
  const laneH = Math.max(8, Math.min(20, 240 / (devices.length + 1)));
  const [width, left, top] = [760, 96, 40];
  // Three periods once the pipeline is full: from when frame 1 is done, every frame in
  // flight is on the link or the devices, and frames 2, 3 and 4 are done one period apart.
  const t0 = plan.latency_s;
  const x = linear([t0, t0 + FRAMES * P], [left, width - 14]);
  const laneY = (lane) => top + lane * laneH;
  let out = txt({ x: left - 6, y: laneY(0) + laneH / 2 + 4, 'text-anchor': 'end', 'font-size': 10, fill: theme.muted }, 'link');
  if (devices.length <= 16) {
    devices.forEach((dev, d) => {
      out += txt({ x: left - 6, y: laneY(d + 1) + laneH / 2 + 4, 'text-anchor': 'end', 'font-size': 10, fill: theme.muted }, deviceTag(plan, dev));
    });
  }
  // A task of frame `f` (0-based) from `t` for `s` seconds, clipped to the window.
  const box = (t, s, lane, fill, f, text) => {
    const [a, b] = [Math.max(t, t0), Math.min(t + s, t0 + FRAMES * P)];
    if (b <= a) return '';
    const [xa, xb] = [x(a), x(b)];
    const w = Math.max(0.5, xb - xa);
    const mark = w >= 16 && laneH >= 12
      ? txt({ x: xa + w / 2, y: laneY(lane) + laneH / 2 + 4, 'text-anchor': 'middle', 'font-size': 10, fill: fill === theme.compute ? theme.bg : theme.fg, 'pointer-events': 'none' }, String(f + 1))
      : '';
    return el('rect', { x: xa, y: laneY(lane) + 1, width: w, height: laneH - 2, fill, 'fill-opacity': OPACITY[f % OPACITY.length], 'data-frame': f + 1, ...tip(text) }) + mark;
  };
  const first = Math.max(0, Math.floor((t0 - plan.latency_s) / P));
  const last = Math.ceil((t0 + FRAMES * P) / P);
  for (let f = first; f <= last; f++) {
    const shift = f * P;
    plan.rounds.forEach((r, i) => {
      const t = r.link_start_s + shift;
      out += box(t, r.transfer_s, 0, theme.transfer, f, `frame ${f + 1}, round ${r.round}: the link carries its rows for ${seconds(r.transfer_s)}`);
      plan.blocks[i].devices.forEach((dev, d) => {
        out += box(r.compute_start_s + shift, dev.compute_s, d + 1, theme.compute, f, `frame ${f + 1}, round ${r.round}, ${deviceTag(plan, dev)}: computes ${seconds(dev.compute_s)}`);
      });
    });
  }
  const bottom = laneY(devices.length + 1);
  for (let n = 1; n <= FRAMES; n++) {
    const done = t0 + n * P;
    out += el('line', { x1: x(done), x2: x(done), y1: top - 6, y2: bottom + 4, stroke: theme.accent, 'stroke-dasharray': '3 3', 'data-done': n + 1 });
    out += txt({ x: x(done), y: top - 10, 'text-anchor': n === FRAMES ? 'end' : 'middle', 'font-size': 10, fill: theme.muted }, `frame ${n + 1} done`);
  }
  let y = bottom + 18;
  for (const t of ticks(FRAMES * P, 6)) {
    out += txt({ x: x(t0 + t), y, 'text-anchor': 'middle', 'font-size': 10, fill: theme.muted }, `+${t} s`);
  }
  y += 16;
  out += txt({ x: (left + width) / 2, y, 'text-anchor': 'middle', 'font-size': 11 }, `time after frame 1 is done (${seconds(t0)} after it started); each box is numbered by its frame`);
  y += 22;
  out += legend([['link: a round\'s transfer', { fill: theme.transfer }], ['device: its compute', { fill: theme.compute }], ['frames by tone and number', { fill: theme.muted, 'fill-opacity': 0.6 }]], left, y);
  return {
    svg: svg(width, y + 10, `A stream: ${label}'s plan, three periods of frames pipelined`, out, theme),
    caption: streamCaption(plan, label, latency, state.objective),
  };
}
