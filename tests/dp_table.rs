//! The recorded DP table (`solver::dp_table`, behind the page's DP view and
//! `solve --json --dp`) against the DP itself: its traced-back chain is `partition`'s
//! blocks, every `T(j)` is the minimum over the candidates recorded for `j` (the smallest
//! first layer on a tie), and every candidate's `T(i − 1)` is the table's own row `i − 1`.

mod common;

use common::{random_chain, random_dag, Rng};
use coopai::cost::{Case, Environment};
use coopai::model::{self, Network};
use coopai::solver::{dp_table, partition, Algorithm, DpTable};

fn check(net: &Network, env: &Environment, k: u32, algorithm: Algorithm) -> DpTable {
    let where_ = format!("{} k={k} {}", net.name, algorithm.name());
    let t = dp_table(net, env, k, algorithm);
    let p = partition(net, env, k, algorithm);
    assert_eq!(t.completion_s, p.completion_s, "{where_}");
    let chain: Vec<_> = t.chain.iter().map(|b| (b.first, b.last, b.case)).collect();
    let blocks: Vec<_> = p.blocks.iter().map(|b| (b.first, b.last, b.case)).collect();
    assert_eq!(chain, blocks, "chain at {where_}");
    let ends: Vec<usize> = t.rows.iter().map(|r| r.last).collect();
    let expected: Vec<usize> = if k == 1 {
        vec![net.len()]
    } else {
        (1..=net.len()).collect()
    };
    assert_eq!(ends, expected, "rows at {where_}");
    let best = |i: usize| if i == 0 { 0.0 } else { t.rows[i - 1].best_s };
    for row in &t.rows {
        assert!(!row.candidates.is_empty(), "row {} at {where_}", row.last);
        let min = row
            .candidates
            .iter()
            .map(|c| c.total_s)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(row.best_s, min, "T({}) at {where_}", row.last);
        let kept = row
            .candidates
            .iter()
            .filter(|c| c.total_s == min)
            .min_by_key(|c| c.first)
            .unwrap();
        assert_eq!(row.first, kept.first, "i of row {} at {where_}", row.last);
        for c in &row.candidates {
            assert!(c.first <= row.last);
            if k > 1 {
                assert_eq!(
                    c.before_s,
                    best(c.first - 1),
                    "T(i-1) of {}..{} at {where_}",
                    c.first,
                    row.last
                );
            }
            assert_eq!(c.total_s, c.before_s + c.block_s);
            assert_eq!(c.block_s, c.compute_s + c.transfer_s);
            if matches!(
                c.case,
                Case::FcData | Case::FcModel | Case::FcHybrid | Case::Single
            ) {
                assert_eq!(c.halo_flops, 0, "{:?} at {where_}", c.case);
            }
            if algorithm == Algorithm::Sls && k > 1 {
                assert_eq!(c.first, row.last, "SLS blocks are single layers");
            }
        }
    }
    t
}

#[test]
fn zoo_tables_match_the_dp() {
    for name in [
        "tiny",
        "alexnet",
        "vgg16",
        "yolov2",
        "tinyres",
        "resnet18",
        "mobilenetv2",
    ] {
        let net = model::load(name).unwrap();
        for (devices, mbps, gflops) in [(10, 100.0, 13.6), (4, 20.0, 2.0), (6, 1000.0, 50.0)] {
            let env = Environment::new(devices, mbps, gflops).unwrap();
            for k in [1, 2, devices] {
                check(&net, &env, k, Algorithm::Mls);
                check(&net, &env, k, Algorithm::Sls);
            }
        }
    }
}

#[test]
fn fused_blocks_record_their_halo() {
    // VGG16's paper plan fuses conv layers; a fused candidate recomputes halo rows.
    let net = model::load("vgg16").unwrap();
    let env = Environment::new(10, 100.0, 13.6).unwrap();
    let t = check(&net, &env, 7, Algorithm::Mls);
    let fused = t
        .rows
        .iter()
        .flat_map(|r| r.candidates.iter().map(move |c| (r.last, c)))
        .filter(|(j, c)| c.case == Case::Conv && c.first + 1 < *j);
    assert!(fused.clone().count() > 0);
    assert!(fused
        .clone()
        .all(|(_, c)| c.halo_flops > 0 && c.halo_s > 0.0));
}

#[test]
fn random_tables_match_the_dp() {
    let mut rng = Rng(0x7ab1e);
    for n in 0..120 {
        let net = if n % 2 == 0 {
            random_chain(&mut rng, 9)
        } else {
            random_dag(&mut rng, 9)
        };
        let k = rng.range(1, 6);
        let env = Environment::new(
            k.max(1),
            f64::from(rng.range(1, 1000)),
            1.0 + f64::from(rng.range(0, 40)),
        )
        .unwrap();
        check(&net, &env, k, Algorithm::Mls);
        check(&net, &env, k, Algorithm::Sls);
    }
}

#[test]
fn solve_json_dp_prints_the_plan_and_its_table() {
    // `--dp` must survive the CLI's move to another parser: the page's tests rely on it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coopai"))
        .args([
            "solve",
            "--model",
            "tinyres",
            "--devices",
            "8",
            "--bandwidth",
            "1000",
        ])
        .args(["--gflops", "2", "--json", "--dp"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let net = model::load("tinyres").unwrap();
    let env = Environment::new(8, 1000.0, 2.0).unwrap();
    let k = v["plan"]["devices"].as_u64().unwrap() as u32;
    let table = dp_table(&net, &env, k, Algorithm::Mls);
    // Through text both ways, so both sides parse floats alike.
    let text = serde_json::to_string(&table).unwrap();
    assert_eq!(
        v["dp"],
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    );
    let blocks: Vec<_> = v["plan"]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["first"].as_u64().unwrap() as usize,
                b["last"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let chain: Vec<_> = table.chain.iter().map(|b| (b.first, b.last)).collect();
    assert_eq!(blocks, chain);
    assert!(k > 1 && chain.len() > 1, "a setting worth a table");
}
