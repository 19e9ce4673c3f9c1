//! `coopai verify`: runs the plan that `solve` returns on real tensors (seeded weights
//! and input) and checks every round against the unsliced model and the cost model.
//! The report goes to standard output; a mismatch is then a [`CliError`] (exit 2).

use std::ffi::OsStr;
use std::io::Write;
use std::time::Instant;

use super::args::SettingArgs;
use super::setting::{parsed, Setting};
use super::{table, CliError};
use crate::execute::{scaled, verify, RoundReport, VerifyReport};
use crate::solver::stream::{simulate, Simulated};
use crate::solver::Objective;

/// Solves (the solve's work checked first), then runs the plan; `execute::verify`
/// refuses a run whose estimated work or memory is over its budget before it starts.
pub fn run(
    setting: &SettingArgs,
    scale: Option<&OsStr>,
    seed: Option<&OsStr>,
    json: bool,
) -> Result<String, CliError> {
    let s = Setting::from_args(setting)?;
    if s.both {
        return Err(CliError(
            "verify runs one plan: give --algorithm mls or sls".into(),
        ));
    }
    let scale = parsed("scale", scale, 1u32, "a whole number of at least 1")?;
    let seed = parsed("seed", seed, 1u64, "a whole number")?;
    let net = scaled(&s.net, scale).map_err(|e| CliError(format!("--scale {scale}: {e}")))?;
    let plan = super::solve::plan_for(&net, &s.env, s.algorithm, s.objective)?;
    let start = Instant::now();
    let report = verify(&net, &plan, seed).map_err(|e| CliError(format!("verify: {e}")))?;
    let seconds = start.elapsed().as_secs_f64();
    // A throughput plan also claims a period: its cyclic schedule, run self-timed.
    let simulated = (s.objective == Objective::Throughput)
        .then(|| simulate(&plan.stream, 2 * plan.stream.frames_in_flight as usize + 8));
    let ok = report.ok && simulated.as_ref().is_none_or(|m| m.ok);
    let out = if json {
        let text = match &simulated {
            Some(m) => serde_json::to_string_pretty(&serde_json::json!({
                "report": report,
                "stream": m,
            })),
            None => serde_json::to_string_pretty(&report),
        };
        text.expect("a report serialises") + "\n"
    } else {
        format!(
            "{} at {}, {} on k = {} devices, seed {seed}: ran in {seconds:.2} s\n\n{}",
            report.model,
            net.input,
            report.algorithm.name().to_uppercase(),
            report.devices,
            render(&report)
        ) + &simulated
            .as_ref()
            .map_or(String::new(), |m| stream_line(plan.stream.period_s, m))
    };
    if ok {
        return Ok(out);
    }
    // The report is the evidence, so it is printed even though the command fails.
    let _ = std::io::stdout().write_all(out.as_bytes());
    Err(failure(&report))
}

/// Which rounds failed, or else that the stream missed its period.
fn failure(report: &VerifyReport) -> CliError {
    let bad: Vec<String> = (report.rounds.iter())
        .filter(|r| !r.ok)
        .map(|r| r.round.to_string())
        .collect();
    CliError(if bad.is_empty() {
        "verification failed: the replayed stream does not keep its planned period".into()
    } else {
        format!("verification failed in round(s) {}", bad.join(", "))
    })
}

/// Every round's row (its output against the unsliced model's, its traffic against
/// the plan's), then the verdict and the budget.
fn render(report: &VerifyReport) -> String {
    let rows: Vec<Vec<String>> = report.rounds.iter().map(round_row).collect();
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
    if let Some(r) = (report.rounds.iter()).find(|r| !r.max_abs_value.is_finite()) {
        out += &format!(
            "the values overflowed f32 in round {} (max |value| {}): nothing can be compared \
             from there on; this seed's random weights and input grow that large through \
             the model (another --seed may not)\n",
            r.round, r.max_abs_value
        );
    }
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

fn round_row(r: &RoundReport) -> Vec<String> {
    let traffic = if r.traffic_ok {
        "= plan".to_string()
    } else {
        let wrong: Vec<String> = (r.devices.iter().filter(|d| !d.ok))
            .map(|d| {
                let (c, p) = (d.counted, d.planned);
                format!(
                    "device {}: counted {}/{}/{} planned {}/{}/{}",
                    d.device, c.ti, c.tau, c.to, p.ti, p.tau, p.to
                )
            })
            .collect();
        wrong.join("; ")
    };
    let moved: u64 = (r.devices.iter())
        .map(|d| d.counted.ti + d.counted.tau + d.counted.to)
        .sum();
    let resent: u64 = r.devices.iter().map(|d| d.resent).sum();
    vec![
        r.round.to_string(),
        table::layers(r.first, r.last),
        r.case.name().to_string(),
        format!("{:.3e}", r.max_abs_diff),
        format!("{:.3e}", r.max_abs_value),
        if r.within_bound { "yes" } else { "NO" }.to_string(),
        moved.to_string(),
        resent.to_string(),
        traffic,
    ]
}

/// The stream's check: the planned period against the one the replay measured.
fn stream_line(planned: f64, m: &Simulated) -> String {
    format!(
        "stream: {}: period {planned:.6} s planned, {:.6} s measured over {} frames \
         replayed as scheduled; largest overlap on a resource {:.3e} s; frames' tasks {}\n",
        if m.ok { "ok" } else { "MISMATCH" },
        m.period_s,
        m.frames,
        m.overlap_s,
        if m.in_order {
            "in order"
        } else {
            "OUT OF ORDER"
        }
    )
}
