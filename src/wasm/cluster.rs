//! Bindings for the page's cluster editor: the same short form as the CLI's `--cluster`
//! (`4x13.6,1x50@2048`, read by [`cluster_spec::parse_short`]), the same checks (work
//! limit, then [`check_memory`]), the same plans. Separate functions rather than an
//! extra argument to `solve`, so that the homogeneous page calls exactly what it did.

use wasm_bindgen::prelude::*;

use super::{err, load, parse_algorithm, to_js};
use crate::cost::{cluster_spec, Environment};
use crate::model::Network;
use crate::solver::{self, check_memory, Algorithm, Workload};

/// The detailed plan of `algorithm` on the cluster `spec` behind a gateway of
/// `bandwidth_mbps`, at its best `k`; throws the core's one-line error for a spec that
/// does not read, a solve over the work limit, or a cluster on which nothing fits.
#[wasm_bindgen(js_name = solveCluster)]
pub fn solve_cluster(
    source: &str,
    spec: &str,
    bandwidth_mbps: f64,
    algorithm: &str,
) -> Result<JsValue, JsError> {
    let algorithm = parse_algorithm(algorithm)?;
    let (net, env) = cluster_setting(source, spec, bandwidth_mbps, Workload::Solve(algorithm))?;
    check_memory(&net, &env, algorithm).map_err(err)?;
    to_js(&solver::solve(&net, &env, algorithm))
}

/// MLS and SLS at their best `k` on the cluster for each bandwidth (Fig. 9).
#[wasm_bindgen(js_name = sweepBandwidthCluster)]
pub fn sweep_bandwidth_cluster(
    source: &str,
    spec: &str,
    bandwidths_mbps: Vec<f64>,
) -> Result<JsValue, JsError> {
    // Memory does not depend on bandwidth: one check (of MLS and SLS) covers the sweep.
    let work = Workload::Sweep {
        points: bandwidths_mbps.len(),
    };
    let (net, env) = cluster_setting(source, spec, 1.0, work)?;
    check_memory(&net, &env, Algorithm::Sls).map_err(err)?;
    for &g in &bandwidths_mbps {
        Environment::with_cluster(env.cluster(), g).map_err(err)?;
    }
    to_js(&solver::sweep_bandwidth(&net, &env, &bandwidths_mbps))
}

/// The table of eq. (2) for the cluster's `k` fastest devices (the DP view and "Explain
/// this plan" of a mixed plan), as `solve --cluster … --dp` prints it. No memory check:
/// the plan it explains passed one, and a table with nothing that fits says so.
#[wasm_bindgen(js_name = dpTableCluster)]
pub fn dp_table_cluster(
    source: &str,
    spec: &str,
    bandwidth_mbps: f64,
    algorithm: &str,
    k: f64,
) -> Result<JsValue, JsError> {
    let algorithm = parse_algorithm(algorithm)?;
    let (net, env) = cluster_setting(source, spec, bandwidth_mbps, Workload::Solve(algorithm))?;
    let k = super::session::whole_k(k, env.devices)?;
    to_js(&solver::dp_table(&net, &env, k, algorithm))
}

/// The network and a cluster environment within the work limit, as the CLI's
/// `--cluster` builds them (a solve then checks memory, as the CLI does).
fn cluster_setting(
    source: &str,
    spec: &str,
    bandwidth_mbps: f64,
    work: Workload,
) -> Result<(Network, Environment), JsError> {
    let net = load(source)?;
    let cluster = cluster_spec::parse_short(spec).map_err(err)?;
    let env = Environment::with_cluster(cluster, bandwidth_mbps).map_err(err)?;
    solver::admit(&net, &env, work).map_err(err)?;
    Ok((net, env))
}

#[cfg(test)]
mod tests;
