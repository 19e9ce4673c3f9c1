// The page's calls into the wasm core, as promises: the core runs in a Web Worker
// (worker.js), so no solve blocks the main thread. Requests go in lanes; a newer request
// in a lane supersedes the older one, whose promise then rejects with `Superseded` (the
// worker drops its remaining steps, and a reply that still arrives is ignored). Kept
// here: each model's network and the Fig. 9 sweep per model, devices and GFLOPS, and
// where an imported file wrote each layer.

import { CUSTOM } from './state.js';
import { keep } from './teach/engine.js';

/** Bandwidths of the Fig. 9 chart, spanning the bandwidth slider. */
const SWEEP_MBPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** What a superseded request rejects with: not an error to show. */
export class Superseded extends Error {}

let worker;
let nextId = 1;
const pending = new Map();
const latest = new Map();
const networks = new Map();
/** Where the imported file wrote each layer (`line 40 [convolutional]`, an ONNX node, a
 * Keras layer), by the model's project JSON: the importers give it, the project JSON the
 * page solves from does not carry it, so its network gets it here. */
const sources = new Map();
const sweeps = new Map();
/** Requests the worker dropped for a newer one (for the tests). */
let dropped = 0;
/** Sweeps the core refused (over its work limit), by key: asked once, not per event. */
const refused = new Map();

function reply({ data }) {
  const p = pending.get(data.id);
  if (!p) return;
  if (data.progress) {
    p.progress?.(data.progress);
    return;
  }
  pending.delete(data.id);
  if (data.superseded) dropped++;
  if (data.superseded || latest.get(p.lane) !== data.id) p.reject(new Superseded('superseded'));
  else if ('error' in data) p.reject(new Error(data.error));
  else p.resolve(data.value);
}

/** Sends `op(args)` to the worker in `lane`; `progress(p)` hears its steps. */
function call(lane, op, args, progress) {
  const id = nextId++;
  latest.set(lane, id);
  return new Promise((resolve, reject) => {
    pending.set(id, { lane, resolve, reject, progress });
    worker.postMessage({ id, lane, op, args });
  });
}

export function droppedCount() {
  return dropped;
}

/** Starts the worker (its module next to this one, so it works under any sub-path) and
 * resolves to the zoo's model names once the wasm core is loaded there. */
export function start() {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('message', reply);
  return new Promise((resolve, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(e.message || 'the worker did not start')));
    call('start', 'start').then(resolve, reject);
  });
}

/** What the core reads for the state's model: a zoo name or the pasted model. */
function source(s) {
  return s.model === CUSTOM ? s.custom : s.model;
}

/** The format recognised and the model as compact project JSON; rejects with the core's
 * error (`location: message`) for a text it cannot read. */
export function readModel(text) {
  return call('read', 'read', { text }).then(remember);
}

/** Keeps an imported model's `sources` for its network (the last few models'). */
function remember(imported) {
  if (imported.sources?.length) {
    if (sources.size > 8) sources.clear();
    sources.set(imported.json, imported.sources);
  }
  return imported;
}

/** The state's model as compact project JSON, from the page's own core (a zoo model
 * needs no importer for this). */
export function modelJson(s) {
  return call('model', 'json', { source: source(s) });
}

/** `readModel` for a file's bytes (a `Uint8Array`): ONNX, or any text format. */
export function readModelBytes(bytes) {
  return call('bytes', 'readBytes', { bytes }).then(remember);
}

/** The validated network of the state's model, once a solve of it has resolved. */
export function network(s) {
  const key = source(s);
  const net = networks.get(key);
  if (net && !net.sources && sources.has(key)) net.sources = sources.get(key);
  return net;
}

/**
 * MLS and SLS plans for the state and MLS's saving over SLS in percent, with the DP
 * tables `tables` lists as `[algorithm, k]` (k 0: that plan's best) kept for
 * teach/engine.js. `lane` 'try' checks an edit without superseding the page's solve.
 */
export async function solve(s, { lane = 'solve', tables = [], progress } = {}) {
  const key = source(s);
  const { cluster = '', devices, bandwidth, gflops, objective } = s;
  const r = await call(lane, 'plans', { source: key, devices, bandwidth, gflops, cluster, objective, net: !networks.has(key), tables }, progress);
  if (r.net) {
    if (networks.size > 8) networks.clear();
    networks.set(key, r.net);
  }
  for (const [algorithm, k, table] of r.tables) keep(s, algorithm, k, table);
  return { mls: r.mls, sls: r.sls, saving: r.saving, latency: r.latency };
}

/** The DP tables `wanted` lists (`[algorithm, k]`, k 0: that plan's best) for the
 * state whose plans are `plans`, kept for teach/engine.js; a newer request supersedes. */
export async function tables(s, wanted, plans) {
  const { cluster = '', devices, bandwidth, gflops } = s;
  const ks = [...new Set(wanted.map(([algorithm, k]) => `${algorithm} ${k || plans[algorithm].devices}`))]
    .map((w) => w.split(' ')).map(([algorithm, k]) => [algorithm, Number(k)]);
  const found = await call('table', 'tables', { source: source(s), devices, bandwidth, gflops, cluster, wanted: ks });
  for (const [algorithm, k, table] of found) keep(s, algorithm, k, table);
}

function sweepKey(s) {
  return `${s.cluster || `${s.devices}|${s.gflops}`}|${s.objective}|${source(s)}`;
}

/** The cached sweep for the state, or `undefined` until {@link sweep} resolved. */
export function cachedSweep(s) {
  return sweeps.get(sweepKey(s));
}

/** The core's reason for refusing the state's sweep, once it did. */
export function sweepRefusal(s) {
  return refused.get(sweepKey(s));
}

/** Fig. 9 for the state (one bandwidth per worker step; from the session's cache once
 * the plans at these devices are solved; for a stream, the throughput plans the worker
 * keeps), cached. */
export async function sweep(s) {
  const key = sweepKey(s);
  if (!sweeps.has(key)) {
    const { cluster = '', devices, gflops, objective } = s;
    let points;
    try {
      points = await call('sweep', 'sweep', { source: source(s), devices, gflops, cluster, objective, bandwidths: SWEEP_MBPS });
    } catch (e) {
      if (refused.size > 64) refused.clear();
      if (!(e instanceof Superseded)) refused.set(key, e.message);
      throw e;
    }
    if (sweeps.size > 64) sweeps.clear();
    sweeps.set(key, points);
  }
  return sweeps.get(key);
}
