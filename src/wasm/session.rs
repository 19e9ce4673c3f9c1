//! The page's one way into the solvers: one model, read and validated once, whose DP
//! candidates are kept between calls, so that a slider drag re-solves from the cache
//! (see `solver::Planner`) instead of re-reading the model and re-walking every block.
//!
//! Every method takes the setting as `devices, bandwidth_mbps, gflops, cluster`: with
//! `cluster` empty, `devices` equal devices of `gflops`; otherwise `cluster` is a mixed
//! cluster in the CLI's `--cluster` short form (`4x13.6,1x50@2048`, read by
//! [`cluster_spec::parse_short`]) and `devices` and `gflops` are not read. A mixed
//! cluster's plans pass the same memory check as the CLI's.

use wasm_bindgen::prelude::*;

use super::{err, parse_algorithm, parse_objective, to_js, whole_devices};
use crate::cost::{cluster_spec, Environment};
use crate::model::Network;
use crate::solver::{self, check_memory, Algorithm, Objective, Planner, Workload};

#[wasm_bindgen]
pub struct Session {
    pub(super) planner: Planner,
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

    /// The validated network: every layer's shapes, FLOPs and parameters, YOLOv2's
    /// passthrough branch, `texts`, each layer's kind in words (`Op::text`), so the page
    /// learns a new kind from its one file, and `head`, a detection head the model
    /// leaves to the gateway in words (the network view does not draw it).
    pub fn describe(&self) -> Result<JsValue, JsError> {
        #[derive(serde::Serialize)]
        struct Described<'a> {
            #[serde(flatten)]
            network: &'a Network,
            texts: Vec<String>,
            head: Option<String>,
        }
        let network = self.planner.network();
        let texts = network.layers.iter().map(|l| l.kind.op().text(l)).collect();
        let head = network.model.gateway_head.as_ref().map(|h| h.describe());
        to_js(&Described {
            network,
            texts,
            head,
        })
    }

    /// The model in the project's JSON (compact), as `importModel` writes it: the "Your
    /// model" panel's starting point, without loading the importers' build.
    #[wasm_bindgen(js_name = modelJson)]
    pub fn model_json(&self) -> Result<String, JsError> {
        serde_json::to_string(&self.planner.network().model).map_err(err)
    }

    /// The detailed plan of `algorithm` (`"mls"` or `"sls"`) at its best `k`, planned for
    /// `objective`: `latency` (one picture, from the planner's cache) or `throughput` (a
    /// stream's least period, `docs/spec-stream.md`: its Pareto sets walked cold, each `k`'s
    /// ceiling from the cache).
    pub fn solve(
        &mut self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        cluster: &str,
        algorithm: &str,
        objective: &str,
    ) -> Result<JsValue, JsError> {
        let objective = parse_objective(objective)?;
        let (algorithm, env) =
            self.solving((devices, bandwidth_mbps, gflops, cluster), algorithm)?;
        self.fits(&env, algorithm)?;
        match objective {
            Objective::Latency => to_js(&self.planner.solve(&env, algorithm)),
            Objective::Throughput => to_js(
                &self
                    .planner
                    .solve_throughput(&env, algorithm)
                    .map_err(err)?,
            ),
        }
    }

    /// Walks one `k` a solve at this setting needs and keeps it (`Planner::prepare`), so
    /// that a long cold solve runs one `k` per task; the following `solve` is then warm.
    /// Returns the `k` walked, or 0 when nothing is left to keep (every `k` held, the
    /// cache full, or a mixed cluster, which is solved cold).
    pub fn prepare(
        &mut self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        cluster: &str,
        algorithm: &str,
    ) -> Result<u32, JsError> {
        let (algorithm, env) =
            self.solving((devices, bandwidth_mbps, gflops, cluster), algorithm)?;
        Ok(self.planner.prepare(&env, algorithm).unwrap_or(0))
    }

    /// The table of eq. (2) for the setting's `k` fastest devices (the page's DP view and
    /// "Explain this plan"): every candidate block the DP compared for each end layer,
    /// what it kept, and the optimal chain. Walked cold (the table shows every candidate,
    /// which the cache does not keep), but the model is not read again. No memory check:
    /// the plan it explains passed one, and a table with nothing that fits says so.
    #[wasm_bindgen(js_name = dpTable)]
    pub fn dp_table(
        &self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        cluster: &str,
        algorithm: &str,
        k: f64,
    ) -> Result<JsValue, JsError> {
        let (algorithm, env) =
            self.solving((devices, bandwidth_mbps, gflops, cluster), algorithm)?;
        let k = whole_k(k, env.devices)?;
        to_js(&solver::dp_table(
            self.planner.network(),
            &env,
            k,
            algorithm,
        ))
    }

    /// MLS and SLS for every `k` (the paper's Fig. 8) and the savings.
    pub fn compare(
        &mut self,
        devices: f64,
        bandwidth_mbps: f64,
        gflops: f64,
        cluster: &str,
    ) -> Result<JsValue, JsError> {
        let setting = (devices, bandwidth_mbps, gflops, cluster);
        let env = self.environment(setting, Workload::Compare)?;
        self.fits(&env, Algorithm::Sls)?;
        to_js(&self.planner.compare(&env))
    }

    /// MLS and SLS at their best `k` for each bandwidth in Mbps (the paper's Fig. 9):
    /// cheap on equal devices once the candidates for these `k`s are cached. (Fig. 9 for
    /// a stream is the worker's `solve(…, 'throughput')` plans at each bandwidth.)
    #[wasm_bindgen(js_name = sweepBandwidth)]
    pub fn sweep_bandwidth(
        &mut self,
        devices: f64,
        gflops: f64,
        cluster: &str,
        bandwidths_mbps: Vec<f64>,
    ) -> Result<JsValue, JsError> {
        let points = bandwidths_mbps.len();
        let env = self.environment((devices, 1.0, gflops, cluster), Workload::Sweep { points })?;
        for &g in &bandwidths_mbps {
            at_bandwidth(&env, g)?;
        }
        // Memory does not depend on bandwidth: one check (of MLS and SLS) covers the sweep.
        self.fits(&env, Algorithm::Sls)?;
        to_js(&self.planner.sweep_bandwidth(&env, &bandwidths_mbps))
    }

    /// Throws, at once, when the Fig. 9 sweep of `points` bandwidths would be over the
    /// work limit (the page then runs it one bandwidth per task, each cheap alone).
    #[wasm_bindgen(js_name = checkSweep)]
    pub fn check_sweep(
        &self,
        devices: f64,
        gflops: f64,
        cluster: &str,
        points: usize,
    ) -> Result<(), JsError> {
        self.environment((devices, 1.0, gflops, cluster), Workload::Sweep { points })
            .map(|_| ())
    }

    /// The algorithm named, and the setting within the work of solving it.
    pub(super) fn solving(
        &self,
        setting: Setting,
        algorithm: &str,
    ) -> Result<(Algorithm, Environment), JsError> {
        let algorithm = parse_algorithm(algorithm)?;
        let env = self.environment(setting, Workload::Solve(algorithm))?;
        Ok((algorithm, env))
    }

    /// The setting as an environment, refused when `work` would take too long (the
    /// estimate of a cold solve: the cache only makes it cheaper).
    fn environment(&self, setting: Setting, work: Workload) -> Result<Environment, JsError> {
        let (devices, bandwidth_mbps, gflops, cluster) = setting;
        let env = if cluster.is_empty() {
            Environment::new(whole_devices(devices)?, bandwidth_mbps, gflops)
        } else {
            let cluster = cluster_spec::parse_short(cluster).map_err(err)?;
            Environment::with_cluster(cluster, bandwidth_mbps)
        }
        .map_err(err)?;
        solver::admit(self.planner.network(), &env, work).map_err(err)?;
        Ok(env)
    }

    /// Refuses a mixed cluster with memory limits on which nothing fits, with the
    /// CLI's message (equal devices have no limit).
    pub(super) fn fits(&self, env: &Environment, algorithm: Algorithm) -> Result<(), JsError> {
        check_memory(self.planner.network(), env, algorithm).map_err(err)
    }
}

/// `devices, bandwidth_mbps, gflops, cluster`, as every method takes them.
type Setting<'a> = (f64, f64, f64, &'a str);

/// Checks that the setting is valid at bandwidth `g` too.
fn at_bandwidth(env: &Environment, g: f64) -> Result<(), JsError> {
    match &env.cluster {
        Some(c) => Environment::with_cluster(c.clone(), g),
        None => Environment::new(env.devices, g, env.gflops),
    }
    .map(|_| ())
    .map_err(err)
}

/// A `k` from JS: a whole number from 1 to `devices`.
fn whole_k(k: f64, devices: u32) -> Result<u32, JsError> {
    if k.fract() == 0.0 && k >= 1.0 && k <= f64::from(devices) {
        Ok(k as u32)
    } else {
        Err(JsError::new(&format!(
            "k must be a whole number from 1 to {devices}, found {k}"
        )))
    }
}
