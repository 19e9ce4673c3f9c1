// The wasm calls the page makes, as steps for lanes.js: one core Session per model reads
// it once and keeps the DP's candidate blocks per algorithm and k, which do not depend
// on bandwidth or speed. A cold k is computed by `prepare`, one per step (the only long
// calls), so a drag is dropped between two ks; the `solve` after them is warm.

import { Session, dpTableCluster, solveCluster, solveStreamCluster, sweepBandwidthCluster } from '../../pkg/coopai.js';

const sessions = new Map();

/** The session of `source` (a few are kept: their caches are large), the ks its cache
 * holds per algorithm (1..warm), and whether the cache was full. */
function session(source) {
  let s = sessions.get(source);
  if (s) sessions.delete(source);
  else {
    if (sessions.size >= 4) {
      const [[oldest, old]] = sessions;
      old.session.free();
      sessions.delete(oldest);
    }
    s = { session: new Session(source), warm: { mls: 0, sls: 0 }, full: { mls: false, sls: false } };
  }
  // Most recently used last, so the oldest is the one freed.
  sessions.set(source, s);
  return s;
}

/** The DP table for `k` devices: of the mixed cluster when there is one (solved cold),
 * else from the session of `source`. */
function dpTable({ source, devices, bandwidth, gflops, cluster }, algorithm, k) {
  return cluster ? dpTableCluster(source, cluster, bandwidth, algorithm, k)
    : session(source).session.dpTable(devices, bandwidth, gflops, algorithm, k);
}

/** MLS and SLS plans, MLS's saving over SLS in percent, the network when `net` is asked
 * for, and the DP tables `tables` lists as `[algorithm, k]` (k 0: the plan's best). */
export function* plans(setting) {
  if (setting.objective === 'throughput') return yield* streamPlans(setting);
  const { source, devices, bandwidth, gflops, cluster, net, tables = [] } = setting;
  const s = session(source);
  let mls;
  let sls;
  // A mixed cluster is solved cold (the cache holds equal devices only), one call each.
  if (cluster) {
    mls = solveCluster(source, cluster, bandwidth, 'mls');
    yield { phase: 'SLS' };
    sls = solveCluster(source, cluster, bandwidth, 'sls');
  } else {
    for (const algorithm of ['mls', 'sls']) {
      for (let k = s.warm[algorithm] + 1; k <= devices && !s.full[algorithm]; k++) {
        // Past the cache's cap a k is not kept: `solve` walks the rest itself, each time.
        if (s.session.prepare(devices, bandwidth, gflops, algorithm, k)) s.warm[algorithm] = k;
        else s.full[algorithm] = true;
        yield { phase: algorithm.toUpperCase(), k, of: devices };
      }
    }
    mls = s.session.solve(devices, bandwidth, gflops, 'mls');
    sls = s.session.solve(devices, bandwidth, gflops, 'sls');
  }
  const saving = (100 * (sls.completion_s - mls.completion_s)) / sls.completion_s;
  const found = [];
  for (const [algorithm, wanted] of tables) {
    const k = wanted || (algorithm === 'sls' ? sls : mls).devices;
    if (found.some(([a, kk]) => a === algorithm && kk === k)) continue;
    yield { phase: 'the DP table' };
    found.push([algorithm, k, dpTable(setting, algorithm, k)]);
  }
  return { mls, sls, saving, net: net ? s.session.describe() : undefined, tables: found };
}

/** A stream's plans (docs/spec-stream.md): MLS and SLS chosen for the least period,
 * MLS's saving of period over SLS, and MLS's plan for one picture, which the stream
 * views compare with. Solved cold, one call per step. */
function* streamPlans({ source, devices, bandwidth, gflops, cluster, net }) {
  const s = session(source);
  const stream = (algorithm) => (cluster ? solveStreamCluster(source, cluster, bandwidth, algorithm)
    : s.session.solveStream(devices, bandwidth, gflops, algorithm));
  const mls = stream('mls');
  yield { phase: 'SLS' };
  const sls = stream('sls');
  yield { phase: 'MLS for one picture' };
  const latency = cluster ? solveCluster(source, cluster, bandwidth, 'mls') : s.session.solve(devices, bandwidth, gflops, 'mls');
  const saving = (100 * (sls.period_s - mls.period_s)) / sls.period_s;
  return { mls, sls, saving, latency, net: net ? s.session.describe() : undefined, tables: [] };
}

/** Fig. 9 at each of `bandwidths`, one per step: a mixed cluster cold, equal devices from
 * the session's cache (warm once the plans at these devices are solved). */
export function* sweep({ source, devices, gflops, cluster, bandwidths }) {
  if (!cluster) session(source).session.checkSweep(devices, gflops, bandwidths.length);
  const points = [];
  for (const mbps of bandwidths) {
    if (points.length) yield {};
    points.push(...(cluster ? sweepBandwidthCluster(source, cluster, [mbps])
      : session(source).session.sweepBandwidth(devices, gflops, [mbps])));
  }
  return points;
}

/** The DP tables `wanted` lists as `[algorithm, k]`, one per step (asked for when a view
 * that reads them comes into sight). */
export function* tables(setting) {
  const found = [];
  for (const [algorithm, k] of setting.wanted) {
    yield { phase: 'the DP table' };
    found.push([algorithm, k, dpTable(setting, algorithm, k)]);
  }
  return found;
}

/** The model of `source` as compact project JSON (the "Your model" starting point). */
export function* json({ source }) {
  return session(source).session.modelJson();
}

let importers;
let loaded;

/** The importers (Darknet, Keras / TF.js, ONNX): a second build of the core,
 * pkg/import/, loaded when the first model is pasted, opened or read from a link; the
 * page's own module solves and reads only zoo names and project JSON. */
export function importer() {
  importers ??= import('../../pkg/import/coopai.js').then(async (m) => {
    await m.default();
    loaded = m;
    return m;
  });
  return importers;
}

/** The format recognised and the model as compact project JSON, or the core's error
 * (after {@link importer} has loaded). */
export function* read({ text }) {
  return loaded.importModel(text);
}

/** The same for a file's bytes (a promise; the import is a single call). */
export async function readBytes({ bytes }) {
  return (await importer()).importModelBytes(bytes);
}
