//! MLS against SLS, at one setting and across bandwidths.

use serde::Serialize;

use super::dp::{Algorithm, Partition};
use super::each_k::partitions;
use super::plan::{KSummary, ModelSummary};
use crate::cost::Environment;
use crate::model::Network;

/// The best `k` and its completion time for one algorithm.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Best {
    pub devices: u32,
    pub completion_s: f64,
    pub blocks: usize,
}

/// MLS and SLS for every `k` (the data of Fig. 8) and the savings.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub model: ModelSummary,
    pub environment: Environment,
    pub mls: Vec<KSummary>,
    pub sls: Vec<KSummary>,
    pub best_mls: Best,
    pub best_sls: Best,
    /// `100 · (SLS − MLS) / SLS` at the best `k` of each.
    pub saving_vs_sls_pct: f64,
    /// `100 · (T¹ − MLS) / T¹`.
    pub saving_vs_one_device_pct: f64,
}

fn best(per_k: &[KSummary]) -> Best {
    let b = per_k
        .iter()
        .reduce(|a, b| {
            if b.completion_s < a.completion_s {
                b
            } else {
                a
            }
        })
        .expect("at least one device");
    Best {
        devices: b.devices,
        completion_s: b.completion_s,
        blocks: b.blocks,
    }
}

fn saving_pct(reference: f64, value: f64) -> f64 {
    100.0 * (reference - value) / reference
}

/// Solves MLS and SLS for every `k` in `1..=D`.
pub fn compare(net: &Network, env: &Environment) -> Comparison {
    compare_with(
        net,
        env,
        partitions(net, env, Algorithm::Mls),
        partitions(net, env, Algorithm::Sls),
    )
}

/// The comparison from MLS's and SLS's optimum for every `k` (however computed).
pub(crate) fn compare_with(
    net: &Network,
    env: &Environment,
    mls: Vec<Partition>,
    sls: Vec<Partition>,
) -> Comparison {
    let mls: Vec<KSummary> = mls.iter().map(KSummary::of).collect();
    let sls: Vec<KSummary> = sls.iter().map(KSummary::of).collect();
    let (best_mls, best_sls) = (best(&mls), best(&sls));
    Comparison {
        model: ModelSummary::of(net),
        environment: env.clone(),
        saving_vs_sls_pct: saving_pct(best_sls.completion_s, best_mls.completion_s),
        saving_vs_one_device_pct: saving_pct(mls[0].completion_s, best_mls.completion_s),
        mls,
        sls,
        best_mls,
        best_sls,
    }
}

/// One bandwidth of Fig. 9.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct BandwidthPoint {
    pub bandwidth_mbps: f64,
    pub mls: Best,
    pub sls: Best,
    pub saving_pct: f64,
}

/// MLS and SLS at their best `k` for each bandwidth (other settings from `env`).
pub fn sweep_bandwidth(
    net: &Network,
    env: &Environment,
    bandwidths: &[f64],
) -> Vec<BandwidthPoint> {
    bandwidths
        .iter()
        .map(|&g| BandwidthPoint::of(g, &compare(net, &env.at_bandwidth(g))))
        .collect()
}

impl BandwidthPoint {
    /// The point of Fig. 9 at bandwidth `g` from the comparison there.
    pub(crate) fn of(g: f64, c: &Comparison) -> Self {
        BandwidthPoint {
            bandwidth_mbps: g,
            mls: c.best_mls,
            sls: c.best_sls,
            saving_pct: c.saving_vs_sls_pct,
        }
    }
}
