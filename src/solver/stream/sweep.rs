//! Fig. 9 for a stream: at each bandwidth, MLS's and SLS's plans with the least period,
//! so the page's bandwidth chart can show what a camera's frame rate does as the
//! gateway gets faster, with the same plans the stream view draws.

use super::solve_throughput;
use crate::cost::Environment;
use crate::model::Network;
use crate::solver::dp::Algorithm;
use crate::solver::plan::Plan;
use crate::solver::sweep::{saving_pct, BandwidthPoint, Best};

/// MLS's and SLS's throughput plans at each of `bandwidths` (other settings from
/// `env`); `saving_pct` is MLS's saving of period over SLS. Fails with the planner's
/// message at the first bandwidth where no stream plan can be made.
pub fn sweep_throughput(
    net: &Network,
    env: &Environment,
    bandwidths: &[f64],
) -> Result<Vec<BandwidthPoint>, String> {
    bandwidths
        .iter()
        .map(|&g| {
            let at = env.at_bandwidth(g);
            let mls = solve_throughput(net, &at, Algorithm::Mls)?;
            let sls = solve_throughput(net, &at, Algorithm::Sls)?;
            Ok(BandwidthPoint {
                bandwidth_mbps: g,
                saving_pct: saving_pct(sls.stream.period_s, mls.stream.period_s),
                mls: streamed(&mls),
                sls: streamed(&sls),
            })
        })
        .collect()
}

/// A throughput plan as a point of the chart: its `k`, one picture's time, its period.
fn streamed(plan: &Plan) -> Best {
    Best {
        devices: plan.devices,
        completion_s: plan.completion_s,
        blocks: plan.blocks.len(),
        period_s: Some(plan.stream.period_s),
    }
}
