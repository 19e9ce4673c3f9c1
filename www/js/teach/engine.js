// The DP table of eq. (2) from the wasm core (`dpTable`), recorded by the very DP that
// found the plan, so the DP view, "Explain this plan" and the tour never re-derive a
// cost in JavaScript. Cached by setting and k: a hover or a tour step costs nothing.

import { dpTable } from '../../pkg/coopai.js';
import { CUSTOM } from '../state.js';

const tables = new Map();

/** The table for `k` devices (the MLS plan's best k when `k` is 0 or above D). */
export function table(state, algorithm, k) {
  const source = state.model === CUSTOM ? state.custom : state.model;
  const key = [source, state.devices, state.bandwidth, state.gflops, algorithm, k].join('|');
  if (!tables.has(key)) {
    if (tables.size > 24) tables.clear();
    tables.set(key, dpTable(source, state.devices, state.bandwidth, state.gflops, algorithm, k));
  }
  return tables.get(key);
}

/** The k the DP view shows: `dpk` from the hash when it is a valid k, else the plan's. */
export function viewK(state, plan) {
  return state.dpk >= 1 && state.dpk <= state.devices ? state.dpk : plan.devices;
}

/** The candidate of row `j` for the block `first..j` (the fastest case when several). */
export function candidate(t, j, first) {
  const row = t.rows.find((r) => r.last === j);
  const all = row ? row.candidates.filter((c) => c.first === first) : [];
  return all.reduce((a, c) => (!a || c.block_s < a.block_s ? c : a), null);
}
