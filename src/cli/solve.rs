//! `coopai solve`: the best plan for one setting, as a table or as JSON.

use super::args::SettingArgs;
use super::setting::Setting;
use super::{table, CliError};
use crate::solver::{check_work, solve, Plan, Workload};

pub fn run(setting: &SettingArgs, json: bool) -> Result<String, CliError> {
    let s = Setting::from_args(setting)?;
    check_work(&s.net, &s.env, Workload::Solve(s.algorithm)).map_err(|e| CliError(e.0))?;
    let plan = solve(&s.net, &s.env, s.algorithm);
    if json {
        return Ok(serde_json::to_string_pretty(&plan).expect("a plan serialises") + "\n");
    }
    Ok(render(&plan))
}

fn render(p: &Plan) -> String {
    let mut out = format!(
        "{} ({} layers, {:.2} GFLOPs, {:.2} M parameters), {}\n\
         setting: up to {} devices, {} Mbps gateway, {} GFLOPS per device\n\
         best: k = {} devices, {:.4} s (compute {:.4} s + transfer {:.4} s) in {} rounds\n\n",
        p.model.name,
        p.model.layers,
        p.model.flops as f64 / 1e9,
        p.model.params as f64 / 1e6,
        p.algorithm.name().to_uppercase(),
        p.environment.devices,
        p.environment.bandwidth_mbps,
        p.environment.gflops,
        p.devices,
        p.completion_s,
        p.compute_s,
        p.transfer_s,
        p.blocks.len(),
    );
    let rows: Vec<Vec<String>> = p
        .per_k
        .iter()
        .map(|k| {
            vec![
                k.devices.to_string(),
                format!("{:.4}", k.completion_s),
                format!("{:.4}", k.compute_s),
                format!("{:.4}", k.transfer_s),
                k.blocks.to_string(),
            ]
        })
        .collect();
    out += &table::text(
        &["k", "time (s)", "compute (s)", "transfer (s)", "blocks"],
        &rows,
    );
    out += "\n";
    let rows: Vec<Vec<String>> = p
        .blocks
        .iter()
        .map(|b| {
            vec![
                b.round.to_string(),
                if b.first == b.last {
                    b.first.to_string()
                } else {
                    format!("{}-{}", b.first, b.last)
                },
                b.case.name().to_string(),
                format!("{:.4}", b.completion_s),
                format!("{:.4}", b.compute_s),
                format!("{:.4}", b.transfer_s),
                (b.critical_device + 1).to_string(),
            ]
        })
        .collect();
    out += &table::text(
        &[
            "round",
            "layers",
            "case",
            "time (s)",
            "compute (s)",
            "transfer (s)",
            "slowest device",
        ],
        &rows,
    );
    out
}
