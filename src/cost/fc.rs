//! Blocks of fully-connected layers only: `fc` data, `fc` model and `fc-hybrid` (spec §3–4).

use super::block::Load;
use super::cluster::Team;
use super::environment::BITS_PER_ELEMENT as B;
use crate::model::{Layer, LayerInfo};
use crate::slicing::len;

/// Bytes of one element.
const BYTES: u64 = B / 8;

/// `No`: an FL's output is `1 × 1 × No`.
fn outputs(layer: &LayerInfo) -> u64 {
    debug_assert!(
        matches!(layer.kind, Layer::Fc(_)),
        "fc blocks hold only FLs"
    );
    u64::from(layer.output.channels)
}

/// Data parallelism: the `Ni` inputs split by element; each device sends a partial sum
/// of all `No` outputs.
pub fn data(layer: &LayerInfo, team: &Team, loads: &mut Vec<Load>) {
    let (ni, no) = (layer.input.elements(), outputs(layer));
    let split = team.split(ni as u32);
    loads.clear();
    loads.extend((0..team.k).map(|d| {
        let n = len(split.share(d));
        let busy = n > 0;
        Load {
            flops: 2 * n * no,
            ti_bits: n * B,
            tau_bits: 0,
            to_bits: if busy { no * B } else { 0 },
            memory_bytes: if busy {
                (n * no + no + n + no) * BYTES
            } else {
                0
            },
        }
    }));
}

/// Model parallelism: the `No` outputs split; each device needs all `Ni` inputs.
pub fn model(layer: &LayerInfo, team: &Team, loads: &mut Vec<Load>) {
    let (ni, no) = (layer.input.elements(), outputs(layer));
    let split = team.split(no as u32);
    loads.clear();
    loads.extend((0..team.k).map(|d| {
        let m = len(split.share(d));
        let busy = m > 0;
        Load {
            flops: 2 * ni * m,
            ti_bits: if busy { ni * B } else { 0 },
            tau_bits: 0,
            to_bits: m * B,
            memory_bytes: if busy {
                (ni * m + m + ni + m) * BYTES
            } else {
                0
            },
        }
    }));
}

/// Hybrid: model parallelism on `first`, data parallelism on `second` whose input
/// split is exactly that output split; each device sends a partial sum.
pub fn hybrid(first: &LayerInfo, second: &LayerInfo, team: &Team, loads: &mut Vec<Load>) {
    let (ni, mid, no) = (first.input.elements(), outputs(first), outputs(second));
    let split = team.split(mid as u32);
    loads.clear();
    loads.extend((0..team.k).map(|d| {
        let m = len(split.share(d));
        let busy = m > 0;
        let weights = ni * m + m + m * no + no;
        Load {
            flops: 2 * ni * m + 2 * m * no,
            ti_bits: if busy { ni * B } else { 0 },
            tau_bits: 0,
            to_bits: if busy { no * B } else { 0 },
            memory_bytes: if busy {
                (weights + (ni + m).max(m + no)) * BYTES
            } else {
                0
            },
        }
    }));
}
