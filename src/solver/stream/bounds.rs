//! Which pairs `(ΣC, ΣT)` of a prefix the throughput planner may drop
//! (`docs/spec-stream.md` §3): those sure to end with a period above a **ceiling**, the
//! least period of the partitions known, or a guess below it.
//!
//! Why the DP still finds exactly the optimum among the partitions whose period is at
//! most the ceiling, tie rules included: a pair is dropped only if every completion of
//! it (the same float sums, in round order) ends above the ceiling. Such a pair cannot
//! weakly dominate a pair that can finish at or below it (sums only grow), so the
//! Pareto filter keeps the same pairs that can, in the same order, with the same
//! predecessors; the optimum and every pair tied with it are among them.

use super::blocks::Blocks;
use crate::cost::Timing;

/// How many times the weight of the ceiling's search is halved: the partitions found
/// stop changing well before on real models, and each step is one pass over the blocks.
const HALVINGS: u32 = 12;

pub(super) struct Bounds {
    /// The least period of the partitions known.
    known: f64,
    /// A pair whose period is sure to end above it is dropped: `known`, or lower when
    /// the planner guesses (`pareto::plan_k`).
    ceiling: f64,
    /// `1 +` the relative slack the suffix bounds' rounding needs.
    slack: f64,
    /// For each weight `(λ, 1 − λ)` and layer `j`, the least `λ·ΣC + (1 − λ)·ΣT` of a
    /// partition of layers `j+1..=L`.
    suffixes: Vec<(Weight, Vec<f64>)>,
}

/// A weighting `λ·C + (1 − λ)·T` of a round's two costs, `λ` in `[0, 1]` a multiple of
/// `2^−HALVINGS` (so `1 − λ` is exact). Since `max(ΣC, ΣT)` is at least any such
/// weighted sum, the least weighted sum of the layers still to come bounds a period.
#[derive(Clone, Copy)]
struct Weight {
    compute: f64,
    transfer: f64,
}

impl Weight {
    fn new(lambda: f64) -> Weight {
        Weight {
            compute: lambda,
            transfer: 1.0 - lambda,
        }
    }

    fn of(self, compute: f64, transfer: f64) -> f64 {
        self.compute * compute + self.transfer * transfer
    }
}

impl Bounds {
    /// The bounds over `blocks`. The ceiling is the least period of `ceiling` (a
    /// partition's, the latency plan's) and of partitions with the least weighted sum
    /// `λ·ΣC + (1 − λ)·ΣT`: `λ = 1` and `λ = 0` first, then `λ` halved towards the one
    /// whose partition has `ΣC` and `ΣT` balanced (where the least period usually is).
    /// A pair `(c, t)` of layer `j` is dropped when `max(c, t)` is above the ceiling, or
    /// `λ·c + (1 − λ)·t` plus the least weighted sum of `j+1..=L` is, for `λ` = 1, 0 and
    /// the last two of the search.
    pub fn new(blocks: &Blocks, ceiling: f64) -> Bounds {
        let mut ceiling = ceiling;
        // Whether the partition with the least weighted sum computes longer than it
        // transfers (`None` when there is no partition).
        let mut computes_longer = |lambda: f64| {
            let sums = least_sum(blocks, Weight::new(lambda))?;
            ceiling = ceiling.min(sums.compute_s.max(sums.transfer_s));
            Some(sums.compute_s > sums.transfer_s)
        };
        // `lo` weighs compute too little (its partition computes longer than it
        // transfers), `hi` too much; between them lies the balance.
        let (mut lo, mut hi) = (0.0, 1.0);
        if computes_longer(lo) == Some(true) && computes_longer(hi) == Some(false) {
            for _ in 0..HALVINGS {
                let mid = (lo + hi) / 2.0;
                if computes_longer(mid) == Some(true) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
        }
        let mut lambdas = vec![0.0, 1.0];
        lambdas.extend([lo, hi].iter().filter(|&&l| l != 0.0 && l != 1.0));
        // The suffix sums are added in another order than the pairs' sums, and weighted:
        // with `m ≤ L` non-negative terms each side is within a factor `(1 ± ε/2)^(m+3)`
        // of the exact sums, so a bound above `ceiling·(1 + 4·(L + 2)·ε)` shows every
        // completion above the ceiling.
        Bounds {
            known: ceiling,
            ceiling,
            slack: 1.0 + 4.0 * (blocks.layers() + 2) as f64 * f64::EPSILON,
            suffixes: lambdas
                .into_iter()
                .map(|l| (Weight::new(l), least_suffix(blocks, Weight::new(l))))
                .collect(),
        }
    }

    /// The largest of the least weighted sums of the whole model: no partition has a
    /// period below it (but for rounding; it only places the planner's first guess).
    pub fn floor(&self) -> f64 {
        self.suffixes
            .iter()
            .map(|(_, least)| least[0])
            .fold(0.0, f64::max)
    }

    /// The least period known of a partition.
    pub fn known(&self) -> f64 {
        self.known
    }

    /// Drops the pairs sure to end above `guess` instead (never above `known`).
    pub fn guess(&mut self, guess: f64) {
        self.ceiling = self.known.min(guess);
    }

    /// The ceiling alone (nothing known of the layers after `j`): the planner without
    /// the suffix bounds, to hold them to account.
    #[cfg(test)]
    pub fn ceiling_only(ceiling: f64) -> Bounds {
        Bounds {
            known: ceiling,
            ceiling,
            slack: 1.0,
            suffixes: Vec::new(),
        }
    }

    /// Whether pair `(c, t)` of layer `j` may still finish at or below the ceiling.
    pub fn keeps(&self, j: usize, c: f64, t: f64) -> bool {
        let threshold = self.ceiling * self.slack;
        c.max(t) <= self.ceiling
            && self
                .suffixes
                .iter()
                .all(|(w, least)| w.of(c, t) + least[j] <= threshold)
    }
}

/// `(ΣC, ΣT)` of a partition with the least weighted sum (eq. (2) with a block weighing
/// `weight` of its round), the sums taken in round order as the Pareto DP takes them;
/// `None` when no partition exists.
fn least_sum(blocks: &Blocks, weight: Weight) -> Option<Timing> {
    let layers = blocks.layers();
    // `(weighted sum, ΣC, ΣT)` of the least partition of `1..=j`.
    let mut best: Vec<Option<(f64, f64, f64)>> = vec![None; layers + 1];
    best[0] = Some((0.0, 0.0, 0.0));
    for j in 1..=layers {
        for (_, b) in blocks.ending(j) {
            let Some((s, c, t)) = best[b.first as usize - 1] else {
                continue;
            };
            let r = &b.round;
            let next = (
                s + weight.of(r.compute_s, r.transfer_s),
                c + r.compute_s,
                t + r.transfer_s,
            );
            if best[j].is_none_or(|kept| next.0 < kept.0) {
                best[j] = Some(next);
            }
        }
    }
    best[layers].map(|(_, compute_s, transfer_s)| Timing {
        compute_s,
        transfer_s,
    })
}

/// `least[j]`: the least weighted sum over the partitions of layers `j+1..=L`
/// (`least[L] = 0`), infinite when there is none.
fn least_suffix(blocks: &Blocks, weight: Weight) -> Vec<f64> {
    let layers = blocks.layers();
    let mut least = vec![f64::INFINITY; layers + 1];
    least[layers] = 0.0;
    // Every block starting at `j + 1` ends after `j`, so `least[j]` is final once the
    // blocks ending after `j` are seen.
    for j in (1..=layers).rev() {
        for (_, b) in blocks.ending(j) {
            let before = b.first as usize - 1;
            let r = &b.round;
            least[before] = least[before].min(weight.of(r.compute_s, r.transfer_s) + least[j]);
        }
    }
    least
}
