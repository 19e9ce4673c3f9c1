//! The planner's cached re-solves equal cold solves to the bit, through any sequence of
//! bandwidth, speed and device-count changes, for one picture and for a stream.

mod common;

use common::{random_chain, random_dag, Rng};
use coopai::cost::Environment;
use coopai::model::{zoo, Network};
use coopai::solver::{compare, solve, solve_throughput, sweep_bandwidth, Algorithm, Planner};

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
        same(
            &planner.solve_throughput(env, algorithm),
            &solve_throughput(&net, env, algorithm),
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

/// The page's worker walks one `k` per task with `prepare` until it says none is left;
/// a mixed cluster has nothing to prepare and is solved cold, from the same planner,
/// without disturbing what it keeps for equal devices.
#[test]
fn prepare_walks_each_missing_k_once_and_clusters_are_solved_cold() {
    let net = Network::new(&zoo::by_name("resnet18").unwrap()).unwrap();
    let mut planner = Planner::new(net.clone());
    let env = Environment::raspberry_pi4(6);
    let walked: Vec<u32> = std::iter::from_fn(|| planner.prepare(&env, Algorithm::Mls)).collect();
    assert_eq!(walked, [2, 3, 4, 5, 6]);
    assert_eq!(
        planner.prepare(&Environment::raspberry_pi4(7), Algorithm::Mls),
        Some(7)
    );
    let cluster = coopai::cost::cluster_spec::parse_short("3x13.6@2048,1x50").unwrap();
    let mixed = Environment::with_cluster(cluster, 100.0).unwrap();
    assert_eq!(planner.prepare(&mixed, Algorithm::Mls), None);
    let pairs = planner.cached_pairs();
    check(&mut planner, &mixed, "resnet18 on a mixed cluster");
    assert_eq!(planner.cached_pairs(), pairs);
    check(&mut planner, &env, "resnet18 after the cluster");
    // A cache with room for little: the first `k` it cannot keep is the last prepared.
    let mut tight = Planner::with_cache_limit(net, 1);
    assert_eq!(tight.prepare(&env, Algorithm::Mls), Some(2));
    assert_eq!(tight.prepare(&env, Algorithm::Mls), None);
    check(&mut tight, &env, "resnet18, a cache of one pair");
}
