//! A stream of frames (docs/spec-stream.md): the spec's worked examples, the throughput
//! planner against brute force on random chains, DAGs and mixed clusters, the cyclic
//! schedule against its self-timed simulation, and the zoo at the paper's setting.

mod common;

use common::brute_stream::brute_force_stream;
use common::cli::{coopai, json};
use common::{random_chain, random_cluster, random_dag, Rng};
use coopai::cost::{block_loads, round_cost, Environment, Timing};
use coopai::model::{self, zoo, Network};
use coopai::solver::stream::{period, schedule, simulate, stream_partitions, Stream};
use coopai::solver::{partition, solve, solve_throughput, Algorithm, Partition, Plan, Planner};

fn rounds(pairs: &[(f64, f64)]) -> Vec<Timing> {
    pairs
        .iter()
        .map(|&(compute_s, transfer_s)| Timing {
            compute_s,
            transfer_s,
        })
        .collect()
}

/// When frame 0 starts each round's transfer and compute.
fn starts(s: &Stream) -> Vec<(f64, f64)> {
    s.rounds
        .iter()
        .map(|r| (r.link_start_s, r.compute_start_s))
        .collect()
}

/// Spec §2, example 1: two rounds, (C, T) = (1, 3) and (4, 1).
#[test]
fn worked_example_two_rounds() {
    let s = schedule(&rounds(&[(1.0, 3.0), (4.0, 1.0)]));
    // ΣC = 5 > ΣT = 4: the processors are the bottleneck.
    assert_eq!(s.period_s, 5.0);
    assert_eq!(s.throughput_fps, 0.2);
    // Link slots [0, 3) and [3, 4); processors' from β = 3: [3, 4) and [4, 8) mod 5.
    // Frame 0: T1 0–3, C1 3–4, T2 waits for 8 (8–9), C2 waits for 9 (9–13).
    assert_eq!(starts(&s), vec![(0.0, 3.0), (8.0, 9.0)]);
    assert_eq!(s.latency_s, 13.0);
    assert_eq!(s.frames_in_flight, 3);
    let m = simulate(&s, 12);
    assert!(m.ok, "{m:?}");
    assert_eq!(m.period_s, 5.0);
}

/// Spec §2, example 2: the link is the bottleneck and one round has no compute.
#[test]
fn worked_example_link_bound() {
    let s = schedule(&rounds(&[(2.0, 4.0), (0.0, 2.0), (1.0, 1.0)]));
    assert_eq!(s.period_s, 7.0);
    // ΣC = 3 < ΣT = 7. Packed, the best β (of 4, 4, 1) is 4: latency 21. First fit:
    // T1 0–4, C1 4–6; T2 (2 s) finds no free 2 s on the link before 11 (≡ 4): 11–13;
    // C2 (empty) at 13; T3 fits at once, 13–14 (≡ [6, 7)); C3 at once, 14–15
    // (≡ [0, 1), free on the processors).
    assert_eq!(starts(&s), vec![(0.0, 4.0), (11.0, 13.0), (13.0, 14.0)]);
    assert_eq!(s.latency_s, 15.0);
    assert_eq!(s.frames_in_flight, 3);
    assert!(simulate(&s, 10).ok);
}

/// The simulation can fail: a schedule that claims a shorter period than its work
/// allows is caught, on every random stream.
#[test]
fn the_simulation_measures_the_period_and_catches_a_false_one() {
    let mut rng = Rng(5);
    for _ in 0..500 {
        let n = rng.range(1, 12) as usize;
        let r: Vec<Timing> = (0..n)
            .map(|_| Timing {
                compute_s: f64::from(rng.range(0, 100)) * 1e-3,
                transfer_s: f64::from(rng.range(1, 100)) * 1e-3,
            })
            .collect();
        let s = schedule(&r);
        assert_eq!(s.period_s, period(&r));
        let m = simulate(&s, 2 * s.frames_in_flight as usize + 8);
        assert!(m.ok, "{r:?}: {m:?} against {}", s.period_s);
        assert!((m.period_s - s.period_s).abs() <= 1e-9 * s.period_s);
        let mut tampered = s.clone();
        tampered.period_s *= 0.9;
        assert!(!simulate(&tampered, 20).ok, "{r:?}");
    }
}

/// A plan's rounds: each block's `C_r + T_r` is at least its block time, and the plan's
/// period is `max(ΣC_r, ΣT_r)` of its own blocks.
fn check_own_period(plan: &Plan) {
    let mut compute = 0.0;
    let mut transfer = 0.0;
    for b in &plan.blocks {
        // C_r and T_r are the largest of the devices' own times (spec §1).
        let most =
            |f: fn(&coopai::solver::DevicePlan) -> f64| b.devices.iter().map(f).fold(0.0, f64::max);
        assert_eq!(b.round_compute_s, most(|d| d.compute_s));
        assert_eq!(b.round_transfer_s, most(|d| d.transfer_s));
        assert!(b.round_compute_s + b.round_transfer_s >= b.completion_s);
        compute += b.round_compute_s;
        transfer += b.round_transfer_s;
    }
    assert_eq!(plan.stream.period_s, f64::max(compute, transfer));
}

fn check_against_brute_force(net: &Network, env: &Environment, label: &str) -> (bool, bool) {
    let (mut better, mut none) = (false, false);
    for algorithm in [Algorithm::Mls, Algorithm::Sls] {
        let planned = stream_partitions(net, env, algorithm).unwrap();
        for k in 2..=env.devices {
            let s = &planned[k as usize - 1];
            let brute = brute_force_stream(net, env, k, algorithm);
            let got = (s.period_s(), s.busy_s());
            if brute.0.is_infinite() {
                assert!(got.0.is_infinite(), "{algorithm:?} k={k} {label}");
                none = true;
                continue;
            }
            assert_eq!(got, brute, "{algorithm:?} k={k} {label}");
            let latency = partition(net, env, k, algorithm).period_s();
            assert!(got.0 <= latency, "{algorithm:?} k={k} {label}");
            better |= got.0 < latency;
        }
    }
    (better, none)
}

/// `models` random models from `draw` on four equal devices at rates that make compute
/// and transfer comparable, each against brute force; some stream must beat its latency
/// plan's period.
fn on_equal_devices(seed: u64, models: usize, draw: fn(&mut Rng, u32) -> Network) {
    let mut rng = Rng(seed);
    let mut better = false;
    for _ in 0..models {
        let net = draw(&mut rng, 8);
        let env = Environment::new(
            4,
            f64::from(rng.range(1, 50)) * 1e-3,
            f64::from(rng.range(1, 50)) * 1e-6,
        )
        .unwrap();
        let label = model::json::to_json(&net.model);
        better |= check_against_brute_force(&net, &env, &label).0;
    }
    assert!(better, "the stream never beat the latency plan's period");
}

#[test]
fn the_planner_equals_brute_force_on_chains() {
    on_equal_devices(2020, 200, random_chain);
}

#[test]
fn the_planner_equals_brute_force_on_dags() {
    on_equal_devices(2021, 150, random_dag);
}

#[test]
fn the_planner_equals_brute_force_on_mixed_clusters() {
    let mut rng = Rng(2022);
    let (mut better, mut none) = (false, false);
    for n in 0..200 {
        let net = if n % 2 == 0 {
            random_chain(&mut rng, 7)
        } else {
            random_dag(&mut rng, 7)
        };
        let cluster = random_cluster(&mut rng);
        let env = Environment::with_cluster(cluster, f64::from(rng.range(1, 50)) * 1e-3).unwrap();
        let label = model::json::to_json(&net.model);
        let (b, z) = check_against_brute_force(&net, &env, &label);
        better |= b;
        none |= z;
    }
    assert!(better, "the stream never beat the latency plan's period");
    assert!(none, "no random cluster was ever too small");
}

/// Each block's `(C_r, T_r)` as the DP carries it out, against its loads walked again.
fn check_rounds(net: &Network, env: &Environment, p: &Partition, label: &str) {
    let team = env.team(p.k);
    for b in &p.blocks {
        let loads = block_loads(net, &team, b.first, b.last, b.case).unwrap();
        let walked = round_cost(&loads, &team);
        let bits = |t: Timing| (t.compute_s.to_bits(), t.transfer_s.to_bits());
        assert_eq!(bits(b.round), bits(walked), "k={} {b:?} {label}", p.k);
    }
}

/// The DP carries each chosen block's `C_r` and `T_r` out with its time, so a plan's
/// period costs no walk: they equal the block's loads walked again, bit for bit, from
/// the cold DP (equal devices and mixed clusters), the planner's cache and the stream
/// planner, on the zoo and on random chains and DAGs.
#[test]
fn every_chosen_block_carries_its_round_costs() {
    let mut rng = Rng(909);
    let mut nets: Vec<Network> = ["tiny", "vgg16", "yolov2", "tinyres"]
        .iter()
        .map(|n| model::load(n).unwrap())
        .collect();
    for _ in 0..30 {
        nets.push(random_chain(&mut rng, 8));
        nets.push(random_dag(&mut rng, 8));
    }
    for net in &nets {
        let label = model::json::to_json(&net.model);
        let equal = Environment::new(
            6,
            f64::from(rng.range(1, 50)) * 1e-1,
            f64::from(rng.range(1, 50)) * 1e-2,
        )
        .unwrap();
        let cluster = random_cluster(&mut rng);
        let mixed = Environment::with_cluster(cluster, f64::from(rng.range(1, 50)) * 1e-3).unwrap();
        let mut planner = Planner::new(net.clone());
        for algorithm in [Algorithm::Mls, Algorithm::Sls] {
            for env in [&equal, &mixed] {
                for k in 1..=env.devices {
                    check_rounds(net, env, &partition(net, env, k, algorithm), &label);
                }
                for s in stream_partitions(net, env, algorithm).unwrap() {
                    check_rounds(net, env, &s.partition, &label);
                }
            }
            // Cold, then warm from the cache at another bandwidth.
            for g in [equal.bandwidth_mbps, equal.bandwidth_mbps * 7.0] {
                let env = Environment {
                    bandwidth_mbps: g,
                    ..equal.clone()
                };
                for k in 1..=env.devices {
                    check_rounds(net, &env, &planner.partition(&env, k, algorithm), &label);
                }
            }
        }
    }
}

/// A throughput plan holds every round's need once per frame in flight on every
/// device: on random clusters with memory limits, and at least once that rules out a
/// plan of lower period.
#[test]
fn frames_in_flight_fit_the_devices_memory() {
    let mut rng = Rng(2023);
    let mut ruled_out = false;
    for _ in 0..200 {
        let net = random_chain(&mut rng, 7);
        let cluster = random_cluster(&mut rng);
        let env = Environment::with_cluster(cluster, f64::from(rng.range(1, 50)) * 1e-3).unwrap();
        let Ok(plan) = solve_throughput(&net, &env, Algorithm::Mls) else {
            continue;
        };
        let frames = u64::from(plan.stream.frames_in_flight);
        for b in &plan.blocks {
            for d in &b.devices {
                if let Some(mb) = plan.cluster[d.device].memory_mb {
                    let bytes = (mb * coopai::cost::cluster::BYTES_PER_MB) as u64;
                    assert!(d.memory_bytes * frames <= bytes, "{:?}", net.model);
                }
            }
        }
        let least = stream_partitions(&net, &env, Algorithm::Mls)
            .unwrap()
            .iter()
            .map(|s| s.period_s())
            .fold(f64::INFINITY, f64::min);
        ruled_out |= plan.stream.period_s > least;
    }
    assert!(ruled_out, "memory never ruled out a plan of lower period");
}

/// The "done when", and the README's table (`--nocapture` prints it): for the
/// zoo at D = 10 and G ∈ {10, 100, 1000} Mbps, the throughput plan's period is
/// `max(ΣC, ΣT)` of its own blocks, never above the latency plan's, and below it
/// somewhere.
#[test]
fn the_zoo_streams_at_the_papers_setting() {
    let mut below = Vec::new();
    println!("| model | G (Mbps) | latency plan: k, rounds, period (s) | throughput plan: k, rounds, period (s) |");
    println!("|---|---|---|---|");
    for name in zoo::NAMES {
        let net = model::load(name).unwrap();
        for g in [10.0, 100.0, 1000.0] {
            let env = Environment::new(10, g, 13.6).unwrap();
            let latency = solve(&net, &env, Algorithm::Mls);
            let stream = solve_throughput(&net, &env, Algorithm::Mls).unwrap();
            check_own_period(&latency);
            check_own_period(&stream);
            assert!(
                stream.stream.period_s <= latency.stream.period_s,
                "{name} {g}"
            );
            let chosen = &latency.per_k[latency.devices as usize - 1];
            assert_eq!(chosen.period_s, Some(latency.stream.period_s));
            if stream.stream.period_s < latency.stream.period_s {
                below.push(format!("{name} at {g} Mbps"));
            }
            println!(
                "| {name} | {g} | {}, {}, {:.4} | {}, {}, {:.4} |",
                latency.devices,
                latency.blocks.len(),
                latency.stream.period_s,
                stream.devices,
                stream.blocks.len(),
                stream.stream.period_s
            );
        }
    }
    println!("strictly below: {below:?}");
    assert!(!below.is_empty());
}

/// serde_json reads a float to within one unit in the last place, not always exactly:
/// the JSON is checked to 1e-12, the library exactly (above).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

#[test]
fn solve_objective_throughput_on_the_command_line() {
    let v = json(&[
        "solve",
        "--model",
        "vgg16",
        "--objective",
        "throughput",
        "--json",
    ]);
    assert_eq!(v["objective"], "throughput");
    let blocks = v["blocks"].as_array().unwrap();
    let sum = |key: &str| blocks.iter().map(|b| b[key].as_f64().unwrap()).sum::<f64>();
    let p = v["period_s"].as_f64().unwrap();
    assert!(close(
        p,
        sum("round_compute_s").max(sum("round_transfer_s"))
    ));
    assert!(close(v["throughput_fps"].as_f64().unwrap(), 1.0 / p));
    assert!(v["latency_s"].as_f64().unwrap() >= v["completion_s"].as_f64().unwrap());
    assert!(v["frames_in_flight"].as_u64().unwrap() >= 1);
    // The latency plan reports its period too, and it is not lower.
    let l = json(&["solve", "--model", "vgg16", "--json"]);
    assert_eq!(l["objective"], "latency");
    assert!(l["period_s"].as_f64().unwrap() >= p);
    let text = String::from_utf8(
        coopai(&["solve", "--model", "vgg16", "--objective", "throughput"]).stdout,
    )
    .unwrap();
    assert!(text.contains("planned for a stream: period"), "{text}");
}

#[test]
fn solve_algorithm_both_on_the_command_line() {
    for objective in ["latency", "throughput"] {
        let v = json(&[
            "solve",
            "--model",
            "alexnet",
            "--algorithm",
            "both",
            "--objective",
            objective,
            "--json",
        ]);
        assert_eq!(v["objective"], objective);
        assert_eq!(v["mls"]["algorithm"], "mls");
        assert_eq!(v["sls"]["algorithm"], "sls");
        let key = if objective == "latency" {
            "completion_s"
        } else {
            "period_s"
        };
        let (m, s) = (
            v["mls"][key].as_f64().unwrap(),
            v["sls"][key].as_f64().unwrap(),
        );
        let saving = v["saving_vs_sls_pct"].as_f64().unwrap();
        assert!(close(saving, 100.0 * (s - m) / s), "{saving}");
        assert!(m <= s);
    }
    let text =
        String::from_utf8(coopai(&["solve", "--model", "alexnet", "--algorithm", "both"]).stdout)
            .unwrap();
    assert!(text.contains("MLS saves") && text.contains("SLS"), "{text}");
}

#[test]
fn stream_options_refuse_what_they_cannot_do() {
    let err = |args: &[&str], wanted: &str| {
        let out = coopai(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let text = String::from_utf8(out.stderr).unwrap();
        assert!(text.contains(wanted), "{args:?}: {text}");
        assert_eq!(text.trim_end().lines().count(), 1, "{text}");
    };
    err(
        &["solve", "--model", "vgg16", "--objective", "fps"],
        "--objective expects latency or throughput, found 'fps'",
    );
    err(
        &[
            "solve",
            "--model",
            "vgg16",
            "--objective",
            "throughput",
            "--json",
            "--dp",
        ],
        "--dp shows the table of eq. (2)",
    );
    err(
        &["verify", "--model", "tiny", "--algorithm", "both"],
        "verify runs one plan",
    );
}

#[test]
fn verify_runs_the_stream_plan_and_simulates_its_schedule() {
    let verify = [
        "verify",
        "--model",
        "tiny",
        "--objective",
        "throughput",
        "--devices",
        "4",
    ];
    let out = coopai(&verify);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("stream: ok: period"), "{text}");
    let v = json(&[&verify[..], &["--json"]].concat());
    assert_eq!(v["report"]["ok"], true);
    assert_eq!(v["stream"]["ok"], true);
}
