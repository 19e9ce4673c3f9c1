//! Two shortcuts of the cold DP, both exact. It stops a sweep once no longer block can
//! win (`solver::dp::bound`), because every device's FLOPs and upload bits only grow as
//! a sweep adds layers at the bottom: these tests check that premise on every sweep,
//! and that the pruned DP keeps the optimum of the unpruned one (the DP table sees
//! every candidate) while it does skip candidates. And a sweep carries only the devices
//! that can be the slowest (`ConvSweep::only_slowest`, `DagSweep::only_slowest`): the
//! block times are the full sweep's, to the bit.

mod common;

use common::{random_chain, random_dag, Rng};
use coopai::cost::block_sweep::BlockSweep;
use coopai::cost::cluster::{Cluster, Device, RowSplits};
use coopai::cost::{block_time, Environment, Load};
use coopai::model::{zoo, Network};
use coopai::solver::{dp_table, partition_observed, Algorithm, Observer, Offer};

/// Every sweep of `net` on `env`'s team of `k`: conv blocks ending at each spatial
/// layer, and `conv+fc` blocks closed by each FL after a spatial layer.
fn each_sweep(net: &Network, env: &Environment, k: u32, mut f: impl FnMut(&mut BlockSweep)) {
    let team = env.team(k);
    let splits = RowSplits::new(net, &team);
    for j in 1..=net.len() {
        if net.is_spatial(j) {
            f(&mut BlockSweep::new(net, &splits, k, j, None));
        } else if j >= 2 && net.is_spatial(j - 1) {
            f(&mut BlockSweep::new(net, &splits, k, j - 1, Some(j)));
        }
    }
}

fn assert_monotone(net: &Network, env: &Environment, k: u32) {
    each_sweep(net, env, k, |sweep| {
        let mut before: Option<Vec<Load>> = None;
        while let Some(r) = sweep.step() {
            let now = sweep.loads().to_vec();
            if let Some(before) = &before {
                for (d, (b, n)) in before.iter().zip(&now).enumerate() {
                    assert!(
                        n.flops >= b.flops && n.to_bits >= b.to_bits,
                        "{}: device {d} at first layer {r}: {b:?} then {n:?}",
                        net.name
                    );
                }
            }
            before = Some(now);
        }
    });
}

fn random_net(rng: &mut Rng, n: u32) -> Network {
    if n % 2 == 0 {
        random_chain(rng, 10)
    } else {
        random_dag(rng, 10)
    }
}

fn random_cluster(rng: &mut Rng) -> Cluster {
    Cluster {
        devices: (0..rng.range(2, 5))
            .map(|i| Device {
                name: format!("d{i}"),
                gflops: f64::from(rng.range(1, 60)) * 1e-6,
                memory_mb: None,
                link_mbps: rng.chance(30).then(|| f64::from(rng.range(1, 30)) * 1e-4),
            })
            .collect(),
    }
}

#[test]
fn loads_only_grow_along_every_sweep_of_the_zoo() {
    for name in zoo::NAMES {
        let net = Network::new(&zoo::by_name(name).unwrap()).unwrap();
        for k in [2, 5, 16] {
            assert_monotone(&net, &Environment::raspberry_pi4(k), k);
        }
    }
}

#[test]
fn loads_only_grow_along_every_sweep_of_random_models() {
    let mut rng = Rng(21);
    for n in 0..300 {
        let net = random_net(&mut rng, n);
        let env = if n % 3 == 0 {
            Environment::with_cluster(random_cluster(&mut rng), 1e-3).unwrap()
        } else {
            Environment::raspberry_pi4(rng.range(2, 7))
        };
        for k in 2..=env.devices {
            assert_monotone(&net, &env, k);
        }
    }
}

/// Counts the candidates the pruned DP prices.
#[derive(Default)]
struct Count(usize);

impl Observer for Count {
    fn offer(&mut self, _: &Offer) {
        self.0 += 1;
    }
}

#[test]
fn the_pruned_dp_keeps_the_optimum_and_skips_candidates() {
    let mut rng = Rng(5);
    let (mut pruned, mut all) = (0, 0);
    for n in 0..240 {
        let net = random_net(&mut rng, n);
        let env = if n % 3 == 0 {
            Environment::with_cluster(random_cluster(&mut rng), 1e-3).unwrap()
        } else {
            Environment::new(
                rng.range(2, 7),
                f64::from(rng.range(1, 500)) * 1e-4,
                f64::from(rng.range(1, 500)) * 1e-7,
            )
            .unwrap()
        };
        for k in 2..=env.devices {
            for algorithm in [Algorithm::Mls, Algorithm::Sls] {
                let mut count = Count::default();
                let p = partition_observed(&net, &env, k, algorithm, &mut count);
                let table = dp_table(&net, &env, k, algorithm);
                let label = coopai::model::json::to_json(&net.model);
                assert_eq!(
                    p.completion_s.to_bits(),
                    table.completion_s.to_bits(),
                    "{label}"
                );
                let blocks: Vec<_> = p.blocks.iter().map(|b| (b.first, b.last, b.case)).collect();
                let chain: Vec<_> = table
                    .chain
                    .iter()
                    .map(|b| (b.first, b.last, b.case))
                    .collect();
                assert_eq!(blocks, chain, "{label}");
                pruned += count.0;
                all += table.rows.iter().map(|r| r.candidates.len()).sum::<usize>();
            }
        }
    }
    eprintln!("priced {pruned} of {all} candidates");
    assert!(
        pruned < all,
        "pruning never skipped a candidate ({pruned} of {all})"
    );
}

/// A sweep that keeps only the devices that can be the slowest (`only_slowest`) gives
/// the same block time as the full sweep, bit for bit, at any bandwidth and speed, and
/// does drop devices: on long conv runs of a chain, on a branching model's devices
/// that hold no rows of the block, and on a branching model's busy devices once they
/// all need the same rows (its collapsed walk).
#[test]
fn collapsed_sweeps_keep_the_slowest_device() {
    let mut rng = Rng(34);
    let mut nets: Vec<Network> = ["tiny", "alexnet", "vgg16", "tinyres"]
        .iter()
        .map(|n| Network::new(&zoo::by_name(n).unwrap()).unwrap())
        .collect();
    nets.extend((0..200).map(|_| random_chain(&mut rng, 12)));
    nets.extend((0..200).map(|_| random_dag(&mut rng, 12)));
    let mut collapsed = 0;
    let mut collapsed_dag = 0;
    let mut busy_dropped_dag = 0;
    for net in &nets {
        for k in [2, 3, 7, 16] {
            let env = Environment::raspberry_pi4(k);
            let team = env.team(k);
            let splits = RowSplits::new(net, &team);
            for j in (1..=net.len()).filter(|&j| net.is_spatial(j)) {
                let mut full = BlockSweep::new(net, &splits, k, j, None);
                let mut few = BlockSweep::new(net, &splits, k, j, None).only_slowest();
                while let Some(r) = full.step() {
                    assert_eq!(few.step(), Some(r));
                    let (all, some) = (full.loads(), few.loads());
                    if some.len() < all.len() {
                        collapsed += 1;
                        collapsed_dag += usize::from(net.dag);
                        let busy = |l: &[Load]| l.iter().filter(|l| l.memory_bytes > 0).count();
                        busy_dropped_dag += usize::from(net.dag && busy(some) < busy(all));
                    }
                    assert!(some.iter().all(|l| all.contains(l)), "{} r {r}", net.name);
                    for _ in 0..4 {
                        let env = Environment::new(
                            k,
                            f64::from(rng.range(1, 1000)) * 0.1,
                            f64::from(rng.range(1, 1000)) * 0.01,
                        )
                        .unwrap();
                        let team = env.team(k);
                        let (a, b) = (block_time(all, &team).0, block_time(some, &team).0);
                        assert_eq!(
                            (a.compute_s.to_bits(), a.transfer_s.to_bits()),
                            (b.compute_s.to_bits(), b.transfer_s.to_bits()),
                            "{} k {k} r {r} j {j}",
                            net.name
                        );
                    }
                }
                assert_eq!(few.step(), None);
            }
        }
    }
    assert!(collapsed > 100, "only {collapsed} collapsed steps");
    assert!(
        collapsed_dag > 100,
        "only {collapsed_dag} collapsed steps of DAGs"
    );
    assert!(
        busy_dropped_dag > 100,
        "only {busy_dropped_dag} steps of DAGs left busy devices out"
    );
}
