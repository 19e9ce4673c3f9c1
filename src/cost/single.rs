//! `k = 1`: one device runs the whole model; only the input image and the final output
//! (every output, for a model with several heads) cross the gateway (the paper's
//! special case of eq. 2).

use super::block::Load;
use super::environment::BITS_PER_ELEMENT as B;
use crate::model::Network;

pub fn load(net: &Network) -> Load {
    Load {
        flops: net.flops(),
        ti_bits: net.input.elements() * B,
        tau_bits: 0,
        to_bits: net
            .outputs()
            .map(|t| net.layer(t).output.elements() * B)
            .sum(),
    }
}
