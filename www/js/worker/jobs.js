// The wasm calls the page makes, as steps for lanes.js: one core Session per model reads
// it once and answers for equal devices and mixed clusters alike, keeping the DP's
// candidate blocks per algorithm and k (which do not depend on bandwidth or speed). A
// cold k is walked by `prepare`, one per step (the only long calls), so a drag is dropped
// between two ks; the `solve` after them is warm.

import { Session } from '../../pkg/coopai.js';
import { pack } from './dp-pack.js';

const sessions = new Map();

/** The session of `source` (a few are kept: their caches are large). */
function session(source) {
  let s = sessions.get(source);
  if (s) sessions.delete(source);
  else {
    if (sessions.size >= 4) {
      const [[oldest, old]] = sessions;
      old.free();
      sessions.delete(oldest);
    }
    s = new Session(source);
  }
  // Most recently used last, so the oldest is the one freed.
  sessions.set(source, s);
  return s;
}

/** The setting as every Session method takes it first (`cluster` '' for equal devices). */
function at({ devices, bandwidth, gflops, cluster = '' }) {
  return [devices, bandwidth, gflops, cluster];
}

/** The DP table for `k` devices, packed for the trip to the page (dp-pack.js). */
function dpTable(s, setting, algorithm, k) {
  return pack(s.dpTable(...at(setting), algorithm, k));
}

/** MLS and SLS plans, MLS's saving over SLS in percent, the network when `net` is asked
 * for, and the DP tables `tables` lists as `[algorithm, k]` (k 0: the plan's best). */
export function* plans(setting) {
  if (setting.objective === 'throughput') return yield* streamPlans(setting);
  const { source, devices, net, tables = [] } = setting;
  const s = session(source);
  const plan = {};
  for (const algorithm of ['mls', 'sls']) {
    const phase = algorithm.toUpperCase();
    if (algorithm === 'sls') yield { phase };
    for (let k; (k = s.prepare(...at(setting), algorithm));) yield { phase, k, of: devices };
    plan[algorithm] = s.solve(...at(setting), algorithm, 'latency');
  }
  const { mls, sls } = plan;
  const saving = (100 * (sls.completion_s - mls.completion_s)) / sls.completion_s;
  const found = [];
  for (const [algorithm, wanted] of tables) {
    const k = wanted || plan[algorithm].devices;
    if (found.some(([a, kk]) => a === algorithm && kk === k)) continue;
    yield { phase: 'the DP table' };
    found.push([algorithm, k, dpTable(s, setting, algorithm, k)]);
  }
  return { mls, sls, saving, net: net ? s.describe() : undefined, tables: found };
}

/** Stream plans solved, by model, setting and algorithm: each is solved cold (every k's
 * Pareto sets), so a slider dragged back over a setting finds it here. */
const streamed = new Map();

/** The plan of `algorithm` for a stream at `setting`, from {@link streamed} or solved. */
function streamPlan(s, setting, algorithm) {
  const key = `${at(setting).join('|')}|${algorithm}|${setting.source}`;
  let plan = streamed.get(key);
  if (!plan) {
    plan = s.solve(...at(setting), algorithm, 'throughput');
    if (streamed.size >= 64) streamed.delete(streamed.keys().next().value);
    streamed.set(key, plan);
  }
  return plan;
}

/** A stream's plans (docs/spec-stream.md): MLS and SLS chosen for the least period,
 * MLS's saving of period over SLS, and MLS's plan for one picture, which the stream
 * views compare with. One call per step. */
function* streamPlans(setting) {
  const s = session(setting.source);
  const mls = streamPlan(s, setting, 'mls');
  yield { phase: 'SLS' };
  const sls = streamPlan(s, setting, 'sls');
  yield { phase: 'MLS for one picture' };
  const latency = s.solve(...at(setting), 'mls', 'latency');
  const saving = (100 * (sls.period_s - mls.period_s)) / sls.period_s;
  return { mls, sls, saving, latency, net: setting.net ? s.describe() : undefined, tables: [] };
}

/** Fig. 9 at each of `bandwidths`, one per step (refused at once when its comparisons
 * together are over the work limit); for equal devices from the session's cache, warm
 * once the plans at these devices are solved. */
export function* sweep(setting) {
  const { source, devices, gflops, cluster = '', bandwidths } = setting;
  session(source).checkSweep(devices, gflops, cluster, bandwidths.length);
  if (setting.objective === 'throughput') return yield* streamSweep(setting);
  const points = [];
  for (const mbps of bandwidths) {
    if (points.length) yield {};
    points.push(...session(source).sweepBandwidth(devices, gflops, cluster, [mbps]));
  }
  return points;
}

/** Fig. 9 for a stream: at each bandwidth, MLS's and SLS's throughput plans, one plan
 * per step, from {@link streamed} (the side panel's plans at the current bandwidth are
 * among them, so they are not solved twice). */
function* streamSweep(setting) {
  const s = session(setting.source);
  const points = [];
  for (const bandwidth of setting.bandwidths) {
    const at = { ...setting, bandwidth };
    if (points.length) yield {};
    const mls = streamPlan(s, at, 'mls');
    yield {};
    const sls = streamPlan(s, at, 'sls');
    const saving_pct = (100 * (sls.period_s - mls.period_s)) / sls.period_s;
    points.push({ bandwidth_mbps: bandwidth, mls: chartPoint(mls), sls: chartPoint(sls), saving_pct });
  }
  return points;
}

/** A plan as a point of the bandwidth chart: its k, one picture's time and its period. */
function chartPoint({ devices, completion_s, blocks, period_s }) {
  return { devices, completion_s, blocks: blocks.length, period_s };
}

/** The DP tables `wanted` lists as `[algorithm, k]`, one per step (asked for when a view
 * that reads them comes into sight). */
export function* tables(setting) {
  const found = [];
  for (const [algorithm, k] of setting.wanted) {
    yield { phase: 'the DP table' };
    found.push([algorithm, k, dpTable(session(setting.source), setting, algorithm, k)]);
  }
  return found;
}

/** The model of `source` as compact project JSON (the "Your model" starting point). */
export function* json({ source }) {
  return session(source).modelJson();
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
