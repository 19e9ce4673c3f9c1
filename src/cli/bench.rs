//! `coopai bench`: how long a full MLS solve (every k in 1..D, plan detailed) takes,
//! cold (a fresh solve) and warm (the planner's re-solve after a bandwidth change).
//! A benchmark that reports numbers; nothing here is asserted.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::{table, CliError};
use crate::cost::Environment;
use crate::model::{zoo, Conv, Fc, Layer, Model, Network, Shape};
use crate::solver::{solve, Algorithm, Planner};

/// One benchmark row (`--json` prints an array of them); times are medians.
#[derive(Serialize)]
struct Row {
    model: String,
    layers: usize,
    devices: u32,
    cold_ms: f64,
    warm_ms: f64,
    /// Runs behind each median.
    cold_runs: usize,
    warm_runs: usize,
}

pub fn run(markdown: bool, json: bool) -> Result<String, CliError> {
    let mut cases: Vec<(Network, u32)> = Vec::new();
    for name in zoo::NAMES {
        let net = Network::new(&zoo::by_name(name).expect("zoo name")).expect("zoo is valid");
        for d in [10, 32, 64] {
            cases.push((net.clone(), d));
        }
    }
    cases.push((Network::new(&synthetic_chain()).expect("valid chain"), 64));
    let rows: Vec<Row> = cases.iter().map(|(net, d)| measure(net, *d)).collect();
    if json {
        return serde_json::to_string_pretty(&rows).map_err(|e| CliError(e.to_string()));
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.model.clone(),
                r.layers.to_string(),
                r.devices.to_string(),
                format!("{:.3}", r.cold_ms),
                format!("{:.3}", r.warm_ms),
            ]
        })
        .collect();
    Ok(table::renderer(markdown)(
        &["model", "layers", "D", "cold (ms)", "warm (ms)"],
        &cells,
    ))
}

/// Cold: `solve` from nothing. Warm: the planner, its cache filled once, re-solving as
/// the bandwidth moves between two values (every run is a change).
fn measure(net: &Network, devices: u32) -> Row {
    let env = |mbps| Environment {
        bandwidth_mbps: mbps,
        ..Environment::raspberry_pi4(devices)
    };
    let cold = time(|| {
        std::hint::black_box(solve(net, &env(100.0), Algorithm::Mls));
    });
    let mut planner = Planner::new(net.clone());
    planner.solve(&env(100.0), Algorithm::Mls);
    let mut n = 0;
    let warm = time(|| {
        n += 1;
        let mbps = if n % 2 == 0 { 100.0 } else { 150.0 };
        std::hint::black_box(planner.solve(&env(mbps), Algorithm::Mls));
    });
    Row {
        model: net.name.clone(),
        layers: net.len(),
        devices,
        cold_ms: median_ms(&cold),
        warm_ms: median_ms(&warm),
        cold_runs: cold.len(),
        warm_runs: warm.len(),
    }
}

/// 297 3×3 CLs (pools after the 100th and 200th) and 3 FLs: 300 layers.
pub fn synthetic_chain() -> Model {
    let mut layers: Vec<Layer> = (1..=297)
        .map(|n| {
            let c = Conv::same(16, 3);
            Layer::Conv(if n % 100 == 0 { c.with_pool(2, 2) } else { c })
        })
        .collect();
    layers.extend([256, 128, 10].map(|outputs| Layer::Fc(Fc { outputs })));
    Model {
        name: "chain300".into(),
        input: Shape::new(64, 64, 16),
        layers,
        passthrough: None,
        inputs: Vec::new(),
        gateway_head: None,
    }
}

/// Run times: at least 5 runs, then until a second has passed or 1,000 runs.
fn time(mut f: impl FnMut()) -> Vec<Duration> {
    let start = Instant::now();
    let mut times = Vec::new();
    while times.len() < 5 || (start.elapsed() < Duration::from_secs(1) && times.len() < 1000) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times
}

fn median_ms(times: &[Duration]) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2].as_secs_f64() * 1e3
}
