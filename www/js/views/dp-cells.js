// The DP table's cells, one per candidate last block b(i..j): shaded by how close
// T(i−1) + e(i, j, k) came to the row's best, the kept one in the accent colour. A small
// table is drawn as SVG rects (each cell hovered directly); a large one is painted into
// one image, a pixel per cell scaled up without smoothing, because a 300-layer table holds
// 46,000 cells and as many SVG elements blocked the main thread for over a second. The
// image is a data URL inside the SVG, so the SVG and PNG downloads keep it. Which cells
// and their shading come with the table from the worker (worker/dp-pack.js). A new image
// is painted in the task after the drawing is placed (painting and encoding a 304-layer
// table's took as long as drawing the rest), and kept per table for the next redraw.

import { el } from '../svg.js';

/** Above this many cells the table is painted as an image. */
export const IMAGE_FROM = 1500;

const rgb = (hex) => [1, 3, 5].map((n) => parseInt(hex.slice(n, n + 2), 16));

/** Each table's last painted images (a few: a step-by-step fill paints one per row),
 * by rows shown and colours. */
const images = new WeakMap();
let pending = 0;

/** The image of the first `n` cells of `t` as a PNG data URL, `layers` pixels square. */
function paintImage(t, n, layers, theme) {
  const { i: is, j: js, strength, kept } = t.cells;
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
  return canvas.toDataURL('image/png');
}

/** The image's data URL when painted already; else painted in the next task into the
 * `<image data-paint=id>` then in the page (none, if a newer drawing replaced it), which
 * meanwhile shows this table's last image (while its rows fill one by one) or none. */
function imageHref(t, n, layers, theme) {
  if (!images.has(t)) images.set(t, new Map());
  const painted = images.get(t);
  const key = `${n}|${theme.compute}|${theme.accent}`;
  if (painted.has(key)) return { href: painted.get(key) };
  const last = [...painted.values()].at(-1);
  const id = ++pending;
  setTimeout(() => {
    const target = document.querySelector(`image[data-paint="${id}"]`);
    if (!target) return;
    if (!painted.has(key)) painted.set(key, paintImage(t, n, layers, theme));
    if (painted.size > 4) painted.delete(painted.keys().next().value);
    target.setAttribute('href', painted.get(key));
    target.removeAttribute('data-paint');
  }, 0);
  return { href: last, 'data-paint': id };
}

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
  const [x, y] = at(1, 1);
  return el('image', {
    ...imageHref(t, n, layers, theme), x, y, width: cell * layers, height: cell * layers,
    preserveAspectRatio: 'none', 'image-rendering': 'pixelated', 'data-testid': 'dp-cells', 'data-cells': n, 'data-layers': layers,
  });
}
