// Labels that never overprint: on a long axis only every `step`-th item is labelled,
// `step` a round number (1, 2, 5, 10, 20, 50 …) chosen from how much room a label needs,
// so a 300-layer axis reads 50, 100, 150 … instead of numbers run together. Widths are
// estimated from the character count (the page's system-ui digits are about 0.6 em wide),
// which is enough to keep labels apart without measuring text in the DOM.

/** An estimate of a label's width in drawing units at `size` (font-size). */
export function textWidth(text, size = 11) {
  return String(text).length * size * 0.62;
}

/** The smallest of 1, 2, 5, 10, 20, 50 … that is at least `n`. */
export function niceStep(n) {
  if (n <= 1) return 1;
  const mag = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= n);
}

/** The items 1..count to label when items are `pitch` apart and a label needs `room`:
 * every step-th (a round step), and the last one when it does not crowd the one before. */
export function thinned(count, pitch, room) {
  const step = niceStep(Math.ceil(room / pitch));
  const out = [];
  for (let n = step === 1 ? 1 : step; n <= count; n += step) out.push(n);
  if (step > 1 && (out.length === 0 || (count - out.at(-1)) * pitch >= room)) {
    if (out.at(-1) !== count) out.push(count);
  }
  if (step > 1 && out.length && (out[0] - 1) * pitch >= room) out.unshift(1);
  return out;
}
