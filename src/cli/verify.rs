//! `coopai verify`: runs the plan that `solve` returns on real tensors (seeded weights
//! and input) and checks every round against the unsliced model and the cost model.
//! The report goes to standard output; a mismatch is then a [`CliError`] (exit 2).

use std::ffi::OsStr;
use std::io::Write;
use std::time::Instant;

use super::args::SettingArgs;
use super::setting::{parsed, Setting};
use super::{table, CliError};
use crate::execute::{scaled, verify, VerifyReport};
use crate::solver::{admit, solve, Workload};

/// Solves (the solve's work checked first), then runs the plan; `execute::verify`
/// refuses a run whose estimated work or memory is over its budget before it starts.
pub fn run(
    setting: &SettingArgs,
    scale: Option<&OsStr>,
    seed: Option<&OsStr>,
    json: bool,
) -> Result<String, CliError> {
    let s = Setting::from_args(setting)?;
    let scale = parsed("scale", scale, 1u32, "a whole number of at least 1")?;
    let seed = parsed("seed", seed, 1u64, "a whole number")?;
    let net = scaled(&s.net, scale).map_err(|e| CliError(format!("--scale {scale}: {e}")))?;
    admit(&net, &s.env, Workload::Solve(s.algorithm)).map_err(|e| CliError(e.0))?;
    let plan = solve(&net, &s.env, s.algorithm);
    let start = Instant::now();
    let report = verify(&net, &plan, seed).map_err(|e| CliError(format!("verify: {e}")))?;
    let seconds = start.elapsed().as_secs_f64();
    let input = net.input;
    let out = if json {
        serde_json::to_string_pretty(&report).expect("a report serialises") + "\n"
    } else {
        format!(
            "{} at {}×{}×{}, {} on k = {} devices, seed {seed}: ran in {seconds:.2} s\n\n{}",
            report.model,
            input.height,
            input.width,
            input.channels,
            report.algorithm.name().to_uppercase(),
            report.devices,
            render(&report)
        )
    };
    if report.ok {
        return Ok(out);
    }
    // The report is the evidence, so it is printed even though the command fails.
    let _ = std::io::stdout().write_all(out.as_bytes());
    let bad: Vec<String> = report
        .rounds
        .iter()
        .filter(|r| !r.ok)
        .map(|r| r.round.to_string())
        .collect();
    Err(CliError(format!(
        "verification failed in round(s) {}",
        bad.join(", ")
    )))
}

fn render(report: &VerifyReport) -> String {
    let rows: Vec<Vec<String>> = report
        .rounds
        .iter()
        .map(|r| {
            let traffic = if r.traffic_ok {
                "= plan".to_string()
            } else {
                r.devices
                    .iter()
                    .filter(|d| !d.ok)
                    .map(|d| {
                        let (c, p) = (d.counted, d.planned);
                        format!(
                            "device {}: counted {}/{}/{} planned {}/{}/{}",
                            d.device, c.ti, c.tau, c.to, p.ti, p.tau, p.to
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let moved: u64 = r
                .devices
                .iter()
                .map(|d| d.counted.ti + d.counted.tau + d.counted.to)
                .sum();
            let resent: u64 = r.devices.iter().map(|d| d.resent).sum();
            vec![
                r.round.to_string(),
                if r.first == r.last {
                    r.first.to_string()
                } else {
                    format!("{}-{}", r.first, r.last)
                },
                r.case.name().to_string(),
                format!("{:.3e}", r.max_abs_diff),
                format!("{:.3e}", r.max_abs_value),
                if r.within_bound { "yes" } else { "NO" }.to_string(),
                moved.to_string(),
                resent.to_string(),
                traffic,
            ]
        })
        .collect();
    let mut out = table::text(
        &[
            "round",
            "layers",
            "case",
            "max |diff|",
            "max |value|",
            "within bound",
            "elements moved",
            "of which re-sent",
            "traffic (ti/τo/to)",
        ],
        &rows,
    );
    out += &format!(
        "\n{}: largest difference of the final output {:.3e}\n",
        if report.ok { "ok" } else { "MISMATCH" },
        report.max_abs_diff
    );
    let (e, m) = (report.estimate, report.measured);
    out += &format!(
        "budget: {:.3e} operations and {:.1} MiB estimated before the run, {:.3e} and \
         {:.1} MiB counted\n",
        e.work as f64,
        e.peak_bytes as f64 / 1048576.0,
        m.work as f64,
        m.peak_bytes as f64 / 1048576.0
    );
    out
}
