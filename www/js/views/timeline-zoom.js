// Zooming the rounds timeline into a round, as in Perfetto: with a hundred rounds most
// are slivers, so clicking a round (or Enter on it) fits that round's time span to the
// width, and "whole plan" in the drawing goes back. The zoom is a time range: MLS and
// SLS stay on one axis, and the drawing totals what happens inside the range.

let range = null;

/** The time range drawn: the zoomed one, or [0, end]. */
export function timeRange(end) {
  return range && range[0] < end ? [range[0], Math.min(range[1], end)] : [0, end];
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
  figure.addEventListener('click', use);
  figure.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') use(e); });
}
