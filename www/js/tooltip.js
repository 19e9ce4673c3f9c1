// One floating tooltip for every element with `data-tip`, shown on hover and on keyboard
// focus so every number is reachable without a mouse. A figure is one tab stop (its
// first tip, or the last one focused); the arrow keys, Home and End move between its
// tips, so a keyboard user reaches all of them without tabbing through hundreds.

/** The tip each figure's tab stop was moved to, by `rove` or the arrow keys. */
const stops = new WeakMap();

/** Makes the first tip of `figure` its tab stop, the others reachable by arrows (a
 * redrawn figure may keep parts of its drawing, and with them the last tab stop). */
export function rove(figure) {
  const last = stops.get(figure);
  if (last && figure.contains(last)) last.tabIndex = -1;
  const first = figure.querySelector('[data-tip]');
  if (first) first.tabIndex = 0;
  stops.set(figure, first);
}

function move(current, key) {
  const figure = current.closest('.figure');
  if (!figure) return;
  const tips = [...figure.querySelectorAll('[data-tip]')];
  const i = tips.indexOf(current);
  const next = {
    ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: tips.length - 1,
  }[key];
  const target = tips[Math.min(tips.length - 1, Math.max(0, next))];
  if (!target || target === current) return;
  current.tabIndex = -1;
  target.tabIndex = 0;
  stops.set(figure, target);
  target.focus();
}

export function installTooltip(tipEl) {
  const show = (target) => {
    const t = target.closest?.('[data-tip]');
    if (!t) return;
    tipEl.textContent = t.getAttribute('data-tip');
    tipEl.hidden = false;
    const r = t.getBoundingClientRect();
    const w = tipEl.offsetWidth;
    const x = Math.min(Math.max(4, r.left + r.width / 2 - w / 2), innerWidth - w - 4);
    const above = r.top - tipEl.offsetHeight - 6;
    tipEl.style.left = `${x + scrollX}px`;
    tipEl.style.top = `${(above > 0 ? above : r.bottom + 6) + scrollY}px`;
  };
  const hide = () => { tipEl.hidden = true; };
  document.addEventListener('mouseover', (e) => (e.target.closest?.('[data-tip]') ? show(e.target) : hide()));
  document.addEventListener('focusin', (e) => show(e.target));
  document.addEventListener('focusout', hide);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hide();
    else if (e.target.matches?.('.figure [data-tip]') && /^(Arrow|Home$|End$)/.test(e.key)) {
      e.preventDefault();
      move(e.target, e.key);
    }
  });
}
