// A layer in words: what the network view's tooltips say and what its search reads.

import { flops, runsOf, shape, whole } from '../../format.js';

/** Layer `l`'s kind with the geometry that decides its rows, as the core words it
 * (`Session.describe`'s `texts`: a kind's words live in its own file, src/layers/). */
export function layerText(net, l) {
  return net.texts[l.index - 1];
}

/** Tensors by number (0: the input) in words, runs of three or more as ranges, so a
 * layer that reads hundreds of tensors gets a sentence, not a page. */
export function tensorsText(ts) {
  const runs = runsOf(ts);
  const name = (t) => (t === 0 ? 'the input' : `layer ${t}`);
  return runs.flatMap(([a, b]) => {
    if (b - a >= 2) return [a === 0 ? `the input and layers 1–${b}` : `layers ${a}–${b}`];
    return a === b ? [name(a)] : [name(a), name(b)];
  }).join(' and ');
}

/** The tooltip of layer `l` of `net`: what it reads (unless `reads` is false, or it
 * reads only the layer before it), and where the imported file wrote it (a cfg line, an
 * ONNX node, a Keras layer; absent for zoo models and project JSON). */
export function layerTip(net, l, reads = true) {
  const inputs = reads ? net.inputs?.[l.index - 1] : undefined;
  const source = net.sources?.[l.index - 1];
  const skip = l.skip_channels ? ` (+${l.skip_channels} passthrough channels)` : '';
  const from = inputs && (inputs.length > 1 || inputs[0] !== l.index - 1)
    ? ` reads ${tensorsText(inputs)};` : '';
  return `Layer ${l.index}: ${layerText(net, l)};${from} input ${shape(l.input)}${skip} → output ${shape(l.output)}; ${flops(l.flops)}; ${whole(l.params)} parameters${source ? `; written at ${source}` : ''}`;
}
