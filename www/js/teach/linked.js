// Linked views (like CNN Explainer's): hovering or focusing a layer or a round anywhere
// highlights the same layer or round in every view. Views mark what an element stands
// for with data attributes, and this module alone decides what lights up:
//   data-layer="n"                         a layer (network shapes, halo columns, FL
//                                          panels, DP rows)
//   data-round="r" data-plan="mls|sls"     a round of that plan (blocks, timeline
//                                          lanes, explanations, the DP's chain)
//   data-rounds="a-b"                      beside data-round: rounds a to b (an
//                                          explanation of rounds alike)
//   data-first / data-last                 a block's layers, beside data-round
//   data-current-k                         Fig. 8's bars at the plan's k
// A layer lights up its round in each plan; a round lights up its layers.

const CLASS = 'linked';
let plansOf = () => [];

/** The rounds of each shown plan that contain layer `n`. */
function roundsOf(n) {
  const out = [];
  for (const plan of plansOf()) {
    const b = plan.blocks.find((x) => x.first <= n && n <= x.last);
    if (b) out.push({ plan: plan.algorithm, round: b.round });
  }
  return out;
}

/** What `el` stands for: the layers and the rounds to light up, or null. */
function target(el) {
  const round = el.closest('[data-round][data-plan]');
  if (round) {
    const plan = plansOf().find((p) => p.algorithm === round.dataset.plan);
    const [a, z] = span(round.dataset);
    const bs = plan?.blocks.filter((x) => x.round >= a && x.round <= z) ?? [];
    return bs.length ? { layers: [bs[0].first, bs.at(-1).last], rounds: bs.map((b) => ({ plan: plan.algorithm, round: b.round })) } : null;
  }
  const layer = el.closest('[data-layer]');
  if (layer) {
    const n = Number(layer.dataset.layer);
    return { layers: [n, n], rounds: roundsOf(n) };
  }
  return null;
}

/** The rounds an element stands for: `data-rounds="a-b"`, or its one `data-round`. */
function span(d) {
  return d.rounds ? d.rounds.split('-').map(Number) : [Number(d.round), Number(d.round)];
}

function matches(el, t) {
  const d = el.dataset;
  if (d.currentK !== undefined) return true;
  if (d.round !== undefined && d.plan !== undefined) {
    const [a, z] = span(d);
    return t.rounds.some((r) => r.plan === d.plan && r.round >= a && r.round <= z);
  }
  if (d.layer !== undefined) {
    const n = Number(d.layer);
    return n >= t.layers[0] && n <= t.layers[1];
  }
  return false;
}

function clear() {
  for (const el of document.querySelectorAll(`.${CLASS}`)) el.classList.remove(CLASS);
  document.body.classList.remove('linking');
}

function light(from) {
  const t = target(from);
  clear();
  if (!t) return;
  document.body.classList.add('linking');
  for (const el of document.querySelectorAll('[data-layer], [data-round][data-plan], [data-current-k]')) {
    if (matches(el, t)) el.classList.add(CLASS);
  }
}

/** `plans()` gives the plans on screen (MLS first), to map layers to rounds. */
export function installLinked(plans) {
  plansOf = plans;
  const inView = (e) => e.target.closest?.('.views [data-layer], .views [data-round][data-plan]');
  document.addEventListener('mouseover', (e) => {
    const el = inView(e);
    if (el) light(el);
    else if (document.body.classList.contains('linking')) clear();
  });
  document.addEventListener('focusin', (e) => {
    const el = inView(e);
    if (el) light(el);
    else clear();
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') clear(); });
}
