//! What each step of the executor costs, in the meter's units: the passthrough's rows,
//! an FL product, an FL run whole (a layer kind's rows: `Kernel::cost`, in its file in
//! `crate::layers`). Each is an upper bound of the step it mirrors in `ops.rs` and
//! `tensor.rs`.

use super::super::meter::{ELEMENT_BYTES as E, SLOT_BYTES as S};
use crate::model::{LayerInfo, Network, Shape};
use crate::slicing::Rows;

/// Bytes of one f64 of the reference's per-output magnitudes and bounds (not metered).
pub(crate) const F64: u64 = 8;

/// Work and bytes allocated by a step (saturating, so a hostile size cannot wrap).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Cost {
    pub(crate) work: u64,
    pub(crate) bytes: u64,
}

impl Cost {
    pub(crate) fn add(&mut self, other: Cost) {
        self.work = self.work.saturating_add(other.work);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
    pub(crate) fn work(&mut self, n: u64) {
        self.work = self.work.saturating_add(n);
    }
    /// `n` elements made (one unit each) and alive.
    pub(crate) fn elements(&mut self, n: u64) {
        self.work(n);
        self.bytes = self.bytes.saturating_add(n.saturating_mul(E));
    }
    /// An empty row store of `height` rows.
    pub(crate) fn store(&mut self, height: u32) {
        self.work(u64::from(height));
        self.bytes = self
            .bytes
            .saturating_add(u64::from(height).saturating_mul(S));
    }
    /// A row store of `height` rows holding `n` elements, copied (clone, or made
    /// from a flat copy): slots, the copy, and storing it.
    pub(crate) fn copied_store(&mut self, height: u32, n: u64) {
        self.store(height);
        self.elements(n);
        self.work(n);
    }
}

pub(crate) fn mul(a: u64, b: u64) -> u64 {
    a.saturating_mul(b)
}

pub(crate) fn row_len(s: Shape) -> u64 {
    u64::from(s.width) * u64::from(s.channels)
}

pub(crate) fn rows(r: Option<Rows>) -> u64 {
    r.map_or(0, |r| r.len())
}

/// `n` rows of the passthrough at its source: the 1×1 conv over `reorg²` source
/// pixels per output pixel, the accumulator, storing; and its upload (`up`).
pub(crate) fn branch_rows(net: &Network, n: u64, up: bool) -> Cost {
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

/// A data- or model-parallel FL product of `inputs` elements by `outputs` outputs:
/// the accumulator, the multiply-adds, bias and ReLU.
pub(crate) fn fc(inputs: u64, outputs: u64) -> Cost {
    let mut cost = Cost::default();
    cost.elements(outputs);
    cost.work(mul(inputs, outputs + 1).saturating_add(2 * outputs));
    cost
}

/// An FL run whole (the unsliced pass, `k = 1` and the judge's recomputation): the
/// flattened input, the product, bias and ReLU, its store, and its magnitudes.
pub(crate) fn fl_whole(layer: &LayerInfo) -> Cost {
    let (ni, no) = (layer.input.elements(), layer.output.elements());
    let mut cost = Cost::default();
    cost.elements(ni);
    cost.add(fc(ni, no));
    cost.work(no); // fc_finish
    cost.copied_store(1, no);
    cost.work(mul(ni.saturating_add(1), no + 1)); // the magnitudes
    cost.bytes = cost.bytes.saturating_add(mul(no, F64));
    cost
}

/// Bytes of a whole tensor in a row store.
pub(crate) fn tensor_bytes(s: Shape) -> u64 {
    mul(u64::from(s.height), S).saturating_add(mul(s.elements(), E))
}
