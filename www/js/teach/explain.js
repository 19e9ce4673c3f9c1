// "Explain this plan": one sentence per round saying why the round is shaped so, with
// figures. Every figure comes from the core's DP table at the plan's k (the candidates
// the DP compared), so a fused block is weighed against the same layers run one per
// round at the same k, and an FL round against the other modes it could have used.
// Consecutive rounds that read the same (a network's repeated stages: nine bottleneck
// blocks alike) share one sentence instead of repeating it.

import { seconds, flops, devices } from '../format.js';
import { table, candidate, rowAt, explainedPlan } from './engine.js';
import { candidateOf, eachTotal } from '../worker/dp-pack.js';

const rounds = (n) => `${n} ${n === 1 ? 'round' : 'rounds'}`;

/** Whether two times are the same but for floating-point residue (sums of the same
 * terms in another order differ in the 16th digit). */
function same(a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** The same layers, one round per layer, at the same k: time and transfer summed. */
function layerByLayer(t, first, last) {
  let block = 0;
  let transfer = 0;
  for (let n = first; n <= last; n += 1) {
    const c = candidate(t, n, n);
    block += c.block_s;
    transfer += c.transfer_s;
  }
  return { block, transfer };
}

/** How a round or a run of rounds alike is named in its sentence. */
function one(b) {
  const layers = b.first === b.last ? `layer ${b.first}` : `layers ${b.first}–${b.last}`;
  return { head: `Round ${b.round}`, layers, fuses: 'fuses', each: '', block: 'the block', halo: 'in all', same: 'the same layers' };
}

function many(group) {
  const [a, z] = [group[0], group.at(-1)];
  return {
    head: `Rounds ${a.round}–${z.round}`, layers: `${a.last - a.first + 1} layers`, fuses: 'each fuse', each: ' each',
    block: 'each block', halo: 'per block', same: 'its layers',
  };
}

/** The devices of block `b` that get rows, when some get none (a layer of 13 rows
 * over 26 devices): `on 26 devices, 13 of which get rows`. */
function onDevices(b, k, net) {
  const busy = b.devices.filter((d) => d.flops > 0 || (d.out_rows && d.out_rows[1] >= d.out_rows[0])).length;
  if (busy === b.devices.length || busy === 0) return `on ${devices(k)}`;
  // The rows split are those of the block's last spatial layer (before a conv+fc's FL).
  const g = b.case === 'conv+fc' ? b.last - 1 : b.last;
  const h = net.layers[g - 1].output.height;
  const rows = `${h} ${h === 1 ? 'row' : 'rows'}`;
  return `on ${devices(k)}, of which ${busy === 1 ? 'only 1 gets' : `${busy} get`} rows (layer ${g} has ${rows}; the others idle)`;
}

/** The sentence for one round of `plan` (or, with `who` from `many`, for a run of rounds
 * alike, `b` the first of them), from the table `t` at the plan's k. */
export function explainRound(plan, b, t, net, who = one(b)) {
  const k = plan.devices;
  const { head, layers } = who;
  if (b.case === 'single') {
    const two = plan.per_k[1];
    const why = two ? ` Splitting it would not pay: the best plan on 2 devices takes ${seconds(two.completion_s)}.` : '';
    return `${head} runs all ${net.layers.length} layers on one device: ${seconds(b.compute_s)} compute + ${seconds(b.transfer_s)} transfer (only the image in and the result out).${why}`;
  }
  const row = rowAt(t, b.last);
  const c = candidateOf(t, row, b.first, b.case);
  if (b.case === 'fc-data' || b.case === 'fc-model') {
    const other = candidateOf(t, row, b.last, b.case === 'fc-data' ? 'fc-model' : 'fc-data');
    const l = net.layers[b.last - 1];
    const inputs = l.input.height * l.input.width * l.input.channels;
    const how = b.case === 'fc-data'
      ? `each device gets 1/${k} of the ${inputs.toLocaleString('en')} inputs and sends back partial sums of all ${l.output.channels.toLocaleString('en')} outputs`
      : `each device gets all ${inputs.toLocaleString('en')} inputs and computes 1/${k} of the ${l.output.channels.toLocaleString('en')} outputs`;
    const vs = other ? ` against ${seconds(other.block_s)} by ${other.case === 'fc-data' ? 'data' : 'model'} split` : '';
    return `${head}: FL ${b.last} by ${b.case === 'fc-data' ? 'data' : 'model'} split (${how}) takes ${seconds(c.block_s)}${vs}.`;
  }
  if (b.case === 'fc-hybrid') {
    const two = candidate(t, b.first, b.first).block_s + candidate(t, b.last, b.last).block_s;
    return `${head}: FLs ${b.first} and ${b.last} in one hybrid round (FL ${b.first} by model, its outputs kept on each device as FL ${b.last}'s inputs by data) take ${seconds(c.block_s)}, against ${seconds(two)} as two rounds: FL ${b.first}'s outputs never go back through the gateway.`;
  }
  // conv and conv+fc blocks.
  const on = onDevices(b, k, net);
  const n = b.last - b.first + 1;
  if (n === 1) {
    let longer = null;
    eachTotal(t, row, (first, total) => {
      if (first < b.first && (!longer || total < longer.total)) longer = { first, total };
    });
    let why = '';
    if (longer && same(longer.total, row.best_s)) {
      why = ` Fusing it with earlier layers would take as long: layers ${longer.first}–${b.last} also give T(${b.last}) = ${seconds(row.best_s)}.`;
    } else if (longer) {
      why = ` Fusing it with earlier layers would not pay: the best longer block, layers ${longer.first}–${b.last}, gives T(${b.last}) = ${seconds(longer.total)} instead of ${seconds(row.best_s)}, ${seconds(longer.total - row.best_s)} more.`;
    }
    const parts = c.transfer_s > 0 ? ` = ${seconds(c.compute_s)} compute + ${seconds(c.transfer_s)} transfer` : ' of compute, with no transfer';
    return `${head}: ${layers} alone (${b.case}) ${on}, ${seconds(c.block_s)}${parts}.${why}`;
  }
  const lbl = layerByLayer(t, b.first, b.last);
  const saved = lbl.transfer - c.transfer_s;
  const halo = c.halo_flops > 0
    ? `the halo costs ${flops(c.halo_flops)} of recomputation ${who.halo} (≈ ${seconds(c.halo_s)} per device)`
    : 'no halo is needed';
  let transfer = `saves ${rounds(n - 1)} and ${seconds(saved)} of transfer`;
  if (same(lbl.transfer, c.transfer_s)) transfer = `saves ${rounds(n - 1)} with the same transfer`;
  else if (saved < 0) transfer = `saves ${rounds(n - 1)} (transfer grows by ${seconds(-saved)})`;
  return `${head} ${who.fuses} ${layers} (${b.case}) ${on}: ${seconds(c.block_s)}${who.each}. ${halo[0].toUpperCase()}${halo.slice(1)}, but ${who.block} ${transfer} against running ${who.same} one per round (${seconds(lbl.block)}${who.each}, ${(lbl.block / c.block_s).toFixed(1)}× as long).`;
}

/** `11–14, 15–18, …, 27–30`: the layers of a run of rounds alike. */
function spans(group) {
  const all = group.map((b) => `${b.first}–${b.last}`);
  return all.length <= 6 ? all.join(', ') : `${all.slice(0, 3).join(', ')}, …, ${all.at(-1)}`;
}

/** The rounds of `plan` as runs of consecutive rounds whose sentences read the same once
 * their own round and layer numbers are left out, each with its sentence. */
export function explainPlan(plan, t, net) {
  const out = [];
  for (const b of plan.blocks) {
    const alike = b.first !== b.last ? explainRound(plan, b, t, net, { ...many([b]), head: '' }) : null;
    const last = out.at(-1);
    if (alike && last?.alike === alike) last.group.push(b);
    else out.push({ group: [b], alike });
  }
  return out.map(({ group, alike }) => ({
    group,
    text: group.length === 1 ? explainRound(plan, group[0], t, net)
      : `${explainRound(plan, group[0], t, net, many(group))} The ${group.length} blocks: layers ${spans(group)}.`,
    alike,
  }));
}

/** The plan the list explains, and the one it shows now (null: none, or waiting). */
let drawn = null;

/** Fills `list` (an `<ol>`) with one item per round, or per run of rounds alike, of the
 * first plan shown. */
export function renderExplain(list, ctx) {
  const plan = explainedPlan(ctx);
  const t = table(ctx.state, plan.algorithm, plan.devices);
  const items = explainPlan(plan, t, ctx.net).map(({ group, text }) => {
    const li = document.createElement('li');
    li.textContent = text;
    const [a, z] = [group[0], group.at(-1)];
    Object.assign(li.dataset, { round: a.round, plan: plan.algorithm, first: a.first, last: z.last });
    if (group.length > 1) li.dataset.rounds = `${a.round}-${z.round}`;
    li.tabIndex = 0;
    return li;
  });
  list.replaceChildren(...items);
  const n = plan.blocks.length;
  const which = ctx.state.objective === 'throughput' ? `${plan.algorithm.toUpperCase()} plan for one picture (the stream's plan comes from another DP)` : `${plan.algorithm.toUpperCase()} plan`;
  list.previousElementSibling.textContent = `Explain this ${which}: ${rounds(n)} on ${devices(plan.devices)}, ${seconds(plan.completion_s)}`;
  drawn = plan;
}

/** While the DP table of a new plan is computed: an explanation of another plan (the
 * previous model's, after a paste) is taken down rather than left standing. */
export function waitExplain(list, ctx) {
  const plan = explainedPlan(ctx);
  if (drawn === plan || drawn === null) return;
  const li = document.createElement('li');
  li.textContent = 'Computing the DP table of this plan…';
  list.replaceChildren(li);
  list.previousElementSibling.textContent = `Explain this ${plan.algorithm.toUpperCase()} plan`;
  drawn = null;
}
