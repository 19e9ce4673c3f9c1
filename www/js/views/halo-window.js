// A long conv block (DenseNet fuses 280 layers into one round) has more columns than
// the halo view can label side by side: it draws a window of them, and two controls in
// the drawing ("◀ earlier", "later ▶") move it. Kept per block: a re-solve that keeps
// the block keeps the window, another block starts at its input.

/** Columns drawn at most: each keeps room for `layer 123` and its kernel at 11 px. */
export const MAX_COLUMNS = 11;

let block = '';
let start = 0;

/** The columns [from, to) of `count` to draw for the block named `key`. */
export function columnWindow(key, count) {
  if (key !== block) [block, start] = [key, 0];
  start = Math.max(0, Math.min(start, count - MAX_COLUMNS));
  return [start, Math.min(count, start + MAX_COLUMNS)];
}

/** Moves the window by `pages` (one page keeps one column in common with the last). */
function move(pages) {
  start += pages * (MAX_COLUMNS - 1);
}

/** Clicks, Enter and Space on the drawing's `[data-halo-move]` controls move the window
 * and `redraw()` the view; the focus stays on the control that was used. */
export function bindHaloWindow(figure, redraw) {
  const use = (e) => {
    const control = e.target.closest?.('[data-halo-move]');
    if (!control) return;
    e.preventDefault();
    const which = control.dataset.haloMove;
    move(Number(which));
    redraw();
    const again = figure.querySelector(`[data-halo-move="${which}"]`) ?? figure.querySelector('[data-halo-move]');
    if (again && e.type === 'keydown') {
      for (const t of figure.querySelectorAll('[data-tip]')) t.tabIndex = -1;
      again.tabIndex = 0;
      again.focus();
    }
  };
  figure.addEventListener('click', use);
  figure.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') use(e); });
}
