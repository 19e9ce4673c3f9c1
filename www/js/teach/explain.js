// "Explain this plan": one sentence per round saying why the round is shaped so, with
// figures. Every figure comes from the core's DP table at the plan's k (the candidates
// the DP compared), so a fused block is weighed against the same layers run one per
// round at the same k, and an FL round against the other modes it could have used.

import { seconds, flops, devices } from '../format.js';
import { table, candidate } from './engine.js';

const rounds = (n) => `${n} ${n === 1 ? 'round' : 'rounds'}`;

/** The fastest single-layer block for layer `n` (conv, or FL by data or model). */
function alone(t, n) {
  return candidate(t, n, n);
}

/** The same layers, one round per layer, at the same k: time and transfer summed. */
function layerByLayer(t, first, last) {
  let block = 0;
  let transfer = 0;
  let compute = 0;
  for (let n = first; n <= last; n += 1) {
    const c = alone(t, n);
    block += c.block_s;
    transfer += c.transfer_s;
    compute += c.compute_s;
  }
  return { block, transfer, compute };
}

function kept(t, b) {
  const row = t.rows.find((r) => r.last === b.last);
  return row.candidates.find((c) => c.first === b.first && c.case === b.case);
}

/** The sentence for one round of `plan`, from the table `t` at the plan's k. */
export function explainRound(plan, b, t, net) {
  const k = plan.devices;
  const head = `Round ${b.round}`;
  const layers = b.first === b.last ? `layer ${b.first}` : `layers ${b.first}–${b.last}`;
  if (b.case === 'single') {
    const two = plan.per_k[1];
    const why = two ? ` Splitting it would not pay: the best plan on 2 devices takes ${seconds(two.completion_s)}.` : '';
    return `${head} runs all ${net.layers.length} layers on one device: ${seconds(b.compute_s)} compute + ${seconds(b.transfer_s)} transfer (only the image in and the result out).${why}`;
  }
  const c = kept(t, b);
  if (b.case === 'fc-data' || b.case === 'fc-model') {
    const other = t.rows.find((r) => r.last === b.last).candidates
      .find((x) => x.first === b.last && x.case === (b.case === 'fc-data' ? 'fc-model' : 'fc-data'));
    const l = net.layers[b.last - 1];
    const inputs = l.input.height * l.input.width * l.input.channels;
    const how = b.case === 'fc-data'
      ? `each device gets 1/${k} of the ${inputs.toLocaleString('en')} inputs and sends back partial sums of all ${l.output.channels.toLocaleString('en')} outputs`
      : `each device gets all ${inputs.toLocaleString('en')} inputs and computes 1/${k} of the ${l.output.channels.toLocaleString('en')} outputs`;
    const vs = other ? ` against ${seconds(other.block_s)} by ${other.case === 'fc-data' ? 'data' : 'model'} split` : '';
    return `${head}: FL ${b.last} by ${b.case === 'fc-data' ? 'data' : 'model'} split (${how}) takes ${seconds(c.block_s)}${vs}.`;
  }
  if (b.case === 'fc-hybrid') {
    const two = alone(t, b.first).block_s + alone(t, b.last).block_s;
    return `${head}: FLs ${b.first} and ${b.last} in one hybrid round (FL ${b.first} by model, its outputs kept on each device as FL ${b.last}'s inputs by data) take ${seconds(c.block_s)}, against ${seconds(two)} as two rounds: FL ${b.first}'s outputs never go back through the gateway.`;
  }
  // conv and conv+fc blocks.
  const n = b.last - b.first + 1;
  if (n === 1) {
    const row = t.rows.find((r) => r.last === b.last);
    const longer = row.candidates.filter((x) => x.first < b.first).reduce((a, x) => (!a || x.total_s < a.total_s ? x : a), null);
    const why = longer
      ? ` Fusing it with earlier layers would not pay: the best longer block, layers ${longer.first}–${b.last}, gives T(${b.last}) = ${seconds(longer.total_s)} instead of ${seconds(row.best_s)}, ${seconds(longer.total_s - row.best_s)} more.`
      : '';
    return `${head}: ${layers} alone (${b.case}) on ${devices(k)}, ${seconds(c.block_s)} = ${seconds(c.compute_s)} compute + ${seconds(c.transfer_s)} transfer.${why}`;
  }
  const lbl = layerByLayer(t, b.first, b.last);
  const saved = lbl.transfer - c.transfer_s;
  const halo = c.halo_flops > 0
    ? `the halo costs ${flops(c.halo_flops)} of recomputation in all (≈ ${seconds(c.halo_s)} per device)`
    : 'no halo is needed';
  const transfer = saved >= 0
    ? `saves ${rounds(n - 1)} and ${seconds(saved)} of transfer`
    : `saves ${rounds(n - 1)} (transfer grows by ${seconds(-saved)})`;
  return `${head} fuses ${layers} (${b.case}) on ${devices(k)}: ${seconds(c.block_s)}. ${halo[0].toUpperCase()}${halo.slice(1)}, but the block ${transfer} against running the same layers one per round (${seconds(lbl.block)}, ${(lbl.block / c.block_s).toFixed(1)}× as long).`;
}

/** Fills `list` (an `<ol>`) with one item per round of the first plan shown. */
export function renderExplain(list, ctx) {
  const plan = ctx.shown[0] === 'sls' ? ctx.sls : ctx.mls;
  const t = table(ctx.state, plan.algorithm, plan.devices);
  const items = plan.blocks.map((b) => {
    const li = document.createElement('li');
    li.textContent = explainRound(plan, b, t, ctx.net);
    Object.assign(li.dataset, { round: b.round, plan: plan.algorithm, first: b.first, last: b.last });
    li.tabIndex = 0;
    return li;
  });
  list.replaceChildren(...items);
  list.previousElementSibling.textContent = `Explain this ${plan.algorithm.toUpperCase()} plan: ${plan.blocks.length} rounds on ${devices(plan.devices)}, ${seconds(plan.completion_s)}`;
}
