//! The executor's budget: an estimate of the work and peak memory of [`super::verify`]
//! made from the network and the plan before anything runs, and the limits it must
//! stay under.
//!
//! The estimate walks the same steps as the executor, at the granularity of row ranges
//! instead of elements, and counts in the units of [`super::meter`]: one unit per
//! multiply-add, pool comparison, element copied, initialised or compared, and row
//! slot created; bytes of tensor data and row tables. Every term is an upper bound of
//! what the executor does for that step (padded taps are counted as if present, a row
//! that may already be held as if sent), so `tests/execute_budget.rs` can check, on
//! random models and plans, that the estimate is never below the meter.
//!
//! Memory: what lives through the run (the weights, the unsliced pass's outputs) plus,
//! for each round, what the previous round left (its output and the boundary) and
//! everything the round allocates, as if nothing were freed before its end.

use super::meter::{ELEMENT_BYTES as E, SLOT_BYTES as S};
use crate::cost::Case;
use crate::model::{Kind, LayerInfo, Network, Shape};
use crate::slicing::{back_through_conv, Rows};
use crate::solver::{BlockPlan, DevicePlan, Plan};

/// Most units of work one run may take (YOLOv2 at 608×608 needs 6.8e10; the
/// README has the measured worst case).
pub const MAX_WORK: u64 = 100_000_000_000;
/// Most bytes of tensors and row tables one run may hold at once (4 GiB).
pub const MAX_BYTES: u64 = 4 << 30;
/// Bytes of one f64 of the reference's per-output magnitudes and bounds (not metered).
const F64: u64 = 8;

/// The estimated cost of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Estimate {
    pub work: u64,
    pub peak_bytes: u64,
}

/// Work and bytes allocated by a step (saturating, so a hostile size cannot wrap).
#[derive(Clone, Copy, Debug, Default)]
struct Cost {
    work: u64,
    bytes: u64,
}

impl Cost {
    fn add(&mut self, other: Cost) {
        self.work = self.work.saturating_add(other.work);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
    fn work(&mut self, n: u64) {
        self.work = self.work.saturating_add(n);
    }
    /// `n` elements made (one unit each) and alive.
    fn elements(&mut self, n: u64) {
        self.work(n);
        self.bytes = self.bytes.saturating_add(n.saturating_mul(E));
    }
    /// An empty row store of `height` rows.
    fn store(&mut self, height: u32) {
        self.work(u64::from(height));
        self.bytes = self
            .bytes
            .saturating_add(u64::from(height).saturating_mul(S));
    }
    /// A row store of `height` rows holding `n` elements, copied (clone, or made
    /// from a flat copy): slots, the copy, and storing it.
    fn copied_store(&mut self, height: u32, n: u64) {
        self.store(height);
        self.elements(n);
        self.work(n);
    }
}

fn mul(a: u64, b: u64) -> u64 {
    a.saturating_mul(b)
}

fn row_len(s: Shape) -> u64 {
    u64::from(s.width) * u64::from(s.channels)
}

fn rows(r: Option<Rows>) -> u64 {
    r.map_or(0, |r| r.len())
}

/// `n` conv-output rows of a CL (before its pool): the row table, per row the taps,
/// the zeroed accumulator, the multiply-adds (padding counted), bias, ReLU, storing.
fn conv_rows(layer: &LayerInfo, n: u64) -> Cost {
    let Kind::Conv(c) = layer.kind else {
        return Cost::default();
    };
    let row = row_len(layer.conv_out);
    let k = u64::from(c.kernel);
    // Per output pixel and tap: `ci·(co + 1) + 1` (the multiply-adds and the loops).
    let co = u64::from(layer.conv_out.channels);
    let per_tap = mul(u64::from(layer.input_channels()), co + 1).saturating_add(1);
    let macs = mul(mul(u64::from(layer.conv_out.width), k * k), per_tap);
    let mut cost = Cost::default();
    cost.store(layer.conv_out.height);
    cost.work(mul(n, k.saturating_add(macs).saturating_add(3 * row)));
    cost.elements(mul(n, row));
    cost
}

/// `n` output rows from the conv output: a copy, or a max-pool's comparisons.
fn output_rows(layer: &LayerInfo, n: u64) -> Cost {
    let row = row_len(layer.output);
    let mut cost = Cost::default();
    cost.store(layer.output.height);
    let per_row = match layer.kind {
        Kind::Conv(c) => {
            // Per window position: `co` comparisons and the position itself.
            let positions = c.pool.map_or(0, |p| u64::from(p.size).pow(2));
            let co = u64::from(layer.output.channels);
            mul(mul(u64::from(layer.output.width), co + 1), positions).saturating_add(row)
        }
        Kind::Fc { .. } => row,
    };
    cost.work(mul(n, per_row));
    cost.elements(mul(n, row));
    cost
}

/// `n` rows of the passthrough at its source: the 1×1 conv over `reorg²` source
/// pixels per output pixel, the accumulator, storing; and its upload (`up`).
fn branch_rows(net: &Network, n: u64, up: bool) -> Cost {
    let Some(b) = net.branch else {
        return Cost::default();
    };
    let source = net.layer(b.spec.source);
    let (r, f) = (u64::from(b.spec.reorg), u64::from(b.spec.filters));
    let cs = u64::from(source.conv_out.channels);
    let row = row_len(b.shape);
    let mut cost = Cost::default();
    let per_pixel = mul(cs, f + 1).saturating_add(2 * f);
    cost.work(mul(n, mul(r * r, mul(u64::from(b.shape.width), per_pixel))));
    cost.elements(mul(n, row));
    cost.work(mul(n, row)); // storing it
    if up {
        cost.elements(mul(n, row));
    }
    cost
}

/// The input of the passthrough's target: main and skip rows concatenated.
fn concat_rows(layer: &LayerInfo, n: u64) -> Cost {
    let row = u64::from(layer.input.width) * u64::from(layer.input_channels());
    let mut cost = Cost::default();
    cost.store(layer.input.height);
    cost.work(mul(n, row + 2 * u64::from(layer.input.width)));
    cost.elements(mul(n, row));
    cost
}

/// A data- or model-parallel FL product of `inputs` elements by `outputs` outputs:
/// the accumulator, the multiply-adds, bias and ReLU.
fn fc(inputs: u64, outputs: u64) -> Cost {
    let mut cost = Cost::default();
    cost.elements(outputs);
    cost.work(mul(inputs, outputs + 1).saturating_add(2 * outputs));
    cost
}

/// One layer of the unsliced pass on whole tensors (the reference, `k = 1` and the
/// judge's recomputation): what it allocates, the output included.
fn layer_forward(net: &Network, index: usize) -> Cost {
    let layer = net.layer(index);
    let mut cost = Cost::default();
    match layer.kind {
        Kind::Conv(_) => {
            if net.branch.is_some_and(|b| b.spec.target == index) {
                cost.add(concat_rows(layer, u64::from(layer.input.height)));
            }
            cost.add(conv_rows(layer, u64::from(layer.conv_out.height)));
            if let Some(b) = net.branch.filter(|b| b.spec.source == index) {
                cost.store(b.shape.height);
                cost.add(branch_rows(net, u64::from(b.shape.height), false));
            }
            cost.add(output_rows(layer, u64::from(layer.output.height)));
        }
        Kind::Fc { outputs } => {
            let (ni, no) = (layer.input.elements(), u64::from(outputs));
            cost.elements(ni); // the flattened input
            cost.add(fc(ni, no));
            cost.work(no); // fc_finish
            cost.copied_store(1, no);
            cost.work(mul(ni.saturating_add(1), no + 1)); // the magnitudes
            cost.bytes = cost.bytes.saturating_add(mul(no, F64));
        }
    }
    cost
}

/// Bytes of a whole tensor in a row store.
fn tensor_bytes(s: Shape) -> u64 {
    mul(u64::from(s.height), S).saturating_add(mul(s.elements(), E))
}

/// The conv layers of a conv block and its closing FL, if any.
fn grid_of(block: &BlockPlan) -> (usize, Option<usize>) {
    match block.case {
        Case::ConvFc => (block.last - 1, Some(block.last)),
        _ => (block.last, None),
    }
}

fn layer_rows(dev: &DevicePlan, r: usize) -> (u64, u64) {
    dev.layers
        .iter()
        .find(|l| l.layer == r)
        .map_or((0, 0), |l| (rows(l.computed), rows(l.rows)))
}

/// Rows of the target's input a device needs for its computed rows there.
fn target_input_rows(net: &Network, dev: &DevicePlan, target: usize) -> u64 {
    let layer = net.layer(target);
    let Kind::Conv(c) = layer.kind else { return 0 };
    dev.layers
        .iter()
        .find(|l| l.layer == target)
        .and_then(|l| l.computed)
        .filter(|r| r.first <= r.last && r.last < layer.conv_out.height)
        .map_or(0, |r| back_through_conv(r, c, layer.input.height).len())
}

/// One device's part of a conv round: receiving, every CL of the block, the branch.
/// Returns what it allocates and what stays (its output rows).
fn conv_device(net: &Network, block: &BlockPlan, dev: &DevicePlan, held: u64) -> Cost {
    let (grid, _) = grid_of(block);
    let first = net.layer(block.first);
    let in_row = row_len(first.input);
    let mut cost = Cost::default();
    // What it kept (cloned), then per needed row a τo upload to the gateway and a
    // download, each a copy and a store.
    cost.copied_store(first.input.height, held);
    let need = rows(dev.in_rows);
    cost.elements(mul(mul(need, in_row), 2));
    cost.work(mul(mul(need, in_row), 2));
    let spec = net.branch.map(|b| b.spec);
    for r in block.first..=grid {
        let layer = net.layer(r);
        let (computed, out) = layer_rows(dev, r);
        if spec.is_some_and(|s| s.target == r) {
            let b = net.branch.expect("a passthrough");
            let n = target_input_rows(net, dev, r);
            cost.store(b.shape.height);
            cost.elements(mul(n, row_len(b.shape)));
            cost.work(mul(n, row_len(b.shape)));
            cost.add(concat_rows(layer, n));
        }
        cost.add(conv_rows(layer, computed));
        if spec.is_some_and(|s| s.source == r) {
            cost.add(branch_rows(net, out, true));
        }
        cost.add(output_rows(layer, out));
    }
    cost
}

/// The rows device `d` kept from the previous round (a conv round that uploaded
/// nothing), which it clones at the start of this one.
fn held_rows(net: &Network, previous: Option<&BlockPlan>, d: usize) -> u64 {
    let Some(p) = previous.filter(|p| p.case == Case::Conv) else {
        return 0;
    };
    let out = net.layer(p.last).output;
    p.devices
        .get(d)
        .map_or(0, |dev| mul(layer_rows(dev, p.last).1, row_len(out)))
}

/// A conv or conv+fc round: its allocations (`all`) and what survives it (`kept`).
fn conv_round(net: &Network, block: &BlockPlan, previous: Option<&BlockPlan>) -> (Cost, u64) {
    let (grid, fc_layer) = grid_of(block);
    let first = net.layer(block.first);
    let g = net.layer(grid).output;
    let mut all = Cost::default();
    if let Some(b) = net
        .branch
        .filter(|b| (block.first..=grid).contains(&b.spec.source))
    {
        all.store(b.shape.height);
    }
    all.store(first.input.height); // the gateway's copy when it held none
    for (d, dev) in block.devices.iter().enumerate() {
        all.add(conv_device(net, block, dev, held_rows(net, previous, d)));
    }
    let branch = net.branch.map_or(0, |b| tensor_bytes(b.shape));
    let kept = match fc_layer {
        Some(j) => {
            let no = net.layer(j).output.elements();
            all.elements(no); // the sum
            for dev in &block.devices {
                let n = dev
                    .neurons
                    .iter()
                    .find(|n| n.layer == j)
                    .map_or(0, |n| rows(n.inputs));
                all.elements(n); // its inputs, flattened
                all.add(fc(n, no));
                all.elements(no); // the upload
                all.work(no); // adding it
            }
            all.work(no);
            all.copied_store(1, no); // the output
            all.copied_store(1, no); // the gateway's copy
            mul(2, S + mul(no, E)).saturating_add(branch)
        }
        None => {
            let t = g.elements();
            let k = block.devices.len() as u64;
            all.store(g.height); // the assembled output (uploads) or view (copies)
            all.elements(t); // each row copied, then stored
            all.work(t);
            all.elements(t); // its flat check
            if grid == net.len() || !net.is_conv(grid + 1) {
                all.copied_store(g.height, t); // the gateway's copy
            }
            all.bytes = all
                .bytes
                .saturating_add(mul(mul(k, u64::from(g.height)), S)); // idle devices' empty stores
            all.work(mul(k, u64::from(g.height)));
            // Output, gateway copy, and the devices' stores (their rows and tables).
            let devices = mul(k, mul(u64::from(g.height), S)).saturating_add(mul(t, E));
            mul(2, tensor_bytes(g))
                .saturating_add(devices)
                .saturating_add(branch)
        }
    };
    (all, kept)
}

/// Sending `n` input elements to a device: the gateway's flat copy, the rows it
/// checks, the transfer.
fn send(n: u64) -> Cost {
    let mut cost = Cost::default();
    cost.elements(mul(n, 2));
    cost.work(n.saturating_add(2));
    cost
}

/// An FL round: its allocations and what survives it.
fn fc_round(net: &Network, block: &BlockPlan) -> (Cost, u64) {
    let last = net.layer(block.last);
    let first = net.layer(block.first);
    let no = last.output.elements();
    let mut all = Cost::default();
    all.store(first.input.height);
    let mut kept_devices = 0u64;
    match block.case {
        Case::FcModel => {
            all.store(last.output.elements() as u32);
            for dev in &block.devices {
                let n = dev.neurons.iter().find(|n| n.layer == block.last);
                let (i, m) = n.map_or((0, 0), |n| (rows(n.inputs), rows(n.outputs)));
                all.store(no as u32);
                all.add(send(i));
                all.add(fc(i, m));
                all.work(m);
                all.elements(mul(m, 3)); // upload, and stored twice
                all.work(mul(m, 2));
                kept_devices = kept_devices.saturating_add(mul(no, S).saturating_add(mul(m, E)));
            }
            all.elements(no); // the flat check
        }
        _ => {
            all.elements(no); // the sum
            let mid_no = first.output.elements();
            for dev in &block.devices {
                let n = dev.neurons.iter().find(|n| n.layer == block.first);
                let (i, mid) = n.map_or((0, 0), |n| (rows(n.inputs), rows(n.outputs)));
                all.add(send(i));
                let used = if block.case == Case::FcHybrid {
                    all.add(fc(i, mid));
                    all.work(mid);
                    all.store(mid_no as u32);
                    all.elements(mid);
                    let m = dev.neurons.iter().find(|n| n.layer == block.last);
                    let u = m.map_or(0, |n| rows(n.inputs));
                    all.elements(u);
                    u
                } else {
                    i
                };
                all.add(fc(used, no));
                all.elements(no); // the upload
                all.work(no); // adding it
            }
        }
    }
    all.work(no);
    all.copied_store(1, no); // the output
    all.copied_store(1, no); // the gateway's copy
    let branch = net.branch.map_or(0, |b| tensor_bytes(b.shape));
    let kept = mul(2, S + mul(no, E))
        .saturating_add(kept_devices)
        .saturating_add(branch);
    (all, kept)
}

/// `k = 1`: the input sent, the model run on whole tensors, the output returned.
fn single_round(net: &Network) -> (Cost, u64) {
    let mut all = Cost::default();
    all.store(net.input.height);
    all.copied_store(net.input.height, net.input.elements());
    all.elements(net.input.elements());
    for index in 1..=net.len() {
        all.add(layer_forward(net, index));
    }
    let out = net.output();
    all.elements(mul(out.elements(), 2)); // flat, upload
    all.copied_store(out.height, out.elements()); // the output
    all.copied_store(out.height, out.elements()); // the gateway's copy
    (all, mul(2, tensor_bytes(out)))
}

/// The judge of a round: flat copies of both outputs and inputs, the comparisons,
/// the branch compared, and the local result: a copy of the unsliced pass's when the
/// round started from exactly its input, else the block recomputed from the round's
/// input (`recompute`, possible only after a round whose sums the gateway reordered).
fn judge(net: &Network, block: &BlockPlan, recompute: bool) -> Cost {
    let out = net.layer(block.last).output;
    let input = net.layer(block.first).input;
    let t = out.elements();
    let mut cost = Cost::default();
    cost.elements(mul(t, 3)); // sliced, unsliced, and the local result
    cost.work(mul(t, 4)); // compared four times
    cost.elements(mul(input.elements(), 2));
    cost.bytes = cost.bytes.saturating_add(mul(t, 2 * F64)); // magnitudes, bounds
    if recompute {
        cost.copied_store(input.height, input.elements());
        for index in block.first..=block.last {
            cost.add(layer_forward(net, index));
        }
    }
    if let Some(b) = net.branch {
        cost.copied_store(b.shape.height, b.shape.elements()); // its clone
        cost.elements(mul(b.shape.elements(), 5));
        cost.work(mul(b.shape.elements(), 2));
    }
    cost
}

/// The estimated work and peak memory of `verify(net, plan, _)`. Plans that do not
/// fit the network are estimated as far as they go; `verify` refuses them anyway.
pub fn estimate(net: &Network, plan: &Plan) -> Estimate {
    let mut work = 0u64;
    // The weights and input, drawn once; the unsliced pass keeps every output.
    let params = net.params().saturating_add(net.input.elements());
    work = work.saturating_add(params);
    let mut persistent = mul(params, E).saturating_add(tensor_bytes(net.input));
    work = work.saturating_add(mul(net.input.elements(), 2) + u64::from(net.input.height));
    let mut forward_peak = 0u64;
    for index in 1..=net.len() {
        let c = layer_forward(net, index);
        work = work.saturating_add(c.work);
        forward_peak = forward_peak.max(c.bytes);
        let l = net.layer(index);
        persistent = persistent.saturating_add(tensor_bytes(l.output));
        if !l.is_conv() {
            persistent = persistent.saturating_add(mul(l.output.elements(), F64));
        }
    }
    if let Some(b) = net.branch {
        persistent = persistent.saturating_add(tensor_bytes(b.shape));
    }
    // Before round 1: the gateway's copy of the input and the "previous" output.
    let mut kept = mul(2, tensor_bytes(net.input));
    work = work.saturating_add(mul(2, net.input.elements() + u64::from(net.input.height)));
    let mut rounds_peak = 0u64;
    let mut previous: Option<&BlockPlan> = None;
    // Rounds without gateway sums reproduce the unsliced pass bit for bit.
    let mut reordered = false;
    for block in &plan.blocks {
        if block.first == 0 || block.last > net.len() || block.first > block.last {
            break;
        }
        let (mut all, next_kept) = match block.case {
            Case::Conv | Case::ConvFc => conv_round(net, block, previous),
            Case::FcData | Case::FcModel | Case::FcHybrid => fc_round(net, block),
            Case::Single => single_round(net),
        };
        if let Some(b) = net.branch {
            all.copied_store(b.shape.height, b.shape.elements()); // the stored branch
        }
        all.add(judge(net, block, reordered));
        reordered |= matches!(block.case, Case::ConvFc | Case::FcData | Case::FcHybrid);
        work = work.saturating_add(all.work);
        rounds_peak = rounds_peak.max(kept.saturating_add(all.bytes));
        kept = next_kept;
        previous = Some(block);
    }
    Estimate {
        work,
        peak_bytes: persistent.saturating_add(forward_peak.max(rounds_peak)),
    }
}

/// The estimate of a run, or why it is refused: what it would take, the limit, and
/// what to reduce.
pub fn check(net: &Network, plan: &Plan) -> Result<Estimate, String> {
    let e = estimate(net, plan);
    let advice = "use a smaller input (--scale), fewer or smaller layers, or fewer devices";
    if e.work > MAX_WORK {
        return Err(format!(
            "running this plan of {} would take about {:.1e} operations, more than the \
             executor's limit of {MAX_WORK:.0e}; {advice}",
            net.name, e.work as f64
        ));
    }
    if e.peak_bytes > MAX_BYTES {
        return Err(format!(
            "running this plan of {} would hold about {} MiB of tensors at once, more than \
             the executor's limit of {} MiB; {advice}",
            net.name,
            e.peak_bytes >> 20,
            MAX_BYTES >> 20
        ));
    }
    Ok(e)
}
