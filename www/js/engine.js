// The page's calls into the wasm core, with the caching that keeps a slider drag fast:
// one core Session per model reads it once and keeps the DP's candidate blocks, so a
// bandwidth or speed change re-solves without walking a block again; the bandwidth
// sweep (Fig. 9, about ten full comparisons) is also kept per model, devices and GFLOPS.

import init, { importModel, Session, zooNames } from '../pkg/coopai.js';
import { CUSTOM } from './state.js';

/** Bandwidths of the Fig. 9 chart, spanning the bandwidth slider. */
const SWEEP_MBPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

const sessions = new Map();
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

/** The core session of the state's model (a few are kept: their caches are large). */
function session(s) {
  const key = source(s);
  if (!sessions.has(key)) {
    if (sessions.size >= 4) {
      for (const old of sessions.values()) old.free();
      sessions.clear();
      networks.clear();
    }
    sessions.set(key, new Session(key));
  }
  return sessions.get(key);
}

export function network(s) {
  const key = source(s);
  if (!networks.has(key)) networks.set(key, session(s).describe());
  return networks.get(key);
}

/** MLS and SLS plans for the state, and MLS's saving over SLS in percent. */
export function plans(s) {
  const mls = session(s).solve(s.devices, s.bandwidth, s.gflops, 'mls');
  const sls = session(s).solve(s.devices, s.bandwidth, s.gflops, 'sls');
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

export function computeSweep(s) {
  const key = sweepKey(s);
  if (!sweeps.has(key)) {
    if (sweeps.size > 64) sweeps.clear();
    sweeps.set(key, session(s).sweepBandwidth(s.devices, s.gflops, SWEEP_MBPS));
  }
  return sweeps.get(key);
}
