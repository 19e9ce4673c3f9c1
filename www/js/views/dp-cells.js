// The DP table's cells, one per candidate last block b(i..j): shaded by how close
// T(i−1) + e(i, j, k) came to the row's best, the kept one in the accent colour. A small
// table is drawn as SVG rects (each cell hovered directly); a large one is painted into
// one image, a pixel per cell scaled up without smoothing, because a 300-layer table holds
// 46,000 cells and as many SVG elements blocked the main thread for over a second. The
// image is a data URL inside the SVG, so the SVG and PNG downloads keep it.

import { el } from '../svg.js';
import { eachTotal } from '../worker/dp-pack.js';

/** Above this many cells the table is painted as an image. */
export const IMAGE_FROM = 1500;

/** One cell per first layer i of `row` of table `t`: the fastest case there (FL rows
 * try data and model), as a map from i to T(i−1) + e. */
function cellsOf(t, row) {
  const byFirst = new Map();
  eachTotal(t, row, (first, total) => {
    const had = byFirst.get(first);
    if (had === undefined || total < had) byFirst.set(first, total);
  });
  return byFirst;
}

/** Cell shading: 1 for the row's minimum, fading as T(i−1)+e grows to 4× it. */
export function closeness(total, best) {
  if (!(best > 0)) return 1;
  return Math.max(0.06, 1 - Math.log(total / best) / Math.log(4));
}

/** Calls `visit(i, j, kept, strength)` for each cell of the first `filled` rows. */
function eachCell(t, filled, visit) {
  t.rows.slice(0, filled).forEach((row) => {
    for (const [i, total] of cellsOf(t, row)) visit(i, row.last, i === row.first, closeness(total, row.best_s));
  });
}

const rgb = (hex) => [1, 3, 5].map((n) => parseInt(hex.slice(n, n + 2), 16));

/** The cells of the first `filled` rows as SVG markup (the kept ones only in the image); `at(i, j)` gives a cell's corner
 * and `cell` its side. Large tables come back as one `<image>`. */
export function paintCells(t, filled, { at, cell, layers }, theme) {
  let cells = 0;
  eachCell(t, filled, () => { cells += 1; });
  if (cells <= IMAGE_FROM) {
    const byRow = new Map();
    // The kept cells are drawn by the view, as the stops of its arrow keys.
    eachCell(t, filled, (i, j, kept, strength) => {
      if (kept) return;
      const [x, y] = at(i, j);
      const rect = el('rect', {
        x: x + 0.5, y: y + 0.5, width: cell - 1, height: cell - 1,
        fill: theme.compute, 'fill-opacity': strength.toFixed(3), 'data-first': i, 'data-j': j, 'data-cell': '',
      });
      byRow.set(j, (byRow.get(j) ?? '') + rect);
    });
    let out = '';
    for (const [j, markup] of byRow) out += el('g', { 'data-row': j, 'data-layer': j }, markup);
    return out;
  }
  const canvas = document.createElement('canvas');
  canvas.width = layers;
  canvas.height = layers;
  const g = canvas.getContext('2d');
  const image = g.createImageData(layers, layers);
  const [compute, accent] = [rgb(theme.compute), rgb(theme.accent)];
  eachCell(t, filled, (i, j, kept, strength) => {
    const p = ((j - 1) * layers + (i - 1)) * 4;
    const [r, gr, b] = kept ? accent : compute;
    image.data.set([r, gr, b, Math.round(255 * (kept ? 0.9 : strength))], p);
  });
  g.putImageData(image, 0, 0);
  const [x, y] = at(1, 1);
  return el('image', {
    href: canvas.toDataURL('image/png'), x, y, width: cell * layers, height: cell * layers,
    preserveAspectRatio: 'none', 'image-rendering': 'pixelated', 'data-testid': 'dp-cells', 'data-cells': cells, 'data-layers': layers,
  });
}
