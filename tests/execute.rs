//! Issue 3: executing plans on real tensors. Every plan must reproduce the unsliced
//! model (bit for bit in conv rounds, within the summation-order bound where the
//! gateway adds partial sums) and move exactly the elements the cost model prices.

#[path = "execute/chains.rs"]
mod chains;
#[path = "execute/plans.rs"]
mod plans;

use chains::{mixed, random_chain, with_passthrough, Rng};
use coopai::cost::{Case, Environment};
use coopai::execute::{verify, ExecError, VerifyReport};
use coopai::model::Network;
use coopai::solver::{Algorithm, Plan};
use plans::{every_partition, of_blocks, optimal};

fn env(devices: u32, bandwidth_mbps: f64) -> Environment {
    Environment::new(devices, bandwidth_mbps, 13.6).unwrap()
}

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
        assert!(
            r.max_abs_diff <= 1e-5 * (1.0 + r.max_abs_value),
            "{what}: round {r:?}"
        );
    }
    report
}

#[test]
fn random_chains_for_every_k_mls_and_sls() {
    let mut rng = Rng(2026);
    for n in 0..60 {
        let net = random_chain(&mut rng);
        for k in 1..=6 {
            for algorithm in [Algorithm::Mls, Algorithm::Sls] {
                for g in [0.01, 100.0, 1e6] {
                    let plan = optimal(&net, &env(k, g), k, algorithm);
                    check(
                        &net,
                        &plan,
                        &format!("chain {n}, k {k}, {algorithm:?}, {g} Mbps"),
                    );
                }
            }
        }
    }
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
