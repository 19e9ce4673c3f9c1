//! The dynamic program of eq. (2) for one device count `k`, with the tie rules of
//! spec §5: the smallest `r` (longest last block) wins a tie, `fc` data beats model.

use serde::Serialize;

use crate::cost::block_sweep::BlockSweep;
use crate::cost::{block_time, fc, single, Case, Environment, Load, Timing};
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
}

/// The best partition of `net` for exactly `k` devices.
pub fn partition(net: &Network, env: &Environment, k: u32, algorithm: Algorithm) -> Partition {
    partition_observed(net, env, k, algorithm, &mut ())
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
    fn offer(&mut self, _offer: &Offer) {}
    fn decide(&mut self, _last: usize, _best_s: f64, _chosen: &Chosen) {}
}

impl Observer for () {}

/// [`partition`], telling `observer` about every candidate and decision, so a table of
/// the DP comes from the very numbers it compared.
pub fn partition_observed(
    net: &Network,
    env: &Environment,
    k: u32,
    algorithm: Algorithm,
    observer: &mut impl Observer,
) -> Partition {
    if k == 1 {
        let load = single::load(net);
        let timing = load.timing(env, 1);
        let chosen = Chosen {
            first: 1,
            last: net.len(),
            case: Case::Single,
            timing,
        };
        observer.offer(&Offer {
            block: chosen,
            before_s: 0.0,
            loads: &[load],
        });
        observer.decide(net.len(), timing.total(), &chosen);
        return Partition {
            k,
            completion_s: timing.total(),
            blocks: vec![chosen],
        };
    }
    let l = net.len();
    let mut best = vec![f64::INFINITY; l + 1];
    best[0] = 0.0;
    let mut choice: Vec<Option<Chosen>> = vec![None; l + 1];
    let mut loads: Vec<Load> = Vec::with_capacity(k as usize);
    let mls = algorithm == Algorithm::Mls;
    for j in 1..=l {
        let mut pick = Pick::default();
        let mut offer = |first: usize, case: Case, loads: &[Load]| {
            let (timing, _) = block_time(loads, env, k);
            let block = Chosen {
                first,
                last: j,
                case,
                timing,
            };
            let before_s = best[first - 1];
            observer.offer(&Offer {
                block,
                before_s,
                loads,
            });
            pick.offer(before_s + timing.total(), block);
        };
        if net.is_spatial(j) {
            let mut sweep = BlockSweep::new(net, k, j, None);
            while let Some(r) = sweep.step() {
                offer(r, Case::Conv, sweep.loads());
                if !mls {
                    break;
                }
            }
        } else {
            let layer = net.layer(j);
            fc::data(layer, k, &mut loads);
            offer(j, Case::FcData, &loads);
            fc::model(layer, k, &mut loads);
            offer(j, Case::FcModel, &loads);
            if mls && j >= 2 {
                if net.is_spatial(j - 1) {
                    let mut sweep = BlockSweep::new(net, k, j - 1, Some(j));
                    while let Some(r) = sweep.step() {
                        offer(r, Case::ConvFc, sweep.loads());
                    }
                } else {
                    fc::hybrid(net.layer(j - 1), layer, k, &mut loads);
                    offer(j - 1, Case::FcHybrid, &loads);
                }
            }
        }
        best[j] = pick.value;
        choice[j] = pick.chosen;
        if let Some(c) = &pick.chosen {
            observer.decide(j, pick.value, c);
        }
    }
    let mut blocks = Vec::new();
    let mut j = l;
    while j > 0 {
        let c = choice[j].expect("every prefix has a feasible last block");
        blocks.push(c);
        j = c.first - 1;
    }
    blocks.reverse();
    Partition {
        k,
        completion_s: best[l],
        blocks,
    }
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
