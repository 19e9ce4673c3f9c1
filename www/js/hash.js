// Keeps the URL hash in step with the state without flooding the history API: at most
// one write every 150 ms (Safari refuses more than 100 in 10 s), the last always written.
// While a write waits, the root element carries `data-hash-pending`, so a test (or a
// script) can wait for the address to catch up instead of sleeping.

import { toHash } from './state.js';

const GAP_MS = 150;
let latest;
let timer = null;
let written = -Infinity;

function flush() {
  timer = null;
  delete document.documentElement.dataset.hashPending;
  history.replaceState(null, '', toHash(latest));
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
