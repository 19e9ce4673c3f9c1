//! Executing plans on real tensors. Every plan must reproduce the unsliced
//! model (bit for bit in conv rounds, within the summation-order bound where the
//! gateway adds partial sums) and move exactly the elements the cost model prices.

#[path = "execute/chains.rs"]
mod chains;
mod common;
#[path = "execute/plans.rs"]
mod plans;
#[path = "execute/runs.rs"]
mod runs;

use chains::{mixed, random_chain, random_passthrough_chain, with_passthrough, Rng};
use coopai::cost::{Case, Environment};
use coopai::execute::{verify, ExecError, VerifyReport};
use coopai::model::Network;
use coopai::slicing::equal_split;
use coopai::solver::{Algorithm, Plan};
use plans::{every_partition, of_blocks, optimal};
use runs::env;

/// Asserts a clean run and returns its report.
fn check(net: &Network, plan: &Plan, what: &str) -> VerifyReport {
    let report = verify(net, plan, 7).unwrap_or_else(|e| panic!("{what}: {e}"));
    for r in &report.rounds {
        assert!(r.ok, "{what}: round {r:?}");
        // Rounds without gateway sums are bit-identical to the unsliced pass.
        if matches!(r.case, Case::Conv | Case::FcModel | Case::Single)
            && report.rounds[..r.round - 1]
                .iter()
                .all(|p| matches!(p.case, Case::Conv))
        {
            assert_eq!(r.max_abs_diff, 0.0, "{what}: round {}", r.round);
        }
        // `r.ok` holds each round to its exact summation-order bound (execute::check);
        // against the whole unsliced pass those rounding differences accumulate over a
        // few small FLs to under 1e-6 relative here, while a wrong element is off by O(1).
        assert!(
            r.max_abs_diff <= 1e-5 * (1.0 + r.max_abs_value),
            "{what}: round {r:?}"
        );
        // A conv round sends a device only rows it lacks, except stored passthrough rows.
        let target = net.branch.map(|b| b.spec.target);
        if r.case != Case::Single && !target.is_some_and(|t| (r.first..=r.last).contains(&t)) {
            let conv = net.is_spatial(r.first);
            assert!(
                !conv || r.devices.iter().all(|d| d.resent == 0),
                "{what}: {r:?}"
            );
        }
    }
    report
}

#[test]
fn random_chains_for_every_k_mls_and_sls() {
    let mut rng = Rng(2026);
    let (mut postponed, mut deep, mut sums) = (0, 0, 0);
    for n in 0..60 {
        let net = random_chain(&mut rng, 8);
        for k in 1..=6 {
            for algorithm in [Algorithm::Mls, Algorithm::Sls] {
                for g in [0.01, 100.0, 1e6] {
                    let plan = optimal(&net, &env(k, g), k, algorithm);
                    let what = format!("chain {n}, k {k}, {algorithm:?}, {g} Mbps");
                    for r in check(&net, &plan, &what).rounds {
                        postponed += usize::from(r.devices.iter().any(|d| d.counted.tau > 0));
                        deep += usize::from(r.case == Case::Conv && r.last > r.first);
                        sums += usize::from(r.local_diff > 0.0);
                    }
                }
            }
        }
    }
    // The draw exercises postponed uploads, multi-layer grids and reordered sums.
    assert!(
        postponed > 50 && deep > 50 && sums > 0,
        "{postponed} {deep} {sums}"
    );
}

#[test]
fn every_partition_and_case_of_a_mixed_chain() {
    let net = mixed();
    let mut seen = std::collections::BTreeSet::new();
    for k in 2..=6 {
        for blocks in every_partition(&net, k) {
            let plan = of_blocks(&net, &env(k, 100.0), k, &blocks);
            check(&net, &plan, &format!("k {k}, {blocks:?}"));
            for &(first, last, case) in &blocks {
                seen.insert((case.name(), last - first + 1 > 1));
            }
        }
    }
    for case in ["conv", "conv+fc", "fc-data", "fc-model", "fc-hybrid"] {
        assert!(seen.iter().any(|&(c, _)| c == case), "{case} never ran");
    }
    assert!(
        seen.contains(&("conv", true)),
        "no multi-layer conv block ran"
    );
}

#[test]
fn every_partition_of_a_chain_with_a_passthrough() {
    let net = with_passthrough();
    let (mut target_first, mut own_rows_back) = (false, false);
    for k in 2..=6 {
        for blocks in every_partition(&net, k) {
            let plan = of_blocks(&net, &env(k, 100.0), k, &blocks);
            let report = check(&net, &plan, &format!("k {k}, {blocks:?}"));
            target_first |= blocks
                .iter()
                .any(|&(first, last, _)| first == 4 && last > 4);
            assert!(report
                .rounds
                .iter()
                .any(|r| r.devices.iter().any(|d| d.counted.to > 0)));
            // Passthrough rows return from the gateway to the device that computed them.
            own_rows_back |= report
                .rounds
                .iter()
                .any(|r| r.devices.iter().any(|d| d.resent > 0));
        }
    }
    assert!(target_first, "no block started at the passthrough's target");
    assert!(own_rows_back);
}

/// `k = 1` on a model with a passthrough was judged as if its passthrough rows had to
/// reach the gateway: difference ∞ and "MISMATCH" (YOLOv2 at `--devices 1`).
#[test]
fn one_device_runs_a_chain_with_a_passthrough() {
    let net = with_passthrough();
    let plan = optimal(&net, &env(1, 100.0), 1, Algorithm::Mls);
    assert_eq!(plan.blocks[0].case, Case::Single);
    check(&net, &plan, "k = 1");
}

#[test]
fn random_chains_with_a_passthrough_in_every_partition() {
    let mut rng = Rng(608);
    let mut plans = 0;
    for n in 0..12 {
        let net = random_passthrough_chain(&mut rng);
        for k in 2..=6 {
            for blocks in every_partition(&net, k) {
                let plan = of_blocks(&net, &env(k, 100.0), k, &blocks);
                check(&net, &plan, &format!("chain {n}, k {k}, {blocks:?}"));
                plans += 1;
            }
        }
    }
    assert!(plans > 100, "{plans}");
}

#[test]
fn the_tiny_zoo_model() {
    for (name, scale) in [("tiny", 1)] {
        let net = coopai::execute::scaled(&coopai::model::load(name).unwrap(), scale).unwrap();
        for algorithm in [Algorithm::Mls, Algorithm::Sls] {
            for k in [2, 3, 6] {
                let plan = optimal(&net, &env(k, 100.0), k, algorithm);
                check(&net, &plan, &format!("{name}, k {k}, {algorithm:?}"));
            }
        }
    }
}

/// The first multi-device conv round of the mixed chain's best MLS plan for `k`.
fn conv_plan(k: u32) -> (Network, Plan, usize) {
    let net = mixed();
    let plan = of_blocks(
        &net,
        &env(k, 100.0),
        k,
        &[
            (1, 3, Case::Conv),
            (4, 5, Case::ConvFc),
            (6, 6, Case::FcData),
        ],
    );
    (net, plan, 0)
}

#[test]
fn a_halo_one_row_short_is_caught() {
    for k in 2..=4 {
        let (net, plan, b) = conv_plan(k);
        check(&net, &plan, "intact");
        // One row less at the top of a device's download (the row its neighbour owns).
        let mut short = plan.clone();
        let dev = &mut short.blocks[b].devices[1];
        let rows = dev.in_rows.as_mut().unwrap();
        rows.first += 1;
        let err = verify(&net, &short, 7).unwrap_err();
        assert!(
            matches!(err, ExecError::Missing { round: 1, ref holder, .. } if holder == "device 1"),
            "{err}"
        );
        // One row less of an intermediate layer: the next layer's read fails.
        let mut short = plan.clone();
        let layer = &mut short.blocks[b].devices[1].layers[0];
        layer.rows.as_mut().unwrap().last -= 1;
        let err = verify(&net, &short, 7).unwrap_err();
        assert!(matches!(err, ExecError::Missing { round: 1, .. }), "{err}");
        // The second round starts from rows the devices kept: dropping a row a device
        // kept changes nothing, dropping one it must receive fails.
        let held = net.layer(3).output.height;
        let mut failed = 0;
        for d in 0..k as usize {
            let Some(need) = plan.blocks[1].devices[d].in_rows else {
                continue;
            };
            let own = equal_split(held, k, d as u32);
            for top in [true, false] {
                let edge = if top { need.first } else { need.last };
                if need.first == need.last {
                    continue;
                }
                let mut short = plan.clone();
                let rows = short.blocks[1].devices[d].in_rows.as_mut().unwrap();
                if top {
                    rows.first += 1
                } else {
                    rows.last -= 1
                }
                let result = verify(&net, &short, 7);
                if own.is_some_and(|o| o.contains(edge)) {
                    assert!(result.unwrap().ok);
                } else {
                    assert!(matches!(result, Err(ExecError::Missing { round: 2, .. })));
                    failed += 1;
                }
            }
        }
        assert!(failed > 0);
    }
}

#[test]
fn traffic_and_values_that_differ_from_the_plan_are_reported() {
    let (net, plan, _) = conv_plan(3);
    let mut priced = plan.clone();
    priced.blocks[1].devices[2].tau_bits += 32;
    let report = verify(&net, &priced, 7).unwrap();
    assert!(!report.ok && !report.rounds[1].traffic_ok && report.rounds[1].within_bound);
    assert!(report.rounds[0].ok);

    // A model-parallel device that multiplies only half of the input computes wrong values.
    let k = 2;
    let blocks = [
        (1, 4, Case::Conv),
        (5, 5, Case::FcModel),
        (6, 6, Case::FcData),
    ];
    let mut plan = of_blocks(&net, &env(k, 100.0), k, &blocks);
    check(&net, &plan, "intact");
    let inputs = plan.blocks[1].devices[0].neurons[0]
        .inputs
        .as_mut()
        .unwrap();
    inputs.last /= 2;
    let report = verify(&net, &plan, 7).unwrap();
    assert!(!report.rounds[1].within_bound && report.rounds[1].max_abs_diff > 0.0);
    assert!(!report.ok);
}

#[test]
fn a_plan_for_another_network_is_refused() {
    let (net, plan, _) = conv_plan(2);
    let other = with_passthrough();
    assert!(matches!(verify(&other, &plan, 1), Err(ExecError::Plan(_))));
    let mut cut = plan.clone();
    cut.blocks.pop();
    assert!(matches!(verify(&net, &cut, 1), Err(ExecError::Plan(_))));
}

/// The README's full-size runs, timed:
/// `cargo test --release --test execute -- --ignored --nocapture`.
#[test]
#[ignore = "about 90 s in release; far longer in debug"]
fn full_size_zoo_models_in_release() {
    for (name, scale) in [("alexnet", 1), ("vgg16", 2), ("vgg16", 1), ("yolov2", 2)] {
        let net = coopai::execute::scaled(&coopai::model::load(name).unwrap(), scale).unwrap();
        for algorithm in [Algorithm::Mls, Algorithm::Sls] {
            let plan = coopai::solver::solve(&net, &Environment::raspberry_pi4(10), algorithm);
            let start = std::time::Instant::now();
            let report = check(&net, &plan, name);
            let seconds = start.elapsed().as_secs_f64();
            let what = format!("{algorithm:?}");
            eprintln!("{}", runs::run_line(&net, &plan, &what, seconds, &report));
        }
    }
}

#[test]
fn the_verify_command() {
    let run = |args: &[&str]| coopai::cli::run(&args.iter().map(|a| a.into()).collect::<Vec<_>>());
    let out = run(&[
        "verify",
        "--model",
        "tiny",
        "--devices",
        "4",
        "--algorithm",
        "sls",
    ])
    .unwrap();
    assert!(
        out.contains("ok: largest difference") && out.contains("= plan"),
        "{out}"
    );
    let json = run(&[
        "verify",
        "--model",
        "tiny",
        "--scale",
        "2",
        "--devices",
        "3",
        "--json",
        "--seed",
        "5",
    ])
    .unwrap();
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["seed"], 5);
    assert!(report["rounds"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(run(&["verify", "--model", "tiny", "--scale", "0"]).is_err());
    assert!(run(&["verify", "--model", "tiny", "--scale", "100"]).is_err());
}

#[test]
fn elements_sent_back_to_the_device_that_computed_them_are_counted() {
    let net = mixed();
    let k = 2;
    let blocks = [
        (1, 4, Case::Conv),
        (5, 5, Case::FcModel),
        (6, 6, Case::FcData),
    ];
    let plan = of_blocks(&net, &env(k, 100.0), k, &blocks);
    let report = check(&net, &plan, "conv, fc model, fc data");
    let out4 = net.layer(4).output;
    let row = u64::from(out4.width * out4.channels);
    for d in 0..k as usize {
        // fc model needs every input; the device computed its own grid rows of them.
        let grid = plan.blocks[0].devices[d].out_rows.unwrap();
        assert_eq!(report.rounds[1].devices[d].resent, grid.len() * row);
        // fc data splits layer 5's outputs as fc model did: all of it is the device's own.
        let slice = plan.blocks[1].devices[d].neurons[0].outputs.unwrap();
        assert_eq!(report.rounds[2].devices[d].resent, slice.len());
        assert_eq!(report.rounds[2].devices[d].counted.ti, slice.len());
    }
    assert!(report.rounds[0].devices.iter().all(|d| d.resent == 0));
}

#[test]
fn a_model_too_large_to_run_is_refused() {
    use coopai::model::{Conv, Layer, Model, Shape};
    let huge = Model {
        name: "huge".into(),
        input: Shape::new(20_000, 20_000, 1),
        layers: vec![Layer::Conv(Conv::same(1, 1))],
        passthrough: None,
        inputs: Vec::new(),
        gateway_head: None,
    };
    let net = Network::new(&huge).unwrap();
    let plan = optimal(&net, &env(1, 100.0), 1, Algorithm::Mls);
    assert!(matches!(
        verify(&net, &plan, 1),
        Err(ExecError::TooLarge(_))
    ));
}
