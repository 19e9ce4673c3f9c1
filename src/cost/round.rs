//! A round's two resources taken apart, for a stream of frames (`docs/spec-stream.md`):
//! `C_r`, the longest compute of its devices, and `T_r`, the longest transfer. A single
//! picture waits for the slowest device's compute plus transfer (`block_time`); a stream
//! keeps the processors and the link busy with different frames, so each resource's
//! own longest time is what a round occupies it for.

use super::block::{Load, Timing};
use super::cluster::Team;

/// `C_r` and `T_r` of a round whose devices carry `loads` (`C_r + T_r` is at least the
/// block time). With a collapsed sweep's loads (the devices no other dominates) the
/// answer is the same: a dropped device has at most the FLOPs and bits of a kept one.
pub fn round_cost(loads: &[Load], team: &Team) -> Timing {
    most(team, loads.iter().copied())
}

/// A lower bound on `C_r` and `T_r` of this block and of every longer block of its
/// sweep: each device's compute and its final upload alone (both only grow as a sweep
/// adds layers, see `solver::dp::bound`).
pub fn round_floor(loads: &[Load], team: &Team) -> Timing {
    most(
        team,
        loads.iter().map(|l| Load {
            flops: l.flops,
            to_bits: l.to_bits,
            ..Load::default()
        }),
    )
}

/// The longest compute and the longest transfer of the devices, in device order.
fn most(team: &Team, loads: impl Iterator<Item = Load>) -> Timing {
    let mut most = Timing::default();
    for (d, load) in loads.enumerate() {
        let t = team.timing(d, &load);
        most.compute_s = most.compute_s.max(t.compute_s);
        most.transfer_s = most.transfer_s.max(t.transfer_s);
    }
    most
}
