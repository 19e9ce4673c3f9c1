//! `coopai solve`: the best plan for one setting, as a table or as JSON; for one
//! picture's latency or a stream's throughput, and for MLS, SLS or both.

use super::args::SettingArgs;
use super::setting::Setting;
use super::{table, CliError};
use crate::cost::Environment;
use crate::model::Network;
use crate::solver::{
    admit, dp_table, solve, solve_throughput, Algorithm, Objective, Plan, Workload,
};

/// `dp`: with `json`, the plan and the table of eq. (2) at its k (the page's DP view).
pub fn run(setting: &SettingArgs, json: bool, dp: bool) -> Result<String, CliError> {
    let s = Setting::from_args(setting)?;
    if dp && (s.both || s.objective == Objective::Throughput) {
        return Err(CliError(
            "--dp shows the table of eq. (2) for one latency plan: give it without \
             --algorithm both and --objective throughput"
                .into(),
        ));
    }
    if s.both {
        return both(&s, json);
    }
    let plan = plan_for(&s.net, &s.env, s.algorithm, s.objective)?;
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

/// The best plan of `algorithm` for `objective`, its work checked first.
pub(super) fn plan_for(
    net: &Network,
    env: &Environment,
    algorithm: Algorithm,
    objective: Objective,
) -> Result<Plan, CliError> {
    match objective {
        Objective::Latency => {
            admit(net, env, Workload::Solve(algorithm)).map_err(|e| CliError(e.0))?;
            Ok(solve(net, env, algorithm))
        }
        Objective::Throughput => solve_throughput(net, env, algorithm).map_err(CliError),
    }
}

/// What a plan is judged by for `objective`: its completion time or its period.
fn measure(p: &Plan, objective: Objective) -> f64 {
    match objective {
        Objective::Latency => p.completion_s,
        Objective::Throughput => p.stream.period_s,
    }
}

/// `--algorithm both`: the MLS and SLS plans for the same objective, and how much MLS
/// saves (`100 · (SLS − MLS) / SLS` of the objective's measure; `null` when SLS has no
/// plan that fits).
fn both(s: &Setting, json: bool) -> Result<String, CliError> {
    let mls = plan_for(&s.net, &s.env, Algorithm::Mls, s.objective)?;
    let sls = plan_for(&s.net, &s.env, Algorithm::Sls, s.objective)?;
    let (m, l) = (measure(&mls, s.objective), measure(&sls, s.objective));
    let saving = (l.is_finite() && l > 0.0).then(|| 100.0 * (l - m) / l);
    if json {
        let out = serde_json::json!({
            "objective": s.objective,
            "mls": mls,
            "sls": sls,
            "saving_vs_sls_pct": saving,
        });
        return Ok(serde_json::to_string_pretty(&out).expect("plans serialise") + "\n");
    }
    let what = match s.objective {
        Objective::Latency => "completion time",
        Objective::Throughput => "period",
    };
    let saving = saving.map_or("no SLS plan fits".into(), |p| format!("{p:.2} %"));
    Ok(format!(
        "{}\n{}\nMLS saves {saving} of SLS's {what} ({m:.4} s against {l:.4} s)\n",
        render(&mls),
        render(&sls)
    ))
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

/// The plan as text: its setting and best k, then the best plan at every k and its rounds.
fn render(p: &Plan) -> String {
    let mut out = summary(p);
    if let Some(head) = &p.gateway_head {
        out += &format!("{}\n\n", head.describe());
    }
    // A mixed cluster: say which devices the best plan uses, fastest first.
    if let (Some(_), Some(b)) = (&p.environment.cluster, p.blocks.first()) {
        let used: Vec<String> = (b.devices.iter())
            .map(|d| format!("{} ({} GFLOPS)", p.cluster[d.device].name, d.gflops))
            .collect();
        out += &format!("devices used, fastest first: {}\n\n", used.join(", "));
    }
    out + &per_k(p) + "\n" + &rounds(p)
}

/// The best plan at every k.
fn per_k(p: &Plan) -> String {
    let rows: Vec<Vec<String>> = (p.per_k.iter())
        .map(|k| {
            let mut row = vec![k.devices.to_string()];
            row.extend(table::seconds([k.completion_s, k.compute_s, k.transfer_s]));
            row.push(k.blocks.to_string());
            row
        })
        .collect();
    let headers = ["k", "time (s)", "compute (s)", "transfer (s)", "blocks"];
    table::text(&headers, &rows)
}

/// The best plan's rounds, each with its slowest device.
fn rounds(p: &Plan) -> String {
    let rows: Vec<Vec<String>> = (p.blocks.iter())
        .map(|b| {
            let mut row = vec![b.round.to_string(), table::layers(b.first, b.last)];
            row.push(b.case.name().to_string());
            row.extend(table::seconds([b.completion_s, b.compute_s, b.transfer_s]));
            row.push(p.cluster[b.devices[b.critical_device].device].name.clone());
            row
        })
        .collect();
    let headers = [
        "round",
        "layers",
        "case",
        "time (s)",
        "compute (s)",
        "transfer (s)",
        "slowest device",
    ];
    table::text(&headers, &rows)
}

/// The model, the setting and the best plan's time, in a paragraph.
fn summary(p: &Plan) -> String {
    let env = &p.environment;
    let devices = if env.cluster.is_some() {
        format!(
            "a cluster of {} devices ({})",
            env.devices,
            cluster_summary(p)
        )
    } else {
        format!(
            "up to {} devices, {} GFLOPS per device",
            env.devices, env.gflops
        )
    };
    format!(
        "{} ({} layers, {:.2} GFLOPs, {:.2} M parameters), {}\n\
         setting: {devices}, {} Mbps gateway\n\
         best: k = {} devices, {:.4} s (compute {:.4} s + transfer {:.4} s) in {} rounds\n{}\n",
        p.model.name,
        p.model.layers,
        p.model.flops as f64 / 1e9,
        p.model.params as f64 / 1e6,
        p.algorithm.name().to_uppercase(),
        env.bandwidth_mbps,
        p.devices,
        p.completion_s,
        p.compute_s,
        p.transfer_s,
        p.blocks.len(),
        stream_line(p),
    )
}

/// For a throughput plan, the stream it was chosen for (`docs/spec-stream.md`).
fn stream_line(p: &Plan) -> String {
    if p.objective != Objective::Throughput {
        return String::new();
    }
    let s = &p.stream;
    let compute: f64 = s.rounds.iter().map(|r| r.compute_s).sum();
    let transfer: f64 = s.rounds.iter().map(|r| r.transfer_s).sum();
    format!(
        "planned for a stream: period {:.4} s = max(compute {compute:.4} s, transfer \
         {transfer:.4} s), {:.2} frames/s, frame latency {:.4} s, {} frames in flight\n",
        s.period_s, s.throughput_fps, s.latency_s, s.frames_in_flight
    )
}
