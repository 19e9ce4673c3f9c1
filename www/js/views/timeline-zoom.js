// Zooming the rounds timeline into a round, as in Perfetto: with a hundred rounds most
// are slivers, so clicking a round (or Enter on it) fits that round's time span to the
// width, and "whole plan" in the drawing goes back; ctrl + wheel (a pinch) zooms in and
// out around the time under the pointer, and a sideways wheel (shift + wheel) pans. The
// zoom is a time range: MLS and SLS stay on one axis, and the drawing totals what
// happens inside the range.

let range = null;
/** The last drawing's time axis: the plan's end, and the range drawn between x0 and x1
 * (user units), so that a wheel turns a pointer's x into a time. */
let axis = null;

/** The time range drawn: the zoomed one, or [0, end]. */
export function timeRange(end) {
  return range && range[0] < end ? [range[0], Math.min(range[1], end)] : [0, end];
}

/** Records where the drawing put the range [from, to] of a plan ending at `end`. */
export function setTimeAxis(end, from, to, x0, x1) {
  axis = { end, from, to, x0, x1 };
}

/** The smallest range a wheel zooms to, as a share of the whole plan. */
const MIN_SPAN = 1e-4;

/** The range after zooming by `factor` (< 1 zooms in) keeping time `at` where it is,
 * or panning by `shift` of the span; null when it covers the whole plan. */
export function wheelRange({ end, from, to }, at, factor, shift = 0) {
  const span = Math.max(end * MIN_SPAN, Math.min(end, (to - from) * factor));
  if (span >= end) return null;
  let a = at - ((at - from) / (to - from)) * span + shift * span;
  a = Math.max(0, Math.min(end - span, a));
  return [a, a + span];
}

/** Whether a range narrower than the whole plan is drawn. */
export function zoomed() {
  return range !== null;
}

/** Clicks, Enter and Space on a round (`data-zoom-from`, `data-zoom-to`) zoom into it;
 * on `[data-zoom-out]` they show the whole plan again; then `redraw()`. */
export function bindTimelineZoom(figure, redraw) {
  const use = (e) => {
    const out = e.target.closest?.('[data-zoom-out]');
    const round = e.target.closest?.('[data-zoom-from]');
    if (!out && !round) return;
    e.preventDefault();
    range = out ? null : [Number(round.dataset.zoomFrom), Number(round.dataset.zoomTo)];
    const focus = out ? null : `[data-zoom-from="${round.dataset.zoomFrom}"][data-algorithm="${round.dataset.algorithm}"]`;
    redraw();
    if (e.type !== 'keydown') return;
    const again = figure.querySelector(focus ?? '[data-zoom-out]') ?? figure.querySelector('[data-zoom-from]');
    if (!again) return;
    for (const t of figure.querySelectorAll('[data-tip]')) t.tabIndex = -1;
    again.tabIndex = 0;
    again.focus();
  };
  let frame = 0;
  figure.addEventListener('wheel', (e) => {
    const svg = e.target.closest?.('svg');
    const sideways = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
    if (!svg || !axis || !(e.ctrlKey || (sideways && range))) return;
    e.preventDefault();
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(svg.getScreenCTM().inverse());
    const { from, to, x0, x1 } = axis;
    const at = from + ((Math.max(x0, Math.min(x1, p.x)) - x0) / (x1 - x0)) * (to - from);
    range = e.ctrlKey
      ? wheelRange(axis, at, Math.exp(e.deltaY * 0.002))
      : wheelRange(axis, at, 1, (e.shiftKey ? e.deltaY || e.deltaX : e.deltaX) / 500);
    axis = { ...axis, from: range?.[0] ?? 0, to: range?.[1] ?? axis.end };
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; redraw(); });
  }, { passive: false });
  figure.addEventListener('click', use);
  figure.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') use(e); });
}
