//! The page's stream mode (`docs/spec-stream.md`): plans chosen for a stream's
//! throughput. A separate `impl Session` block, so it sits beside the session's own
//! methods; solved cold (the planner's cache holds the latency DP's candidates).

use wasm_bindgen::prelude::*;

use super::cluster::cluster_solve;
use super::session::Session;
use super::{err, parse_algorithm, to_js, whole_devices};
use crate::cost::Environment;
use crate::solver;

#[wasm_bindgen]
impl Session {
    /// The plan of `algorithm` with the least period at its best `k ≤ devices`; throws
    /// the core's message when the work is over the limit.
    #[wasm_bindgen(js_name = solveStream)]
    pub fn solve_stream(
        &self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        algorithm: &str,
    ) -> Result<JsValue, JsError> {
        let algorithm = parse_algorithm(algorithm)?;
        let env = Environment::new(whole_devices(devices)?, bandwidth_mbps, gflops).map_err(err)?;
        to_js(&solver::solve_throughput(self.planner.network(), &env, algorithm).map_err(err)?)
    }
}

/// `solveStream` on the cluster `spec` behind a gateway of `bandwidth_mbps`.
#[wasm_bindgen(js_name = solveStreamCluster)]
pub fn solve_stream_cluster(
    source: &str,
    spec: &str,
    bandwidth_mbps: f64,
    algorithm: &str,
) -> Result<JsValue, JsError> {
    let (algorithm, net, env) = cluster_solve(source, spec, bandwidth_mbps, algorithm)?;
    to_js(&solver::solve_throughput(&net, &env, algorithm).map_err(err)?)
}
