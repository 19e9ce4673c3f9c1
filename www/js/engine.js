// The page's calls into the wasm core, with the caching that keeps a slider drag fast:
// networks are described once per model, and the bandwidth sweep (Fig. 9, about ten
// full comparisons) only depends on model, devices and GFLOPS. A pasted model is passed
// as its compact project JSON, which the core re-reads quickly on every call.

import init, { describe, importModel, solve, sweepBandwidth, zooNames } from '../pkg/coopai.js';
import { CUSTOM } from './state.js';

/** Bandwidths of the Fig. 9 chart, spanning the bandwidth slider. */
const SWEEP_MBPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

const networks = new Map();
const sweeps = new Map();

/** Loads the wasm module (next to the bindings, so it works under any sub-path). */
export async function start() {
  await init();
  return zooNames();
}

/** What the core reads for the state's model: a zoo name or the pasted model. */
function source(s) {
  return s.model === CUSTOM ? s.custom : s.model;
}

/** The format recognised and the model as compact project JSON; throws the core's
 * error (`location: message`) for a text it cannot read. */
export function readModel(text) {
  return importModel(text);
}

export function network(s) {
  const key = source(s);
  if (!networks.has(key)) {
    if (networks.size > 16) networks.clear();
    networks.set(key, describe(key));
  }
  return networks.get(key);
}

/** MLS and SLS plans for the state, and MLS's saving over SLS in percent. */
export function plans(s) {
  const mls = solve(source(s), s.devices, s.bandwidth, s.gflops, 'mls');
  const sls = solve(source(s), s.devices, s.bandwidth, s.gflops, 'sls');
  const saving = (100 * (sls.completion_s - mls.completion_s)) / sls.completion_s;
  return { mls, sls, saving };
}

function sweepKey(s) {
  return `${s.devices}|${s.gflops}|${source(s)}`;
}

/** The cached sweep for the state, or `undefined` until {@link computeSweep} ran. */
export function cachedSweep(s) {
  return sweeps.get(sweepKey(s));
}

const partial = new Map();

/** Computes the next bandwidth of the state's sweep (one MLS/SLS comparison, a few ms:
 * the whole sweep at once blocked the main thread for up to 50 ms). Returns true once
 * the sweep is complete and cached. */
export function sweepStep(s) {
  const key = sweepKey(s);
  if (sweeps.has(key)) return true;
  const done = partial.get(key) ?? [];
  done.push(...sweepBandwidth(source(s), s.devices, s.gflops, [SWEEP_MBPS[done.length]]));
  if (done.length < SWEEP_MBPS.length) {
    if (partial.size > 8) partial.clear();
    partial.set(key, done);
    return false;
  }
  partial.delete(key);
  if (sweeps.size > 64) sweeps.clear();
  sweeps.set(key, done);
  return true;
}
