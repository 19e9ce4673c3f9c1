//! Property tests with a seeded SplitMix64 generator (no fuzzing dependency needed):
//!
//! * random valid models written as Darknet cfg and Keras JSON import back exactly;
//! * mutated and random text fed to every importer never panics, and whatever is
//!   accepted is a model within the core's limits that round-trips through the
//!   project's JSON;
//! * random valid models solve with finite, positive times and MLS ≤ SLS for every k.
//!
//! The normal tests run a fixed, small number of cases. The long run is ignored:
//! `FUZZ_SECONDS=60 cargo test --release --test import_fuzz -- --ignored --nocapture`
//! prints how many executions it made and how fast.

mod common;
mod import_support;

use std::time::{Duration, Instant};

use coopai::cost::Environment;
use coopai::import::{darknet, detect_and_load, keras};
use coopai::model::{json, limits, zoo, ModelError, Network};
use coopai::solver::{admit, solve, Algorithm, Workload};
use import_support::{random_model, to_cfg, to_keras, Rng};

/// Tokens that tend to break parsers or reach limits.
const TOKENS: [&str; 28] = [
    "-1",
    "0",
    "1",
    "65536",
    "65537",
    "4294967296",
    "99999999999999999999",
    "NaN",
    "-Infinity",
    "1e400",
    "3.5",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "\n",
    "=",
    "null",
    "é",
    "🚀",
    "\u{0}",
    "[route]\nlayers=-3\n",
    "[maxpool]\nsize=2\nstride=2\n",
    "[reorg]\nstride=2\n",
    "{\"class_name\": \"Conv2D\", \"config\": {}}",
];

/// Texts the mutations start from: the committed zoo files, the hostile corpus, and
/// random models in both formats.
fn seeds(rng: &mut Rng) -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut seeds = Vec::new();
    for dir in ["tests/models", "tests/corpus", "tests/corpus_real/pjreddie"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            seeds.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
    }
    for _ in 0..8 {
        seeds.push(random_dag_cfg(rng));
        seeds.push(random_functional_keras(rng));
        let net = random_model(rng);
        seeds.push(to_cfg(&net.model));
        seeds.push(to_keras(&net.model));
        seeds.push(json::to_json(&net.model));
    }
    seeds
}

/// One to four random edits: replace, delete or duplicate a span, insert a token, or
/// truncate. Works on chars so the text stays valid UTF-8, as pasted text is.
fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..rng.range(1, 4) {
        let at = rng.below(chars.len() + 1);
        let len = rng.range(1, 16) as usize;
        let end = (at + len).min(chars.len());
        match rng.range(0, 5) {
            0 => {
                if at < chars.len() {
                    chars[at] = char::from(rng.range(0, 127) as u8);
                }
            }
            1 => {
                chars.drain(at..end);
            }
            2 => {
                let span: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, span);
            }
            3 => {
                let token = rng.pick(&TOKENS);
                chars.splice(at..at, token.chars());
            }
            4 => {
                // Replace a number with a token (a digit run at or after `at`).
                if let Some(start) = (at..chars.len()).find(|&i| chars[i].is_ascii_digit()) {
                    let stop = (start..chars.len())
                        .find(|&i| !chars[i].is_ascii_digit())
                        .unwrap_or(chars.len());
                    let token = rng.pick(&TOKENS[..11]);
                    chars.splice(start..stop, token.chars());
                }
            }
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}

/// A random branching cfg: sections Darknet has, with random options, reading random
/// earlier layers. Many are invalid (mismatched shapes, bad groups): what matters is
/// that each is refused in one line at a line of the text, or accepted as a model the
/// core validated, and that an accepted one solves.
fn random_dag_cfg(rng: &mut Rng) -> String {
    let size = 1 << rng.range(2, 5);
    let mut text = format!(
        "[net]\nheight={size}\nwidth={}\nchannels={}\n",
        size * rng.range(1, 2),
        rng.range(1, 4) * 2
    );
    let sections = rng.range(1, 12);
    for i in 0..sections {
        let back = -(rng.range(1, i.max(1)) as i64);
        let section = match rng.range(0, 12) {
            0..=3 => format!(
                "[convolutional]\nfilters={}\nsize={}\nstride={}\npad={}\ngroups={}\n{}",
                rng.range(1, 4) * 4,
                rng.pick(&[1, 3, 5]),
                rng.range(1, 2),
                rng.range(0, 1),
                rng.pick(&[1, 1, 2, 4]),
                if rng.range(0, 4) == 0 {
                    "dilation=2\n"
                } else {
                    ""
                }
            ),
            4 => format!(
                "[maxpool]\nsize={}\nstride={}\n",
                rng.range(1, 3),
                rng.range(1, 2)
            ),
            5 => format!("[shortcut]\nfrom={back}\nactivation=linear\n"),
            6 => format!("[route]\nlayers=-1,{back}\n"),
            7 => format!(
                "[route]\nlayers={back}\ngroups=2\ngroup_id={}\n",
                rng.range(0, 1)
            ),
            8 => "[upsample]\nstride=2\n".into(),
            9 => "[avgpool]\n[convolutional]\nfilters=8\nsize=1\n".into(),
            10 => format!("[scale_channels]\nfrom={back}\n"),
            11 => format!("[sam]\nfrom={back}\n"),
            _ => "[yolo]\nmask=0\n".into(),
        };
        text.push_str(&section);
    }
    text
}

/// A random Keras functional model, in Keras 2 or Keras 3 node format, each layer
/// reading random earlier ones (merge layers two). Many are invalid; see
/// [`random_dag_cfg`].
fn random_functional_keras(rng: &mut Rng) -> String {
    let keras3 = rng.range(0, 1) == 1;
    let node = |names: &[String]| -> String {
        if keras3 {
            let t: Vec<String> = names
                .iter()
                .map(|n| format!(r#"{{"class_name": "__keras_tensor__", "config": {{"keras_history": ["{n}", 0, 0]}}}}"#))
                .collect();
            let args = if t.len() == 1 {
                t[0].clone()
            } else {
                format!("[{}]", t.join(", "))
            };
            format!(r#"[{{"args": [{args}], "kwargs": {{}}}}]"#)
        } else {
            let t: Vec<String> = names
                .iter()
                .map(|n| format!(r#"["{n}", 0, 0, {{}}]"#))
                .collect();
            format!("[[{}]]", t.join(", "))
        }
    };
    let size = 1 << rng.range(2, 5);
    let mut names = vec!["in".to_string()];
    let mut layers = vec![format!(
        r#"{{"class_name": "InputLayer", "name": "in", "config": {{"name": "in", "batch_input_shape": [null, {size}, {size}, {}]}}, "inbound_nodes": []}}"#,
        rng.range(1, 4) * 2
    )];
    for i in 0..rng.range(1, 10) {
        let a = names[rng.below(names.len())].clone();
        let b = names[rng.below(names.len())].clone();
        let (class, config, inputs) = match rng.range(0, 9) {
            0..=2 => (
                "Conv2D",
                format!(
                    r#""filters": {}, "kernel_size": {}, "strides": {}, "padding": "{}""#,
                    rng.range(1, 3) * 4,
                    rng.pick(&["1", "3", "[1, 3]", "5"]),
                    rng.range(1, 2),
                    rng.pick(&["same", "valid"])
                ),
                vec![a],
            ),
            3 => (
                "DepthwiseConv2D",
                format!(
                    r#""kernel_size": 3, "strides": {}, "padding": "same""#,
                    rng.range(1, 2)
                ),
                vec![a],
            ),
            4 => ("Add", String::new(), vec![a, b]),
            5 => ("Concatenate", r#""axis": -1"#.into(), vec![a, b]),
            6 => (
                "MaxPooling2D",
                format!(
                    r#""pool_size": 2, "padding": "{}""#,
                    rng.pick(&["same", "valid"])
                ),
                vec![a],
            ),
            7 => (
                "ZeroPadding2D",
                r#""padding": [[0, 1], [0, 1]]"#.into(),
                vec![a],
            ),
            8 => (
                "GlobalAveragePooling2D",
                r#""keepdims": true"#.into(),
                vec![a],
            ),
            _ => ("Multiply", String::new(), vec![a, b]),
        };
        let name = format!("l{i}");
        let sep = if config.is_empty() { "" } else { ", " };
        layers.push(format!(
            r#"{{"class_name": "{class}", "name": "{name}", "config": {{"name": "{name}"{sep}{config}}}, "inbound_nodes": {}}}"#,
            node(&inputs)
        ));
        names.push(name);
    }
    format!(
        r#"{{"class_name": "Functional", "config": {{"name": "r", "layers": [{}]}}}}"#,
        layers.join(", ")
    )
}

/// Imports `iterations` texts that `random` makes with `load`: an accepted model must be
/// valid and solve; a refused one is one line at a location that `placed` accepts.
/// Returns executions and acceptances.
fn fuzz_random_models(
    rng: &mut Rng,
    iterations: u64,
    random: fn(&mut Rng) -> String,
    load: fn(&str) -> Result<Network, ModelError>,
    placed: fn(&str) -> bool,
) -> (u64, u64) {
    let mut accepted = 0;
    for _ in 0..iterations {
        let text = random(rng);
        match load(&text) {
            Ok(net) => {
                check_accepted(&net);
                let env = Environment::new(rng.range(1, 4), 100.0, 13.6).unwrap();
                if admit(&net, &env, Workload::Solve(Algorithm::Mls)).is_ok() {
                    let plan = solve(&net, &env, Algorithm::Mls);
                    assert!(
                        plan.completion_s.is_finite() && plan.completion_s > 0.0,
                        "{text}"
                    );
                }
                accepted += 1;
            }
            Err(e) => {
                assert!(placed(&e.location), "{e}\n{text}");
                assert!(!e.message.is_empty() && !e.message.contains('\n'), "{text}");
            }
        }
    }
    (iterations, accepted)
}

/// Random functional Keras models, refused at a JSON path.
fn fuzz_functional_keras(rng: &mut Rng, iterations: u64) -> (u64, u64) {
    fuzz_random_models(
        rng,
        iterations,
        random_functional_keras,
        keras::load,
        |at| at.starts_with('$'),
    )
}

#[test]
fn random_functional_keras_models_are_refused_at_a_path_or_solve() {
    let (executions, accepted) = fuzz_functional_keras(&mut Rng(6), 1_000);
    assert!(
        accepted > executions / 10,
        "{accepted} of {executions} accepted"
    );
}

/// Random branching cfgs, refused at a line.
fn fuzz_dag_cfgs(rng: &mut Rng, iterations: u64) -> (u64, u64) {
    fuzz_random_models(rng, iterations, random_dag_cfg, darknet::load, |at| {
        at.starts_with("line ")
    })
}

#[test]
fn random_branching_cfgs_are_refused_in_one_line_or_solve() {
    let (executions, accepted) = fuzz_dag_cfgs(&mut Rng(5), 1_000);
    assert!(
        accepted > executions / 10,
        "{accepted} of {executions} accepted"
    );
}

/// An accepted model is within the core's limits and saves and reloads as project JSON.
fn check_accepted(net: &Network) {
    assert!(!net.layers.is_empty() && net.len() <= limits::MAX_LAYERS);
    assert!(net.flops() <= limits::MAX_FLOPS);
    let reloaded = detect_and_load(&json::to_json(&net.model)).unwrap();
    assert_eq!(reloaded.model, net.model);
}

/// Feeds `iterations` mutants to every importer; returns executions and acceptances.
fn fuzz_importers(rng: &mut Rng, iterations: u64) -> (u64, u64) {
    let seeds = seeds(rng);
    let (mut executions, mut accepted) = (0, 0);
    for _ in 0..iterations {
        let seed = rng.below(seeds.len());
        let text = mutate(rng, &seeds[seed]);
        for load in [detect_and_load, darknet::load, keras::load] {
            match load(&text) {
                Ok(net) => {
                    check_accepted(&net);
                    accepted += 1;
                }
                Err(e) => assert!(!e.message.is_empty()),
            }
            executions += 1;
        }
    }
    (executions, accepted)
}

/// Writes `iterations` random models as cfg (and, without a passthrough, which Keras
/// Sequential cannot express, as Keras JSON) and imports them back.
fn round_trips(rng: &mut Rng, iterations: u64) -> (u64, u64) {
    let mut executions = 0;
    for _ in 0..iterations {
        let net = random_model(rng);
        let mut texts = vec![("cfg", to_cfg(&net.model))];
        if net.model.passthrough.is_none() {
            texts.push(("keras", to_keras(&net.model)));
        }
        for (format, text) in texts {
            let back = detect_and_load(&text)
                .unwrap_or_else(|e| panic!("{format} of {:?}: {e}\n{text}", net.model));
            assert_eq!(back.model.layers, net.model.layers, "{format}\n{text}");
            assert_eq!(back.model.input, net.model.input, "{format}");
            assert_eq!(
                back.model.passthrough, net.model.passthrough,
                "{format}\n{text}"
            );
            executions += 1;
        }
    }
    (executions, executions)
}

/// Solves `iterations` random models with random environments, MLS and SLS.
fn fuzz_solver(rng: &mut Rng, iterations: u64) -> (u64, u64) {
    for _ in 0..iterations {
        let net = random_model(rng);
        let env = Environment::new(
            rng.range(1, 6),
            rng.range(1, 100_000) as f64 / 100.0,
            rng.range(1, 10_000) as f64 / 100.0,
        )
        .unwrap();
        admit(&net, &env, Workload::Solve(Algorithm::Mls)).unwrap();
        let mls = solve(&net, &env, Algorithm::Mls);
        let sls = solve(&net, &env, Algorithm::Sls);
        for (m, s) in mls.per_k.iter().zip(&sls.per_k) {
            for t in [m.completion_s, m.compute_s, m.transfer_s, s.completion_s] {
                assert!(t.is_finite() && t >= 0.0, "{t} for {:?}", net.model);
            }
            assert!(m.completion_s > 0.0);
            assert!(
                m.completion_s <= s.completion_s * (1.0 + 1e-9),
                "k={}: MLS {} > SLS {} for {:?} in {env:?}",
                m.devices,
                m.completion_s,
                s.completion_s,
                net.model
            );
        }
        assert!(mls.completion_s <= sls.completion_s * (1.0 + 1e-9));
        assert!(mls.per_k.iter().all(|k| k.completion_s >= mls.completion_s));
    }
    (2 * iterations, 2 * iterations)
}

#[test]
fn random_models_round_trip_through_cfg_and_keras() {
    let mut rng = Rng(1);
    round_trips(&mut rng, 1_000);
    let with_branch = (0..300)
        .filter(|_| random_model(&mut rng).branch.is_some())
        .count();
    assert!(
        with_branch > 10,
        "only {with_branch} of 300 random models have a passthrough"
    );
}

#[test]
fn mutated_text_never_panics_any_importer() {
    let (executions, accepted) = fuzz_importers(&mut Rng(2), 5_000);
    // Some mutants must still be valid models, or the checks on acceptance never run.
    assert!(
        accepted > executions / 100,
        "{accepted} of {executions} accepted"
    );
}

#[test]
fn random_text_never_panics_any_importer() {
    let mut rng = Rng(3);
    for _ in 0..2_000 {
        let text: String = (0..rng.range(0, 200))
            .map(|_| {
                *rng.pick(&[
                    '[', ']', '{', '}', '"', ':', ',', '=', '\n', '1', '-', 'a', 'é',
                ])
            })
            .collect();
        for load in [detect_and_load, darknet::load, keras::load] {
            if let Ok(net) = load(&text) {
                check_accepted(&net);
            }
        }
    }
}

#[test]
fn random_models_solve_with_sane_times() {
    fuzz_solver(&mut Rng(4), 300);
}

#[test]
fn the_zoo_solves_from_every_format() {
    let yolo = std::fs::read_to_string(format!(
        "{}/tests/models/yolov2.cfg",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let net = detect_and_load(&yolo).unwrap();
    let env = Environment::new(4, 100.0, 13.6).unwrap();
    admit(&net, &env, Workload::Solve(Algorithm::Mls)).unwrap();
    let from_cfg = solve(&net, &env, Algorithm::Mls);
    let from_zoo = solve(&Network::new(&zoo::yolov2()).unwrap(), &env, Algorithm::Mls);
    assert_eq!(from_cfg.completion_s, from_zoo.completion_s);
}

/// The long run: each kind of fuzzing for `FUZZ_SECONDS` (default 60) seconds.
#[test]
#[ignore]
fn long_fuzz_run() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0xC00A1);
    type Run = fn(&mut Rng, u64) -> (u64, u64);
    let kinds: [(&str, Run, u64); 5] = [
        ("importers (mutated text)", fuzz_importers, 2_000),
        (
            "functional Keras (random, imported and solved)",
            fuzz_functional_keras,
            100,
        ),
        (
            "branching cfgs (random, imported and solved)",
            fuzz_dag_cfgs,
            100,
        ),
        ("round trips (random models)", round_trips, 50),
        ("solver (random models, MLS+SLS)", fuzz_solver, 10),
    ];
    for (name, run, batch) in kinds {
        let mut rng = Rng(seed);
        let start = Instant::now();
        let (mut executions, mut accepted) = (0, 0);
        while start.elapsed() < Duration::from_secs(seconds) {
            let (e, a) = run(&mut rng, batch);
            executions += e;
            accepted += a;
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{name}: {executions} executions ({accepted} accepted) in {secs:.1} s \
             ({:.0}/s), seed {seed:#x}, 0 failures",
            executions as f64 / secs
        );
    }
}
