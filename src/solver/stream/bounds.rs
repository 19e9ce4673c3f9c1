//! Which pairs `(ΣC, ΣT)` of a prefix the throughput planner may drop
//! (`docs/spec-stream.md` §3): those that cannot finish with a period at most a known
//! partition's, the **ceiling**.
//!
//! Why the result stays exact, tie rules included: a pair is dropped only if every
//! completion of it (the same float sums, in round order) ends above the ceiling, and
//! the optimum ends at or below it. Such a pair cannot weakly dominate a pair that can
//! finish at or below it (sums only grow), so the Pareto filter keeps the same pairs
//! that can, in the same order, with the same predecessors; the optimum and every pair
//! tied with it are among them.

use super::blocks::Blocks;
use crate::cost::Timing;

pub(super) struct Bounds {
    /// The least period of the partitions known: a pair above it is dropped.
    ceiling: f64,
    /// The ceiling with the slack the suffix bound's rounding needs.
    threshold: f64,
    /// `least_compute[j]`: the least `ΣC` of a partition of layers `j+1..=L`.
    least_compute: Vec<f64>,
    least_transfer: Vec<f64>,
}

impl Bounds {
    /// The bounds over `blocks`: the ceiling is the least period of `ceiling` (a
    /// partition's, the latency plan's) and of the partitions with the least `ΣC` and
    /// the least `ΣT`; a pair `(c, t)` of layer `j` is dropped when `max(c, t)` or
    /// `max(c + least ΣC of j+1..=L, t + least ΣT of j+1..=L)` is above it.
    pub fn new(blocks: &Blocks, ceiling: f64) -> Bounds {
        let compute = |r: &Timing| r.compute_s;
        let transfer = |r: &Timing| r.transfer_s;
        let ceiling = ceiling
            .min(least_sum_period(blocks, compute))
            .min(least_sum_period(blocks, transfer));
        // The suffix sums are added in another order than the pairs' sums: with `m ≤ L`
        // non-negative terms each is within a factor `(1 ± ε/2)^m` of the exact sum, so
        // a bound above `ceiling·(1 + 4·(L + 2)·ε)` shows every completion above it.
        let slack = 4.0 * (blocks.layers() + 2) as f64 * f64::EPSILON;
        Bounds {
            ceiling,
            threshold: ceiling * (1.0 + slack),
            least_compute: least_suffix(blocks, compute),
            least_transfer: least_suffix(blocks, transfer),
        }
    }

    /// The ceiling alone (nothing known of the layers after `j`): the planner without
    /// the suffix bound, to hold it to account.
    #[cfg(test)]
    pub fn ceiling_only(layers: usize, ceiling: f64) -> Bounds {
        Bounds {
            ceiling,
            threshold: ceiling,
            least_compute: vec![0.0; layers + 1],
            least_transfer: vec![0.0; layers + 1],
        }
    }

    /// Whether pair `(c, t)` of layer `j` may still finish at or below the ceiling.
    pub fn keeps(&self, j: usize, c: f64, t: f64) -> bool {
        c.max(t) <= self.ceiling
            && (c + self.least_compute[j]).max(t + self.least_transfer[j]) <= self.threshold
    }
}

/// The period of the partition with the least sum of `cost` (eq. (2) with a block
/// weighing `cost(round)`), the sums taken in round order as the Pareto DP takes them;
/// infinite when no partition exists.
fn least_sum_period(blocks: &Blocks, cost: impl Fn(&Timing) -> f64) -> f64 {
    let layers = blocks.layers();
    // `(Σcost, ΣC, ΣT)` of the least partition of `1..=j`.
    let mut best: Vec<Option<(f64, f64, f64)>> = vec![None; layers + 1];
    best[0] = Some((0.0, 0.0, 0.0));
    for j in 1..=layers {
        for (_, b) in blocks.ending(j) {
            let Some((s, c, t)) = best[b.first as usize - 1] else {
                continue;
            };
            let next = (
                s + cost(&b.round),
                c + b.round.compute_s,
                t + b.round.transfer_s,
            );
            if best[j].is_none_or(|kept| next.0 < kept.0) {
                best[j] = Some(next);
            }
        }
    }
    best[layers].map_or(f64::INFINITY, |(_, c, t)| c.max(t))
}

/// `least[j]`: the least sum of `cost` over the partitions of layers `j+1..=L`
/// (`least[L] = 0`), infinite when there is none.
fn least_suffix(blocks: &Blocks, cost: impl Fn(&Timing) -> f64) -> Vec<f64> {
    let layers = blocks.layers();
    let mut least = vec![f64::INFINITY; layers + 1];
    least[layers] = 0.0;
    // Every block starting at `j + 1` ends after `j`, so `least[j]` is final once the
    // blocks ending after `j` are seen.
    for j in (1..=layers).rev() {
        for (_, b) in blocks.ending(j) {
            let before = b.first as usize - 1;
            least[before] = least[before].min(cost(&b.round) + least[j]);
        }
    }
    least
}
