// The DP table of eq. (2) from the wasm core (`Session.dpTable`, in the worker), recorded by the very DP that
// found the plan, so the DP view, "Explain this plan" and the tour never re-derive a
// cost in JavaScript. The worker computes a setting's tables only while a view that reads
// them is in sight (with the plans, or when such a view scrolls in: main.js asks), and
// they are kept here by setting and k: drawing is sync.

import { CUSTOM } from '../state.js';
import { availableDevices } from '../cluster.js';
import { candidateOf, unpack } from '../worker/dp-pack.js';

const tables = new Map();

function key(state, algorithm, k) {
  const source = state.model === CUSTOM ? state.custom : state.model;
  return [source, state.cluster || `${state.devices}x${state.gflops}`, state.bandwidth, algorithm, k].join('|');
}

/** D: the sliders' devices, or a mixed cluster's (the sliders are hidden then). */
export const maxK = availableDevices;

/** Keeps the table the worker computed for `k` devices. */
export function keep(state, algorithm, k, table) {
  // The oldest goes first, never one of the setting just solved.
  if (tables.size > 24) tables.delete(tables.keys().next().value);
  tables.set(key(state, algorithm, k), unpack(table));
}

/** The table for `k` devices, as solved with the state's plans. */
export function table(state, algorithm, k) {
  const t = tables.get(key(state, algorithm, k));
  if (!t) throw new Error(`the DP table for k = ${k} was not computed with this plan`);
  return t;
}

/** Whether every table `tablesFor(state)` lists is kept, `plans` the state's plans. */
export function hasTables(state, plans) {
  return tablesFor(state).every(([algorithm, k]) => tables.has(key(state, algorithm, k || plans[algorithm].devices)));
}

/** The plan the DP view and "Explain this plan" read: the first plan shown, except in a
 * stream (`objective=throughput`), whose plans come from the throughput planner and not
 * from eq. (2): there they read MLS's plan for one picture, whose DP table it is. */
export function explainedPlan({ state, shown, mls, sls, latency }) {
  if (state.objective === 'throughput' && latency) return latency;
  return shown[0] === 'sls' ? sls : mls;
}

/** The plans that a table's k 0 (a plan's best) refers to: in a stream, MLS's plan for
 * one picture (see explainedPlan). */
export function tablePlans(ctx) {
  return ctx.state.objective === 'throughput' && ctx.latency ? { mls: ctx.latency, sls: ctx.sls } : ctx;
}

/** The tables the page draws for a state, as `[algorithm, k]` (k 0: that plan's best):
 * the first plan shown at its best k (explained) and at the DP view's k, and MLS's
 * during the tour. */
export function tablesFor(state) {
  const first = state.algorithm === 'sls' && state.objective !== 'throughput' ? 'sls' : 'mls';
  const wanted = [[first, 0]];
  if (state.dpk >= 1 && state.dpk <= maxK(state)) wanted.push([first, state.dpk]);
  if (state.tour && first !== 'mls') wanted.push(['mls', 0]);
  return wanted;
}

/** The k the DP view shows: `dpk` from the hash when it is a valid k, else the plan's. */
export function viewK(state, plan) {
  return state.dpk >= 1 && state.dpk <= maxK(state) ? state.dpk : plan.devices;
}

/** Row `j` of table `t` (rows run j = 1..L, so it is found at once). */
export function rowAt(t, j) {
  return t.rows[j - 1]?.last === j ? t.rows[j - 1] : t.rows.find((r) => r.last === j);
}

/** The candidate of row `j` for the block `first..j` (the fastest case when several). */
export function candidate(t, j, first) {
  const row = rowAt(t, j);
  return row ? candidateOf(t, row, first) : null;
}
