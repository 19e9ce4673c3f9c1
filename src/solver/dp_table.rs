//! The table of eq. (2) for one `k`, recorded while [`partition_observed`] runs, so a
//! viewer (the page's DP view, `coopai solve --json --dp`) shows the very candidates the
//! DP compared rather than numbers re-derived elsewhere.
//!
//! For every end layer `j`: every candidate last block `b(i..j)` with its time split
//! into compute, transfer and halo overhead, the first layer `i` the DP kept and `T(j)`;
//! and the optimal chain traced back from `T(L)`.

use serde::Serialize;

use super::dp::{partition_observed, Algorithm, Chosen, Observer, Offer};
use crate::cost::{Case, Environment};
use crate::model::Network;

/// One candidate last block `b(first..j)` for `T(j)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DpCandidate {
    pub first: usize,
    pub case: Case,
    /// `T(first − 1)`, the best time to finish the layers before the block.
    pub before_s: f64,
    /// `e(first, j, k)`: the block on its slowest device, `compute_s + transfer_s`.
    pub block_s: f64,
    pub compute_s: f64,
    pub transfer_s: f64,
    /// FLOPs all devices compute beyond the block's own FLOPs: the halo rows each
    /// device recomputes (0 for FL blocks and for `k = 1`).
    pub halo_flops: u64,
    /// `halo_flops / (k · F)`: the halo's share of one device's compute, on average.
    pub halo_s: f64,
    /// `T(first − 1) + e(first, j, k)`, the value the DP compares.
    pub total_s: f64,
}

/// Row `j` of the table: every candidate, and what the DP kept.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DpRow {
    /// The end layer `j` (1-based).
    pub last: usize,
    /// `T(j)`.
    pub best_s: f64,
    /// The first layer `i` of the kept last block.
    pub first: usize,
    pub case: Case,
    pub candidates: Vec<DpCandidate>,
}

/// One block of the optimal chain, traced back from `T(L)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DpBlock {
    pub first: usize,
    pub last: usize,
    pub case: Case,
}

/// The whole table for one `k`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DpTable {
    pub k: u32,
    pub algorithm: Algorithm,
    pub completion_s: f64,
    /// One row per end layer `j = 1..L`; for `k = 1` only `j = L` (one `single` block).
    pub rows: Vec<DpRow>,
    pub chain: Vec<DpBlock>,
}

/// Collects candidates until the DP decides their row.
struct Recorder<'a> {
    net: &'a Network,
    env: &'a Environment,
    k: u32,
    pending: Vec<DpCandidate>,
    rows: Vec<DpRow>,
}

impl Observer for Recorder<'_> {
    /// The table shows every candidate the recurrence compares, pruned or not.
    fn sees_all(&self) -> bool {
        true
    }

    fn offer(&mut self, o: &Offer) {
        let b = &o.block;
        let computed: u64 = o.loads.iter().map(|l| l.flops).sum();
        let own: u64 = (b.first..=b.last).map(|n| self.net.layer(n).flops).sum();
        let halo_flops = computed.saturating_sub(own);
        self.pending.push(DpCandidate {
            first: b.first,
            case: b.case,
            before_s: o.before_s,
            block_s: b.timing.total(),
            compute_s: b.timing.compute_s,
            transfer_s: b.timing.transfer_s,
            halo_flops,
            halo_s: halo_flops as f64 / (f64::from(self.k) * self.env.flops_per_second()),
            total_s: o.before_s + b.timing.total(),
        });
    }

    fn decide(&mut self, last: usize, best_s: f64, chosen: &Chosen) {
        self.rows.push(DpRow {
            last,
            best_s,
            first: chosen.first,
            case: chosen.case,
            candidates: std::mem::take(&mut self.pending),
        });
    }
}

/// Runs the DP for `k` devices and records its table.
pub fn dp_table(net: &Network, env: &Environment, k: u32, algorithm: Algorithm) -> DpTable {
    let mut rec = Recorder {
        net,
        env,
        k,
        pending: Vec::new(),
        rows: Vec::new(),
    };
    let p = partition_observed(net, env, k, algorithm, &mut rec);
    // Traced back from the recorded rows, so the chain is the table's own.
    let mut chain = Vec::new();
    let mut j = net.len();
    while j > 0 {
        let row = rec
            .rows
            .iter()
            .find(|r| r.last == j)
            .expect("every end layer has a row");
        chain.push(DpBlock {
            first: row.first,
            last: j,
            case: row.case,
        });
        j = row.first - 1;
    }
    chain.reverse();
    DpTable {
        k,
        algorithm,
        completion_s: p.completion_s,
        rows: rec.rows,
        chain,
    }
}
