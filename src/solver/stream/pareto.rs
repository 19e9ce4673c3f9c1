//! The exact throughput planner for one `k` (`docs/spec-stream.md` §3). `P = max(ΣC, ΣT)`
//! is not a sum, so eq. (2) does not apply; but it only grows with either sum, so the
//! DP keeps at every layer `j` the Pareto set of `(ΣC, ΣT)` over the partitions of
//! `1..=j`: a pair that another beats on both sums can never finish better. The
//! candidate blocks are collected first (`blocks.rs`), so that a pair that cannot finish
//! at or below the period of a known partition is dropped (`bounds.rs`): that bounds
//! the sets in practice, and the work left in the budget bounds them always.

use std::sync::atomic::{AtomicU64, Ordering};

use super::blocks::{collect, Blocks};
use super::bounds::Bounds;
use crate::cost::Team;
use crate::model::Network;
use crate::solver::dp::{single_device, Algorithm, Partition};

/// A partition planned for a stream (each block's `round` is its `(C_r, T_r)`).
#[derive(Clone, Debug, PartialEq)]
pub struct StreamPartition {
    pub partition: Partition,
}

impl StreamPartition {
    /// `P`, infinite when nothing fits.
    pub fn period_s(&self) -> f64 {
        self.partition.period_s()
    }

    /// `ΣC + ΣT`, the tie-break between equal periods.
    pub fn busy_s(&self) -> f64 {
        let blocks = &self.partition.blocks;
        let compute: f64 = blocks.iter().map(|b| b.round.compute_s).sum();
        let transfer: f64 = blocks.iter().map(|b| b.round.transfer_s).sum();
        compute + transfer
    }
}

/// `(ΣC, ΣT)` of one partition of `1..=j`, its last block and where the rest is.
#[derive(Clone, Copy)]
struct Pair {
    compute: f64,
    transfer: f64,
    /// Index of its last block in [`Blocks`].
    block: u32,
    /// Index of the pair it extends in the set of the layer before that block.
    prev: u32,
}

/// The pairs no other pair beats on both sums (of equal pairs, the first offered).
fn pareto(pending: &mut Vec<Pair>) -> Vec<Pair> {
    pending.sort_by(|a, b| {
        a.compute
            .total_cmp(&b.compute)
            .then(a.transfer.total_cmp(&b.transfer))
    });
    let mut kept: Vec<Pair> = Vec::new();
    for p in pending.drain(..) {
        if kept.last().is_none_or(|q| p.transfer < q.transfer) {
            kept.push(p);
        }
    }
    kept
}

/// The first guess is the floor plus `1/2^GUESSES` of the gap to the least period
/// known, and each next guess doubles its distance to the floor.
const GUESSES: i32 = 10;
const GUESS_GROWTH: f64 = 2.0;

/// Why a planner stopped: the Pareto sets of all `k`s needed more than the work given.
#[derive(Debug)]
pub struct OverBudget;

/// The partition of `net` over the team's `k` devices with the least period `P` (ties:
/// the least `ΣC + ΣT`, then the order of the sorted set), among those whose period is
/// at most `ceiling`; no blocks when none is. Stops once `work`, the blocks and pair
/// extensions of every `k` so far, is above `limit`.
///
/// The Pareto DP is run with the ceiling lowered to a guess first, just above the
/// bounds' floor, then further up: a DP under a guess finds exactly the optimum among
/// the partitions whose period is at most the guess (`bounds.rs`), so when it finds one
/// that is the optimum; when it finds none the next guess is tried, the last being the
/// least period known. A low guess drops most pairs, so a failed one costs little.
pub fn plan_k(
    net: &Network,
    team: &Team,
    algorithm: Algorithm,
    ceiling: f64,
    budget: (&AtomicU64, u64),
) -> Result<StreamPartition, OverBudget> {
    if team.k == 1 {
        let partition = single_device(net, team);
        return Ok(StreamPartition { partition });
    }
    if !ceiling.is_finite() {
        return Ok(nothing(team.k));
    }
    let blocks = collect(net, team, algorithm, ceiling, budget)?;
    let mut bounds = Bounds::new(&blocks, ceiling);
    let (floor, known) = (bounds.floor(), bounds.known());
    let mut gap = (known - floor) / GUESS_GROWTH.powi(GUESSES);
    loop {
        let last = !(gap > 0.0 && floor + gap < known);
        bounds.guess(if last { known } else { floor + gap });
        let planned = least_period(&blocks, &bounds, team.k, budget)?;
        if last || !planned.partition.blocks.is_empty() {
            return Ok(planned);
        }
        gap *= GUESS_GROWTH;
    }
}

/// No partition.
fn nothing(k: u32) -> StreamPartition {
    StreamPartition {
        partition: Partition {
            k,
            completion_s: f64::INFINITY,
            blocks: Vec::new(),
        },
    }
}

/// The Pareto DP over `blocks`, keeping the pairs `bounds` keeps.
fn least_period(
    blocks: &Blocks,
    bounds: &Bounds,
    k: u32,
    (work, limit): (&AtomicU64, u64),
) -> Result<StreamPartition, OverBudget> {
    let layers = blocks.layers();
    let seed = Pair {
        compute: 0.0,
        transfer: 0.0,
        block: 0,
        prev: 0,
    };
    let mut sets: Vec<Vec<Pair>> = vec![Vec::new(); layers + 1];
    sets[0].push(seed);
    let mut pending = Vec::new();
    for j in 1..=layers {
        for (at, block) in blocks.ending(j) {
            let before = &sets[block.first as usize - 1];
            let n = before.len() as u64;
            if work.fetch_add(n, Ordering::Relaxed) + n > limit {
                return Err(OverBudget);
            }
            let round = block.round;
            for (prev, p) in before.iter().enumerate() {
                let compute = p.compute + round.compute_s;
                let transfer = p.transfer + round.transfer_s;
                if bounds.keeps(j, compute, transfer) {
                    pending.push(Pair {
                        compute,
                        transfer,
                        block: at,
                        prev: prev as u32,
                    });
                }
            }
        }
        sets[j] = pareto(&mut pending);
    }
    let last = &sets[layers];
    let key = |p: &Pair| (p.compute.max(p.transfer), p.compute + p.transfer);
    let Some(mut at) = (0..last.len()).reduce(|a, b| {
        let (x, y) = (key(&last[a]), key(&last[b]));
        if y.0 < x.0 || (y.0 == x.0 && y.1 < x.1) {
            b
        } else {
            a
        }
    }) else {
        return Ok(nothing(k));
    };
    let mut chosen = Vec::new();
    let mut j = layers;
    while j > 0 {
        let p = sets[j][at];
        let block = blocks.chosen(p.block, j);
        chosen.push(block);
        j = block.first - 1;
        at = p.prev as usize;
    }
    chosen.reverse();
    let completion_s = chosen.iter().map(|b| b.timing.total()).sum();
    Ok(StreamPartition {
        partition: Partition {
            k,
            completion_s,
            blocks: chosen,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::Environment;
    use crate::model::{self, zoo};
    use crate::solver::dp::partition;

    /// The bounds and guesses drop only pairs that cannot finish at or below the
    /// optimum: every `k`'s partition, blocks and tie rules included, is the one the
    /// Pareto DP finds under the latency plan's period alone, on the zoo from link-bound
    /// to compute-bound (where they drop the most).
    #[test]
    fn the_bounds_never_change_a_plan() {
        let mut pruned = 0;
        for name in zoo::NAMES {
            let net = model::load(name).unwrap();
            for mbps in [1.0, 30.0, 300.0, 3000.0] {
                let env = Environment::new(6, mbps, 13.6).unwrap();
                for algorithm in [Algorithm::Mls, Algorithm::Sls] {
                    for k in 2..=env.devices {
                        let team = env.team(k);
                        let ceiling = partition(&net, &env, k, algorithm).period_s();
                        let (all, few) = (AtomicU64::new(0), AtomicU64::new(0));
                        let got = plan_k(&net, &team, algorithm, ceiling, (&few, u64::MAX));
                        let want = if ceiling.is_finite() {
                            let budget = (&all, u64::MAX);
                            let blocks = collect(&net, &team, algorithm, ceiling, budget);
                            let blocks = blocks.unwrap();
                            let plain = Bounds::ceiling_only(ceiling);
                            least_period(&blocks, &plain, k, (&all, u64::MAX))
                        } else {
                            Ok(nothing(k))
                        };
                        let label = format!("{name} {mbps} Mbps {algorithm:?} k={k}");
                        assert_eq!(got.unwrap(), want.unwrap(), "{label}");
                        pruned += usize::from(few.into_inner() < all.into_inner());
                    }
                }
            }
        }
        assert!(pruned > 0, "the bounds never dropped a pair");
    }

    /// The blocks and pair extensions are counted against the limit, and a DP over it is refused
    /// rather than cut short.
    #[test]
    fn the_pareto_sets_stay_within_the_work_limit() {
        let net = model::load("vgg16").unwrap();
        let env = Environment::raspberry_pi4(10);
        let team = env.team(4);
        let work = AtomicU64::new(0);
        let plan = plan_k(&net, &team, Algorithm::Mls, f64::MAX, (&work, u64::MAX));
        let needed = work.load(Ordering::Relaxed);
        assert!(plan.is_ok() && needed > 0);
        let work = AtomicU64::new(0);
        let over = plan_k(&net, &team, Algorithm::Mls, f64::MAX, (&work, needed - 1));
        assert!(over.is_err());
        let work = AtomicU64::new(0);
        let within = plan_k(&net, &team, Algorithm::Mls, f64::MAX, (&work, needed));
        assert_eq!(within.unwrap(), plan.unwrap());
    }
}
