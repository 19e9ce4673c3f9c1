// Runs of identical blocks (ResNet's bottlenecks, DenseNet's dense layers): what the
// network view folds into one box, "× 35 bottleneck", as TensorBoard's graph collapses
// repeated blocks. Two layers are alike when they have the same kind and geometry, the
// same output rows and columns, and read their inputs from the same distances back.
// Channel counts are left out: a dense block's grow with every layer.

/** The longest block looked for, in layers (a ResNet bottleneck has 4, DenseNet's 3). */
const MAX_PERIOD = 12;
/** A run folds when it repeats its block at least twice over this many layers. */
const MIN_LAYERS = 6;

const JOINS = new Set(['add', 'concat']);

/** What must match for layer `i` (1-based) to repeat another, as a small integer. */
function signatures(net) {
  const ids = new Map();
  const sig = new Int32Array(net.layers.length + 1);
  net.layers.forEach((l, k) => {
    const i = k + 1;
    const back = (net.inputs?.[k] ?? [k]).map((t) => i - t).join(',');
    const key = `${JSON.stringify(l.kind)}|${l.output.height}×${l.output.width}|${back}`;
    if (!ids.has(key)) ids.set(key, ids.size + 1);
    sig[i] = ids.get(key);
  });
  return sig;
}

/** A block's name: a residual block (a bottleneck when its convs are 1×1, 3×3, 1×1), a
 * dense layer (ending in a concat), else its size. */
function blockName(layers) {
  const kinds = layers.map((l) => l.kind.type);
  const kernels = layers.filter((l) => l.kind.type === 'conv').map((l) => l.kind.kernel).join();
  if (kinds.includes('add')) return kernels === '1,3,1' ? 'bottleneck' : 'residual block';
  if (kinds.at(-1) === 'concat') return 'dense layer';
  return layers.length === 1 ? `${kinds[0]} layer` : `${layers.length}-layer block`;
}

const found = new WeakMap();

/**
 * The runs of `net`, in order and apart: `{first, last, period, count, name}`, layers
 * `first`–`last` being `count` copies of a block of `period` layers. From the left, each
 * run takes the period that covers the most layers; its blocks are aligned to end on a
 * join (add, concat) where the block has one, so a bottleneck reads conv, conv, conv, add.
 */
export function repeats(net) {
  if (found.has(net)) return found.get(net);
  const sig = signatures(net);
  const n = net.layers.length;
  const runs = [];
  for (let i = 1; i <= n;) {
    let best = null;
    for (let p = 1; p <= MAX_PERIOD && i + 2 * p - 1 <= n; p++) {
      let end = i + p;
      while (end <= n && sig[end] === sig[end - p]) end++;
      // Layers i to end − 1 repeat with period p; start where a block ends on a join.
      let a = i;
      for (let s = i; s < i + p; s++) {
        if (JOINS.has(net.layers[s + p - 2].kind.type)) {
          a = s;
          break;
        }
      }
      const count = Math.floor((end - a) / p);
      if (count >= 2 && count * p >= MIN_LAYERS && (!best || count * p > best.count * best.period)) best = { first: a, period: p, count };
    }
    if (!best) {
      i++;
      continue;
    }
    const last = best.first + best.count * best.period - 1;
    runs.push({ ...best, last, name: blockName(net.layers.slice(best.first - 1, best.first - 1 + best.period)) });
    i = last + 1;
  }
  found.set(net, runs);
  return runs;
}
