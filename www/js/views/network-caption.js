// The sentences above the network view, from the plans it draws: each plan's rounds and
// devices, which rounds fuse layers (only MLS does: an SLS round is one layer, and a
// plan on one device is a single round that runs the whole network, not a fusion), and
// MLS's saving when MLS is shown, and an imported detection head the gateway decodes.

import { devices, plural, pct } from '../format.js';

const MAX_NAMED = 5;

/** One plan in words: `MLS runs 16 layers in 4 rounds on 7 devices; round 1 fuses…`. */
function planText(p, label, net) {
  const L = net.layers.length;
  const rounds = plural(p.blocks.length, 'round');
  if (p.blocks.length === 1 && p.blocks[0].case === 'single') {
    // `per_k` holds one plan per k = 1..D: with D = 1 there is nothing to split over.
    const why = p.per_k.length === 1 ? 'the only device available' : 'splitting them would cost more in transfer than it saves';
    return `${label} runs all ${L} layers in one round on one device: ${why}.`;
  }
  const fused = p.blocks.filter((b) => b.last > b.first && b.case !== 'single');
  const what = label === 'MLS' && fused.length ? `; ${fusions(fused)}` : ', one layer per round';
  return `${label} runs ${L} layers in ${rounds} on ${devices(p.devices)}${what}.`;
}

/** Rounds that fuse layers, each named while they are few; more are counted, with the
 * longest (a 300-layer network's list ran to a paragraph; the timeline names each). */
function fusions(fused) {
  const named = (b) => `round ${b.round} fuses layers ${b.first}–${b.last}`;
  if (fused.length <= MAX_NAMED) return fused.map(named).join(', ');
  const size = (b) => b.last - b.first + 1;
  const longest = fused.reduce((a, b) => (size(b) > size(a) ? b : a));
  return `${fused.length} of them fuse layers, up to ${size(longest)} in one: ${named(longest)}`;
}

/** The caption: `rows` are the shown plans as `[plan, 'MLS'|'SLS']`, MLS first. */
export function caption(rows, saving, net) {
  const parts = rows.map(([p, label]) => planText(p, label, net));
  let verdict = '';
  if (rows.some(([, label]) => label === 'MLS')) {
    verdict = saving > 0.005
      ? ` Fewer rounds mean less waiting on the gateway: MLS finishes ${pct(saving)} sooner than SLS.`
      : ' Here MLS finds nothing better than SLS: both take the same time.';
  }
  // An imported detection head runs on the gateway after the last round: not drawn.
  const head = net.head ? ` Not drawn: the ${net.head}.` : '';
  return [`Each shape is a layer's output (taller: more rows, wider: more channels). ${parts.join(' ')}${verdict}${head} Hover or tab to a shape or a band for its numbers; the arrow keys move between them.`];
}
