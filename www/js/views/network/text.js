// A layer in words: what the network view's tooltips say and what its search reads.

import { flops, shape, whole } from '../../format.js';

/** A layer's kind with the geometry that decides its rows. */
export function layerText(l) {
  const k = l.kind;
  switch (k.type) {
    case 'fc': return `FC ${k.outputs}`;
    case 'conv': {
      const pool = k.pool ? `, pool ${k.pool.size}/${k.pool.stride}` : '';
      const groups = k.groups > 1 ? (k.groups === l.input.channels ? ', depthwise' : `, ${k.groups} groups`) : '';
      const dil = k.dilation > 1 ? `, dilation ${k.dilation}` : '';
      return `conv ${k.kernel}×${k.kernel_w ?? k.kernel}/${k.stride}, ${k.filters} filters${groups}${dil}${pool}`;
    }
    case 'pool':
      return k.global ? `global ${k.mode} pool` : `${k.mode} pool ${k.size}×${k.size_w ?? k.size}/${k.stride}${k.padding ? `, padding ${k.padding}` : ''}${k.ceil ? ', ceil' : ''}`;
    case 'add': return 'add (residual)';
    case 'mul': return 'elementwise product';
    case 'scale': return 'per-channel scale';
    case 'concat': return 'concat';
    case 'split': return `channel group ${k.group_id + 1} of ${k.groups}`;
    case 'upsample': return `upsample ×${k.factor}`;
    case 'shuffle': return `channel shuffle, ${k.groups} groups`;
    case 'reorg': return `reorg ${k.stride}×${k.stride}`;
    case 'crop': return `crop ${k.top}/${k.bottom} rows, ${k.left}/${k.right} columns`;
    default: return k.type;
  }
}

/** Tensors by number (0: the input) in words, runs of three or more as ranges, so a
 * layer that reads hundreds of tensors gets a sentence, not a page. */
export function tensorsText(ts) {
  const runs = [];
  for (const t of ts) {
    const last = runs.at(-1);
    if (last && t === last[1] + 1) last[1] = t;
    else runs.push([t, t]);
  }
  const name = (t) => (t === 0 ? 'the input' : `layer ${t}`);
  return runs.flatMap(([a, b]) => {
    if (b - a >= 2) return [a === 0 ? `the input and layers 1–${b}` : `layers ${a}–${b}`];
    return a === b ? [name(a)] : [name(a), name(b)];
  }).join(' and ');
}

/** The tooltip of layer `l`, which reads the tensors `inputs` (absent in a chain) and
 * was written at `source` in the imported file (a cfg line, an ONNX node, a Keras layer;
 * absent for zoo models and project JSON). */
export function layerTip(l, inputs, source) {
  const skip = l.skip_channels ? ` (+${l.skip_channels} passthrough channels)` : '';
  const from = inputs && (inputs.length > 1 || inputs[0] !== l.index - 1)
    ? ` reads ${tensorsText(inputs)};` : '';
  return `Layer ${l.index}: ${layerText(l)};${from} input ${shape(l.input)}${skip} → output ${shape(l.output)}; ${flops(l.flops)}; ${whole(l.params)} parameters${source ? `; written at ${source}` : ''}`;
}
