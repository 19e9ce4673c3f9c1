//! A planner that keeps one network and remembers, per algorithm and `k`, every
//! candidate block of the DP with only what its time can depend on, so that moving the
//! bandwidth or the device speed re-solves without re-walking a single block, and
//! raising `D` computes only the new `k`s.
//!
//! Why it is exact: on equal devices without limits (the paper's setting), a block's
//! loads do not depend on `F` or `G`, and its time is `max_d (ζ_d/F + φ_d·k/G)`. Device
//! `e` can be dropped when an earlier device `d` has `ζ_d ≥ ζ_e` and `φ_d ≥ φ_e`: `e` is
//! then never the first slowest device for any `F` and `G`, the one the DP's timing
//! comes from. The kept pairs are evaluated with the same expression, in the same order,
//! and offered to the same recurrence, so the results equal a cold solve bit for bit
//! (`tests/planner.rs`). Mixed clusters are solved cold (their per-device links make
//! the time depend on `G` in a way a pair cannot hold).

use super::dp::{
    candidates, partition, single_device, Algorithm, Partition, Recurrence, Sweep, Visit,
};
use super::plan::{solve_with, Plan};
use super::sweep::{compare_with, BandwidthPoint, Comparison};
use crate::cost::{Case, Environment, Load, Timing};
use crate::model::Network;

/// One candidate block: its first layer, case, and its devices' `(ζ, φ)` that can be
/// the slowest, as a range of [`Candidates::pairs`].
struct Candidate {
    first: u32,
    case: Case,
    pairs: (u32, u32),
}

/// The DP's candidates for one algorithm and `k`, by end layer.
#[derive(Default)]
struct Candidates {
    /// `ends[j]` is one past the last candidate of end layer `j` (`ends[0] = 0`).
    ends: Vec<u32>,
    blocks: Vec<Candidate>,
    pairs: Vec<(u64, u64)>,
}

impl Visit for Candidates {
    fn block(&mut self, _j: usize, first: usize, case: Case, loads: &[Load]) -> Sweep {
        let start = self.pairs.len();
        for load in loads {
            let (z, p) = (load.flops, load.bits());
            let kept = &self.pairs[start..];
            if !kept.iter().any(|&(kz, kp)| kz >= z && kp >= p) {
                self.pairs.push((z, p));
            }
        }
        self.blocks.push(Candidate {
            first: first as u32,
            case,
            pairs: (start as u32, self.pairs.len() as u32),
        });
        Sweep::Continue
    }

    fn end(&mut self, _j: usize) {
        self.ends.push(self.blocks.len() as u32);
    }
}

impl Candidates {
    /// Eq. (2) over the remembered candidates at `F` FLOP/s and `G` bit/s.
    fn solve(
        &self,
        layers: usize,
        k: u32,
        flops_per_second: f64,
        bits_per_second: f64,
    ) -> Partition {
        let mut dp = Recurrence::new(layers, k);
        let kf = f64::from(k);
        let mut start = 0;
        for (j, &end) in self.ends.iter().enumerate() {
            for c in &self.blocks[start as usize..end as usize] {
                let mut slowest = Timing::default();
                for (n, &(z, p)) in self.pairs[c.pairs.0 as usize..c.pairs.1 as usize]
                    .iter()
                    .enumerate()
                {
                    // The same expressions as `Team::timing` and `block_time`.
                    let t = Timing {
                        compute_s: z as f64 / flops_per_second,
                        transfer_s: p as f64 * kf / bits_per_second,
                    };
                    if n == 0 || t.total() > slowest.total() {
                        slowest = t;
                    }
                }
                dp.offer(j + 1, c.first as usize, c.case, slowest);
            }
            dp.end(j + 1);
            start = end;
        }
        dp.finish()
    }
}

/// A network and the DP candidates computed for it so far.
pub struct Planner {
    net: Network,
    /// By `2·k + algorithm` (MLS 0, SLS 1).
    cache: Vec<Option<Candidates>>,
}

impl Planner {
    pub fn new(net: Network) -> Self {
        Planner {
            net,
            cache: Vec::new(),
        }
    }

    pub fn network(&self) -> &Network {
        &self.net
    }

    /// Candidate pairs remembered, over every algorithm and `k` (its memory, in units of
    /// 16 bytes).
    pub fn cached_pairs(&self) -> usize {
        self.cache.iter().flatten().map(|c| c.pairs.len()).sum()
    }

    /// The best partition for exactly `k` devices; equal to [`partition`].
    pub fn partition(&mut self, env: &Environment, k: u32, algorithm: Algorithm) -> Partition {
        let net = &self.net;
        if env.cluster.is_some() {
            return partition(net, env, k, algorithm);
        }
        if k == 1 {
            return single_device(net, &env.team(1));
        }
        let slot = 2 * k as usize + usize::from(algorithm == Algorithm::Sls);
        if self.cache.len() <= slot {
            self.cache.resize_with(slot + 1, || None);
        }
        let cached = self.cache[slot].get_or_insert_with(|| {
            let mut c = Candidates::default();
            candidates(net, &env.team(k), algorithm, &mut c);
            c
        });
        cached.solve(net.len(), k, env.flops_per_second(), env.bits_per_second())
    }

    /// Like [`super::solve`], from the cache.
    pub fn solve(&mut self, env: &Environment, algorithm: Algorithm) -> Plan {
        let mut parts = |k| self.partition(env, k, algorithm);
        let parts: Vec<Partition> = (1..=env.devices).map(&mut parts).collect();
        solve_with(&self.net, env, algorithm, parts)
    }

    /// Like [`super::compare`], from the cache.
    pub fn compare(&mut self, env: &Environment) -> Comparison {
        let mut per_k = |e: &Environment, k, a| self.partition(e, k, a);
        let (mls, sls) = (
            (1..=env.devices)
                .map(|k| per_k(env, k, Algorithm::Mls))
                .collect(),
            (1..=env.devices)
                .map(|k| per_k(env, k, Algorithm::Sls))
                .collect(),
        );
        compare_with(&self.net, env, mls, sls)
    }

    /// Like [`super::sweep_bandwidth`], from the cache: one cold walk per `k`, however
    /// many bandwidths.
    pub fn sweep_bandwidth(
        &mut self,
        env: &Environment,
        bandwidths: &[f64],
    ) -> Vec<BandwidthPoint> {
        bandwidths
            .iter()
            .map(|&g| {
                let at = Environment {
                    bandwidth_mbps: g,
                    ..env.clone()
                };
                BandwidthPoint::of(g, &self.compare(&at))
            })
            .collect()
    }
}
