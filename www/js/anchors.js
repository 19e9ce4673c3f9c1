// In-page links ("Skip to the views", the phone's "Change"): the page's URL hash holds
// the setting (state.js), so following `#views` the browser's way would replace the
// setting with a hash that names none (and a note about an unknown setting). These links
// move the focus and the view instead and leave the address alone.

/** The element a bare `#id` hash names, or null for a setting's hash. */
function anchorTarget(hash) {
  const id = decodeURIComponent(hash.replace(/^#/, ''));
  return id && !id.includes('=') ? document.getElementById(id) : null;
}

/** Moves the focus to the element `hash` names; true when it named one. */
export function followAnchor(hash) {
  const target = anchorTarget(hash);
  if (!target) return false;
  target.scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
  return true;
}

/** Follows the page's own `#id` links without changing the address. */
export function bindAnchors() {
  document.addEventListener('click', (e) => {
    const a = e.target.closest?.('a[href^="#"]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    if (followAnchor(a.getAttribute('href'))) e.preventDefault();
  });
}
