// The block cases in the names the core prints (`solve --json`): six, where the paper's
// §IV-B speaks of "four feasible cases" (derived in its technical report), since the
// core names one device alone and each FL split apart. One sentence each for the page.

export const CASES = {
  single: 'one device runs the whole network (k = 1)',
  conv: 'conv layers only: each device computes its grid, a band of rows, with the halo it prefetched',
  'conv+fc': 'conv layers then one FL: grids, then each device multiplies its own rows by the FL\'s matching weights; the gateway adds the partial sums',
  'fc-data': 'one FL split by its inputs (data parallelism): partial sums the gateway adds',
  'fc-model': 'one FL split by its outputs (model parallelism): every device needs all inputs',
  'fc-hybrid': 'two FLs in one round: the first split by outputs, the second by the same neurons as inputs',
};

/** `conv+fc: conv layers then one FL…` for a tooltip. */
export function caseText(c) {
  return `${c}: ${CASES[c] ?? c}`;
}

/** A block holding an FL is drawn with round ends, like the FL layers themselves. */
export function hasFl(c) {
  return c !== 'conv' && c !== 'single';
}
