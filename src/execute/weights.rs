//! Seeded weights and input for a network, chain or branching: He-uniform weights (so
//! activations keep their scale through ReLU and nothing collapses to zero) and small
//! biases; a general conv's weights are `Kh·Kw·(Ci/groups)·Co`.

use super::meter::{self, ELEMENT_BYTES};
use super::rng::SplitMix;
use crate::model::Network;

/// Weights and bias of one layer. Conv: `[ky][kx][ci][co]`; FL: `[input][output]`,
/// inputs in the row-major (`H`, `W`, `C`) order of the previous output.
#[derive(Debug)]
pub struct LayerWeights {
    pub w: Vec<f32>,
    pub b: Vec<f32>,
}

/// Everything a run needs besides the plan: one set shared by the reference pass and
/// every device, as if the model had been deployed before the inference. Counted by
/// the meter from [`Weights::generate`] until dropped (one unit of work per draw).
#[derive(Debug)]
pub struct Weights {
    pub input: Vec<f32>,
    /// By 0-based layer position (`layers[i - 1]` is layer `i`).
    pub layers: Vec<LayerWeights>,
    /// The passthrough's 1×1 conv, `[source channel][filter]`.
    pub branch: Option<LayerWeights>,
}

fn he(g: &mut SplitMix, fan_in: u64, weights: u64, biases: u64) -> LayerWeights {
    let a = (6.0 / fan_in as f64).sqrt() as f32;
    LayerWeights {
        w: (0..weights).map(|_| g.symmetric(a)).collect(),
        b: (0..biases).map(|_| g.symmetric(0.1)).collect(),
    }
}

impl Weights {
    /// Draws the input and every layer's weights from `seed`, one stream per tensor.
    pub fn generate(net: &Network, seed: u64) -> Weights {
        let mut g = SplitMix::stream(seed, 0);
        let input = (0..net.input.elements())
            .map(|_| g.symmetric(1.0))
            .collect();
        let layers = net
            .layers
            .iter()
            .map(|l| {
                let mut g = SplitMix::stream(seed, l.index as u64);
                match l.kind.kernel().weights(l) {
                    Some((fan_in, weights, biases)) => he(&mut g, fan_in, weights, biases),
                    // Pools, joins and reshapes have no weights.
                    None => LayerWeights {
                        w: Vec::new(),
                        b: Vec::new(),
                    },
                }
            })
            .collect();
        let branch = net.branch.map(|b| {
            let mut g = SplitMix::stream(seed, u64::MAX);
            let cs = u64::from(net.layer(b.spec.source).conv_out.channels);
            let f = u64::from(b.spec.filters);
            he(&mut g, cs, cs * f, f)
        });
        let weights = Weights {
            input,
            layers,
            branch,
        };
        meter::alloc(weights.elements() * ELEMENT_BYTES);
        meter::work(weights.elements());
        weights
    }

    /// The input, taken out (and no longer counted) once the run has its own copy, so a
    /// large map is not held twice for the whole run.
    pub fn take_input(&mut self) -> Vec<f32> {
        let input = std::mem::take(&mut self.input);
        meter::free(input.len() as u64 * ELEMENT_BYTES);
        input
    }

    /// Elements of the input and of every weight and bias.
    pub fn elements(&self) -> u64 {
        let layer = |l: &LayerWeights| (l.w.len() + l.b.len()) as u64;
        self.input.len() as u64
            + self.layers.iter().map(layer).sum::<u64>()
            + self.branch.as_ref().map_or(0, layer)
    }
}

impl Drop for Weights {
    fn drop(&mut self) {
        meter::free(self.elements() * ELEMENT_BYTES);
    }
}
