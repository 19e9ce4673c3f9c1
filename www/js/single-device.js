// When the best plan uses one device, nothing is split: no blocks, no halo, no saving,
// and every view is about that one device. The page says so next to the figures and
// offers the nearest bandwidth at which MLS does split, read from Fig. 9's sweep (the
// core's plans at the chart's bandwidths), so the offer is one the core has confirmed.

import { toHash } from './state.js';
import { availableDevices } from './cluster.js';
import { lockedFields } from './teach/lesson.js';

const $ = (id) => document.getElementById(id);

/** The sweep's bandwidth nearest `g` (on the log scale the slider uses) at which MLS
 * uses more than one device, or null. */
export function nearestSplit(sweep, g) {
  const splits = (sweep ?? []).filter((p) => p.mls.devices > 1);
  if (!splits.length) return null;
  const far = (p) => Math.abs(Math.log(p.bandwidth_mbps / g));
  return splits.reduce((a, p) => (far(p) < far(a) ? p : a));
}

/** The sentence for a plan on one device, and the setting offered (null: none). */
export function singleNote(state, mls, sweep) {
  if (mls.devices !== 1) return null;
  if (availableDevices(state) === 1) return { text: 'One device is available, so nothing is split: raise the devices to see blocks and the halo.', offer: null };
  const head = 'The best plan here is one device alone: at this setting splitting costs more in transfer than it saves in compute, so there are no blocks, no halo and no saving.';
  if (!sweep) return { text: head, offer: null };
  const at = nearestSplit(sweep, state.bandwidth);
  if (!at) return { text: `${head} No bandwidth from 1 to 1000 Mbps changes that at these devices.`, offer: null };
  const offer = lockedFields(state).includes('bandwidth') ? null : { ...state, bandwidth: at.bandwidth_mbps };
  return { text: `${head} At ${at.bandwidth_mbps} Mbps MLS splits it over ${at.mls.devices} devices.`, offer };
}

/** Shows the note (or hides it) with a link to the setting offered. */
export function showSingle(state, mls, sweep) {
  const p = $('single-note');
  const note = singleNote(state, mls, sweep);
  p.hidden = !note;
  if (!note) return;
  const parts = [note.text];
  if (note.offer) {
    const a = document.createElement('a');
    a.href = toHash(note.offer);
    a.textContent = `Try ${note.offer.bandwidth} Mbps`;
    parts.push(' ', a);
  }
  p.replaceChildren(...parts);
}
