// Says that a solve is running, and how far it got ("Solving… MLS, k 12 of 32"), but
// only once the page has been waiting for a moment: a fast drag never flickers it.
// `data-busy` on the body marks a pending solve (the tests wait for it to clear).

const DELAY_MS = 200;
const $ = (id) => document.getElementById(id);
let timer = null;
let text = 'Solving…';

function show() {
  $('progress').textContent = text;
  $('progress').hidden = false;
}

/** A solve started; the wait is counted from the first of a run of superseding ones. */
export function begin() {
  document.body.dataset.busy = 'true';
  if (timer === null && $('progress').hidden) {
    text = 'Solving…';
    timer = setTimeout(show, DELAY_MS);
  }
}

/** A step of the latest solve: `{phase, k, of}` from the worker. */
export function report({ phase, k, of }) {
  text = `Solving… ${phase ?? ''}${k ? `, k ${k} of ${of}` : ''}`;
  if (!$('progress').hidden) show();
}

/** The latest solve has been shown (or refused). */
export function end() {
  clearTimeout(timer);
  timer = null;
  delete document.body.dataset.busy;
  $('progress').hidden = true;
}
