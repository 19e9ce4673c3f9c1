// A mixed cluster on the page, without the DOM (so node can test it): the groups the
// editor lists, read from and written to the CLI's short form `4x13.6,1x50@2048`
// (COUNT x GFLOPS, optionally @ MEMORY in MB, comma-separated; the core's
// `cluster_spec::parse_short` is the authority), the board presets with their sources,
// and the core's split in proportion to speed, for views that draw splits a plan did
// not choose.

import { equalSplit } from './split.js';

/** What the editor accepts. The page keeps the devices slider's 32 devices (the work
 * limit and the views' legibility); speeds span a Pi Zero to a small server; memory is
 * in whole MB (MiB, as the core counts it). */
export const LIMITS = {
  devices: 32,
  gflops: { min: 0.1, max: 1000 },
  memory: { min: 1, max: 1048576 },
};

/**
 * Boards to start from, each figure with where it comes from. Only the Raspberry Pi 4's
 * 13.6 GFLOPS is the paper's; the others are HPL (Linpack, double precision) results
 * from Jeff Geerling's top500-benchmark on GitHub, rounded to two figures, so read them
 * as approximate speeds relative to the Pi 4 rather than what a DNN will reach. Memory
 * is the RAM of the variant named (the OS takes some of it).
 */
export const PRESETS = [
  { id: 'rpi4', name: 'Raspberry Pi 4 (4 GB)', short: 'Pi 4', gflops: 13.6, memory: 4096,
    source: '13.6 GFLOPS is the paper’s figure for the Raspberry Pi 4 (Yang et al., IEEE ICC).' },
  { id: 'rpi5', name: 'Raspberry Pi 5 (8 GB)', short: 'Pi 5', gflops: 30, memory: 8192,
    source: 'About 30 GFLOPS: 30.2 in Jeff Geerling’s HPL (Linpack) results, geerlingguy/top500-benchmark; approximate.' },
  { id: 'opi5', name: 'Orange Pi 5, RK3588S (8 GB)', short: 'Orange Pi 5', gflops: 53, memory: 8192,
    source: 'About 53 GFLOPS: 53.3 in the same HPL results; approximate.' },
  { id: 'zero2', name: 'Raspberry Pi Zero 2 W (512 MB)', short: 'Pi Zero 2 W', gflops: 0.37, memory: 512,
    source: 'About 0.37 GFLOPS: 0.370 in the same HPL results; approximate.' },
];

/** The preset a group matches exactly (speed and memory), to name it in the editor. */
export function presetOf(group) {
  return PRESETS.find((p) => p.gflops === group.gflops && p.memory === group.memory) ?? null;
}

function shorten(s) {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}

/** A plain decimal such as `13.6`, `.5` or `2e3`: what the core's short form reads
 * (JavaScript's `Number` would also take `0x10`, `Infinity` and blanks). A sign is
 * read too, so `-5` is a number outside the range, not "not a number". */
const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function plainNumber(text) {
  const t = text.trim();
  return PLAIN.test(t) ? Number(t) : NaN;
}

/** Speeds keep four significant figures, so the link and the CLI read the same number. */
const speed = (x) => Number(x.toPrecision(4));

/**
 * One field clamped to the editor's range: `{value, note, out}`, `note` saying what
 * changed and `out` true when the value was outside the range (not merely rounded).
 * `count` is also capped at `room`, the devices the other groups leave. A memory of
 * `null` means unlimited. An unreadable value gives `value: null` and a note.
 */
export function clampField(key, raw, room = LIMITS.devices) {
  const text = String(raw);
  if (key === 'memory' && text.trim() === '') return { value: null };
  const n = plainNumber(text);
  const what = { count: 'a count', gflops: 'a speed', memory: 'a memory size' }[key];
  if (!Number.isFinite(n)) return { value: null, note: `${what} “${shorten(text)}” is not a number` };
  // No memory is a meaning of its own (no limit), so a negative one is not clamped to 1 MB.
  if (key === 'memory' && n < 0) return { value: null, note: `${what} “${shorten(text)}” is negative` };
  if (key === 'count') {
    const max = Math.max(1, room);
    const v = Math.min(max, Math.max(1, Math.round(n)));
    if (v === n) return { value: v };
    const out = n < 1 || n > max;
    return { value: v, out, note: `count ${shorten(text)} ${out ? `is outside 1..${max}` : 'is not whole'}, using ${v}` };
  }
  const { min, max } = LIMITS[key === 'gflops' ? 'gflops' : 'memory'];
  const round = key === 'gflops' ? speed : Math.round;
  const v = Math.min(max, Math.max(min, round(n)));
  const unit = key === 'gflops' ? 'GFLOPS' : 'MB';
  if (v === n) return { value: v };
  const out = n < min || n > max;
  const why = out ? `is outside ${min}..${max} ${unit}` : 'is rounded';
  return { value: v, out, note: `${key === 'gflops' ? 'speed' : 'memory'} ${shorten(text)} ${why}, using ${v}` };
}

/** The devices in `groups`. */
export function deviceCount(groups) {
  return groups.reduce((n, g) => n + g.count, 0);
}

/**
 * Reads the short form, clamping what is out of range and dropping what does not read,
 * with a note for each: `{groups, notes}`. Never throws; an empty result means "no
 * cluster". The core re-reads the normalised text, so this only has to be safe and
 * kind, not the authority.
 */
export function parseCluster(text) {
  const groups = [];
  const notes = [];
  if (text.trim() === '') return { groups, notes };
  for (const part of text.split(',')) {
    const room = LIMITS.devices - deviceCount(groups);
    const m = /^\s*([^xX@]*)[xX]([^@]*)(?:@(.*))?$/.exec(part);
    if (!m) {
      notes.push(`cluster group “${shorten(part)}” is not COUNTxGFLOPS[@MB], left out`);
      continue;
    }
    if (room <= 0) {
      notes.push(`a cluster has at most ${LIMITS.devices} devices, the groups from “${shorten(part)}” on left out`);
      break;
    }
    const count = clampField('count', m[1], room);
    const gflops = clampField('gflops', m[2]);
    const memory = m[3] === undefined ? { value: null } : clampField('memory', m[3].trim() === '' ? 'none' : m[3]);
    for (const f of [count, gflops, memory]) if (f.note) notes.push(`cluster: ${f.note}`);
    if (count.value === null || gflops.value === null) {
      notes.push(`cluster group “${shorten(part)}” left out`);
      continue;
    }
    if (m[3] !== undefined && memory.value === null) notes.push('cluster: that group’s memory is taken as unlimited');
    groups.push({ count: count.value, gflops: gflops.value, memory: memory.value });
  }
  return { groups, notes };
}

/** The short form of `groups`, e.g. `4x13.6,1x50@2048` (as the CLI's `--cluster`). */
export function formatCluster(groups) {
  return groups.map((g) => `${g.count}x${g.gflops}${g.memory === null ? '' : `@${g.memory}`}`).join(',');
}

/**
 * The core's split in proportion to speed (`Split::weighted` in src/cost/cluster.rs):
 * weights are speeds in kFLOP/s (whole numbers, so the split is exact); each member gets
 * ⌊n·w/W⌋ and the rest go one each to the largest remainders, ties to the earlier
 * member; shares are laid out in member order from the top. BigInt, because n·w can
 * pass 2^53. Returns `[first, last]` per member, or null for an empty share.
 */
export function weightedSplit(n, gflops) {
  const weights = gflops.map((g) => BigInt(Math.max(1, Math.round(g * 1e6))));
  const total = weights.reduce((a, b) => a + b, 0n);
  const quotas = weights.map((w) => [Number((BigInt(n) * w) / total), (BigInt(n) * w) % total]);
  let left = n - quotas.reduce((a, q) => a + q[0], 0);
  const order = quotas.map((_, i) => i).sort((a, b) => (quotas[b][1] > quotas[a][1] ? 1 : quotas[b][1] < quotas[a][1] ? -1 : a - b));
  const sizes = quotas.map((q) => q[0]);
  for (const d of order) {
    if (left-- <= 0) break;
    sizes[d] += 1;
  }
  let first = 0;
  return sizes.map((size) => {
    const share = size > 0 ? [first, first + size - 1] : null;
    first += size;
    return share;
  });
}

/** True when a plan's devices differ (a mixed cluster): only then do views name them. */
export function isMixed(plan) {
  return plan.cluster.some((c) => c.gflops !== plan.cluster[0].gflops || c.memory_mb !== undefined || c.link_mbps !== undefined);
}

/** The plan's team, fastest first as the core orders it: each member's index in
 * `plan.cluster` and speed (every block lists all `k` members in the same order). */
export function team(plan) {
  const devs = plan.blocks[0]?.devices ?? [];
  return devs.map((d) => ({ device: d.device, gflops: d.gflops }));
}

/** How a plan's team splits `n` rows or neurons: member `d`'s `[first, last]` or null.
 * Equal devices split equally (spec §2), others in proportion to speed. */
export function teamSplit(plan) {
  const speeds = team(plan).map((m) => m.gflops);
  const k = plan.devices;
  if (speeds.every((g) => g === speeds[0])) return (n, d) => equalSplit(n, k, d);
  const cache = new Map();
  return (n, d) => {
    if (!cache.has(n)) cache.set(n, weightedSplit(n, speeds));
    return cache.get(n)[d];
  };
}

/** Which device a plan's team member `dev` is, for its colour: its place in the cluster
 * (`plan.cluster`, as the editor and the CLI list it), so a device keeps one colour in
 * every view whatever its place in a team; on equal devices the team is the first `k`,
 * so member `d` is device `d`. */
export function deviceHue(dev) {
  return dev.device;
}

/** The board a cluster member is, when its figures match a preset (`Orange Pi 5`). */
function boardOf(c) {
  return presetOf({ gflops: c.gflops, memory: c.memory_mb ?? null })?.short ?? null;
}

/** A device's name for labels, the CLI's (`device 7`, its place in the cluster) with the
 * board it is and its speed and memory on a mixed cluster (`device 7 (Orange Pi 5,
 * 53 GFLOPS, 8192 MB)`); on equal devices just `device N`, as the page always said.
 * It follows `dev.device` alone, not the place in a team, so every view names a device
 * alike. */
export function deviceName(plan, dev) {
  if (!isMixed(plan)) return `device ${dev.device + 1}`;
  const c = plan.cluster[dev.device];
  const board = boardOf(c);
  const memory = c.memory_mb === undefined ? '' : `, ${c.memory_mb} MB`;
  return `${c.name} (${board ? `${board}, ` : ''}${c.gflops} GFLOPS${memory})`;
}

/** The shortest label that still tells devices apart: `dev 7 · 53 GF` (`word` where
 * there is room for `device`). */
export function deviceTag(plan, dev, word = 'dev') {
  const speed = isMixed(plan) ? ` · ${plan.cluster[dev.device].gflops} GF` : '';
  return `${word} ${dev.device + 1}${speed}`;
}

/** The plan's team member `d` (fastest first), for views that loop over places. */
export function member(plan, d) {
  return plan.blocks[0]?.devices[d] ?? { device: d };
}

/** D, the devices available: a mixed cluster's count (the sliders are hidden then) or
 * the devices slider's. The one source every caption and the tour count from. */
export function availableDevices(state) {
  return state.cluster ? deviceCount(parseCluster(state.cluster).groups) : state.devices;
}

/** The devices in a few words, for the phone's setting line: `D 10 · 13.6 GFLOPS` on
 * the sliders, `7 mixed devices` on a cluster. */
export function devicesText(state) {
  return state.cluster ? `${availableDevices(state)} mixed devices` : `D ${state.devices} · ${state.gflops} GFLOPS`;
}
