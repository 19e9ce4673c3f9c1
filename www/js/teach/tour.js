// The guided tour: nine steps that build the idea in order, one device alone to
// bandwidth changing the answer, then a stream of frames. `tour=N` in the hash is the
// step (0: no tour). Each
// step sets a few controls when the visitor arrives at it, rings the views it talks
// about and scrolls the first into sight beside the panel (tour-place.js), and states
// figures computed from the plan on screen, so its words stay right when the visitor
// moves a slider mid-tour. Every step but the last plans for one picture. Leaving the
// tour puts "Show" and "Plan for" back as they were.
// Keys: → or n next, ← or p back (not while a slider, a list or a drawing has focus),
// Escape leaves (but in a drawing, where it closes the tooltip).

import { seconds, devices, flops, plural } from '../format.js';
import { table } from './engine.js';
import { cachedSweep } from '../engine.js';
import { layerSpan, pickConvBlock } from '../views/halo.js';
import { availableDevices, parseCluster } from '../cluster.js';
import { placeTour, ringedDrawing, unplaceTour } from './tour-place.js';
import { streamCaption } from '../views/stream-timeline.js';

const pct = (x) => `${x.toFixed(1)} %`;

/** The devices of the setting in words: `D = 10 edge devices of 13.6 GFLOPS each`, or
 * a mixed cluster's count and speeds. */
function teamText(state) {
  const n = availableDevices(state);
  if (!state.cluster) return `D = ${n} edge devices of ${state.gflops} GFLOPS each`;
  const speeds = [...new Set(parseCluster(state.cluster).groups.map((g) => g.gflops))];
  return `D = ${n} edge devices of mixed speeds (${speeds.join(', ')} GFLOPS; the plan uses the fastest)`;
}

/** Rounds whose devices upload nothing: they keep their rows for the next round. */
const quietRounds = (plan) => plan.blocks.filter((b) => b.devices.length > 1 && b.devices.every((d) => d.to_bits === 0));

/** `{title, set, views, readsTable, text(ctx)}`; `set` is applied on arrival, `views`
 * are ringed, `readsTable` says the text needs the DP table. */
export const STEPS = [
  {
    title: 'The network, and one device alone',
    set: { algorithm: 'mls' },
    views: ['view-network'],
    text({ net, mls, state }) {
      const one = mls.per_k[0];
      const band = mls.devices === 1
        ? 'the band under them is the plan: here one device alone is also the fastest way'
        : `the band under them is the plan MLS finds for up to D devices (${plural(mls.blocks.length, 'round')} on k = ${mls.devices}), which the next steps build up to`;
      return `A camera's image must go through ${net.name}'s ${net.layers.length} layers (${flops(net.layers.reduce((s, l) => s + l.flops, 0))}). ` +
        `A gateway can share the work with up to ${teamText(state)}, which talk only to the gateway over its ${state.bandwidth} Mbps link. ` +
        `On one device alone${state.cluster ? ' (the fastest)' : ''} that takes ${seconds(one.completion_s)}: ${seconds(one.compute_s)} of compute and ${seconds(one.transfer_s)} of transfer (the image in, the result out). ` +
        `The shapes are the layers' outputs; ${band}. Every step of this tour computes its numbers from the setting on screen: move a slider and they follow.`;
    },
  },
  {
    title: 'SLS: one layer per round',
    set: { algorithm: 'both' },
    views: ['view-timeline', 'view-network'],
    text({ sls, state }) {
      const d = availableDevices(state);
      if (sls.devices === 1) {
        const why = d === 1 ? 'the only device available' : `because sending every layer's slices through the ${state.bandwidth} Mbps gateway would cost more than it saves`;
        return `SLS, the baseline, slices every layer over the devices and runs one layer per round. Here it does not split at all: one device runs all ${sls.blocks[0].last} layers in one round, ${seconds(sls.completion_s)}, ${why}. ` +
          'In the timeline the strong bars are compute, the faint ones transfer.';
      }
      const quiet = quietRounds(sls).length;
      const uploads = quiet
        ? `each round the gateway sends each device the rows it needs and collects the outputs; in ${quiet} of the ${sls.blocks.length} rounds the devices keep their rows for the next layer and send on only what another device needs`
        : 'after every layer each device sends its slice back to the gateway';
      return `SLS, the baseline, slices every layer over the devices and runs one layer per round: ${sls.blocks.length} rounds on k = ${sls.devices} devices, ${seconds(sls.completion_s)}. ` +
        `${seconds(sls.transfer_s)} of it (${pct((100 * sls.transfer_s) / sls.completion_s)}) is transfer: ${uploads}, and the ${state.bandwidth} Mbps gateway is shared by all ${sls.devices}${sls.devices < d ? ` (more devices would each get less of it, which is why SLS stops at ${sls.devices} of ${d})` : ''}. ` +
        'In the timeline the strong bars are compute, the faint ones transfer.';
    },
  },
  {
    title: 'The halo: fusing layers costs recomputation',
    set: { algorithm: 'mls', round: 0 },
    views: ['view-halo'],
    text({ mls, net, state }) {
      const b = pickConvBlock(mls, state.round);
      if (!b) {
        return `This MLS plan has no conv block split over several devices (k = ${mls.devices}), so there is no halo to show.` +
          (mls.devices === 1 ? ' The note above the views says what would split it.' : '');
      }
      const computed = b.devices.reduce((s, d) => s + d.flops, 0);
      const own = net.layers.slice(b.first - 1, b.last).reduce((s, l) => s + l.flops, 0);
      const n = b.last - b.first + 1;
      return `MLS runs ${layerSpan(b)} in round ${b.round} on ${devices(b.devices.length)} without any device talking to another. ` +
        `To make its own rows of layer ${b.last}, each device needs a wider band of every earlier layer: the halo, which it fetches once and recomputes. ` +
        `Together the devices compute ${flops(computed)} where the layers need ${flops(own)}: ${pct((100 * (computed - own)) / own)} extra work, ` +
        `for ${n === 1 ? 'no saving (a single layer)' : `one round instead of ${n}`}. Press Play under the view to watch the halo grow from the last layer back.`;
    },
  },
  {
    title: "MLS's blocks",
    set: { algorithm: 'both' },
    views: ['view-network', 'explain'],
    text({ mls, sls, saving, net, state }) {
      const afford = `with fewer rounds MLS can afford k = ${mls.devices} devices where SLS stops at ${sls.devices}`;
      let why = '';
      if (mls.devices > sls.devices && mls.compute_s < sls.compute_s) {
        why = mls.transfer_s <= sls.transfer_s
          ? ` Compute falls too, halo and all: ${afford}.`
          : ` Transfer rises, since more devices share the gateway, but compute falls by more, halo and all: ${afford}.`;
      }
      if (mls.devices === 1) {
        const why = availableDevices(state) === 1 ? 'only one device is available' : 'at this setting no split saves more than its transfers cost';
        return `Here MLS, like SLS, keeps all ${net.layers.length} layers on one device in one round, ${seconds(mls.completion_s)}: ${why}, so there are no blocks to compare. ` +
          'The note above the views says what would split it; "Explain this plan" under the drawing says why.';
      }
      return `MLS groups the ${net.layers.length} layers into ${mls.blocks.length} blocks on k = ${mls.devices} devices: ${mls.blocks.map(layerSpan).join(', ')}. ` +
        `It takes ${seconds(mls.completion_s)} against SLS's ${seconds(sls.completion_s)}, ${pct(saving)} less; ` +
        `transfer goes from ${seconds(sls.transfer_s)} to ${seconds(mls.transfer_s)}, compute from ${seconds(sls.compute_s)} to ${seconds(mls.compute_s)}.${why} ` +
        'A band\'s case says how its round is sliced: conv by rows, conv+fc by rows then an FL by data split, fc-data, fc-model and fc-hybrid as in step 6. ' +
        '"Explain this plan" under the drawing says why each round is shaped so.';
    },
  },
  {
    title: 'How the dynamic program finds them',
    set: { algorithm: 'mls', dpk: 0 },
    views: ['view-dp'],
    readsTable: true,
    text({ mls, state, net }) {
      const t = table(state, 'mls', mls.devices);
      const count = t.rows.reduce((s, r) => s + r.count, 0);
      const L = net.layers.length;
      return `For k = ${t.k}, the DP (eq. 2) fills T(j), the fastest way to finish layers 1..j, for j = 1 to ${L}: it tries every last block b(i..j) after the best T(i−1), adds the block's time e(i, j, k) on its slowest device, and keeps the minimum. ` +
        `Here it compared ${count} candidate blocks; T(${L}) = ${seconds(t.completion_s)}, and tracing back which i each row kept gives the ${plural(t.chain.length, 'block')}. ` +
        'Press "Fill next row" to watch it one j at a time; hover a cell for its compute, transfer and halo.';
    },
  },
  {
    title: 'Fully-connected layers: data, model, hybrid',
    set: { algorithm: 'mls' },
    views: ['view-fl'],
    text({ mls, net }) {
      const fls = net.layers.filter((l) => l.kind.type === 'fc').length;
      if (!fls) return `${net.name} has no fully-connected layers, so every round is a conv block. Pick VGG16 or AlexNet to see the three FL splits.`;
      const rounds = mls.blocks.filter((b) => b.case.startsWith('fc') || b.case === 'conv+fc');
      const used = rounds.map((b) => `round ${b.round} (${layerSpan(b)}) as ${b.case}, ${seconds(b.completion_s)}`);
      return `${net.name} ends with ${fls} fully-connected layers. Data split gives each device a share of the inputs and adds partial sums at the gateway; model split gives each device all inputs and a share of the outputs; ` +
        'hybrid chains them so the first FL\'s outputs stay on the device and feed the second. ' +
        (used.length ? `This plan runs ${used.join('; ')}.` : 'This plan runs its FLs on one device (k = 1).');
    },
  },
  {
    title: 'More devices stop helping (Fig. 8)',
    set: {},
    views: ['view-chart-k'],
    text({ mls, state }) {
      const one = mls.per_k[0];
      const all = mls.per_k[mls.per_k.length - 1];
      const d = availableDevices(state);
      if (d === 1) return `With D = 1 there is one bar: one device takes ${seconds(one.completion_s)}. Raise the devices to see where more stop helping.`;
      if (mls.devices === d) {
        return `One device takes ${seconds(one.completion_s)}. Here MLS is fastest with all ${d} available: ${seconds(mls.completion_s)}, of which ${seconds(mls.transfer_s)} transfer. ` +
          'Each device gets only 1/k of the gateway, yet at this setting the compute each added device takes off still outweighs that: no k up to D is past the turn.';
      }
      return `One device takes ${seconds(one.completion_s)}. MLS is fastest with k = ${mls.devices} of the ${d} available: ${seconds(mls.completion_s)}. ` +
        `With all ${d} it would take ${seconds(all.completion_s)}, of which ${seconds(all.transfer_s)} transfer: each device gets only 1/k of the gateway, so beyond some k the transfers grow faster than the compute shrinks.`;
    },
  },
  {
    title: 'Bandwidth changes the answer (Fig. 9)',
    set: {},
    views: ['view-chart-bandwidth'],
    text({ state, saving, mls }) {
      const sweep = cachedSweep(state);
      if (!sweep) return `Fig. 9 is being computed for ${availableDevices(state)} devices…`;
      const at = (g) => sweep.find((p) => p.bandwidth_mbps === g);
      const [slow, fast] = [at(10), at(1000)];
      const top = sweep.reduce((a, p) => (p.saving_pct > a.saving_pct ? p : a));
      // Printed to one decimal: a saving that rounds to 0.0 % is none.
      const most = top.saving_pct >= 0.05
        ? `Of the chart's bandwidths, MLS saves most at ${top.bandwidth_mbps} Mbps (${pct(top.saving_pct)}): fewer rounds pay most where transfers are a large part of the time yet the gateway still feeds several devices.`
        : 'At none of the chart\'s bandwidths does MLS save anything here: both use one device, which runs the whole network in one round.';
      return `At 10 Mbps MLS takes ${seconds(slow.mls.completion_s)} with k = ${slow.mls.devices}, ${pct(slow.saving_pct)} less than SLS; ` +
        `at 1000 Mbps ${seconds(fast.mls.completion_s)} with k = ${fast.mls.devices}, ${pct(fast.saving_pct)} less. ` +
        `Now, at ${state.bandwidth} Mbps: ${seconds(mls.completion_s)} with k = ${mls.devices}, ${pct(saving)} less. ` +
        `${most}`;
    },
  },
  {
    title: 'A stream of frames: throughput (beyond the paper)',
    set: { algorithm: 'mls', objective: 'throughput' },
    views: ['view-stream-timeline'],
    text({ mls, latency, state }) {
      if (state.objective !== 'throughput' || !latency) {
        return 'A camera sends a stream of frames, and then what counts is the time between two finished frames, not one picture\'s. ' +
          'This step reads the plans for a stream: choose “Plan for: a stream” above (the link that opened it plans for one picture).';
      }
      // The caption's comparison with the plan for one picture (its first sentence
      // details the schedule, which the drawing's own caption shows).
      const why = streamCaption(mls, 'MLS', latency, 'throughput').slice(1).join('');
      const flight = `${mls.frames_in_flight} frame${mls.frames_in_flight === 1 ? '' : 's'} in flight`;
      return 'So far every plan was for one picture. A camera sends a stream: while the devices compute one frame, the gateway\'s link carries another frame\'s rows, ' +
        'so the frame rate is set by the period, the larger of a frame\'s total compute and total transfer, and MLS now minimises that. ' +
        `Here it finishes a frame every ${seconds(mls.period_s)} (${mls.throughput_fps.toPrecision(3)} frames/s) with ${flight}.${why} That is the tour: every control is yours now.`;
    },
  },
];

/** Whether tour step `n` (0: no tour) states figures from the DP table. */
export function tourReadsTable(n) {
  return Boolean(STEPS[n - 1]?.readsTable);
}

const $ = (id) => document.getElementById(id);
let context;
let change;
/** The step last shown, so arriving at a step (by a button, a key or a `tour=N` link)
 * scrolls to its drawing once, and a slider moved mid-step does not. */
let shownStep = 0;
/** "Show" and "Plan for" as the visitor had them before the tour set them, put back
 * when the tour ends. */
let before = null;

/** Shows step `state.tour` (or hides the tour when 0) with figures from `ctx`. */
export function showTour(ctx) {
  const n = ctx.state.tour;
  const panel = $('tour');
  for (const el of document.querySelectorAll('.tour-focus')) el.classList.remove('tour-focus');
  panel.hidden = n === 0;
  $('tour-start').setAttribute('aria-expanded', String(n > 0));
  const arrival = n !== shownStep;
  shownStep = n;
  if (n === 0) {
    unplaceTour();
    return;
  }
  const step = STEPS[n - 1];
  $('tour-count').textContent = `Step ${n} of ${STEPS.length}`;
  $('tour-title').textContent = step.title;
  const hidden = step.views.every((id) => $(id)?.closest('[hidden]'));
  $('tour-text').textContent = step.text(ctx) + (hidden ? ' (This lesson link hides that view.)' : '');
  $('tour-prev').disabled = n === 1;
  $('tour-next').textContent = n === STEPS.length ? 'Finish' : 'Next →';
  for (const id of step.views) $(id)?.classList.add('tour-focus');
  placeTour(ringedDrawing(step.views[0]), arrival);
}

/** Goes to step `n` (0 leaves), setting its controls (not those a lesson locks); the
 * page scrolls to its drawing when the step is shown. Leaving puts "Show" and "Plan for"
 * back. */
function go(n, locked) {
  const step = STEPS[n - 1];
  const from = context().state;
  if (from.tour === 0 && n > 0) before = { algorithm: from.algorithm, objective: from.objective };
  const wanted = step ? { objective: 'latency', ...step.set } : { ...before };
  const set = Object.fromEntries(Object.entries(wanted).filter(([key]) => !locked(key)));
  if (n === 0) before = null;
  change({ tour: n, ...set });
  if (n === 0) $('tour-start').focus();
}

/** A key on a form control belongs to it (arrows move sliders), and so does one a
 * drawing's tooltips took (arrows move between its numbers, tooltip.js). */
function ownsKeys(e) {
  return e.defaultPrevented || e.target?.closest?.('input, select, textarea, [contenteditable], .figure');
}

/** `ctx()` gives what views read; `onChange(partial)` changes the state and redraws;
 * `locked(key)` says a lesson link hides that control, so the tour leaves it alone. */
export function bindTour(ctx, onChange, locked = () => false) {
  context = ctx;
  change = onChange;
  const to = (n) => go(n, locked);
  $('tour-start').addEventListener('click', () => to(1));
  $('tour-next').addEventListener('click', () => to(context().state.tour >= STEPS.length ? 0 : context().state.tour + 1));
  $('tour-prev').addEventListener('click', () => to(Math.max(1, context().state.tour - 1)));
  $('tour-close').addEventListener('click', () => to(0));
  document.addEventListener('keydown', (e) => {
    const n = context().state.tour;
    if (!n || e.altKey || e.ctrlKey || e.metaKey) return;
    // In a drawing Escape is the tooltip's and the linked highlight's (one thing a key).
    if (e.key === 'Escape' && !e.target?.closest?.('.figure')) to(0);
    else if (ownsKeys(e)) return;
    else if (e.key === 'ArrowRight' || e.key === 'n') to(n >= STEPS.length ? 0 : n + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'p') to(Math.max(1, n - 1));
  });
}
