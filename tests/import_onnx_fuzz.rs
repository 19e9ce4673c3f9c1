//! Fuzzing the ONNX reader with a seeded SplitMix64 generator (no fuzzing dependency:
//! the importer is a plain function of bytes, and a seed replays any failure).
//!
//! Mutants of the real fixtures (tests/onnx/) and of small built models — byte
//! flips, hostile varints, span deletions, duplications and insertions, truncations —
//! and random bytes are fed to `onnx::load` and `import::load_bytes`: no panic, every
//! error is one line, and every accepted model is within the core's limits and
//! validates again from its own description.
//!
//! The normal test runs a fixed number of mutants. The long run is ignored; run it in
//! release with overflow checks on (an overflow then fails, as in debug):
//! `RUSTFLAGS="-C overflow-checks=on" CARGO_TARGET_DIR=target/fuzz FUZZ_SECONDS=60
//! cargo test --release --test import_onnx_fuzz -- --ignored --nocapture`
//! (seed `FUZZ_SEED`, default 0xc00a1) prints how many executions it made.
#![cfg(feature = "onnx")]

mod common;
mod onnx_support;

use std::time::{Duration, Instant};

use common::Rng;
use coopai::import::{load_bytes, onnx};
use coopai::model::{limits, Network};

/// Byte strings that tend to break protobuf readers.
const TOKENS: [&[u8]; 10] = [
    &[0xff; 10],
    &[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
    &[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f],
    &[0x0b],
    &[0x0c],
    &[
        0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ],
    &[0x3a, 0x00],
    &[0x0a, 0x02, 0x08, 0x00],
    &[0x00],
    &[0x12, 0x04, b'C', b'o', b'n', b'v'],
];

/// Shape arithmetic only (no layer): refused whole, but its mutants exercise the folding.
const FOLD_CASES: &[u8] = include_bytes!("onnx/fold_cases.onnx");

fn seeds() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/onnx");
    let mut seeds: Vec<Vec<u8>> = ["bvlc_alexnet", "squeezenet", "inception_v1", "shufflenet"]
        .iter()
        .map(|f| std::fs::read(format!("{dir}/{f}.onnx")).unwrap())
        .collect();
    // Real exports (detection heads, channels-last blocks, shape arithmetic) and the
    // folding cases.
    for f in [
        "real/yolov8n.classic.onnx",
        "real/convnext_tiny.classic.onnx",
        "real/shufflenet_v2_x1_0.classic.onnx",
        // One [3, H, W] picture and a selection of boxes; TensorFlow's NHWC input.
        "real/ssdlite320_mobilenet_v3_large.classic.onnx",
        "tf2onnx/efficientnetb0.onnx",
    ] {
        seeds.push(std::fs::read(format!("{dir}/{f}")).unwrap());
    }
    seeds.push(FOLD_CASES.to_vec());
    seeds.push(onnx_support::bytes(&onnx_support::small()));
    seeds
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..rng.range(1, 4) {
        let at = rng.below(b.len() + 1);
        match rng.range(0, 5) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.range(0, 7);
            }
            1 => {
                let t = rng.pick(&TOKENS);
                b.splice(at..at, t.iter().copied());
            }
            2 => {
                let end = (at + rng.below(64)).min(b.len());
                b.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(64)).min(b.len());
                let span = b[at..end].to_vec();
                b.splice(at..at, span);
            }
            4 => b.truncate(at),
            _ => {
                let i = rng.below(b.len().max(1));
                if i < b.len() {
                    b[i] = rng.next() as u8;
                }
            }
        }
    }
    b
}

/// One execution: no panic (the harness catches one), a one-line error, or a model
/// that validates again.
fn check(bytes: &[u8]) -> bool {
    for result in [onnx::load(bytes), load_bytes(bytes)] {
        match result {
            Err(e) => {
                let text = e.to_string();
                assert!(!text.is_empty() && !text.contains('\n'), "{text:?}");
            }
            Ok(net) => {
                assert!(net.len() <= limits::MAX_LAYERS);
                assert!(net.flops() <= limits::MAX_FLOPS);
                // The model (with the head the importer left to the gateway) re-validates
                // to the same network; where the file wrote each layer is the import's
                // word on it, not part of the model.
                let plain = Network {
                    sources: Vec::new(),
                    ..net.clone()
                };
                assert_eq!(Network::new(&net.model).as_ref(), Ok(&plain));
                return true;
            }
        }
    }
    false
}

fn run(rng: &mut Rng, seeds: &[Vec<u8>], until: impl Fn(u64) -> bool) -> (u64, u64) {
    let (mut runs, mut accepted) = (0, 0);
    while !until(runs) {
        let bytes = if rng.chance(5) {
            (0..rng.below(256)).map(|_| rng.next() as u8).collect()
        } else {
            let seed = &seeds[rng.below(seeds.len())];
            mutate(rng, seed)
        };
        accepted += u64::from(check(&bytes));
        runs += 1;
    }
    (runs, accepted)
}

#[test]
fn mutated_onnx_never_panics() {
    let mut rng = Rng(0xc00a1);
    let seeds = seeds();
    for s in &seeds {
        assert!(
            check(s) || s.as_slice() == FOLD_CASES,
            "every seed but the folding cases loads"
        );
    }
    let (runs, accepted) = run(&mut rng, &seeds, |n| n >= 1_500);
    assert!(accepted > 0 && accepted < runs, "{accepted} of {runs}");
}

#[test]
#[ignore]
fn long_fuzz_run() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .unwrap_or(0xc00a1);
    let mut rng = Rng(seed);
    let seeds = seeds();
    let start = Instant::now();
    let end = Duration::from_secs(seconds);
    let (runs, accepted) = run(&mut rng, &seeds, |_| start.elapsed() >= end);
    println!(
        "onnx fuzz: {runs} executions ({accepted} accepted) in {:.1} s from seed {seed:#x}",
        start.elapsed().as_secs_f64()
    );
}
