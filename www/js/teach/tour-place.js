// Where the tour's panel sits and where the page scrolls, so a step's drawing is on
// screen and uncovered: the panel takes the width of the drawing it rings, below it,
// and the page scrolls the drawing up to the top (under the phone's sticky setting
// line) with the panel beneath. Room is made at the page's end (the panel's height as
// padding) so the last views can scroll that far. The page scrolls on arrival at a step
// and again while views drawn on arrival change the layout, until the visitor scrolls.
// At phone width, a step whose drawing would be less than half in sight above the sheet
// (the FL view's three stacked panels) starts with the sheet folded to a bar: its title
// and buttons, and "Read" to unfold the text over the drawing.

const GAP = 8;
const $ = (id) => document.getElementById(id);

let target = null;
let pinned = false;
let observer = null;
/** Whether the sheet folds by itself (until the visitor folds or unfolds it). */
let autoFold = true;

/** The drawing a view's ring is about: its figure (or the view itself, e.g. the
 * explanation's list). */
export function ringedDrawing(id) {
  const view = $(id);
  if (!view || view.closest('[hidden]')) return null;
  return view.querySelector('.figure') ?? view;
}

/** What covers the top of the viewport (the phone's sticky setting line). */
function topCover() {
  const mini = $('mini');
  const r = mini?.getBoundingClientRect();
  return r && getComputedStyle(mini).display !== 'none' && r.top <= 0 ? r.bottom : 0;
}

/** Folds the sheet to a bar (the text hidden) or unfolds it. */
function setFolded(folded) {
  $('tour').classList.toggle('tour-folded', folded);
  const button = $('tour-fold');
  button.setAttribute('aria-expanded', String(!folded));
  button.textContent = folded ? 'Read ▴' : 'Hide text ▾';
}

/** At phone width, folds the sheet when, unfolded, it would leave less than half of
 * `drawing` in sight between the sticky setting line and itself. */
function autoFoldFor(drawing, wide) {
  if (!autoFold) return;
  setFolded(false);
  if (wide || !drawing) return;
  const mini = $('mini');
  const cover = mini && getComputedStyle(mini).display !== 'none' ? mini.offsetHeight : 0;
  const room = innerHeight - cover - $('tour').offsetHeight - 2 * GAP;
  setFolded(room < 0.5 * drawing.getBoundingClientRect().height);
}

/** Sizes the panel to the drawing's column and scrolls the drawing to the top. */
function place(scroll) {
  const panel = $('tour');
  if (panel.hidden) return;
  const drawing = target && document.contains(target) ? target : null;
  const wide = innerWidth > 800;
  autoFoldFor(drawing, wide);
  if (drawing && wide) {
    const r = drawing.getBoundingClientRect();
    // As wide as the drawing, up to a readable line length.
    const width = Math.min(r.width, 760);
    panel.style.width = `${width}px`;
    panel.style.left = `${r.right - width}px`;
    panel.style.right = 'auto';
  } else {
    panel.style.width = panel.style.left = panel.style.right = '';
  }
  document.body.style.paddingBottom = `${panel.offsetHeight + 2 * GAP}px`;
  if (!scroll || !drawing) return;
  const r = drawing.getBoundingClientRect();
  const cover = topCover();
  const bottom = panel.getBoundingClientRect().top - GAP;
  // The drawing's bottom just above the panel when it fits, else its top under the cover.
  const shift = r.height <= bottom - cover - GAP ? r.bottom - bottom : r.top - cover - GAP;
  const top = Math.max(0, scrollY + shift);
  if (Math.abs(top - scrollY) > 1) scrollTo({ top, behavior: 'instant' });
}

const unpin = () => { pinned = false; };
const SCROLL_KEYS = new Set(['PageUp', 'PageDown', 'Home', 'End', 'ArrowUp', 'ArrowDown', ' ']);

/** Places the panel by `drawing` (null: none) and, on `arrival`, scrolls the drawing
 * into sight above the panel, keeping it there while the layout settles. */
export function placeTour(drawing, arrival) {
  if (!observer) {
    observer = new ResizeObserver(() => place(pinned));
    observer.observe(document.body);
    addEventListener('resize', () => place(pinned));
    addEventListener('wheel', unpin, { passive: true });
    addEventListener('touchmove', unpin, { passive: true });
    addEventListener('keydown', (e) => { if (SCROLL_KEYS.has(e.key)) unpin(); });
    $('tour-fold').addEventListener('click', () => {
      autoFold = false;
      setFolded(!$('tour').classList.contains('tour-folded'));
      place(false);
    });
  }
  // The drawing itself too: drawn on arrival it may grow inside a row that does not.
  if (target !== drawing) {
    if (target) observer.unobserve(target);
    if (drawing) observer.observe(drawing);
    target = drawing;
  }
  if (arrival) {
    pinned = true;
    autoFold = true;
  }
  place(arrival);
}

/** The tour left: the page gets its own padding back. */
export function unplaceTour() {
  if (target) observer.unobserve(target);
  target = null;
  pinned = false;
  document.body.style.paddingBottom = '';
}
