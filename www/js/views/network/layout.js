// Where each layer of the network view stands: one column per tensor (the input, then
// every layer), or one wider column for a folded round or run of repeated blocks. The
// columns depend only on the model and the folds, so every part of the drawing (shapes,
// arcs, bands) shares them.

/** Left margin, where the band rows' labels (MLS, SLS) stand. */
export const LEFT = 46;
/** The narrowest column a layer gets: its number (up to 4 digits at 10 px) still fits. */
export const MIN_COL = 34;
/** The width of the paper's drawing: a model of up to 22 layers fits it at its columns. */
export const BASE_WIDTH = 760;

/** Column units of a folded round, and of a folded run (whose box names its block). */
const ROUND_UNITS = 2;
const RUN_UNITS = 3;

/**
 * The columns of `net` with the layer spans `folds` (sorted, apart: `{first, last,
 * round}`, a round of the plan shown first, or `{first, last, count, …}`, a run of
 * repeated blocks, see repeats.js) each folded into one wider column. Without
 * folds, the columns are the paper-size drawing's: a small model spreads over 760 units,
 * a large one gets `MIN_COL` per layer.
 */
export function layout(net, folds = []) {
  const count = net.layers.length + 1;
  const colW = Math.max(MIN_COL, Math.min(72, (BASE_WIDTH - LEFT - 10) / count));
  const cols = [];
  const colOf = new Int32Array(count);
  let f = 0;
  // Positions in whole column units, so that x is `LEFT + n·colW` exactly as in a drawing
  // without folds (the markup of the paper's models stays the same to the last digit).
  let units = 0;
  for (let i = 0; i < count; i++) {
    const fold = folds[f];
    if (fold && fold.first === i) {
      const span = fold.count ? RUN_UNITS : ROUND_UNITS;
      cols.push({ x: LEFT + units * colW, w: span * colW, fold });
      colOf.fill(cols.length - 1, fold.first, fold.last + 1);
      i = fold.last;
      f++;
      units += span;
    } else {
      cols.push({ x: LEFT + units * colW, w: colW, layer: i });
      colOf[i] = cols.length - 1;
      units += 1;
    }
  }
  const width = Math.max(BASE_WIDTH, LEFT + units * colW + 10);
  const colX = (i) => {
    const c = cols[colOf[i]];
    return c.x + c.w / 2;
  };
  return { colW, cols, colOf, width, colX };
}
