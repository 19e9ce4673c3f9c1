//! The DPs of all `k`s walked together on a branching model (`solver::lockstep`):
//! each `k`'s optimum, blocks and times are those of its own DP, to the bit, on random
//! DAGs whose small maps many teams split alike, and on real ones.

mod common;

use common::{random_dag, Rng};
use coopai::cost::Environment;
use coopai::model::{self, Network};
use coopai::solver::{partition, partitions, Algorithm};

fn assert_same(net: &Network, env: &Environment, algorithm: Algorithm, what: &str) {
    let together = partitions(net, env, algorithm);
    assert_eq!(together.len(), env.devices as usize, "{what}");
    for (k, p) in (1..=env.devices).zip(&together) {
        assert_eq!(
            p,
            &partition(net, env, k, algorithm),
            "{what}: k = {k}, {algorithm:?}"
        );
    }
}

#[test]
fn random_dags_solve_each_k_as_alone() {
    let mut rng = Rng(23);
    for n in 0..300 {
        let net = random_dag(&mut rng, 12);
        let devices = rng.range(3, 40);
        let mbps = *rng.pick(&[1.0, 100.0, 10_000.0]);
        let env = Environment::new(devices, mbps, 13.6).unwrap();
        for algorithm in [Algorithm::Mls, Algorithm::Sls] {
            assert_same(&net, &env, algorithm, &format!("dag {n}, D = {devices}"));
        }
    }
}

#[test]
fn real_dags_solve_each_k_as_alone() {
    let cfg = |path: &str| {
        let file = format!("{}/tests/corpus_real/{path}", env!("CARGO_MANIFEST_DIR"));
        model::load(&std::fs::read_to_string(file).unwrap()).unwrap()
    };
    let nets = [
        ("resnet18", model::load("resnet18").unwrap(), 40),
        ("mobilenetv2", model::load("mobilenetv2").unwrap(), 40),
        ("densenet201", cfg("pjreddie/densenet201.cfg"), 24),
    ];
    for (name, net, devices) in &nets {
        let env = Environment::new(*devices, 100.0, 13.6).unwrap();
        assert_same(net, &env, Algorithm::Mls, name);
    }
}

/// A cluster whose two fastest devices are alike but whose larger teams mix speeds:
/// the teams that are not all alike are not walked together.
#[test]
fn mixed_clusters_solve_each_k_as_alone() {
    use coopai::cost::cluster_spec::parse_short;
    let mut rng = Rng(5);
    for n in 0..60 {
        let net = random_dag(&mut rng, 12);
        let spec = *rng.pick(&["2x50,6x13.6", "3x13.6,3x13.6@64", "8x20"]);
        let env = Environment::with_cluster(parse_short(spec).unwrap(), 1.0).unwrap();
        assert_same(&net, &env, Algorithm::Mls, &format!("dag {n} on {spec}"));
    }
}
