// The page's calls into the wasm core, with the caching that keeps a slider drag fast:
// one core Session per model reads it once and keeps the DP's candidate blocks, so a
// bandwidth or speed change re-solves without walking a block again; the bandwidth
// sweep (Fig. 9, about ten full comparisons) is also kept per model, devices and GFLOPS.

import init, { importModel, Session, solveCluster, sweepBandwidthCluster, zooNames } from '../pkg/coopai.js';
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

let onnx;

/** `readModel` for a file's bytes (a `Uint8Array`): ONNX, or any text format. The
 * ONNX importer is a second build of the core (pkg/onnx/, 34 KiB more), loaded when
 * the first such file is opened. */
export async function readModelBytes(bytes) {
  onnx ??= import('../pkg/onnx/coopai.js').then(async (m) => {
    await m.default();
    return m;
  });
  return (await onnx).importModelBytes(bytes);
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
  // A mixed cluster (the short form, as the CLI's --cluster) replaces D and F; it is
  // solved cold (the session's cache holds equal devices only).
  const one = (a) => (s.cluster ? solveCluster(source(s), s.cluster, s.bandwidth, a)
    : session(s).solve(s.devices, s.bandwidth, s.gflops, a));
  const mls = one('mls');
  const sls = one('sls');
  const saving = (100 * (sls.completion_s - mls.completion_s)) / sls.completion_s;
  return { mls, sls, saving };
}

function sweepKey(s) {
  return `${s.cluster || `${s.devices}|${s.gflops}`}|${source(s)}`;
}

/** The cached sweep for the state, or `undefined` until {@link sweepStep} completed it. */
export function cachedSweep(s) {
  return sweeps.get(sweepKey(s));
}

const partial = new Map();

/** Fig. 9 at one bandwidth: a mixed cluster cold, equal devices from the session's cache. */
function sweepAt(s, mbps) {
  return s.cluster ? sweepBandwidthCluster(source(s), s.cluster, [mbps])
    : session(s).sweepBandwidth(s.devices, s.gflops, [mbps]);
}

/** Computes the next bandwidth of the state's sweep (one MLS/SLS comparison, a few ms:
 * the whole sweep at once blocked the main thread for up to 50 ms). Returns true once
 * the sweep is complete and cached. */
export function sweepStep(s) {
  const key = sweepKey(s);
  if (sweeps.has(key)) return true;
  const done = partial.get(key) ?? [];
  // The whole sweep's work is checked before its first step, so it is refused at once.
  if (!done.length && !s.cluster) session(s).checkSweep(s.devices, s.gflops, SWEEP_MBPS.length);
  done.push(...sweepAt(s, SWEEP_MBPS[done.length]));
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

/** The whole sweep now (the tour's last step states its numbers). */
export function computeSweep(s) {
  while (!sweepStep(s));
  return cachedSweep(s);
}
