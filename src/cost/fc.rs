//! Blocks of fully-connected layers only: `fc` data, `fc` model and `fc-hybrid` (spec §3–4).

use super::block::Load;
use super::environment::BITS_PER_ELEMENT as B;
use crate::model::{Kind, LayerInfo};
use crate::slicing::{equal_split, len};

/// `No`: an FL's output is `1 × 1 × No`.
fn outputs(layer: &LayerInfo) -> u64 {
    debug_assert!(
        matches!(layer.kind, Kind::Fc { .. }),
        "fc blocks hold only FLs"
    );
    u64::from(layer.output.channels)
}

/// Data parallelism: the `Ni` inputs split by element; each device sends a partial sum
/// of all `No` outputs.
pub fn data(layer: &LayerInfo, k: u32, loads: &mut Vec<Load>) {
    let (ni, no) = (layer.input.elements(), outputs(layer));
    loads.clear();
    loads.extend((0..k).map(|d| {
        let n = len(equal_split(ni as u32, k, d));
        Load {
            flops: 2 * n * no,
            ti_bits: n * B,
            tau_bits: 0,
            to_bits: if n > 0 { no * B } else { 0 },
        }
    }));
}

/// Model parallelism: the `No` outputs split; each device needs all `Ni` inputs.
pub fn model(layer: &LayerInfo, k: u32, loads: &mut Vec<Load>) {
    let (ni, no) = (layer.input.elements(), outputs(layer));
    loads.clear();
    loads.extend((0..k).map(|d| {
        let m = len(equal_split(no as u32, k, d));
        Load {
            flops: 2 * ni * m,
            ti_bits: if m > 0 { ni * B } else { 0 },
            tau_bits: 0,
            to_bits: m * B,
        }
    }));
}

/// Hybrid: model parallelism on `first`, data parallelism on `second` whose input
/// split is exactly that output split; each device sends a partial sum.
pub fn hybrid(first: &LayerInfo, second: &LayerInfo, k: u32, loads: &mut Vec<Load>) {
    let (ni, mid, no) = (first.input.elements(), outputs(first), outputs(second));
    loads.clear();
    loads.extend((0..k).map(|d| {
        let m = len(equal_split(mid as u32, k, d));
        let busy = m > 0;
        Load {
            flops: 2 * ni * m + 2 * m * no,
            ti_bits: if busy { ni * B } else { 0 },
            tau_bits: 0,
            to_bits: if busy { no * B } else { 0 },
        }
    }));
}
