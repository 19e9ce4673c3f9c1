//! `coopai bench`: how long a full MLS solve (every k in 1..D, plan detailed) takes.
//! A benchmark that reports numbers; nothing here is asserted.

use std::time::{Duration, Instant};

use super::{table, CliError};
use crate::cost::Environment;
use crate::model::{zoo, Conv, Fc, Layer, Model, Network, Shape};
use crate::solver::{solve, Algorithm};

pub fn run(markdown: bool) -> Result<String, CliError> {
    let mut cases: Vec<(Network, u32)> = Vec::new();
    for name in zoo::NAMES {
        let net = Network::new(&zoo::by_name(name).expect("zoo name")).expect("zoo is valid");
        cases.push((net.clone(), 10));
        cases.push((net, 64));
    }
    cases.push((Network::new(&synthetic_chain()).expect("valid chain"), 64));
    let rows: Vec<Vec<String>> = cases
        .iter()
        .map(|(net, d)| {
            let env = Environment::raspberry_pi4(*d);
            let times = time(|| {
                std::hint::black_box(solve(net, &env, Algorithm::Mls));
            });
            vec![
                net.name.clone(),
                net.len().to_string(),
                d.to_string(),
                times.len().to_string(),
                format_ms(median(&times)),
                format_ms(times[times.len() * 95 / 100]),
            ]
        })
        .collect();
    let render = if markdown {
        table::markdown
    } else {
        table::text
    };
    Ok(render(
        &["model", "layers", "D", "runs", "median (ms)", "p95 (ms)"],
        &rows,
    ))
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
    }
}

/// Sorted run times: at least 5 runs, then until a second has passed or 1,000 runs.
fn time(mut f: impl FnMut()) -> Vec<Duration> {
    let start = Instant::now();
    let mut times = Vec::new();
    while times.len() < 5 || (start.elapsed() < Duration::from_secs(1) && times.len() < 1000) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    times
}

fn median(times: &[Duration]) -> Duration {
    times[times.len() / 2]
}

fn format_ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}
