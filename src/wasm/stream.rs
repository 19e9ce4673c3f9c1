//! The page's stream mode (`docs/spec-stream.md`): plans chosen for a stream's
//! throughput. A separate `impl Session` block, so it sits beside the session's own
//! methods; solved cold (the planner's cache holds the latency DP's candidates).

use wasm_bindgen::prelude::*;

use super::session::Session;
use super::{err, to_js};
use crate::solver;

#[wasm_bindgen]
impl Session {
    /// The plan of `algorithm` with the least period at its best `k ≤ devices`, for equal
    /// devices or the mixed `cluster` (the CLI's short form; empty for equal devices);
    /// throws the core's message when the work is over the limit or nothing fits.
    #[wasm_bindgen(js_name = solveStream)]
    pub fn solve_stream(
        &self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        cluster: &str,
        algorithm: &str,
    ) -> Result<JsValue, JsError> {
        let (algorithm, env) =
            self.fitted((devices, bandwidth_mbps, gflops, cluster), algorithm)?;
        to_js(&solver::solve_throughput(self.planner.network(), &env, algorithm).map_err(err)?)
    }
}
