// SVG as strings: fast to rebuild on every input, and self-contained for export because
// every colour is an attribute read from the theme rather than a stylesheet rule.

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
  return { 'data-tip': text, tabindex: 0, role: 'img', 'aria-label': text };
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
    el('rect', { width, height, fill: theme.bg }) + children,
  );
}

/** Evenly spread, distinguishable colours: device `d` of any count up to 32. */
export function deviceColour(d, theme) {
  const hue = (d * 137.508 + 210) % 360;
  return `hsl(${hue.toFixed(0)} 65% ${theme.dark ? 62 : 45}%)`;
}

const CASE_HUES = {
  single: 0, conv: 210, 'conv+fc': 275, 'fc-data': 30, 'fc-model': 140, 'fc-hybrid': 180,
};

/** The colour of a block band by its case. */
export function caseColour(c, theme) {
  if (c === 'single') return theme.muted;
  return `hsl(${CASE_HUES[c]} 60% ${theme.dark ? 55 : 48}%)`;
}

/** Colours from the stylesheet's custom properties, so SVGs follow dark mode. */
export function readTheme() {
  const css = getComputedStyle(document.documentElement);
  const get = (n) => css.getPropertyValue(n).trim();
  return {
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
    still: matchMedia('(prefers-reduced-motion: reduce)').matches,
    fg: get('--fg'),
    bg: get('--panel'),
    muted: get('--muted'),
    grid: get('--grid'),
    compute: get('--compute'),
    transfer: get('--transfer'),
    mls: get('--mls'),
    sls: get('--sls'),
    accent: get('--accent'),
  };
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
