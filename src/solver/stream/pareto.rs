//! The exact throughput planner for one `k` (`docs/spec-stream.md` §3). `P = max(ΣC, ΣT)`
//! is not a sum, so eq. (2) does not apply; but it only grows with either sum, so the
//! DP keeps at every layer `j` the Pareto set of `(ΣC, ΣT)` over the partitions of
//! `1..=j`: a pair that another beats on both sums can never finish better. Pairs whose
//! `max` is already above `ceiling` (the period of a known partition) are dropped, and a
//! sweep stops once its block's floor is above it: that bounds the sets in practice,
//! and the work left in the budget bounds them always.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::cost::{block_and_round, round_floor, Case, Load, Team, Timing};
use crate::model::Network;
use crate::solver::dp::{candidates, single_device, Algorithm, Chosen, Partition, Sweep, Visit};

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
    block: Chosen,
    /// Index of the pair it extends in the set of layer `block.first − 1`.
    prev: usize,
}

struct Frontiers<'a> {
    team: &'a Team,
    ceiling: f64,
    sets: Vec<Vec<Pair>>,
    pending: Vec<Pair>,
    /// Pair extensions so far, shared by every `k`'s DP.
    work: &'a AtomicU64,
    limit: u64,
    over: bool,
}

impl Visit for Frontiers<'_> {
    fn block(&mut self, j: usize, first: usize, case: Case, loads: &[Load]) -> Sweep {
        if self.over {
            return Sweep::Stop;
        }
        if self.team.fits(loads) {
            let (timing, _, round) = block_and_round(loads, self.team);
            let block = Chosen {
                first,
                last: j,
                case,
                timing,
                round,
            };
            let before = &self.sets[first - 1];
            let n = before.len() as u64;
            if self.work.fetch_add(n, Ordering::Relaxed) + n > self.limit {
                self.over = true;
                return Sweep::Stop;
            }
            for (prev, p) in before.iter().enumerate() {
                let compute = p.compute + round.compute_s;
                let transfer = p.transfer + round.transfer_s;
                if compute.max(transfer) <= self.ceiling {
                    self.pending.push(Pair {
                        compute,
                        transfer,
                        block,
                        prev,
                    });
                }
            }
        }
        let floor = round_floor(loads, self.team);
        if floor.compute_s.max(floor.transfer_s) > self.ceiling {
            Sweep::Stop
        } else {
            Sweep::Continue
        }
    }

    fn end(&mut self, j: usize) {
        self.sets[j] = pareto(&mut self.pending);
    }
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

/// Why a planner stopped: the Pareto sets of all `k`s needed more than the work given.
#[derive(Debug)]
pub struct OverBudget;

/// The partition of `net` over the team's `k` devices with the least period `P` (ties:
/// the least `ΣC + ΣT`, then the order of the sorted set), among those whose period is
/// at most `ceiling`; no blocks when none is. Stops once `work`, the pair extensions of
/// every `k` so far, is above `limit`.
pub fn plan_k(
    net: &Network,
    team: &Team,
    algorithm: Algorithm,
    ceiling: f64,
    (work, limit): (&AtomicU64, u64),
) -> Result<StreamPartition, OverBudget> {
    let nothing = StreamPartition {
        partition: Partition {
            k: team.k,
            completion_s: f64::INFINITY,
            blocks: Vec::new(),
        },
    };
    if team.k == 1 {
        let partition = single_device(net, team);
        return Ok(StreamPartition { partition });
    }
    if !ceiling.is_finite() {
        return Ok(nothing);
    }
    let seed = Pair {
        compute: 0.0,
        transfer: 0.0,
        block: Chosen {
            first: 0,
            last: 0,
            case: Case::Single,
            timing: Timing::default(),
            round: Timing::default(),
        },
        prev: 0,
    };
    let mut sets = vec![Vec::new(); net.len() + 1];
    sets[0].push(seed);
    let mut f = Frontiers {
        team,
        ceiling,
        sets,
        pending: Vec::new(),
        work,
        limit,
        over: false,
    };
    candidates(net, team, algorithm, &mut f);
    if f.over {
        return Err(OverBudget);
    }
    let last = &f.sets[net.len()];
    let key = |p: &Pair| (p.compute.max(p.transfer), p.compute + p.transfer);
    let Some(mut at) = (0..last.len()).reduce(|a, b| {
        let (x, y) = (key(&last[a]), key(&last[b]));
        if y.0 < x.0 || (y.0 == x.0 && y.1 < x.1) {
            b
        } else {
            a
        }
    }) else {
        return Ok(nothing);
    };
    let mut blocks = Vec::new();
    let mut j = net.len();
    while j > 0 {
        let p = f.sets[j][at];
        blocks.push(p.block);
        j = p.block.first - 1;
        at = p.prev;
    }
    blocks.reverse();
    let completion_s = blocks.iter().map(|b| b.timing.total()).sum();
    Ok(StreamPartition {
        partition: Partition {
            k: team.k,
            completion_s,
            blocks,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::Environment;
    use crate::model;

    /// The pair extensions are counted against the limit, and a DP over it is refused
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
