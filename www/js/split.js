// The core's equal split (src/slicing.rs `equal_split`), for the views that illustrate
// splits the plan did not choose: the first `n mod k` devices get one item more.

/** Device `d`'s inclusive `[first, last]` of `n` items over `k` devices, or null. */
export function equalSplit(n, k, d) {
  const base = Math.floor(n / k);
  const extra = n % k;
  const size = base + (d < extra ? 1 : 0);
  if (size === 0) return null;
  const first = d * base + Math.min(d, extra);
  return [first, first + size - 1];
}
