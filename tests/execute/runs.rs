//! What the executor's chain and branching-model tests share: equal devices at a
//! bandwidth, and the line each full-size release run prints (`--ignored --nocapture`,
//! for the README's and `docs/verify.md`'s tables).

use coopai::cost::Environment;
use coopai::execute::VerifyReport;
use coopai::model::Network;
use coopai::solver::Plan;

/// `devices` Raspberry Pi 4s (13.6 GFLOPS) at `bandwidth_mbps`.
pub fn env(devices: u32, bandwidth_mbps: f64) -> Environment {
    Environment::new(devices, bandwidth_mbps, 13.6).unwrap()
}

/// The model, its input size, the setting (`what`), `k`, the rounds, the time and the
/// final difference from the unsliced pass.
pub fn run_line(net: &Network, plan: &Plan, what: &str, seconds: f64, r: &VerifyReport) -> String {
    format!(
        "{} {}×{}, {what}, k = {}, {} rounds: {seconds:.2} s, final |diff| {:.2e}",
        net.name,
        net.input.height,
        net.input.width,
        plan.devices,
        plan.blocks.len(),
        r.max_abs_diff
    )
}
