//! Seeded weights for a branching model: as `execute::weights` (He-uniform, one stream
//! per layer), with a general conv's weights sized `Kh·Kw·(Ci/groups)·Co` and no
//! weights for the cost-free layers.

use super::super::rng::SplitMix;
use super::super::weights::{LayerWeights, Weights};
use crate::model::{Kind, Network};

fn he(g: &mut SplitMix, fan_in: u64, weights: u64, biases: u64) -> LayerWeights {
    let a = (6.0 / fan_in as f64).sqrt() as f32;
    LayerWeights {
        w: (0..weights).map(|_| g.symmetric(a)).collect(),
        b: (0..biases).map(|_| g.symmetric(0.1)).collect(),
    }
}

/// The input and every layer's weights, drawn from `seed`.
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
            match l.kind {
                Kind::Conv(c) => {
                    let taps = u64::from(c.rows().kernel) * u64::from(c.cols().kernel);
                    let fan_in = taps * u64::from(l.input.channels / c.group_count());
                    let co = u64::from(c.filters);
                    he(&mut g, fan_in, fan_in * co, co)
                }
                Kind::Fc { outputs } => {
                    let ni = l.input.elements();
                    let no = u64::from(outputs);
                    he(&mut g, ni, ni * no, no)
                }
                _ => LayerWeights {
                    w: Vec::new(),
                    b: Vec::new(),
                },
            }
        })
        .collect();
    Weights {
        input,
        layers,
        branch: None,
    }
}
