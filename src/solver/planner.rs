//! A planner that keeps one network and remembers, per algorithm and `k`, every
//! candidate block of the DP with only what its time can depend on, so that moving the
//! bandwidth or the device speed re-solves without re-walking a single block, and
//! raising `D` computes only the new `k`s.
//!
//! Why it is exact: on equal devices without limits (the paper's setting), a block's
//! loads do not depend on `F` or `G`, and its time is `max_d (ζ_d/F + φ_d·k/G)`. Device
//! `e` can be dropped when another device `d` has `ζ_d ≥ ζ_e` and `φ_d ≥ φ_e`: `e` is
//! then never slower than `d` for any `F` and `G` by [`Timing::slower_than`], the rule
//! that picks the device whose timing the DP keeps (of equal pairs the first is kept).
//! The kept pairs are evaluated with the same expressions and rule, and offered to the
//! same recurrence, so the results equal a cold solve bit for bit (`tests/planner.rs`);
//! and so does each block's `C_r`, `T_r` (the longest compute and transfer are a kept
//! pair's: a dropped pair has at most another's `ζ` and `φ`).
//! Mixed clusters are solved cold (their per-device links make the time depend on `G`
//! in a way a pair cannot hold).

use super::admit::Work;
use super::dp::{
    candidates, partition, single_device, Algorithm, Partition, Recurrence, Sweep, Visit,
};
use super::each_k::{each, threads};
use super::plan::{solve_with, Plan};
use super::stream::{least_period, Admitted};
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
            let kept = &mut self.pairs[start..];
            if kept.iter().any(|&(kz, kp)| kz >= z && kp >= p) {
                continue;
            }
            // Drop the kept pairs the new one dominates (keeping the order of the rest).
            let mut n = start;
            for i in start..self.pairs.len() {
                let (kz, kp) = self.pairs[i];
                if !(z >= kz && p >= kp) {
                    self.pairs[n] = (kz, kp);
                    n += 1;
                }
            }
            self.pairs.truncate(n);
            self.pairs.push((z, p));
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
                let mut most = Timing::default();
                for (n, &(z, p)) in self.pairs[c.pairs.0 as usize..c.pairs.1 as usize]
                    .iter()
                    .enumerate()
                {
                    // The same expressions as `Team::timing` and `block_and_round`.
                    let t = Timing {
                        compute_s: z as f64 / flops_per_second,
                        transfer_s: p as f64 * kf / bits_per_second,
                    };
                    if n == 0 || t.slower_than(&slowest) {
                        slowest = t;
                    }
                    most.compute_s = most.compute_s.max(t.compute_s);
                    most.transfer_s = most.transfer_s.max(t.transfer_s);
                }
                dp.offer(j + 1, c.first as usize, c.case, [slowest, most]);
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
    /// By `2·k + index(algorithm)`.
    cache: Vec<Option<Candidates>>,
    max_pairs: usize,
    /// By `index(algorithm)`: a walk was not kept for want of room.
    full: [bool; 2],
}

fn slot(k: u32, algorithm: Algorithm) -> usize {
    2 * k as usize + index(algorithm)
}

/// MLS 0, SLS 1.
fn index(algorithm: Algorithm) -> usize {
    usize::from(algorithm == Algorithm::Sls)
}

/// Most `(ζ, φ)` pairs a planner keeps by default (64 MiB): past it, a `k` is walked
/// again each time. A 300-layer chain at `D = 64` would otherwise keep 25 million
/// (400 MB), ResNet-50 at `D = 32` keeps about 0.3 million.
pub const MAX_CACHED_PAIRS: usize = 4 << 20;

impl Planner {
    pub fn new(net: Network) -> Self {
        Planner::with_cache_limit(net, MAX_CACHED_PAIRS)
    }

    /// A planner that keeps at most `max_pairs` pairs.
    pub fn with_cache_limit(net: Network, max_pairs: usize) -> Self {
        Planner {
            net,
            cache: Vec::new(),
            max_pairs,
            full: [false; 2],
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

    /// Whether a solve for `k` devices reads its candidates from the cache (true for
    /// `k = 1`, which needs none): false until the `k` is solved, and after it when the
    /// cache was full.
    pub fn holds(&self, k: u32, algorithm: Algorithm) -> bool {
        k == 1 || self.cached(k, algorithm).is_some()
    }

    fn cached(&self, k: u32, algorithm: Algorithm) -> Option<&Candidates> {
        self.cache.get(slot(k, algorithm)).and_then(Option::as_ref)
    }

    /// Walks and keeps the candidates of the smallest `k ≤ D` the cache lacks, so that a
    /// long cold solve can run one `k` per task (the page's worker reports progress and
    /// drops superseded inputs between them); the following solve is then warm. Returns
    /// the `k` walked, or `None` when no walk is left that the cache would keep: every
    /// `k` held, the cache full, or a mixed cluster (solved cold).
    pub fn prepare(&mut self, env: &Environment, algorithm: Algorithm) -> Option<u32> {
        if env.cluster.is_some() || self.full[index(algorithm)] {
            return None;
        }
        let k = (2..=env.devices).find(|&k| !self.holds(k, algorithm))?;
        self.partition(env, k, algorithm);
        Some(k)
    }

    /// The best partition for exactly `k` devices; equal to [`partition`].
    pub fn partition(&mut self, env: &Environment, k: u32, algorithm: Algorithm) -> Partition {
        self.partitions(env, &[k], algorithm).remove(0)
    }

    /// [`Planner::partition`] for each of `ks`: from the cache where it can, else by
    /// walking the blocks, kept for next time while the cache has room.
    fn partitions(
        &mut self,
        env: &Environment,
        ks: &[u32],
        algorithm: Algorithm,
    ) -> Vec<Partition> {
        let net = &self.net;
        let work = Work::of(net, algorithm);
        let walk_steps = |k: u32| work.at(k);
        if env.cluster.is_some() {
            let steps = ks.iter().map(|&k| walk_steps(k)).sum();
            return each(ks, steps, |k| partition(net, env, k, algorithm));
        }
        let (f, g) = (env.flops_per_second(), env.bits_per_second());
        let mut out: Vec<Option<Partition>> = vec![None; ks.len()];
        // What the cache holds, at once.
        let (hit, miss): (Vec<usize>, Vec<usize>) =
            (0..ks.len()).partition(|&i| self.holds(ks[i], algorithm));
        let this = &*self;
        let hits: Vec<u32> = hit.iter().map(|&i| ks[i]).collect();
        let steps = hits
            .iter()
            .map(|&k| {
                this.cached(k, algorithm)
                    .map_or(0, |c| c.pairs.len() as u64)
            })
            .sum();
        let solved = each(&hits, steps, |k| match this.cached(k, algorithm) {
            Some(c) => c.solve(net.len(), k, f, g),
            None => single_device(net, &env.team(1)),
        });
        for (&i, p) in hit.iter().zip(solved) {
            out[i] = Some(p);
        }
        // The rest, a few `k`s at a time so that at most that many walks are held.
        for batch in miss.chunks(threads()) {
            let batch_ks: Vec<u32> = batch.iter().map(|&i| ks[i]).collect();
            let steps = batch_ks.iter().map(|&k| walk_steps(k)).sum();
            let walked = each(&batch_ks, steps, |k| {
                let mut c = Candidates::default();
                candidates(net, &env.team(k), algorithm, &mut c);
                let p = c.solve(net.len(), k, f, g);
                (p, c)
            });
            for (&i, (p, c)) in batch.iter().zip(walked) {
                out[i] = Some(p);
                if self.cached_pairs() + c.pairs.len() <= self.max_pairs {
                    let s = slot(ks[i], algorithm);
                    if self.cache.len() <= s {
                        self.cache.resize_with(s + 1, || None);
                    }
                    self.cache[s] = Some(c);
                } else {
                    self.full[index(algorithm)] = true;
                }
            }
        }
        out.into_iter()
            .map(|p| p.expect("every k solved"))
            .collect()
    }

    /// Like [`super::solve`], from the cache.
    pub fn solve(&mut self, env: &Environment, algorithm: Algorithm) -> Plan {
        let ks: Vec<u32> = (1..=env.devices).collect();
        let parts = self.partitions(env, &ks, algorithm);
        solve_with(&self.net, env, algorithm, parts)
    }

    /// Like [`super::compare`], from the cache.
    pub fn compare(&mut self, env: &Environment) -> Comparison {
        let ks: Vec<u32> = (1..=env.devices).collect();
        let mls = self.partitions(env, &ks, Algorithm::Mls);
        let sls = self.partitions(env, &ks, Algorithm::Sls);
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
            .map(|&g| BandwidthPoint::of(g, &self.compare(&env.at_bandwidth(g))))
            .collect()
    }

    /// Like [`super::solve_throughput`], each `k`'s ceiling from the cache: a stream's
    /// cold solve walks its blocks once, not twice.
    pub fn solve_throughput(
        &mut self,
        env: &Environment,
        algorithm: Algorithm,
    ) -> Result<Plan, String> {
        let admitted = Admitted::check(&self.net, env, algorithm)?;
        let ks: Vec<u32> = (1..=env.devices).collect();
        let latency = self.partitions(env, &ks, algorithm);
        let planned = admitted.plan(&self.net, env, algorithm, &latency)?;
        least_period(&self.net, env, algorithm, planned)
    }
}
