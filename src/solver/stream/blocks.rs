//! One `k`'s candidate blocks with their round costs `(C_r, T_r)`, collected in one walk
//! (`dp::candidates`), so that the bounds of the throughput planner (`bounds.rs`) and
//! its Pareto DP (`pareto.rs`) both read them without walking a block twice.

use std::sync::atomic::{AtomicU64, Ordering};

use super::pareto::OverBudget;
use crate::cost::{block_and_round, round_floor, Case, Load, Team, Timing};
use crate::model::Network;
use crate::solver::dp::{candidates, Algorithm, Chosen, Sweep, Visit};

/// A candidate block that fits the devices' memory: layers `first..=` its end layer.
pub(super) struct Block {
    pub first: u32,
    pub case: Case,
    pub timing: Timing,
    pub round: Timing,
}

/// The candidate blocks by end layer, in the order the DP offers them.
pub(super) struct Blocks {
    /// `ends[j]` is one past the last block ending at layer `j` (`ends[0] = 0`).
    ends: Vec<u32>,
    list: Vec<Block>,
}

impl Blocks {
    /// The model's layer count.
    pub fn layers(&self) -> usize {
        self.ends.len() - 1
    }

    /// The blocks ending at layer `j ≥ 1`, with their indices.
    pub fn ending(&self, j: usize) -> impl Iterator<Item = (u32, &Block)> {
        let (from, to) = (self.ends[j - 1], self.ends[j]);
        (from..to).zip(&self.list[from as usize..to as usize])
    }

    /// Block `at`, which ends at layer `last`, as a plan's block.
    pub fn chosen(&self, at: u32, last: usize) -> Chosen {
        let b = &self.list[at as usize];
        Chosen {
            first: b.first as usize,
            last,
            case: b.case,
            timing: b.timing,
            round: b.round,
        }
    }
}

struct Collect<'a> {
    team: &'a Team,
    ceiling: f64,
    blocks: Blocks,
    /// Work so far, shared by every `k` (a block kept counts as one pair extension).
    work: &'a AtomicU64,
    limit: u64,
    over: bool,
}

impl Visit for Collect<'_> {
    fn block(&mut self, _j: usize, first: usize, case: Case, loads: &[Load]) -> Sweep {
        if self.over {
            return Sweep::Stop;
        }
        if self.team.fits(loads) {
            if self.work.fetch_add(1, Ordering::Relaxed) >= self.limit {
                self.over = true;
                return Sweep::Stop;
            }
            let (timing, _, round) = block_and_round(loads, self.team);
            self.blocks.list.push(Block {
                first: first as u32,
                case,
                timing,
                round,
            });
        }
        let floor = round_floor(loads, self.team);
        if floor.compute_s.max(floor.transfer_s) > self.ceiling {
            Sweep::Stop
        } else {
            Sweep::Continue
        }
    }

    fn end(&mut self, _j: usize) {
        self.blocks.ends.push(self.blocks.list.len() as u32);
    }
}

/// The candidate blocks of the latency DP for `team` that fit its memory, but for the
/// longer blocks of a sweep once its block's floor (each device's compute and final
/// upload, which only grow as the sweep adds layers) is above `ceiling`: none of those
/// can be a round of a partition whose period is at most `ceiling`.
///
/// Memory: at most `L·(L + 5)/2` blocks (a sweep per end layer, and the FC cases), 40
/// bytes each, with `L` at most `model::limits::MAX_LAYERS`; each counts against
/// `limit` in `work` too.
pub(super) fn collect(
    net: &Network,
    team: &Team,
    algorithm: Algorithm,
    ceiling: f64,
    (work, limit): (&AtomicU64, u64),
) -> Result<Blocks, OverBudget> {
    let mut c = Collect {
        team,
        ceiling,
        blocks: Blocks {
            ends: vec![0],
            list: Vec::new(),
        },
        work,
        limit,
        over: false,
    };
    candidates(net, team, algorithm, &mut c);
    if c.over {
        return Err(OverBudget);
    }
    Ok(c.blocks)
}
