//! What the FL steps of a run cost: an FL-only round (`rounds::fc`) and a
//! device's partial sum closing a `conv+fc` round.

use super::super::meter::{ELEMENT_BYTES as E, SLOT_BYTES as S};
use super::kernels::{fc, mul, rows, tensor_bytes, Cost};
use crate::cost::Case;
use crate::model::Network;
use crate::solver::{BlockPlan, DevicePlan};

/// A device's partial sum of the closing FL `j` (`no` outputs) of a `conv+fc` round:
/// its inputs flattened, the product, the upload, adding it at the gateway.
pub(super) fn partial_sum(dev: &DevicePlan, j: usize, no: u64) -> Cost {
    let n = dev.neurons_of(j).map_or(0, |n| rows(n.inputs));
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
                let n = dev.neurons_of(block.last);
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
                let n = dev.neurons_of(block.first);
                let (i, mid) = n.map_or((0, 0), |n| (rows(n.inputs), rows(n.outputs)));
                all.add(send(i));
                let used = if block.case == Case::FcHybrid {
                    all.add(fc(i, mid));
                    all.work(mid);
                    all.store(mid_no as u32);
                    all.elements(mid);
                    let m = dev.neurons_of(block.last);
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
