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

/// Each device's load from its share `n` of `total` (an idle device, `n = 0`, has none).
fn per_share(team: &Team, total: u64, loads: &mut Vec<Load>, load: impl Fn(u64) -> Load) {
    let split = team.split(total as u32);
    loads.clear();
    loads.extend((0..team.k).map(|d| match len(split.share(d)) {
        0 => Load::default(),
        n => load(n),
    }));
}

/// Data parallelism: the `Ni` inputs split by element; each device sends a partial sum
/// of all `No` outputs.
pub fn data(layer: &LayerInfo, team: &Team, loads: &mut Vec<Load>) {
    let (ni, no) = (layer.input.elements(), outputs(layer));
    per_share(team, ni, loads, |n| Load {
        flops: 2 * n * no,
        ti_bits: n * B,
        tau_bits: 0,
        to_bits: no * B,
        memory_bytes: (n * no + no + n + no) * BYTES,
    });
}

/// Model parallelism: the `No` outputs split; each device needs all `Ni` inputs.
pub fn model(layer: &LayerInfo, team: &Team, loads: &mut Vec<Load>) {
    let (ni, no) = (layer.input.elements(), outputs(layer));
    per_share(team, no, loads, |m| Load {
        flops: 2 * ni * m,
        ti_bits: ni * B,
        tau_bits: 0,
        to_bits: m * B,
        memory_bytes: (ni * m + m + ni + m) * BYTES,
    });
}

/// Hybrid: model parallelism on `first`, data parallelism on `second` whose input
/// split is exactly that output split; each device sends a partial sum.
pub fn hybrid(first: &LayerInfo, second: &LayerInfo, team: &Team, loads: &mut Vec<Load>) {
    let (ni, mid, no) = (first.input.elements(), outputs(first), outputs(second));
    per_share(team, mid, loads, |m| Load {
        flops: 2 * ni * m + 2 * m * no,
        ti_bits: ni * B,
        tau_bits: 0,
        to_bits: no * B,
        memory_bytes: (ni * m + m + m * no + no + (ni + m).max(m + no)) * BYTES,
    });
}
