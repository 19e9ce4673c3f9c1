// The network view: every layer as a shape sized by its output tensor (height by rows,
// width by channels), CLs as boxes, cost-free layers (pools, joins, reshapes) dashed and
// FLs as pills, YOLOv2's passthrough and a branching model's skips and joins as arcs,
// and the blocks of each shown plan as bands labelled round, case and time (MLS's row
// first; SLS's outlined dashed). A model that fits its panel with legible text is drawn
// whole, scaled to the panel; a larger one (ResNet-50, DenseNet-201) is drawn at a
// legible zoom in a panel that scrolls, only its columns in sight (network/explore.js).

import { layout, BASE_WIDTH } from './network/layout.js';
import { shownRows, wholeDrawing } from './network/draw.js';
import { minZoom, explore, leaveExplore, panelWidth } from './network/explore.js';
import { caption } from './network-caption.js';

const small = new WeakMap();
/** The layout without folds, once per model. */
function naturalLayout(net) {
  let lay = small.get(net);
  if (!lay) small.set(net, (lay = layout(net)));
  return lay;
}

export function renderNetwork(ctx) {
  const { net, saving } = ctx;
  const rows = shownRows(ctx);
  const lay = naturalLayout(net);
  const box = document.querySelector('[data-view="network"]');
  const width = panelWidth(box);
  // Scaled to the panel, the drawing's 10-unit labels would fall under 8 px: explore it.
  const large = lay.width > BASE_WIDTH && lay.width * minZoom(ctx.narrow) > width && width > 0
    // At phone width drawings scroll at 90 % anyway: only a long model needs more.
    && !(ctx.narrow && lay.width <= 2 * BASE_WIDTH);
  if (!large) {
    leaveExplore(box);
    return { svg: wholeDrawing(ctx, lay), caption: caption(rows, saving, net) };
  }
  return { mount: () => explore(box, ctx), caption: caption(rows, saving, net) };
}

