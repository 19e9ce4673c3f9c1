// The DP table's cells, one per candidate last block b(i..j): shaded by how close
// T(i−1) + e(i, j, k) came to the row's best, the kept one in the accent colour. A small
// table is drawn as SVG rects (each cell hovered directly); a large one is painted into
// one image, a pixel per cell scaled up without smoothing, because a 300-layer table holds
// 46,000 cells and as many SVG elements blocked the main thread for over a second. The
// image is a data URL inside the SVG, so the SVG and PNG downloads keep it. Which cells
// and their shading come with the table from the worker (worker/dp-pack.js).

import { el } from '../svg.js';

/** Above this many cells the table is painted as an image. */
export const IMAGE_FROM = 1500;

const rgb = (hex) => [1, 3, 5].map((n) => parseInt(hex.slice(n, n + 2), 16));

/** The cells of the first `filled` rows as SVG markup (the kept ones only in the image);
 * `at(i, j)` gives a cell's corner and `cell` its side. Large tables come back as one
 * `<image>`. */
export function paintCells(t, filled, { at, cell, layers }, theme) {
  const { i: is, j: js, strength, kept } = t.cells;
  const n = filled > 0 ? t.rows[Math.min(filled, t.rows.length) - 1].cellsEnd : 0;
  if (n <= IMAGE_FROM) {
    // The kept cells are drawn by the view, as the stops of its arrow keys.
    const byRow = new Map();
    for (let c = 0; c < n; c += 1) {
      if (kept[c]) continue;
      const [x, y] = at(is[c], js[c]);
      const rect = el('rect', {
        x: x + 0.5, y: y + 0.5, width: cell - 1, height: cell - 1,
        fill: theme.compute, 'fill-opacity': strength[c].toFixed(3), 'data-first': is[c], 'data-j': js[c], 'data-cell': '',
      });
      byRow.set(js[c], (byRow.get(js[c]) ?? '') + rect);
    }
    let out = '';
    for (const [j, markup] of byRow) out += el('g', { 'data-row': j, 'data-layer': j }, markup);
    return out;
  }
  const canvas = document.createElement('canvas');
  canvas.width = layers;
  canvas.height = layers;
  const g = canvas.getContext('2d');
  const image = g.createImageData(layers, layers);
  const px = image.data;
  const [compute, accent] = [rgb(theme.compute), rgb(theme.accent)];
  for (let c = 0; c < n; c += 1) {
    const p = ((js[c] - 1) * layers + (is[c] - 1)) * 4;
    const colour = kept[c] ? accent : compute;
    px[p] = colour[0];
    px[p + 1] = colour[1];
    px[p + 2] = colour[2];
    px[p + 3] = Math.round(255 * (kept[c] ? 0.9 : strength[c]));
  }
  g.putImageData(image, 0, 0);
  const [x, y] = at(1, 1);
  return el('image', {
    href: canvas.toDataURL('image/png'), x, y, width: cell * layers, height: cell * layers,
    preserveAspectRatio: 'none', 'image-rendering': 'pixelated', 'data-testid': 'dp-cells', 'data-cells': n, 'data-layers': layers,
  });
}
