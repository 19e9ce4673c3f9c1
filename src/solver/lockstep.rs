//! The DPs of several device counts walked together, sharing each sweep while the
//! teams split alike every tensor it reads.
//!
//! Why: a branching model's late maps are small (DenseNet-201's last 240 layers have
//! 16 or 8 rows), and every team of more devices than a map has rows gives one row to
//! each of the first devices and none to the rest, so the sweeps of all those `k`s
//! compute the same loads down to the first larger map; only pricing them differs
//! (`φ·k/G`). So one sweep walks for a group of `k`s, each of which prices every block
//! in its own DP, and at the first layer whose split differs within the group the sweep
//! forks, one copy per group that still agrees ([`DagSweep::fork`]). Each `k`'s DP sees
//! the very loads, in the very order, of its own walk ([`super::dp::partition`]).

use super::dp::{fc_blocks, stages, Algorithm, Partition, Priced, Stage, Sweep, Visit};
use crate::cost::block_sweep::Blocks;
use crate::cost::cluster::RowSplits;
use crate::cost::dag_sweep::DagSweep;
use crate::cost::{Case, Environment, Team};
use crate::model::Network;

/// Whether [`partitions`] applies: a branching model (the DAG sweep) and teams of
/// equal devices without limits at every `k` (sweeps that keep only the devices that
/// can be the slowest; a cluster's small teams may be alike and its larger ones not).
pub(crate) fn applies(net: &Network, env: &Environment) -> bool {
    net.dag && (2..=env.devices).all(|k| env.team(k).is_plain())
}

/// [`super::dp::partition`] for each of `ks` (each at least 2), in their order.
pub(crate) fn partitions(
    net: &Network,
    env: &Environment,
    ks: &[u32],
    algorithm: Algorithm,
) -> Vec<Partition> {
    let teams: Vec<Team> = ks.iter().map(|&k| env.team(k)).collect();
    let splits: Vec<RowSplits> = teams.iter().map(|t| RowSplits::new(net, t)).collect();
    let alike = Alike::new(net.len(), ks, &splits);
    let mut dps: Vec<Priced<'_, ()>> = teams.iter().map(|t| Priced::new(net, t, ())).collect();
    let mls = algorithm == Algorithm::Mls;
    let mut loads = Vec::new();
    stages(net, mls, |j, stage| match stage {
        Stage::Sweep { grid, fc, case } => {
            let walk = Walk {
                net,
                ks,
                splits: &splits,
                alike: &alike,
                j,
                case,
                mls,
            };
            walk.run(grid, fc, &mut dps);
        }
        Stage::Fc => {
            for (dp, team) in dps.iter_mut().zip(&teams) {
                fc_blocks(net, team, j, mls, &mut loads, dp);
            }
        }
        Stage::End => dps.iter_mut().for_each(|dp| dp.end(j)),
    });
    dps.into_iter().map(Priced::finish).collect()
}

/// Which teams split each tensor alike: `class[t * n + m]` is the same for members `m`
/// (indices into `ks`) whose shares of tensor `t` are equal and who each have a device
/// beyond the last share (so that a sweep's one idle sender exists for both).
struct Alike {
    n: usize,
    class: Vec<usize>,
}

impl Alike {
    fn new(layers: usize, ks: &[u32], splits: &[RowSplits]) -> Self {
        let n = ks.len();
        let mut class = Vec::with_capacity((layers + 1) * n);
        for t in 0..=layers {
            let held: Vec<&[(u32, u32)]> =
                splits.iter().map(|s| &s.table(t)[..s.holders(t)]).collect();
            for m in 0..n {
                let idle = |m: usize| held[m].len() < ks[m] as usize;
                let first = (0..m).find(|&o| idle(o) && idle(m) && held[o] == held[m]);
                class.push(first.unwrap_or(m));
            }
        }
        Alike { n, class }
    }

    /// `group` cut where its members split tensor `t` or `t − 1` differently (members
    /// of each part in their order); `None` when all agree.
    fn parts(&self, t: usize, group: &[usize]) -> Option<Vec<Vec<usize>>> {
        if group.len() < 2 {
            return None;
        }
        let key = |m: usize| {
            let below = if t == 0 {
                0
            } else {
                self.class[(t - 1) * self.n + m]
            };
            (self.class[t * self.n + m], below)
        };
        let first = key(group[0]);
        if group.iter().all(|&m| key(m) == first) {
            return None;
        }
        let mut parts: Vec<(_, Vec<usize>)> = Vec::new();
        for &m in group {
            match parts.iter_mut().find(|(k, _)| *k == key(m)) {
                Some((_, part)) => part.push(m),
                None => parts.push((key(m), vec![m])),
            }
        }
        Some(parts.into_iter().map(|(_, part)| part).collect())
    }
}

/// The sweeps of one stage of every member's DP.
struct Walk<'s> {
    net: &'s Network,
    ks: &'s [u32],
    splits: &'s [RowSplits],
    alike: &'s Alike,
    j: usize,
    case: Case,
    mls: bool,
}

impl<'s> Walk<'s> {
    /// Walks the blocks whose last spatial layer is `grid`, offering each to the DP of
    /// every member still walking, until each has stopped.
    fn run(&self, grid: usize, fc: Option<usize>, dps: &mut [Priced<'_, ()>]) {
        let everyone: Vec<usize> = (0..self.ks.len()).collect();
        let groups = self
            .alike
            .parts(grid, &everyone)
            .unwrap_or_else(|| vec![everyone]);
        let mut walks: Vec<(DagSweep<'s>, Vec<usize>)> = groups
            .into_iter()
            .map(|group| {
                let widest = group.iter().map(|&m| self.ks[m] as usize).max();
                let m = group[0];
                let blocks = Blocks {
                    net: self.net,
                    splits: &self.splits[m],
                    k: self.ks[m],
                    grid_layer: grid,
                    fc,
                };
                let sweep = DagSweep::spanning(blocks, widest.unwrap_or(0)).only_slowest();
                (sweep, group)
            })
            .collect();
        while let Some((mut sweep, mut group)) = walks.pop() {
            loop {
                let r = sweep.next_layer();
                let walks_on = r > 0 && self.net.is_spatial(r);
                if let Some(mut parts) = walks_on.then(|| self.alike.parts(r, &group)).flatten() {
                    // The last part walks on with this sweep, the others with copies.
                    let last = parts.pop().expect("a group cut in two or more");
                    for part in parts {
                        let m = part[0];
                        walks.push((sweep.fork(&self.splits[m], self.ks[m] as usize), part));
                    }
                    let m = last[0];
                    sweep = sweep.rebind(&self.splits[m], self.ks[m] as usize);
                    group = last;
                    continue;
                }
                let Some(r) = sweep.step() else { break };
                // SLS offers the one-layer block only.
                group.retain(|&m| {
                    let on = dps[m].block(self.j, r, self.case, sweep.loads());
                    on == Sweep::Continue && self.mls
                });
                if group.is_empty() {
                    break;
                }
            }
        }
    }
}
