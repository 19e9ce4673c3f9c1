//! The planner's cached re-solves equal cold solves to the bit, through any sequence of
//! bandwidth, speed and device-count changes.

mod common;

use common::{random_chain, random_dag, Rng};
use coopai::cost::Environment;
use coopai::model::{zoo, Network};
use coopai::solver::{compare, solve, sweep_bandwidth, Algorithm, Planner};

fn same<T: serde::Serialize>(a: &T, b: &T, what: &str) {
    assert_eq!(
        serde_json::to_string(a).unwrap(),
        serde_json::to_string(b).unwrap(),
        "{what}"
    );
}

fn check(planner: &mut Planner, env: &Environment, what: &str) {
    let net = planner.network().clone();
    for algorithm in [Algorithm::Mls, Algorithm::Sls] {
        same(
            &planner.solve(env, algorithm),
            &solve(&net, env, algorithm),
            what,
        );
    }
    same(&planner.compare(env), &compare(&net, env), what);
}

#[test]
fn cached_solves_equal_cold_solves_on_random_models() {
    let mut rng = Rng(8);
    for n in 0..120 {
        let net = if n % 2 == 0 {
            random_chain(&mut rng, 9)
        } else {
            random_dag(&mut rng, 9)
        };
        let label = coopai::model::json::to_json(&net.model);
        let mut planner = Planner::new(net);
        // A session: drag the bandwidth and speed, add and remove devices.
        for _ in 0..6 {
            let env = Environment::new(
                rng.range(1, 6),
                f64::from(rng.range(1, 500)) * 1e-4,
                f64::from(rng.range(1, 500)) * 1e-7,
            )
            .unwrap();
            check(&mut planner, &env, &label);
        }
    }
}

#[test]
fn cached_sweeps_equal_cold_sweeps_on_the_zoo() {
    let bandwidths: Vec<f64> = (1..=10).map(|n| 40.0 * f64::from(n)).collect();
    for name in zoo::NAMES {
        let net = Network::new(&zoo::by_name(name).unwrap()).unwrap();
        let mut planner = Planner::new(net.clone());
        for devices in [4, 10, 6] {
            let env = Environment::raspberry_pi4(devices);
            same(
                &planner.sweep_bandwidth(&env, &bandwidths),
                &sweep_bandwidth(&net, &env, &bandwidths),
                name,
            );
            check(&mut planner, &env, name);
        }
        assert!(planner.cached_pairs() > 0);
    }
}

#[test]
fn a_full_cache_walks_again_and_still_equals_cold_solves() {
    let net = Network::new(&zoo::by_name("vgg16").unwrap()).unwrap();
    let env = Environment::raspberry_pi4(12);
    let mut roomy = Planner::new(net.clone());
    roomy.solve(&env, Algorithm::Mls);
    let all = roomy.cached_pairs();
    // Room for some `k`s but not all: the rest are walked on every call.
    let mut tight = Planner::with_cache_limit(net, all / 3);
    for mbps in [100.0, 40.0, 250.0] {
        let env = Environment {
            bandwidth_mbps: mbps,
            ..env.clone()
        };
        check(&mut tight, &env, "vgg16, a third of the cache");
        assert!(tight.cached_pairs() > 0 && tight.cached_pairs() <= all / 3);
    }
    // What the page's worker asks before it reports a `k` as warm.
    let held = |p: &Planner| (1..=12).filter(|&k| p.holds(k, Algorithm::Mls)).count();
    assert_eq!(held(&roomy), 12);
    assert!(
        (2..12).contains(&held(&tight)),
        "{} of 12 held",
        held(&tight)
    );
    let fresh = Planner::new(roomy.network().clone());
    assert!(fresh.holds(1, Algorithm::Mls) && !fresh.holds(2, Algorithm::Mls));
}
