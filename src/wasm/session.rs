//! The page's stateful planner: one model, read and validated once, whose DP candidates
//! are kept between calls, so that a slider drag re-solves from the cache (see
//! `solver::Planner`) instead of re-reading the model and re-walking every block.

use wasm_bindgen::prelude::*;

use super::{err, parse_algorithm, to_js, whole_devices};
use crate::cost::Environment;
use crate::solver::{self, Algorithm, Planner, Workload};

#[wasm_bindgen]
pub struct Session {
    planner: Planner,
}

#[wasm_bindgen]
impl Session {
    /// Reads a zoo name or a model file's text; throws the core's error.
    #[wasm_bindgen(constructor)]
    pub fn new(source: &str) -> Result<Session, JsError> {
        Ok(Session {
            planner: Planner::new(super::load(source)?),
        })
    }

    /// The validated network: every layer's shapes, FLOPs and parameters, and YOLOv2's
    /// passthrough branch.
    pub fn describe(&self) -> Result<JsValue, JsError> {
        to_js(self.planner.network())
    }

    /// The model in the project's JSON (compact), as `importModel` writes it: the "Your
    /// model" panel's starting point, without loading the importers' build.
    #[wasm_bindgen(js_name = modelJson)]
    pub fn model_json(&self) -> Result<String, JsError> {
        serde_json::to_string(&self.planner.network().model).map_err(err)
    }

    /// The detailed plan of `algorithm` (`"mls"` or `"sls"`) at its best `k ≤ devices`.
    pub fn solve(
        &mut self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        algorithm: &str,
    ) -> Result<JsValue, JsError> {
        let (algorithm, env) = self.solving(devices, bandwidth_mbps, gflops, algorithm)?;
        to_js(&self.planner.solve(&env, algorithm))
    }

    /// Computes what a solve at this setting needs for `k` devices and keeps it, so a
    /// long cold solve can run one `k` per task (the page's worker reports progress and
    /// drops superseded inputs between them); the following `solve` is then warm.
    /// Returns whether the `k` was kept: not once the planner's cache is full, when
    /// `solve` walks that `k` again itself.
    pub fn prepare(
        &mut self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        algorithm: &str,
        k: f64,
    ) -> Result<bool, JsError> {
        let (algorithm, env) = self.solving(devices, bandwidth_mbps, gflops, algorithm)?;
        let k = whole_k(k, env.devices)?;
        self.planner.partition(&env, k, algorithm);
        Ok(self.planner.holds(k, algorithm))
    }

    /// The table of eq. (2) for `k` devices (the page's DP view): every candidate block
    /// the DP compared for each end layer, what it kept, and the optimal chain. Walked
    /// cold (the table shows every candidate, which the cache does not keep), but the
    /// model is not read again.
    #[wasm_bindgen(js_name = dpTable)]
    pub fn dp_table(
        &self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        algorithm: &str,
        k: f64,
    ) -> Result<JsValue, JsError> {
        let (algorithm, env) = self.solving(devices, bandwidth_mbps, gflops, algorithm)?;
        let k = whole_k(k, env.devices)?;
        to_js(&solver::dp_table(
            self.planner.network(),
            &env,
            k,
            algorithm,
        ))
    }

    /// MLS and SLS for every `k` in `1..=devices` (the paper's Fig. 8) and the savings.
    pub fn compare(
        &mut self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
    ) -> Result<JsValue, JsError> {
        let env = self.environment(devices, bandwidth_mbps, gflops, Workload::Compare)?;
        to_js(&self.planner.compare(&env))
    }

    /// MLS and SLS at their best `k` for each bandwidth in Mbps (the paper's Fig. 9);
    /// cheap once the candidates for these `k`s are cached.
    #[wasm_bindgen(js_name = sweepBandwidth)]
    pub fn sweep_bandwidth(
        &mut self,
        devices: f64,
        gflops: f64,
        bandwidths_mbps: Vec<f64>,
    ) -> Result<JsValue, JsError> {
        let points = bandwidths_mbps.len();
        let env = self.environment(devices, 1.0, gflops, Workload::Sweep { points })?;
        for &g in &bandwidths_mbps {
            Environment::new(env.devices, g, env.gflops).map_err(err)?;
        }
        to_js(&self.planner.sweep_bandwidth(&env, &bandwidths_mbps))
    }

    /// Throws, at once, when the Fig. 9 sweep of `points` bandwidths would be over the
    /// work limit (the page then runs it one bandwidth per task, each cheap alone).
    #[wasm_bindgen(js_name = checkSweep)]
    pub fn check_sweep(&self, devices: f64, gflops: f64, points: usize) -> Result<(), JsError> {
        self.environment(devices, 1.0, gflops, Workload::Sweep { points })
            .map(|_| ())
    }

    /// A checked environment, refused when `work` would take too long (the estimate of
    /// a cold solve: the cache only makes it cheaper).
    /// The algorithm named and the setting, checked against the work of solving it.
    fn solving(
        &self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        algorithm: &str,
    ) -> Result<(Algorithm, Environment), JsError> {
        let algorithm = parse_algorithm(algorithm)?;
        let env = self.environment(devices, bandwidth_mbps, gflops, Workload::Solve(algorithm))?;
        Ok((algorithm, env))
    }

    fn environment(
        &self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        work: Workload,
    ) -> Result<Environment, JsError> {
        let env = Environment::new(whole_devices(devices)?, bandwidth_mbps, gflops).map_err(err)?;
        solver::admit(self.planner.network(), &env, work).map_err(err)?;
        Ok(env)
    }
}

/// A `k` from JS: a whole number from 1 to `devices`.
pub(super) fn whole_k(k: f64, devices: u32) -> Result<u32, JsError> {
    if k.fract() == 0.0 && k >= 1.0 && k <= f64::from(devices) {
        Ok(k as u32)
    } else {
        Err(JsError::new(&format!(
            "k must be a whole number from 1 to {devices}, found {k}"
        )))
    }
}
