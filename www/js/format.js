// Human-readable numbers with units: seconds, FLOPs, bits, tensor shapes.

const SI = [
  [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'],
];

/** `138,357,544`: a whole number with thousands separators. Not `toLocaleString`: its
 * first call loads the locale data, which held the first draw at load for up to 200 ms. */
export function whole(n) {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1.23 G` style with the unit appended. */
export function si(x, unit) {
  for (const [scale, prefix] of SI) {
    if (Math.abs(x) >= scale) return `${(x / scale).toPrecision(3)} ${prefix}${unit}`;
  }
  return `${Number(x.toPrecision(3))} ${unit}`;
}

/** Seconds to four significant digits, switching to ms below 0.1 s. */
export function seconds(s) {
  if (s !== 0 && Math.abs(s) < 0.1) return `${(s * 1000).toPrecision(3)} ms`;
  return `${s.toPrecision(4)} s`;
}

export const flops = (x) => si(x, 'FLOP');
export const bits = (x) => si(x, 'bit');

export function shape(s) {
  return `${s.height}×${s.width}×${s.channels}`;
}

export function rows(r) {
  return r ? `rows ${r[0]}–${r[1]} (${r[1] - r[0] + 1})` : 'idle';
}

export function pct(x) {
  return `${x.toFixed(2)} %`;
}

/** The value a slider shows: `13.6 GFLOPS`, `100 Mbps`. */
export function quantity(x, unit) {
  return `${Number(x.toPrecision(3))} ${unit}`;
}

/** `1 row`, `7 rows`: a count of `word`s. */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `1 device`, `7 devices`. */
export function devices(n) {
  return plural(n, 'device');
}

/** Ascending whole numbers as runs `[first, last]` of consecutive ones. */
export function runsOf(ns) {
  const runs = [];
  for (const n of ns) {
    const last = runs.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  return runs;
}

/** Ascending whole numbers in words, runs of three or more as ranges: `1–4, 6, 7 and 11`
 * (a 35-round plan's rounds, listed one by one, filled a caption). */
export function numberList(ns) {
  const words = runsOf(ns).flatMap(([a, b]) => (b - a >= 2 ? [`${a}–${b}`] : a === b ? [`${a}`] : [`${a}`, `${b}`]));
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
