// SVG as strings: fast to rebuild on every input, and self-contained for export because
// every colour is an attribute read from the theme rather than a stylesheet rule.

import { DARK, LIGHT, deviceColour as paletteDevice } from './palette.js';

/** Escapes text for element content and attribute values. */
function esc(v) {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<tag a="1" …>children</tag>`, skipping attributes that are null or undefined. */
export function el(tag, attrs = {}, children = '') {
  let a = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined) a += ` ${k}="${esc(v)}"`;
  }
  return `<${tag}${a}>${children}</${tag}>`;
}

/** A `<text>` element; its content is escaped, since names can come from a user's model. */
export function txt(attrs, content) {
  return el('text', attrs, esc(content));
}

/** Attributes that make a shape show `text` on hover and on keyboard focus. */
export function tip(text) {
  // One tab stop per figure: tooltip.js makes the first of its tips focusable (tabindex
  // 0) and moves between them with the arrow keys.
  return { 'data-tip': text, tabindex: -1, role: 'img', 'aria-label': text };
}

/** The root element, sized by its viewBox so it scales with the page. */
export function svg(width, height, label, children, theme) {
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${width} ${height}`,
      role: 'group',
      'aria-label': label,
      'font-family': 'system-ui, sans-serif',
      'font-size': 12,
      fill: theme.fg,
    },
    el('defs', {}, patterns(theme)) + el('rect', { width, height, fill: theme.bg }) + children,
  );
}

/** `svg` in parts, each drawn in its own `<g>`: `head` is the root's markup up to its
 * children. A redraw re-parses only the parts whose markup changed (views/place.js), so
 * what depends on the model alone, like a 300-layer network's shapes, is not rebuilt on
 * every slider move. */
export function svgParts(width, height, label, parts, theme) {
  return { head: svg(width, height, label, '', theme).slice(0, -'</svg>'.length), parts };
}

/** Device `d`'s colour (0-based): the only hue in the drawings (palette.js). */
export function deviceColour(d) {
  return paletteDevice(d);
}

/** The drawing theme (palette.js) for the system's colour scheme and motion setting. */
export function readTheme() {
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  return { ...(dark ? DARK : LIGHT), still: matchMedia('(prefers-reduced-motion: reduce)').matches };
}

/** Pattern definitions every drawing may use: `url(#halo-hatch)` stripes a device's
 * colour where its rows are halo. */
export function patterns(theme) {
  return el('pattern', { id: 'halo-hatch', width: 5, height: 5, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    el('rect', { width: 5, height: 5, fill: theme.bg, 'fill-opacity': 0.55 }) +
    el('line', { x1: 0, y1: 0, x2: 0, y2: 5, stroke: theme.bg, 'stroke-width': 2.2 }));
}

/** A linear scale from a domain to a range. */
export function linear([d0, d1], [r0, r1]) {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (x) => r0 + (x - d0) * k;
}

/** A log scale from a positive domain to a range. */
export function logScale([d0, d1], [r0, r1]) {
  const f = linear([Math.log(d0), Math.log(d1)], [r0, r1]);
  return (x) => f(Math.log(x));
}

/** About `n` round tick values covering [0, max]. */
export function ticks(max, n = 5) {
  if (!(max > 0)) return [0];
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let t = 0; t <= max * 1.0001; t += step) out.push(Number(t.toPrecision(6)));
  return out;
}
