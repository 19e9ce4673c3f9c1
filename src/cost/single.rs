//! `k = 1`: one device runs the whole model; only the input image and the final output
//! (every output, for a model with several heads) cross the gateway (the paper's
//! special case of eq. 2).

use super::block::Load;
use super::environment::BITS_PER_ELEMENT as B;
use crate::model::Network;

pub fn load(net: &Network) -> Load {
    // The device holds every weight and, at each layer, that layer's inputs and output.
    let elements = |t: usize| {
        if t == 0 {
            net.input.elements()
        } else {
            net.layer(t).output.elements()
        }
    };
    let peak = (1..=net.len())
        .map(|m| net.inputs[m - 1].iter().map(|&t| elements(t)).sum::<u64>() + elements(m))
        .max()
        .unwrap_or(0);
    Load {
        flops: net.flops(),
        ti_bits: net.input.elements() * B,
        tau_bits: 0,
        to_bits: net.outputs().map(|t| elements(t) * B).sum(),
        memory_bytes: (net.params() + peak) * (B / 8),
    }
}
