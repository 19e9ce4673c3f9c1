// The guided tour: eight steps that build the idea in order, one device alone to
// bandwidth changing the answer. `tour=N` in the hash is the step (0: no tour). Each
// step sets a few controls when the visitor arrives at it, scrolls to and rings the
// views it talks about, and states figures computed from the plan on screen, so its
// words stay right when the visitor moves a slider mid-tour.
// Keys: → or n next, ← or p back (not while a slider or a list has focus), Escape leaves.

import { seconds, devices, flops } from '../format.js';
import { table } from './engine.js';
import { cachedSweep } from '../engine.js';
import { pickConvBlock } from '../views/halo.js';

const pct = (x) => `${x.toFixed(1)} %`;
const range = (b) => (b.first === b.last ? `${b.first}` : `${b.first}–${b.last}`);

/** `{title, set, views, readsTable, text(ctx)}`; `set` is applied on arrival, `views`
 * are ringed, `readsTable` says the text needs the DP table. */
export const STEPS = [
  {
    title: 'One device alone',
    set: { algorithm: 'mls' },
    views: ['view-network'],
    text({ net, mls, state }) {
      const one = mls.per_k[0];
      return `A camera's image must go through ${net.name}'s ${net.layers.length} layers (${flops(net.layers.reduce((s, l) => s + l.flops, 0))}). ` +
        `A gateway can share the work with up to D = ${state.devices} edge devices of ${state.gflops} GFLOPS each, which talk only to the gateway over its ${state.bandwidth} Mbps link. ` +
        `On one device alone that takes ${seconds(one.completion_s)}: ${seconds(one.compute_s)} of compute and ${seconds(one.transfer_s)} of transfer (the image in, the result out). ` +
        `The shapes are the layers' outputs; the band under them is the plan's rounds. Every step of this tour computes its numbers from the setting on screen: move a slider and they follow.`;
    },
  },
  {
    title: 'SLS: one layer per round',
    set: { algorithm: 'both' },
    views: ['view-network', 'view-timeline'],
    text({ sls, state }) {
      return `SLS, the baseline, slices every layer over the devices and runs one layer per round: ${sls.blocks.length} rounds on k = ${sls.devices} devices, ${seconds(sls.completion_s)}. ` +
        `${seconds(sls.transfer_s)} of it (${pct((100 * sls.transfer_s) / sls.completion_s)}) is transfer: after every layer each device sends its slice back to the gateway, and the ${state.bandwidth} Mbps gateway is shared by all ${sls.devices}${sls.devices < state.devices ? ` (more devices would each get less of it, which is why SLS stops at ${sls.devices} of ${state.devices})` : ''}. ` +
        'In the timeline, orange is transfer, blue compute.';
    },
  },
  {
    title: 'The halo: fusing layers costs recomputation',
    set: { algorithm: 'mls', round: 0 },
    views: ['view-halo'],
    text({ mls, net, state }) {
      const b = pickConvBlock(mls, state.round);
      if (!b) return `This MLS plan has no conv block split over several devices (k = ${mls.devices}), so there is no halo to show. Raise the bandwidth or the devices and it appears.`;
      const computed = b.devices.reduce((s, d) => s + d.flops, 0);
      const own = net.layers.slice(b.first - 1, b.last).reduce((s, l) => s + l.flops, 0);
      const n = b.last - b.first + 1;
      return `MLS runs layers ${range(b)} in round ${b.round} on ${devices(b.devices.length)} without any device talking to another. ` +
        `To make its own rows of layer ${b.last}, each device needs a wider band of every earlier layer: the halo, which it fetches once and recomputes. ` +
        `Together the devices compute ${flops(computed)} where the layers need ${flops(own)}: ${pct((100 * (computed - own)) / own)} extra work, ` +
        `for ${n === 1 ? 'no saving (a single layer)' : `one round instead of ${n}`}. Press Play under the view to watch the halo grow from the last layer back.`;
    },
  },
  {
    title: "MLS's blocks",
    set: { algorithm: 'both' },
    views: ['view-network', 'explain'],
    text({ mls, sls, saving, net }) {
      const why = mls.devices > sls.devices && mls.compute_s < sls.compute_s
        ? ` Compute falls too, halo and all: with fewer rounds MLS can afford k = ${mls.devices} devices where SLS stops at ${sls.devices}.`
        : '';
      return `MLS groups the ${net.layers.length} layers into ${mls.blocks.length} blocks on k = ${mls.devices} devices: layers ${mls.blocks.map(range).join(', ')}. ` +
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
      const count = t.rows.reduce((s, r) => s + r.candidates.length, 0);
      const L = net.layers.length;
      return `For k = ${t.k}, the DP (eq. 2) fills T(j), the fastest way to finish layers 1..j, for j = 1 to ${L}: it tries every last block b(i..j) after the best T(i−1), adds the block's time e(i, j, k) on its slowest device, and keeps the minimum. ` +
        `Here it compared ${count} candidate blocks; T(${L}) = ${seconds(t.completion_s)}, and tracing back which i each row kept gives the ${t.chain.length} blocks. ` +
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
      const used = rounds.map((b) => `round ${b.round} (layers ${range(b)}) as ${b.case}, ${seconds(b.completion_s)}`);
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
      return `One device takes ${seconds(one.completion_s)}. MLS is fastest with k = ${mls.devices} of the ${state.devices} available: ${seconds(mls.completion_s)}. ` +
        `With all ${state.devices} it would take ${seconds(all.completion_s)}, of which ${seconds(all.transfer_s)} transfer: each device gets only 1/k of the gateway, so beyond some k the transfers grow faster than the compute shrinks.`;
    },
  },
  {
    title: 'Bandwidth changes the answer (Fig. 9)',
    set: {},
    views: ['view-chart-bandwidth'],
    text({ state, saving, mls }) {
      const sweep = cachedSweep(state);
      if (!sweep) return `Fig. 9 is being computed for ${state.devices} devices…`;
      const at = (g) => sweep.find((p) => p.bandwidth_mbps === g);
      const [slow, fast] = [at(10), at(1000)];
      const top = sweep.reduce((a, p) => (p.saving_pct > a.saving_pct ? p : a));
      return `At 10 Mbps MLS takes ${seconds(slow.mls.completion_s)} with k = ${slow.mls.devices}, ${pct(slow.saving_pct)} less than SLS; ` +
        `at 1000 Mbps ${seconds(fast.mls.completion_s)} with k = ${fast.mls.devices}, ${pct(fast.saving_pct)} less. ` +
        `Now, at ${state.bandwidth} Mbps: ${seconds(mls.completion_s)} with k = ${mls.devices}, ${pct(saving)} less. ` +
        `Of the chart's bandwidths, MLS saves most at ${top.bandwidth_mbps} Mbps (${pct(top.saving_pct)}): fewer rounds pay most where transfers are a large part of the time yet the gateway still feeds several devices. That is the tour: every control is yours now.`;
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

/** Shows step `state.tour` (or hides the tour when 0) with figures from `ctx`. */
export function showTour(ctx) {
  const n = ctx.state.tour;
  const panel = $('tour');
  for (const el of document.querySelectorAll('.tour-focus')) el.classList.remove('tour-focus');
  panel.hidden = n === 0;
  $('tour-start').setAttribute('aria-expanded', String(n > 0));
  if (n === 0) return;
  const step = STEPS[n - 1];
  $('tour-count').textContent = `Step ${n} of ${STEPS.length}`;
  $('tour-title').textContent = step.title;
  const hidden = step.views.every((id) => $(id)?.closest('[hidden]'));
  $('tour-text').textContent = step.text(ctx) + (hidden ? ' (This lesson link hides that view.)' : '');
  $('tour-prev').disabled = n === 1;
  $('tour-next').textContent = n === STEPS.length ? 'Finish' : 'Next →';
  for (const id of step.views) $(id)?.classList.add('tour-focus');
}

/** Goes to step `n` (0 leaves), setting its controls and scrolling to its views. */
function go(n) {
  const step = STEPS[n - 1];
  change({ tour: n, ...(step ? step.set : {}) });
  const first = step && $(step.views[0]);
  // An instant jump: views drawn on arrival change the page's height under a smooth scroll.
  if (first && !first.hidden) first.scrollIntoView({ block: 'start' });
  if (n === 0) $('tour-start').focus();
}

/** A key on a form control belongs to it (arrows move sliders). */
function ownsKeys(el) {
  return el?.closest?.('input, select, textarea, [contenteditable]');
}

/** `ctx()` gives what views read; `onChange(partial)` changes the state and redraws. */
export function bindTour(ctx, onChange) {
  context = ctx;
  change = onChange;
  $('tour-start').addEventListener('click', () => go(1));
  $('tour-next').addEventListener('click', () => go(context().state.tour >= STEPS.length ? 0 : context().state.tour + 1));
  $('tour-prev').addEventListener('click', () => go(Math.max(1, context().state.tour - 1)));
  $('tour-close').addEventListener('click', () => go(0));
  document.addEventListener('keydown', (e) => {
    const n = context().state.tour;
    if (!n || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Escape') go(0);
    else if (ownsKeys(e.target)) return;
    else if (e.key === 'ArrowRight' || e.key === 'n') go(n >= STEPS.length ? 0 : n + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'p') go(Math.max(1, n - 1));
  });
}
