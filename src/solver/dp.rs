//! The dynamic program of eq. (2) for one device count `k`, with the tie rules of
//! spec §5: the smallest `r` (longest last block) wins a tie, `fc` data beats model.

use serde::Serialize;

use super::stream::period;
use crate::cost::block_sweep::BlockSweep;
use crate::cost::cluster::{RowSplits, Team};
use crate::cost::conv_sweep::Buffers;
use crate::cost::{block_and_round, fc, single, Case, Environment, Load, Timing};
use crate::model::Network;

/// MLS (multi-layer blocks) or SLS (one layer per block, the baseline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    Mls,
    Sls,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Mls => "mls",
            Algorithm::Sls => "sls",
        }
    }

    /// Parses `mls` or `sls` (any case).
    pub fn parse(text: &str) -> Option<Algorithm> {
        match text.to_ascii_lowercase().as_str() {
            "mls" => Some(Algorithm::Mls),
            "sls" => Some(Algorithm::Sls),
            _ => None,
        }
    }
}

/// One block of an optimal partition: layers `first..=last` (1-based) sliced as `case`,
/// taking `timing` on its slowest device.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chosen {
    pub first: usize,
    pub last: usize,
    pub case: Case,
    pub timing: Timing,
    /// `C_r` and `T_r` of the block as a round of a stream (`cost::round_cost`), kept
    /// from the DP so that the partition's period needs no second walk.
    pub round: Timing,
}

/// The optimum `Tᵏ_L` for one `k` and the blocks that reach it, in round order.
#[derive(Clone, Debug, PartialEq)]
pub struct Partition {
    pub k: u32,
    pub completion_s: f64,
    pub blocks: Vec<Chosen>,
}

impl Partition {
    /// Seconds the slowest device of each block computes, over all blocks.
    pub fn compute_s(&self) -> f64 {
        self.blocks.iter().map(|b| b.timing.compute_s).sum()
    }

    /// Seconds the slowest device of each block transfers, over all blocks.
    pub fn transfer_s(&self) -> f64 {
        self.blocks.iter().map(|b| b.timing.transfer_s).sum()
    }

    /// Its period if streamed (`docs/spec-stream.md`); infinite when nothing fits.
    pub fn period_s(&self) -> f64 {
        if self.blocks.is_empty() {
            return f64::INFINITY;
        }
        period(&self.rounds())
    }

    /// Each block's `(C_r, T_r)`, in round order.
    pub fn rounds(&self) -> Vec<Timing> {
        self.blocks.iter().map(|b| b.round).collect()
    }
}

/// Every candidate block of eq. (2) for one team, in the order the DP compares them
/// (the tie rules depend on it): for each end layer `j` in turn, [`Visit::block`] for
/// each feasible block `first..=j` and case with its per-device loads, then
/// [`Visit::end`]. The cold DP, the planner's cache and the DP table all read this one
/// enumeration.
///
/// A sweep offers the blocks ending at `j` from the shortest to the longest, and
/// stops early when [`Visit::block`] returns [`Sweep::Stop`]: no longer block can win
/// (see [`bound`]).
///
/// Unless [`Visit::sees_all`], `loads` may hold only the devices that can be the
/// block's slowest, in device order (see `ConvSweep::only_slowest`), on a team of equal
/// devices without limits.
pub(crate) trait Visit {
    fn block(&mut self, j: usize, first: usize, case: Case, loads: &[Load]) -> Sweep;
    fn end(&mut self, j: usize);
    /// Whether every device's load and every candidate must be offered.
    fn sees_all(&self) -> bool {
        false
    }
}

/// Whether a sweep goes on to longer blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sweep {
    Continue,
    Stop,
}

/// A lower bound, valid for this block and every longer block of its sweep, on the
/// time of the block: each device's compute and final upload alone.
///
/// Why: a sweep adds layers at the bottom, so every device's FLOPs and upload bits
/// (`to`, the block's outputs and branch rows) only grow (`tests/pruning.rs` checks it
/// on every sweep of the zoo and of random models), and a time is monotone in both.
/// Float rounding keeps that order (division and addition are monotone), and the DP
/// adds a non-negative `T(first − 1)`; so a block whose bound exceeds the best time
/// found for `T(j)` so far, and every longer one, loses strictly, even on a tie rule.
pub(crate) fn bound(loads: &[Load], team: &Team) -> f64 {
    let mut most = 0.0f64;
    for (d, l) in loads.iter().enumerate() {
        let floor = Load {
            flops: l.flops,
            to_bits: l.to_bits,
            ..Load::default()
        };
        most = most.max(team.timing(d, &floor).total());
    }
    most
}

/// At least [`bound`], on a team of equal devices: the largest FLOPs and upload of any
/// device taken together, two divisions instead of two per device. When even this does
/// not lose, neither does the bound (time is monotone in FLOPs and bits, in floats too).
fn bound_ceiling(loads: &[Load], team: &Team) -> f64 {
    if !team.is_plain() {
        return f64::INFINITY;
    }
    let (flops, to_bits) = loads
        .iter()
        .fold((0, 0), |(f, t), l| (f.max(l.flops), t.max(l.to_bits)));
    let floor = Load {
        flops,
        to_bits,
        ..Load::default()
    };
    team.timing(0, &floor).total()
}

pub(crate) fn candidates<V: Visit>(
    net: &Network,
    team: &Team,
    algorithm: Algorithm,
    visit: &mut V,
) {
    let k = team.k;
    let splits = RowSplits::new(net, team);
    let mut loads: Vec<Load> = Vec::with_capacity(k as usize);
    let mls = algorithm == Algorithm::Mls;
    let collapse = team.is_plain() && !visit.sees_all();
    // Every sweep of this DP fills the same vectors.
    let mut buffers = Buffers::default();
    stages(net, mls, |j, stage| match stage {
        Stage::Sweep { grid, fc, case } => {
            let s = BlockSweep::reusing(net, &splits, k, grid, fc, std::mem::take(&mut buffers));
            let mut s = if collapse { s.only_slowest() } else { s };
            while let Some(r) = s.step() {
                // SLS offers the one-layer block only.
                if visit.block(j, r, case, s.loads()) == Sweep::Stop || !mls {
                    break;
                }
            }
            buffers = s.into_buffers();
        }
        Stage::Fc => fc_blocks(net, team, j, mls, &mut loads, visit),
        Stage::End => visit.end(j),
    });
}

/// What the DP offers for the end layer `j`, in the order of [`stages`].
#[derive(Clone, Copy)]
pub(crate) enum Stage {
    /// The spatial blocks whose last spatial layer is `grid`, closed by the FL `fc` if
    /// any, from the shortest on (a sweep).
    Sweep {
        grid: usize,
        fc: Option<usize>,
        case: Case,
    },
    /// The blocks of the FL `j` alone ([`fc_blocks`]).
    Fc,
    /// `T(j)` is decided.
    End,
}

/// The order in which eq. (2) meets its candidates (the tie rules depend on it), for
/// one team's DP ([`candidates`]) and for several walked at once (`super::lockstep`).
pub(crate) fn stages(net: &Network, mls: bool, mut at: impl FnMut(usize, Stage)) {
    for j in 1..=net.len() {
        if net.is_spatial(j) {
            let (grid, fc, case) = (j, None, Case::Conv);
            at(j, Stage::Sweep { grid, fc, case });
        } else {
            at(j, Stage::Fc);
            if mls && j >= 2 && net.is_spatial(j - 1) {
                let (grid, fc, case) = (j - 1, Some(j), Case::ConvFc);
                at(j, Stage::Sweep { grid, fc, case });
            }
        }
        at(j, Stage::End);
    }
}

/// The blocks of FL `j` without a sweep: data and model parallelism, and with MLS the
/// hybrid block of `j − 1` and `j` when `j − 1` is an FL too.
pub(crate) fn fc_blocks(
    net: &Network,
    team: &Team,
    j: usize,
    mls: bool,
    loads: &mut Vec<Load>,
    visit: &mut impl Visit,
) {
    let layer = net.layer(j);
    fc::data(layer, team, loads);
    visit.block(j, j, Case::FcData, loads);
    fc::model(layer, team, loads);
    visit.block(j, j, Case::FcModel, loads);
    if mls && j >= 2 && !net.is_spatial(j - 1) {
        fc::hybrid(net.layer(j - 1), layer, team, loads);
        visit.block(j, j - 1, Case::FcHybrid, loads);
    }
}

/// Eq. (2) over the candidates as they are offered: `T(j)` and the block that reaches it.
pub(crate) struct Recurrence {
    k: u32,
    best: Vec<f64>,
    choice: Vec<Option<Chosen>>,
    pick: Pick,
}

impl Recurrence {
    pub(crate) fn new(layers: usize, k: u32) -> Self {
        let mut best = vec![f64::INFINITY; layers + 1];
        best[0] = 0.0;
        Recurrence {
            k,
            best,
            choice: vec![None; layers + 1],
            pick: Pick::default(),
        }
    }

    /// Offers block `first..=j` taking `timing`, whose round costs `round`.
    pub(crate) fn offer(
        &mut self,
        j: usize,
        first: usize,
        case: Case,
        [timing, round]: [Timing; 2],
    ) {
        self.pick.offer(
            self.best[first - 1] + timing.total(),
            Chosen {
                first,
                last: j,
                case,
                timing,
                round,
            },
        );
    }

    /// Whether a block of time at least `bound` loses to a candidate already offered.
    pub(crate) fn beaten(&self, bound: f64) -> bool {
        bound > self.pick.value
    }

    /// Closes `T(j)`.
    pub(crate) fn end(&mut self, j: usize) {
        let pick = std::mem::take(&mut self.pick);
        self.best[j] = pick.value;
        self.choice[j] = pick.chosen;
    }

    /// The optimum and its blocks, traced back; no blocks when nothing fits.
    pub(crate) fn finish(self) -> Partition {
        let l = self.best.len() - 1;
        let mut blocks = Vec::new();
        if self.best[l].is_infinite() {
            return Partition {
                k: self.k,
                completion_s: f64::INFINITY,
                blocks,
            };
        }
        let mut j = l;
        while j > 0 {
            let c = self.choice[j].expect("every prefix of a finite optimum has a last block");
            blocks.push(c);
            j = c.first - 1;
        }
        blocks.reverse();
        Partition {
            k: self.k,
            completion_s: self.best[l],
            blocks,
        }
    }
}

/// One candidate last block `b(first..last)` the DP compares for `T(last)`: its time on
/// the slowest device, `T(first − 1)` before it, and every device's load.
pub struct Offer<'a> {
    pub block: Chosen,
    pub before_s: f64,
    pub loads: &'a [Load],
}

/// Watches the DP at work (the page's DP view, `solve --json --dp`): every candidate it
/// compares and, for every `j`, the value and block it kept. `()` watches nothing.
pub trait Observer {
    /// Whether the observer must see every candidate, including the longer blocks that
    /// a lower bound shows cannot win (the DP skips those otherwise, see [`bound`]).
    fn sees_all(&self) -> bool {
        false
    }
    fn offer(&mut self, _offer: &Offer) {}
    fn decide(&mut self, _last: usize, _best_s: f64, _chosen: &Chosen) {}
}

impl Observer for () {}

impl<O: Observer> Observer for &mut O {
    fn sees_all(&self) -> bool {
        (**self).sees_all()
    }
    fn offer(&mut self, offer: &Offer) {
        (**self).offer(offer)
    }
    fn decide(&mut self, last: usize, best_s: f64, chosen: &Chosen) {
        (**self).decide(last, best_s, chosen)
    }
}

/// The cold DP: every candidate priced on the team as it is enumerated, and shown to
/// the observer.
pub(super) struct Priced<'a, O> {
    team: &'a Team,
    dp: Recurrence,
    observer: O,
}

impl<'a, O: Observer> Priced<'a, O> {
    /// Eq. (2) on `team`, not yet offered any block.
    pub(super) fn new(net: &Network, team: &'a Team, observer: O) -> Self {
        Priced {
            team,
            dp: Recurrence::new(net.len(), team.k),
            observer,
        }
    }

    /// The optimum and its blocks.
    pub(super) fn finish(self) -> Partition {
        self.dp.finish()
    }
}

impl<O: Observer> Visit for Priced<'_, O> {
    fn block(&mut self, j: usize, first: usize, case: Case, loads: &[Load]) -> Sweep {
        let (timing, _, round) = block_and_round(loads, self.team);
        if self.team.fits(loads) {
            self.price(j, first, case, loads, [timing, round]);
        }
        // The bound is at most the block's own time, so it is computed only when that
        // time alone would lose.
        let may_stop = !self.sees_all() && self.dp.beaten(timing.total());
        let team = self.team;
        if may_stop
            && self.dp.beaten(bound_ceiling(loads, team))
            && self.dp.beaten(bound(loads, team))
        {
            Sweep::Stop
        } else {
            Sweep::Continue
        }
    }

    fn end(&mut self, j: usize) {
        self.dp.end(j);
        if let Some(c) = &self.dp.choice[j] {
            self.observer.decide(j, self.dp.best[j], c);
        }
    }

    fn sees_all(&self) -> bool {
        self.observer.sees_all()
    }
}

impl<O: Observer> Priced<'_, O> {
    fn price(&mut self, j: usize, first: usize, case: Case, loads: &[Load], costs: [Timing; 2]) {
        self.observer.offer(&Offer {
            block: Chosen {
                first,
                last: j,
                case,
                timing: costs[0],
                round: costs[1],
            },
            before_s: self.dp.best[first - 1],
            loads,
        });
        self.dp.offer(j, first, case, costs);
    }
}

/// `k = 1`: one device runs the whole model (or nothing fits it).
pub(crate) fn single_device(net: &Network, team: &Team) -> Partition {
    let load = single::load(net);
    if !team.fits(&[load]) {
        return Partition {
            k: 1,
            completion_s: f64::INFINITY,
            blocks: Vec::new(),
        };
    }
    // One device: its compute and transfer are the round's too.
    let timing = team.timing(0, &load);
    Partition {
        k: 1,
        completion_s: timing.total(),
        blocks: vec![Chosen {
            first: 1,
            last: net.len(),
            case: Case::Single,
            timing,
            round: timing,
        }],
    }
}

/// The best partition of `net` for exactly `k` devices.
///
/// Blocks that do not fit some device's memory are never chosen; when no partition
/// fits, the completion time is infinite and there are no blocks.
pub fn partition(net: &Network, env: &Environment, k: u32, algorithm: Algorithm) -> Partition {
    partition_observed(net, env, k, algorithm, &mut ())
}

/// [`partition`], telling `observer` about every candidate and decision, so a table of
/// the DP comes from the very numbers it compared.
pub fn partition_observed(
    net: &Network,
    env: &Environment,
    k: u32,
    algorithm: Algorithm,
    observer: &mut impl Observer,
) -> Partition {
    let team = env.team(k);
    if k == 1 {
        let p = single_device(net, &team);
        if let Some(&chosen) = p.blocks.first() {
            observer.offer(&Offer {
                block: chosen,
                before_s: 0.0,
                loads: &[single::load(net)],
            });
            observer.decide(net.len(), p.completion_s, &chosen);
        }
        return p;
    }
    let mut priced = Priced::new(net, &team, observer);
    candidates(net, &team, algorithm, &mut priced);
    priced.finish()
}

/// The running minimum of the candidates for `T(j)`.
struct Pick {
    value: f64,
    chosen: Option<Chosen>,
}

impl Default for Pick {
    fn default() -> Self {
        Pick {
            value: f64::INFINITY,
            chosen: None,
        }
    }
}

impl Pick {
    fn offer(&mut self, value: f64, candidate: Chosen) {
        let better = match self.chosen {
            None => true,
            Some(c) => value < self.value || (value == self.value && candidate.first < c.first),
        };
        if better {
            self.value = value;
            self.chosen = Some(candidate);
        }
    }
}

/// Refuses a cluster on which no plan fits the devices' memory, naming the layer that
/// needs the most and how much. Exact: some `k` has a finite optimum. SLS, cheap, is
/// tried first (its blocks are MLS candidates too).
pub fn check_memory(net: &Network, env: &Environment, algorithm: Algorithm) -> Result<(), String> {
    let limited = env
        .cluster
        .as_ref()
        .is_some_and(|c| c.devices.iter().any(|d| d.memory_mb.is_some()));
    if !limited {
        return Ok(());
    }
    let fits = |a| (1..=env.devices).any(|k| partition(net, env, k, a).completion_s.is_finite());
    if fits(Algorithm::Sls) || (algorithm == Algorithm::Mls && fits(Algorithm::Mls)) {
        return Ok(());
    }
    // The layer whose cheapest single-layer block, on every device, needs the most.
    let team = env.team(env.devices);
    let largest = team
        .memory
        .iter()
        .map(|m| m.unwrap_or(u64::MAX))
        .max()
        .unwrap_or(0);
    let (layer, bytes) = (1..=net.len())
        .map(|j| {
            let cases: &[Case] = if net.is_spatial(j) {
                &[Case::Conv]
            } else {
                &[Case::FcData, Case::FcModel]
            };
            let need = cases
                .iter()
                .filter_map(|&c| crate::cost::block_loads(net, &team, j, j, c))
                .map(|loads| loads.iter().map(|l| l.memory_bytes).max().unwrap_or(0))
                .min()
                .unwrap_or(0);
            (j, need)
        })
        .max_by_key(|&(_, need)| need)
        .unwrap_or((1, 0));
    let mib = |b: u64| b as f64 / crate::cost::cluster::BYTES_PER_MB;
    Err(format!(
        "no plan fits the devices' memory: layer {layer} needs at least {:.1} MB on one \
         device even with all {} devices, and the largest has {:.1} MB",
        mib(bytes),
        env.devices,
        mib(largest)
    ))
}
