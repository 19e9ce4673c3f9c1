//! A cluster of devices of different speeds, memory sizes and links
//! (`docs/spec-cluster.md`), and the team of `k` devices a plan with `k` devices uses.
//!
//! A plan with `k` devices uses the `k` fastest (ties in the given order), listed
//! fastest first. Rows and neurons are split in proportion to speed (largest remainder,
//! ties to the earlier device), so the shares of a team depend only on `k`: what the
//! previous block left on each device is still known from `(i − 1, k)`, and the DP
//! stays exact. A cluster of equal devices splits exactly like spec §2's equal split.

use serde::Serialize;

use super::block::{Load, Timing};
use crate::model::Network;
use crate::slicing::{EqualSplit, Rows};

/// Bytes in one MB of device memory (MiB: the unit boards and `free -m` report).
pub const BYTES_PER_MB: f64 = 1_048_576.0;

/// One device as the user describes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Device {
    pub name: String,
    /// Speed in GFLOPS.
    pub gflops: f64,
    /// Memory in MB (2²⁰ bytes); `None`: unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<f64>,
    /// Its own link in Mbps, capping its share of the gateway's bandwidth; `None`: no cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_mbps: Option<f64>,
}

/// The devices available, in the order given.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    pub devices: Vec<Device>,
}

impl Cluster {
    /// `devices` equal devices of `gflops`, no memory or link limits (the paper's case).
    pub fn uniform(devices: u32, gflops: f64) -> Self {
        Cluster {
            devices: (1..=devices)
                .map(|n| Device {
                    name: format!("device {n}"),
                    gflops,
                    memory_mb: None,
                    link_mbps: None,
                })
                .collect(),
        }
    }

    /// True when every device has the same speed and no memory or link limit: plans are
    /// then exactly the paper's.
    pub fn is_uniform(&self) -> bool {
        self.devices.iter().all(|d| {
            d.gflops == self.devices[0].gflops && d.memory_mb.is_none() && d.link_mbps.is_none()
        })
    }

    /// Indices of the devices, fastest first, ties in the given order.
    pub fn fastest_first(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.devices.len()).collect();
        order.sort_by(|&a, &b| self.devices[b].gflops.total_cmp(&self.devices[a].gflops));
        order
    }
}

/// How `n` items (rows or neurons) are split over a team: the equal split of spec §2,
/// or shares in proportion to speed, `(first, size)` per member.
#[derive(Clone, Debug)]
pub enum Split {
    Equal(EqualSplit),
    Table(Vec<(u32, u32)>),
}

impl Split {
    /// Shares of `n` in proportion to integer `weights`: each member gets `⌊n·w/W⌋`, and
    /// the rest go one each to the largest remainders `n·w mod W`, ties to the earlier
    /// member; shares are laid out in member order from the top.
    pub fn weighted(n: u32, weights: &[u64]) -> Self {
        let total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        let quotas: Vec<(u32, u128)> = weights
            .iter()
            .map(|&w| {
                let q = u128::from(n) * u128::from(w);
                ((q / total) as u32, q % total)
            })
            .collect();
        let left = n - quotas.iter().map(|q| q.0).sum::<u32>();
        let mut order: Vec<usize> = (0..weights.len()).collect();
        order.sort_by(|&a, &b| quotas[b].1.cmp(&quotas[a].1).then(a.cmp(&b)));
        let mut sizes: Vec<u32> = quotas.iter().map(|q| q.0).collect();
        for &d in order.iter().take(left as usize) {
            sizes[d] += 1;
        }
        let mut first = 0;
        Split::Table(
            sizes
                .into_iter()
                .map(|size| {
                    let share = (first, size);
                    first += size;
                    share
                })
                .collect(),
        )
    }

    /// Member `d`'s share, or `None` when it gets nothing.
    pub fn share(&self, d: u32) -> Option<Rows> {
        match self {
            Split::Equal(e) => e.share(d),
            Split::Table(t) => {
                let (first, size) = t[d as usize];
                (size > 0).then(|| Rows::new(first, first + size - 1))
            }
        }
    }

    /// The member whose share holds `row`, or `None` past the end.
    pub fn owner(&self, row: u32) -> Option<u32> {
        match self {
            Split::Equal(e) => e.owner(row),
            Split::Table(t) => {
                let d = t.partition_point(|&(first, size)| first + size <= row);
                (d < t.len() && t[d].1 > 0 && t[d].0 <= row).then_some(d as u32)
            }
        }
    }
}

/// The `k` devices a plan with `k` devices uses, fastest first, with their rates.
#[derive(Clone, Debug)]
pub struct Team {
    pub k: u32,
    /// Each member's index in the cluster as given.
    pub index: Vec<usize>,
    /// FLOP/s of each member.
    pub flops_per_second: Vec<f64>,
    /// The gateway's bandwidth in bit/s, shared evenly by the `k` members.
    pub bits_per_second: f64,
    /// Each member's own link in bit/s, when it has one.
    pub link: Vec<Option<f64>>,
    /// Each member's memory in bytes, when limited.
    pub memory: Vec<Option<u64>>,
    /// Split weights (speed in kFLOP/s, an integer so that splits are exact); empty for
    /// a team of equal devices, which splits equally.
    weights: Vec<u64>,
    /// Whether some member has its own link, or a memory limit (the hot loops skip what
    /// does not apply).
    linked: bool,
    limited: bool,
}

impl Team {
    /// The `k` fastest devices of `cluster` with a gateway of `bits_per_second`.
    pub fn new(cluster: &Cluster, k: u32, bits_per_second: f64) -> Self {
        let index: Vec<usize> = cluster
            .fastest_first()
            .into_iter()
            .take(k as usize)
            .collect();
        let members: Vec<&Device> = index.iter().map(|&i| &cluster.devices[i]).collect();
        let equal = members.iter().all(|d| d.gflops == members[0].gflops);
        Team {
            k,
            flops_per_second: members.iter().map(|d| d.gflops * 1e9).collect(),
            bits_per_second,
            link: members
                .iter()
                .map(|d| d.link_mbps.map(|l| l * 1e6))
                .collect(),
            memory: members
                .iter()
                .map(|d| d.memory_mb.map(|m| (m * BYTES_PER_MB) as u64))
                .collect(),
            weights: if equal {
                Vec::new()
            } else {
                members
                    .iter()
                    .map(|d| ((d.gflops * 1e6).round() as u64).max(1))
                    .collect()
            },
            linked: members.iter().any(|d| d.link_mbps.is_some()),
            limited: members.iter().any(|d| d.memory_mb.is_some()),
            index,
        }
    }

    /// `k` equal devices of `flops_per_second` sharing `bits_per_second`, no limits.
    pub fn uniform(k: u32, flops_per_second: f64, bits_per_second: f64) -> Self {
        let n = k as usize;
        Team {
            k,
            index: (0..n).collect(),
            flops_per_second: vec![flops_per_second; n],
            bits_per_second,
            link: vec![None; n],
            memory: vec![None; n],
            weights: Vec::new(),
            linked: false,
            limited: false,
        }
    }

    /// How `n` rows or neurons are split over the team.
    pub fn split(&self, n: u32) -> Split {
        if self.weights.is_empty() {
            Split::Equal(EqualSplit::new(n, self.k))
        } else {
            Split::weighted(n, &self.weights)
        }
    }

    /// True when some member's memory is limited.
    pub fn has_memory_limits(&self) -> bool {
        self.limited
    }

    /// True for equal devices without links or memory limits (the paper's): a device's
    /// time is then the same function of its load for every member.
    pub fn is_plain(&self) -> bool {
        self.weights.is_empty() && !self.linked && !self.limited
    }

    /// True when some member has its own link.
    pub fn has_links(&self) -> bool {
        self.linked
    }

    /// True when every member's load fits in its memory.
    pub fn fits(&self, loads: &[Load]) -> bool {
        !self.limited
            || loads
                .iter()
                .zip(&self.memory)
                .all(|(l, m)| m.is_none_or(|m| l.memory_bytes <= m))
    }

    /// Member `d`'s compute and transfer seconds: `ζ/F_d` and `φ·k/G`, or `φ/L_d` when
    /// its own link `L_d` is slower than its share `G/k`.
    pub fn timing(&self, d: usize, load: &Load) -> Timing {
        let bits = load.bits() as f64;
        let k = f64::from(self.k);
        let transfer_s = match self.link[d] {
            Some(link) if link * k < self.bits_per_second => bits / link,
            _ => bits * k / self.bits_per_second,
        };
        Timing {
            compute_s: load.flops as f64 / self.flops_per_second[d],
            transfer_s,
        }
    }
}

/// Precomputed splits of every tensor's rows for one team (index 0: the model input),
/// so that the sweeps' hot loops look shares up instead of recomputing them.
pub struct RowSplits {
    splits: Vec<Split>,
    /// Every member's share of every tensor as `(first, last)`, `(u32::MAX, 0)` for
    /// none: `tables[t * k + d]`.
    tables: Vec<(u32, u32)>,
    /// One past the last member with a share of each tensor (shares go to the first
    /// members: the rest hold none).
    holders: Vec<usize>,
    k: usize,
}

impl RowSplits {
    pub fn new(net: &Network, team: &Team) -> Self {
        let mut splits = vec![team.split(net.input.height)];
        splits.extend(net.layers.iter().map(|l| team.split(l.output.height)));
        let mut tables = Vec::with_capacity(splits.len() * team.k as usize);
        for s in &splits {
            for d in 0..team.k {
                tables.push(s.share(d).map_or((u32::MAX, 0), |r| (r.first, r.last)));
            }
        }
        let k = team.k as usize;
        let holders = tables
            .chunks(k)
            .map(|t| t.iter().rposition(|r| r.0 <= r.1).map_or(0, |d| d + 1))
            .collect();
        RowSplits {
            splits,
            tables,
            holders,
            k,
        }
    }

    /// The split of tensor `t`'s rows.
    pub fn of(&self, t: usize) -> &Split {
        &self.splits[t]
    }

    /// Every member's share of tensor `t`'s rows, as `(first, last)` with `first > last`
    /// for none.
    pub fn table(&self, t: usize) -> &[(u32, u32)] {
        &self.tables[t * self.k..(t + 1) * self.k]
    }

    /// The members that hold rows of tensor `t`: `0..holders(t)`.
    pub fn holders(&self, t: usize) -> usize {
        self.holders[t]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_weights_split_like_the_spec() {
        for n in 1..30 {
            for k in 1..8u32 {
                let w = Split::weighted(n, &vec![7; k as usize]);
                let e = Split::Equal(EqualSplit::new(n, k));
                for d in 0..k {
                    assert_eq!(w.share(d), e.share(d), "n {n} k {k} d {d}");
                }
                for row in 0..=n {
                    assert_eq!(w.owner(row), e.owner(row));
                }
            }
        }
    }

    #[test]
    fn shares_follow_speed_and_cover_every_row() {
        let weights = [50_000_000, 13_600_000, 13_600_000, 13_600_000];
        let split = Split::weighted(38, &weights);
        let sizes: Vec<u64> = (0..4)
            .map(|d| split.share(d).map_or(0, |r| r.len()))
            .collect();
        assert_eq!(sizes.iter().sum::<u64>(), 38);
        assert!(sizes[0] >= 2 * sizes[1], "{sizes:?}");
        assert!(
            sizes.windows(2).all(|w| w[0] >= w[1]),
            "fastest first: {sizes:?}"
        );
    }
}
