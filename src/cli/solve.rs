//! `coopai solve`: the best plan for one setting, as a table or as JSON.

use super::args::SettingArgs;
use super::setting::Setting;
use super::{table, CliError};
use crate::solver::{admit, dp_table, solve, Plan, Workload};

/// `dp`: with `json`, the plan and the table of eq. (2) at its k (the page's DP view).
pub fn run(setting: &SettingArgs, json: bool, dp: bool) -> Result<String, CliError> {
    let s = Setting::from_args(setting)?;
    admit(&s.net, &s.env, Workload::Solve(s.algorithm)).map_err(|e| CliError(e.0))?;
    let plan = solve(&s.net, &s.env, s.algorithm);
    if json && dp {
        let dp = dp_table(&s.net, &s.env, plan.devices, s.algorithm);
        let both = serde_json::json!({ "plan": plan, "dp": dp });
        return Ok(serde_json::to_string_pretty(&both).expect("a table serialises") + "\n");
    }
    if json {
        return Ok(serde_json::to_string_pretty(&plan).expect("a plan serialises") + "\n");
    }
    Ok(render(&plan))
}

/// `3 × 13.6 GFLOPS, 1 × 50 GFLOPS @ 2048 MB`: runs of equal devices in the given order.
fn cluster_summary(p: &Plan) -> String {
    let mut groups: Vec<(usize, String)> = Vec::new();
    for d in &p.cluster {
        let mut text = format!("{} GFLOPS", d.gflops);
        if let Some(m) = d.memory_mb {
            text += &format!(" @ {m} MB");
        }
        if let Some(l) = d.link_mbps {
            text += &format!(", {l} Mbps link");
        }
        match groups.last_mut() {
            Some((n, t)) if *t == text => *n += 1,
            _ => groups.push((1, text)),
        }
    }
    let parts: Vec<String> = groups.iter().map(|(n, t)| format!("{n} × {t}")).collect();
    parts.join(", ")
}

fn render(p: &Plan) -> String {
    let devices = if p.environment.cluster.is_some() {
        format!(
            "a cluster of {} devices ({})",
            p.environment.devices,
            cluster_summary(p)
        )
    } else {
        format!(
            "up to {} devices, {} GFLOPS per device",
            p.environment.devices, p.environment.gflops
        )
    };
    let mut out = format!(
        "{} ({} layers, {:.2} GFLOPs, {:.2} M parameters), {}\n\
         setting: {devices}, {} Mbps gateway\n\
         best: k = {} devices, {:.4} s (compute {:.4} s + transfer {:.4} s) in {} rounds\n\n",
        p.model.name,
        p.model.layers,
        p.model.flops as f64 / 1e9,
        p.model.params as f64 / 1e6,
        p.algorithm.name().to_uppercase(),
        p.environment.bandwidth_mbps,
        p.devices,
        p.completion_s,
        p.compute_s,
        p.transfer_s,
        p.blocks.len(),
    );
    if p.environment.cluster.is_some() {
        // A mixed cluster: say which devices the best plan uses, fastest first.
        if let Some(b) = p.blocks.first() {
            let used: Vec<String> = b
                .devices
                .iter()
                .map(|d| format!("{} ({} GFLOPS)", p.cluster[d.device].name, d.gflops))
                .collect();
            out += &format!("devices used, fastest first: {}\n\n", used.join(", "));
        }
    }
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
                p.cluster[b.devices[b.critical_device].device].name.clone(),
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
