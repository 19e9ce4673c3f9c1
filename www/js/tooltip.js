// One floating tooltip for every element with `data-tip`, shown on hover and on
// keyboard focus so numbers are reachable without a mouse.

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
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') hide(); });
}
