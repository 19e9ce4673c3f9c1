//! What each round costs: a conv round device by device (receiving, its CLs, the
//! branch), an FL round, `k = 1`, and the judge; what each round leaves for the next.
//! Mirrors `conv_round.rs`, `conv_device.rs`, `fc_round.rs`, `round.rs`, `judge.rs`.

use super::super::meter::{ELEMENT_BYTES as E, SLOT_BYTES as S};
use super::kernels::{
    branch_rows, concat_rows, conv_rows, fc, layer_forward, mul, output_rows, row_len, rows,
    tensor_bytes, Cost, F64,
};
use crate::cost::Case;
use crate::model::{Kind, Network};
use crate::slicing::back_through_conv;
use crate::solver::{BlockPlan, DevicePlan};

/// The conv layers of a conv block and its closing FL, if any.
pub(super) fn grid_of(block: &BlockPlan) -> (usize, Option<usize>) {
    match block.case {
        Case::ConvFc => (block.last - 1, Some(block.last)),
        _ => (block.last, None),
    }
}

pub(super) fn layer_rows(dev: &DevicePlan, r: usize) -> (u64, u64) {
    dev.layers
        .iter()
        .find(|l| l.layer == r)
        .map_or((0, 0), |l| (rows(l.computed), rows(l.rows)))
}

/// Rows of the target's input a device needs for its computed rows there.
pub(super) fn target_input_rows(net: &Network, dev: &DevicePlan, target: usize) -> u64 {
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
pub(super) fn conv_device(net: &Network, block: &BlockPlan, dev: &DevicePlan, held: u64) -> Cost {
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
pub(super) fn held_rows(net: &Network, previous: Option<&BlockPlan>, d: usize) -> u64 {
    let Some(p) = previous.filter(|p| p.case == Case::Conv) else {
        return 0;
    };
    let out = net.layer(p.last).output;
    p.devices
        .get(d)
        .map_or(0, |dev| mul(layer_rows(dev, p.last).1, row_len(out)))
}

/// A conv or conv+fc round: its allocations (`all`) and what survives it (`kept`).
pub(super) fn conv_round(
    net: &Network,
    block: &BlockPlan,
    previous: Option<&BlockPlan>,
) -> (Cost, u64) {
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
                all.add(partial_sum(dev, j, no));
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
            if grid == net.len() || !net.is_spatial(grid + 1) {
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

/// A device's partial sum of the closing FL `j` (`no` outputs) of a `conv+fc` round:
/// its inputs flattened, the product, the upload, adding it at the gateway.
pub(super) fn partial_sum(dev: &DevicePlan, j: usize, no: u64) -> Cost {
    let n = dev
        .neurons
        .iter()
        .find(|n| n.layer == j)
        .map_or(0, |n| rows(n.inputs));
    let mut cost = Cost::default();
    cost.elements(n);
    cost.add(fc(n, no));
    cost.elements(no);
    cost.work(no);
    cost
}

/// Sending `n` input elements to a device: the gateway's flat copy, the rows it
/// checks, the transfer.
pub(super) fn send(n: u64) -> Cost {
    let mut cost = Cost::default();
    cost.elements(mul(n, 2));
    cost.work(n.saturating_add(2));
    cost
}

/// An FL round: its allocations and what survives it.
pub(super) fn fc_round(net: &Network, block: &BlockPlan) -> (Cost, u64) {
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
pub(super) fn single_round(net: &Network) -> (Cost, u64) {
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
pub(super) fn judge(net: &Network, block: &BlockPlan, recompute: bool) -> Cost {
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
