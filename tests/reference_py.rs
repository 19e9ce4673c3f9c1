//! The Rust solver against `benches/reference.py`, a second, independent and
//! straightforward Python implementation of the spec (see `benches/README.md`): for the
//! chain zoo models, every `k`'s completion time, blocks and cases, and the best `k`.
//!
//! It needs `python3` (scripts/setup.sh installs it). Without it the test fails, unless
//! `COOPAI_SKIP_PYREF=1` is set, and then it says loudly that it did not run.

use std::path::{Path, PathBuf};
use std::process::Command;

use coopai::cost::Environment;
use coopai::model::{json, zoo, Network};
use coopai::solver::{partition, solve, Algorithm};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn model_file(name: &str) -> PathBuf {
    root().join("benches/models").join(format!("{name}.json"))
}

const CHAIN_ZOO: [&str; 4] = ["tiny", "alexnet", "vgg16", "vgg19"];

/// `None` when python3 is missing and the skip was asked for.
fn python() -> Option<&'static str> {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("python3");
    }
    if std::env::var_os("COOPAI_SKIP_PYREF").is_some_and(|v| v == "1") {
        eprintln!(
            "\n!!!! SKIPPED tests/reference_py.rs: python3 not found (COOPAI_SKIP_PYREF=1) !!!!\n"
        );
        return None;
    }
    panic!(
        "python3 not found: the Python reference cannot run. Install python3 \
         (scripts/setup.sh does) or set COOPAI_SKIP_PYREF=1 to skip this test"
    );
}

#[test]
fn the_reference_models_are_the_zoo_models() {
    for name in CHAIN_ZOO {
        let text = std::fs::read_to_string(model_file(name)).unwrap();
        let parsed = json::parse_model(&text).unwrap();
        assert_eq!(
            parsed,
            zoo::by_name(name).unwrap(),
            "benches/models/{name}.json differs from the zoo's {name}"
        );
    }
}

fn reference(
    py: &str,
    file: &Path,
    setting: (u32, f64, f64),
    algorithm: Algorithm,
) -> serde_json::Value {
    let (devices, mbps, gflops) = setting;
    let out = Command::new(py)
        .arg(root().join("benches/reference.py"))
        .arg(file)
        .args(["--devices", &devices.to_string()])
        .args(["--bandwidth", &mbps.to_string()])
        .args(["--gflops", &gflops.to_string()])
        .args(["--algorithm", algorithm.name(), "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "benches/reference.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

#[test]
fn rust_and_python_agree_on_every_k() {
    let Some(py) = python() else { return };
    // The paper's RP4 setting, and settings where devices go idle (more devices than
    // rows or outputs) and where compute or transfer dominates.
    let mut runs: Vec<(&str, (u32, f64, f64), Algorithm)> = Vec::new();
    for name in CHAIN_ZOO {
        for algorithm in [Algorithm::Mls, Algorithm::Sls] {
            runs.push((name, (10, 100.0, 13.6), algorithm));
        }
    }
    runs.push(("tiny", (64, 1000.0, 100.0), Algorithm::Mls));
    runs.push(("alexnet", (16, 400.0, 5.0), Algorithm::Mls));
    runs.push(("vgg16", (12, 40.0, 13.6), Algorithm::Mls));
    let mut mismatches = Vec::new();
    for (name, setting, algorithm) in runs {
        let (devices, mbps, gflops) = setting;
        let env = Environment::new(devices, mbps, gflops).unwrap();
        let net = Network::new(&zoo::by_name(name).unwrap()).unwrap();
        let py_plan = reference(py, &model_file(name), setting, algorithm);
        let what = format!(
            "{name} D={devices} G={mbps} F={gflops} {}",
            algorithm.name()
        );
        let plan = solve(&net, &env, algorithm);
        if py_plan["devices"] != plan.devices {
            mismatches.push(format!(
                "{what}: best k rust {} python {}",
                plan.devices, py_plan["devices"]
            ));
        }
        for (k, py_k) in (1..=devices).zip(py_plan["per_k"].as_array().unwrap()) {
            let rust = partition(&net, &env, k, algorithm);
            let py_t = py_k["completion_s"].as_f64().unwrap();
            if !close(rust.completion_s, py_t) {
                mismatches.push(format!(
                    "{what} k={k}: T rust {} python {py_t}",
                    rust.completion_s
                ));
            }
            let rust_blocks: Vec<String> = rust
                .blocks
                .iter()
                .map(|b| format!("{}-{}:{}", b.first, b.last, b.case.name()))
                .collect();
            let py_blocks: Vec<String> = py_k["blocks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    format!(
                        "{}-{}:{}",
                        b["first"],
                        b["last"],
                        b["case"].as_str().unwrap()
                    )
                })
                .collect();
            if rust_blocks != py_blocks {
                mismatches.push(format!(
                    "{what} k={k}: blocks rust {rust_blocks:?} python {py_blocks:?}"
                ));
                continue;
            }
            for (b, pb) in rust.blocks.iter().zip(py_k["blocks"].as_array().unwrap()) {
                let py_e = pb["completion_s"].as_f64().unwrap();
                if !close(b.timing.total(), py_e) {
                    mismatches.push(format!(
                        "{what} k={k} block {}-{}: e rust {} python {py_e}",
                        b.first,
                        b.last,
                        b.timing.total()
                    ));
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "the Rust solver and benches/reference.py disagree:\n{}",
        mismatches.join("\n")
    );
}
