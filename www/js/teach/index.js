// The teaching tools in one place, so main.js only calls `installTeach` once
// at start and `updateTeach` after every re-solve: the guided tour, the DP view's
// controls, linked views, lesson links and animation controls ("Explain this plan" is
// drawn with the views, views.js).

import { bindTour, showTour } from './tour.js';
import { bindDp, fillDpK } from './dp-controls.js';
import { installLinked } from './linked.js';
import { applyHide, bindLesson, lockedFields, syncLesson } from './lesson.js';
import { installAnimations } from './anim.js';
import { explainedPlan } from './engine.js';

let refreshLesson = () => {};
let lastHide = null;
let context;

/**
 * `context()` gives what views read (state, net, mls, sls, saving, shown, theme);
 * `change(partial)` merges into the state and re-solves; `replay(name)` redraws a view
 * with its animation restarted.
 */
export function installTeach({ context: ctx, change, replay }) {
  context = ctx;
  bindTour(ctx, change, (key) => lockedFields(ctx().state).includes(key));
  bindDp(ctx, change);
  installLinked(() => {
    const c = ctx();
    return c.shown.map((a) => c[a]);
  });
  refreshLesson = bindLesson(() => ctx().state, change);
  installAnimations(replay);
}

/** Brings every teaching tool up to date with the setting just solved. */
export function updateTeach(ctx = context()) {
  const known = applyHide(ctx.state);
  // Unknown or aliased ids are noted once, then the link keeps the canonical list.
  ctx.state.hide = known.join(',');
  if (ctx.state.hide !== lastHide) {
    syncLesson(known);
    lastHide = ctx.state.hide;
  }
  refreshLesson();
  fillDpK(ctx.state, explainedPlan(ctx));
  showTour(ctx);
}
