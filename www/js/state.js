// The whole setting of the page in one table, serialised to the URL hash (like
// TensorFlow Playground's state.ts): every control reads and writes it, and a shared
// link reproduces the view. Values from a hand-edited hash are clamped, with notes.

import { encode, decode } from './base64url.js';
import { parseCluster, formatCluster } from './cluster.js';

/** @typedef {{kind: 'int'|'log'|'choice'|'model', fallback: any, min?: number, max?: number,
 *   choices?: string[], label: string}} Field */

/** `model=custom` means the pasted model, whose project JSON travels in `custom`. */
export const CUSTOM = 'custom';

/** The longest `custom=` value a link carries: 2,000 characters keeps the whole
 * address well inside what browsers, chat apps and servers accept. */
export const MAX_LINK_MODEL = 2000;

/** Most notes about one address; the rest are counted in one more (a hand-made link
 * with 100,000 keys must not make a megabyte of notes). */
export const MAX_NOTES = 8;

/** The number grammar of the CLI (Rust's `f64` without `inf`/`NaN`): decimal only, so
 * `0x10`, `0o7`, `0b1`, `Infinity` and `''` are not numbers, as they are not there. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The model choices are filled in at start from the wasm zoo list, plus `custom`. */
export const FIELDS = {
  model: { kind: 'choice', fallback: 'vgg16', choices: [], label: 'model' },
  devices: { kind: 'int', fallback: 10, min: 1, max: 32, label: 'devices' },
  bandwidth: { kind: 'log', fallback: 100, min: 1, max: 1000, label: 'bandwidth' },
  gflops: { kind: 'log', fallback: 13.6, min: 0.1, max: 100, label: 'GFLOPS' },
  algorithm: { kind: 'choice', fallback: 'both', choices: ['mls', 'sls', 'both'], label: 'algorithm' },
  // One picture's completion time, or a stream's frames per second (docs/spec-stream.md).
  objective: { kind: 'choice', fallback: 'latency', choices: ['latency', 'throughput'], label: 'objective' },
  // The conv block shown in the halo view, by round; 0 picks the longest one.
  round: { kind: 'int', fallback: 0, min: 0, max: 1000, label: 'round' },
  // The pasted model as compact project JSON (base64url in the hash); '' for zoo models.
  custom: { kind: 'model', fallback: '', label: 'custom model' },
  // A mixed cluster in the CLI's short form (`4x13.6,1x50@2048`), '' for D equal
  // devices of F; when set it replaces `devices` and `gflops` (see cluster.js).
  cluster: { kind: 'cluster', fallback: '', label: 'cluster' },
  // Teaching (see lesson.js and tour.js): the tour step (0: no tour), the DP
  // view's k (0: the plan's best k), and the controls and views a lesson link hides.
  tour: { kind: 'int', fallback: 0, min: 0, max: 9, label: 'tour step' }, // 9 = tour.js's STEPS.length
  dpk: { kind: 'int', fallback: 0, min: 0, max: 32, label: 'DP view k' },
  hide: { kind: 'list', fallback: '', label: 'hidden parts' },
};

/** The paper's Raspberry Pi 4 setting. */
export const RPI4 = { gflops: 13.6, bandwidth: 100 };

export function defaults() {
  return Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, f.fallback]));
}

/** Three significant digits: what a log slider position maps to, and what the hash shows. */
export function nice(x) {
  return Number(x.toPrecision(3));
}

/** Clamps one raw string to its field, returning the value and a note when changed. */
function readField(key, raw) {
  const f = FIELDS[key];
  if (f.kind === 'cluster') {
    const { groups, notes } = parseCluster(raw);
    return { value: formatCluster(groups), note: notes.join('; ') || undefined };
  }
  if (f.kind === 'model') {
    // The page writes links of at most this length; a longer one is not read at all.
    if (raw.length > MAX_LINK_MODEL) return { value: f.fallback, note: `the ${f.label} in the address has ${raw.length.toLocaleString('en')} characters, more than the ${MAX_LINK_MODEL.toLocaleString('en')} a link carries, ignored` };
    const text = decode(raw);
    if (text === null) return { value: f.fallback, note: `the ${f.label} in the address is not base64url text, ignored` };
    return { value: text };
  }
  if (f.kind === 'list') {
    const ids = raw.split(',').map((id) => id.trim().toLowerCase()).filter((id) => /^[a-z0-9-]{1,40}$/.test(id));
    return { value: [...new Set(ids)].join(',') };
  }
  if (f.kind === 'choice') {
    const v = raw.trim().toLowerCase();
    if (f.choices.includes(v)) return { value: v };
    return { value: f.fallback, note: `unknown ${f.label} “${shorten(raw)}”, using ${f.fallback}` };
  }
  const n = NUMBER.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(n)) {
    return { value: f.fallback, note: `${f.label} “${shorten(raw)}” is not a number, using ${f.fallback}` };
  }
  let v = f.kind === 'int' ? Math.round(n) : n;
  v = Math.min(f.max, Math.max(f.min, v));
  if (v !== n && n >= f.min && n <= f.max) return { value: v, note: `${f.label} ${shorten(raw)} is not a whole number, using ${v}` };
  if (v !== n) return { value: v, note: `${f.label} ${shorten(raw)} is outside ${f.min}..${f.max}, using ${v}` };
  return { value: v };
}

function shorten(s) {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}

/** Parses `#model=vgg16&devices=10…` into a full state and the notes on what was changed. */
export function parseHash(hash) {
  const state = defaults();
  const notes = [];
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  for (const [key, raw] of params) {
    // Own keys only: `valueOf` or `__proto__` are not settings.
    if (!Object.hasOwn(FIELDS, key)) {
      notes.push(`ignored unknown setting “${shorten(key)}”`);
      continue;
    }
    const { value, note } = readField(key, raw);
    state[key] = value;
    if (note) notes.push(note);
  }
  if (state.cluster && (params.has('devices') || params.has('gflops'))) {
    notes.push('devices and GFLOPS are ignored: the cluster describes the devices');
  }
  if (notes.length > MAX_NOTES) {
    const more = notes.length - MAX_NOTES;
    notes.splice(MAX_NOTES, more, `${more.toLocaleString('en')} more change${more === 1 ? '' : 's'} not listed`);
  }
  return { state, notes };
}

/** The `custom=` value for a pasted model, or `null` when it is too long for a link
 * (checked on the text's length first, so a huge model is never encoded). */
export function linkModel(text) {
  if (text.length > MAX_LINK_MODEL) return null;
  const value = encode(text);
  return value.length <= MAX_LINK_MODEL ? value : null;
}

/** The hash for a state; `round` only when a block was picked by hand, `custom` only for
 * a pasted model that fits in a link. */
export function toHash(state) {
  const params = new URLSearchParams();
  for (const key of Object.keys(FIELDS)) {
    if (key === 'round' && state.round === 0) continue;
    if (key === 'cluster') continue;
    if ((key === 'devices' || key === 'gflops') && state.cluster) continue;
    if (['tour', 'dpk', 'hide'].includes(key) && !state[key]) continue;
    if (key === 'objective' && state.objective === FIELDS.objective.fallback) continue;
    if (key === 'custom') {
      const value = state.model === CUSTOM ? linkModel(state.custom) : null;
      if (value) params.set(key, value);
      continue;
    }
    params.set(key, String(state[key]));
  }
  // Written last and unescaped (`,` and `@` are fine in a fragment), so the link reads
  // like the CLI's `--cluster`; the value is always formatCluster's digits and `x,.@`.
  const cluster = /^[0-9.x,@]+$/.test(state.cluster) ? `&cluster=${state.cluster}` : '';
  return `#${params}${cluster}`;
}
