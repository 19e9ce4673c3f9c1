// The six views and when they are drawn: those on screen at once, so a slider drag pays
// only for what can be seen, and the others when the browser is next idle (or as soon
// as they scroll into view).

import { renderNetwork } from './views/network.js';
import { renderChartK } from './views/chart-k.js';
import { renderChartBandwidth } from './views/chart-bandwidth.js';
import { renderTimeline } from './views/timeline.js';
import { renderHalo } from './views/halo.js';
import { renderFl } from './views/fl.js';
import { renderDp } from './views/dp.js';

const VIEWS = {
  network: renderNetwork,
  'chart-k': renderChartK,
  'chart-bandwidth': renderChartBandwidth,
  timeline: renderTimeline,
  halo: renderHalo,
  fl: renderFl,
  dp: renderDp,
};

const visible = new Set();
const stale = new Set();
let idlePending = false;
let makeContext;

/** Safari has no requestIdleCallback; a short timer also lands after the paint. */
const whenIdle = window.requestIdleCallback ?? ((f) => setTimeout(f, 50));

export function drawView(name, ctx = makeContext(false)) {
  document.querySelector(`[data-view="${name}"]`).innerHTML = VIEWS[name](ctx);
  stale.delete(name);
}

/** Draws every view that is not up to date. */
export function drawStale() {
  idlePending = false;
  const ctx = makeContext(false);
  for (const name of stale) drawView(name, ctx);
}

/** Redraws the views on screen now and marks the rest; `play` restarts animations. */
export function drawViews(play = false) {
  const ctx = makeContext(play);
  for (const name of Object.keys(VIEWS)) {
    if (visible.has(name)) drawView(name, ctx);
    else stale.add(name);
  }
  if (stale.size && !idlePending) {
    idlePending = true;
    whenIdle(drawStale, { timeout: 250 });
  }
}

/** Starts tracking which views are on screen; `context(play)` builds what views read. */
export function watchViews(context) {
  makeContext = context;
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const name = e.target.dataset.view;
      if (!e.isIntersecting) visible.delete(name);
      else {
        visible.add(name);
        if (stale.has(name)) drawView(name);
      }
    }
  });
  for (const el of document.querySelectorAll('[data-view]')) observer.observe(el);
}
