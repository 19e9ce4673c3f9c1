// The setting a model opens with when the link does not say. The zoo's teaching networks
// `tiny` and `tinyres` (its branching sibling) exist to be seen row by row, but on the
// paper's Raspberry Pi 4 (13.6 GFLOPS) they are so quick that one device alone wins: no
// blocks, no halo, no saving. On slower devices (1 GFLOPS, a microcontroller-class
// board) they split (`coopai solve --model tiny --gflops 1`): `tiny`'s MLS fuses four
// convs into one round on 6 devices and saves about 29 % over SLS, `tinyres`'s runs
// three blocks on 4 devices and saves about 36 % (SLS stays on one device). The core's
// models stay as they are; only the page's starting point changes, and the page says so.

/** Fields a model opens with, over the paper's defaults. */
export const OPENING = {
  tiny: { devices: 10, bandwidth: 100, gflops: 1 },
  tinyres: { devices: 10, bandwidth: 100, gflops: 1 },
};

/** The fields of `OPENING[model]` that `hash` does not set, or `null` when none apply. */
export function openingFor(model, hash = '') {
  const opening = OPENING[model];
  if (!opening) return null;
  const given = new URLSearchParams(hash.replace(/^#/, ''));
  const missing = Object.entries(opening).filter(([key]) => !given.has(key));
  return missing.length ? Object.fromEntries(missing) : null;
}

/** The sentence shown when a model opens with its own setting; `applied` the fields it
 * took (a link may set some itself: those are not claimed). */
export function openingNote(model, applied = OPENING[model]) {
  const words = { gflops: (v) => `${v} GFLOPS per device`, bandwidth: (v) => `${v} Mbps`, devices: (v) => `up to ${v} devices` };
  const taken = Object.keys(words).filter((key) => key in applied).map((key) => words[key](applied[key]));
  return `${model} opens with its teaching setting (${taken.join(', ')}): `
    + 'on the paper\'s 13.6 GFLOPS Raspberry Pi it is so small that one device alone is fastest.';
}
