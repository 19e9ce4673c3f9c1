// Keeps the URL hash in step with the state without flooding the history API: at most
// one write every 150 ms (Safari refuses more than 100 in 10 s), the last always written.
// A hash the visitor navigates to (a link, the address bar) is the page's to read, so a
// write still pending for the older setting never overwrites it: when the address has
// changed since the page last wrote it, the write waits for its `hashchange`.
// While a write waits, the root element carries `data-hash-pending`, so a test (or a
// script) can wait for the address to catch up instead of sleeping.

import { toHash } from './state.js';

const GAP_MS = 150;
let latest;
let timer = null;
let written = -Infinity;
/** The hash the page last wrote or last saw arrive by navigation; null before either. */
let known = null;

// Registered when the page's modules load, so before the page's own handler reads it.
addEventListener('hashchange', () => { known = location.hash; });

function flush() {
  timer = null;
  delete document.documentElement.dataset.hashPending;
  // Navigated since the last write: that hash's `hashchange` is on its way to be read.
  if (known !== null && location.hash !== known) return;
  history.replaceState(null, '', toHash(latest));
  known = location.hash;
  written = performance.now();
}

export function writeHash(state) {
  latest = state;
  const due = written + GAP_MS - performance.now();
  if (due <= 0) flush();
  else if (timer === null) {
    document.documentElement.dataset.hashPending = '';
    timer = setTimeout(flush, due);
  }
}
