//! What each step of the executor costs, in the meter's units: the kernels on a range
//! of rows, an FL product, one layer of the unsliced pass. Each is an upper bound of
//! the step it mirrors in `ops.rs`, `tensor.rs` and `reference.rs`.

use super::super::meter::{ELEMENT_BYTES as E, SLOT_BYTES as S};
use super::super::pool::{combine_work, reduce_work};
use crate::model::{Conv, Kind, LayerInfo, Network, Shape};
use crate::slicing::Rows;

/// Bytes of one f64 of the reference's per-output magnitudes and bounds (not metered).
pub(super) const F64: u64 = 8;

/// Work and bytes allocated by a step (saturating, so a hostile size cannot wrap).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Cost {
    pub(super) work: u64,
    pub(super) bytes: u64,
}

impl Cost {
    pub(super) fn add(&mut self, other: Cost) {
        self.work = self.work.saturating_add(other.work);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
    pub(super) fn work(&mut self, n: u64) {
        self.work = self.work.saturating_add(n);
    }
    /// `n` elements made (one unit each) and alive.
    pub(super) fn elements(&mut self, n: u64) {
        self.work(n);
        self.bytes = self.bytes.saturating_add(n.saturating_mul(E));
    }
    /// An empty row store of `height` rows.
    pub(super) fn store(&mut self, height: u32) {
        self.work(u64::from(height));
        self.bytes = self
            .bytes
            .saturating_add(u64::from(height).saturating_mul(S));
    }
    /// A row store of `height` rows holding `n` elements, copied (clone, or made
    /// from a flat copy): slots, the copy, and storing it.
    pub(super) fn copied_store(&mut self, height: u32, n: u64) {
        self.store(height);
        self.elements(n);
        self.work(n);
    }
}

pub(super) fn mul(a: u64, b: u64) -> u64 {
    a.saturating_mul(b)
}

pub(super) fn row_len(s: Shape) -> u64 {
    u64::from(s.width) * u64::from(s.channels)
}

pub(super) fn rows(r: Option<Rows>) -> u64 {
    r.map_or(0, |r| r.len())
}

/// `n` conv-output rows of a CL (before its pool): the row table, per row the taps,
/// the zeroed accumulator, the multiply-adds (padding counted), bias, ReLU, storing.
pub(super) fn conv_rows(layer: &LayerInfo, n: u64) -> Cost {
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

/// `n` output rows from the conv output: a copy, or a max-pool's sliding window
/// (`pool.rs`: each conv-output row a window reads reduced along its columns once,
/// then each output row combines the `size` rows of its window).
pub(super) fn output_rows(layer: &LayerInfo, n: u64) -> Cost {
    let out = layer.output;
    let row = row_len(out);
    let mut cost = Cost::default();
    cost.store(out.height);
    cost.elements(mul(n, row));
    match layer.kind {
        Kind::Conv(Conv { pool: Some(p), .. }) => {
            let conv = layer.conv_out;
            let reduced = mul(n.saturating_sub(1), u64::from(p.stride))
                .saturating_add(u64::from(p.size))
                .min(u64::from(conv.height));
            cost.work(mul(reduced, reduce_work(conv, out)));
            // Reduced rows are f64 (two elements' bytes).
            cost.bytes = cost.bytes.saturating_add(mul(mul(reduced, 2 * E), row));
            cost.work(mul(n, combine_work(out, u64::from(p.size))));
        }
        Kind::Conv(_) | Kind::Fc { .. } => cost.work(mul(n, row)),
        _ => unreachable!("only a conv's or an FL's output is copied"),
    }
    cost
}

/// `n` rows of the passthrough at its source: the 1×1 conv over `reorg²` source
/// pixels per output pixel, the accumulator, storing; and its upload (`up`).
pub(super) fn branch_rows(net: &Network, n: u64, up: bool) -> Cost {
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
pub(super) fn concat_rows(layer: &LayerInfo, n: u64) -> Cost {
    let row = u64::from(layer.input.width) * u64::from(layer.input_channels());
    let mut cost = Cost::default();
    cost.store(layer.input.height);
    cost.work(mul(n, row + 2 * u64::from(layer.input.width)));
    cost.elements(mul(n, row));
    cost
}

/// A data- or model-parallel FL product of `inputs` elements by `outputs` outputs:
/// the accumulator, the multiply-adds, bias and ReLU.
pub(super) fn fc(inputs: u64, outputs: u64) -> Cost {
    let mut cost = Cost::default();
    cost.elements(outputs);
    cost.work(mul(inputs, outputs + 1).saturating_add(2 * outputs));
    cost
}

/// One layer of the unsliced pass on whole tensors (the reference, `k = 1` and the
/// judge's recomputation): what it allocates, the output included.
pub(super) fn layer_forward(net: &Network, index: usize) -> Cost {
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
        _ => unreachable!("branching models are estimated by check_dag"),
    }
    cost
}

/// Bytes of a whole tensor in a row store.
pub(super) fn tensor_bytes(s: Shape) -> u64 {
    mul(u64::from(s.height), S).saturating_add(mul(s.elements(), E))
}
