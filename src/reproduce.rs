//! Our numbers for every figure of the paper's evaluation, beside the published ones.

use serde::Serialize;

use crate::cost::Environment;
use crate::model::{zoo, Network};
use crate::paper::{self, Published};
use crate::solver::{compare, sweep_bandwidth, BandwidthPoint, Comparison};

/// One model's reproduction.
#[derive(Clone, Debug, Serialize)]
pub struct ModelReproduction {
    pub model: &'static str,
    pub params_m: f64,
    pub gflops: f64,
    /// Fig. 8 and Table II: MLS and SLS for k = 1..10.
    pub by_devices: Comparison,
    /// Fig. 9: best MLS and SLS for each bandwidth, D = 10.
    pub by_bandwidth: Vec<BandwidthPoint>,
    pub max_bandwidth_saving_pct: f64,
    pub published: Published,
}

impl ModelReproduction {
    /// MLS blocks for k = 1..10 (Table II).
    pub fn blocks(&self) -> Vec<usize> {
        self.by_devices.mls.iter().map(|k| k.blocks).collect()
    }
}

/// Solves the four models of the paper in its setting.
pub fn reproduce() -> Vec<ModelReproduction> {
    let env = Environment::new(paper::DEVICES, paper::BANDWIDTH_MBPS, paper::GFLOPS)
        .expect("the paper's setting is valid");
    paper::PUBLISHED
        .iter()
        .map(|p| {
            let model = zoo::by_name(p.model).expect("the paper's models are in the zoo");
            let net = Network::new(&model).expect("zoo models are valid");
            let by_bandwidth = sweep_bandwidth(&net, &env, &paper::BANDWIDTHS_MBPS);
            ModelReproduction {
                model: p.model,
                params_m: net.params() as f64 / 1e6,
                gflops: net.flops() as f64 / 1e9,
                by_devices: compare(&net, &env),
                max_bandwidth_saving_pct: by_bandwidth
                    .iter()
                    .map(|b| b.saving_pct)
                    .fold(f64::NEG_INFINITY, f64::max),
                by_bandwidth,
                published: *p,
            }
        })
        .collect()
}
