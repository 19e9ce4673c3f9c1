// Axes shared by the charts: a y axis in seconds with grid lines, and a legend.

import { el, ticks, txt } from '../svg.js';

/** Y grid lines and labels from 0 to `max` seconds; returns the markup. */
export function yAxis(y, max, x0, x1, theme) {
  let out = '';
  for (const t of ticks(max)) {
    out += el('line', { x1: x0, x2: x1, y1: y(t), y2: y(t), stroke: theme.grid });
    out += txt({ x: x0 - 6, y: y(t) + 4, 'text-anchor': 'end', 'font-size': 11, fill: theme.muted }, `${t} s`);
  }
  return out;
}

/** A row of swatches with labels starting at (x, y); each entry is a label and the
 * swatch's attributes (fill, stroke, dash), so a legend shows pattern as well as tone. */
export function legend(entries, x, y) {
  let out = '';
  for (const [label, attrs] of entries) {
    out += el('rect', { x, y: y - 9, width: 12, height: 12, ...attrs });
    out += txt({ x: x + 16, y: y + 1 }, label);
    x += 28 + label.length * 7;
  }
  return out;
}
