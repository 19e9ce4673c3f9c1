//! What a device does in one block, and how long the block takes (spec §3–5).

use serde::Serialize;

use super::cluster::Team;

/// The feasible cases of a block (spec §3), plus `single` for `k = 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Case {
    #[serde(rename = "single")]
    Single,
    #[serde(rename = "conv")]
    Conv,
    #[serde(rename = "conv+fc")]
    ConvFc,
    #[serde(rename = "fc-data")]
    FcData,
    #[serde(rename = "fc-model")]
    FcModel,
    #[serde(rename = "fc-hybrid")]
    FcHybrid,
}

impl Case {
    pub fn name(self) -> &'static str {
        match self {
            Case::Single => "single",
            Case::Conv => "conv",
            Case::ConvFc => "conv+fc",
            Case::FcData => "fc-data",
            Case::FcModel => "fc-model",
            Case::FcHybrid => "fc-hybrid",
        }
    }
}

/// ζ(d) and the three terms of φ(d) for one device in one block, in FLOPs and bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Load {
    pub flops: u64,
    /// Gateway → device: the input it is missing.
    pub ti_bits: u64,
    /// Device → gateway: the previous round's output that others need now.
    pub tau_bits: u64,
    /// Device → gateway: this round's output.
    pub to_bits: u64,
    /// Bytes the device must hold during the round: the weights of its layers (or of its
    /// neuron shares) and its largest input plus output rows of one layer (spec-cluster §3).
    pub memory_bytes: u64,
}

impl Load {
    pub fn bits(&self) -> u64 {
        self.ti_bits + self.tau_bits + self.to_bits
    }
}

/// Seconds a device spends computing and transferring in a block (no overlap).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timing {
    pub compute_s: f64,
    pub transfer_s: f64,
}

impl Timing {
    pub fn total(&self) -> f64 {
        self.compute_s + self.transfer_s
    }

    /// Whether this device is slower than `other`: a longer total, and on a tie of the
    /// totals more compute, then more transfer. So a device whose FLOPs and bits are
    /// both at most another's is never slower than it, and the solver may drop it
    /// (`ConvSweep::only_slowest`, the planner's pairs) without changing the block time
    /// the DP sees, not even its split.
    pub fn slower_than(&self, other: &Timing) -> bool {
        let (a, b) = (self.total(), other.total());
        a > b
            || (a == b
                && (self.compute_s > other.compute_s
                    || (self.compute_s == other.compute_s && self.transfer_s > other.transfer_s)))
    }
}

/// The block time `e = max_d [ζ(d)/F_d + φ(d)·k/G]` and the device that sets it: the
/// slowest by [`Timing::slower_than`], the first of equal ones.
pub fn block_time(loads: &[Load], team: &Team) -> (Timing, usize) {
    let (timing, device, _) = block_and_round(loads, team);
    (timing, device)
}

/// [`block_time`] and the round's `C_r`, `T_r` ([`super::round_cost`]) in one pass over
/// the devices: what the DP keeps of every block it may choose, so that a plan's period
/// if streamed costs no second walk of its blocks.
pub(crate) fn block_and_round(loads: &[Load], team: &Team) -> (Timing, usize, Timing) {
    let mut slowest = (Timing::default(), 0);
    let mut most = Timing::default();
    if team.has_links() {
        for (d, load) in loads.iter().enumerate() {
            see(&mut slowest, &mut most, d, team.timing(d, load));
        }
    } else {
        // The solver's hot loop: the same expressions as `Team::timing`, inlined.
        let (k, g) = (f64::from(team.k), team.bits_per_second);
        for (d, load) in loads.iter().enumerate() {
            let t = Timing {
                compute_s: load.flops as f64 / team.flops_per_second[d],
                transfer_s: load.bits() as f64 * k / g,
            };
            see(&mut slowest, &mut most, d, t);
        }
    }
    (slowest.0, slowest.1, most)
}

/// Device `d`'s timing `t` seen: the slowest so far and the longest compute and
/// transfer so far (times are finite and non-negative, so `>` is `f64::max`).
#[inline(always)]
fn see(slowest: &mut (Timing, usize), most: &mut Timing, d: usize, t: Timing) {
    if d == 0 || t.slower_than(&slowest.0) {
        *slowest = (t, d);
    }
    if t.compute_s > most.compute_s {
        most.compute_s = t.compute_s;
    }
    if t.transfer_s > most.transfer_s {
        most.transfer_s = t.transfer_s;
    }
}
