// The setting a model opens with when the link does not say. The zoo's `tiny` exists to
// be seen row by row, but on the paper's Raspberry Pi 4 (13.6 GFLOPS) it is so quick that
// one device alone wins: no blocks, no halo, no saving. On slower devices (1 GFLOPS, a
// microcontroller-class board) the same network splits: MLS fuses four convs into one
// round on 6 devices and saves about 29 % over SLS. The core's model stays as it is; only
// the page's starting point for it changes, and the page says so.

/** Fields a model opens with, over the paper's defaults. */
export const OPENING = {
  tiny: { devices: 10, bandwidth: 100, gflops: 1 },
};

/** The fields of `OPENING[model]` that `hash` does not set, or `null` when none apply. */
export function openingFor(model, hash = '') {
  const opening = OPENING[model];
  if (!opening) return null;
  const given = new URLSearchParams(hash.replace(/^#/, ''));
  const missing = Object.entries(opening).filter(([key]) => !given.has(key));
  return missing.length ? Object.fromEntries(missing) : null;
}

/** The sentence shown when a model opens with its own setting. */
export function openingNote(model) {
  const o = OPENING[model];
  return `${model} opens with its teaching setting (${o.gflops} GFLOPS per device, ${o.bandwidth} Mbps, up to ${o.devices} devices): `
    + 'on the paper\'s 13.6 GFLOPS Raspberry Pi it is so small that one device alone is fastest.';
}
