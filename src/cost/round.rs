//! A round's two resources taken apart, for a stream of frames (`docs/spec-stream.md`):
//! `C_r`, the longest compute of its devices, and `T_r`, the longest transfer. A single
//! picture waits for the slowest device's compute plus transfer (`block_time`); a stream
//! keeps the processors and the link busy with different frames, so each resource's
//! own longest time is what a round occupies it for.

use super::block::{block_and_round, Load, Timing};
use super::cluster::Team;

/// `C_r` and `T_r` of a round whose devices carry `loads` (`C_r + T_r` is at least the
/// block time). With a collapsed sweep's loads (the devices no other dominates) the
/// answer is the same: a dropped device has at most the FLOPs and bits of a kept one.
pub fn round_cost(loads: &[Load], team: &Team) -> Timing {
    block_and_round(loads, team).2
}

/// A lower bound on `C_r` and `T_r` of this block and of every longer block of its
/// sweep: each device's compute and its final upload alone (both only grow as a sweep
/// adds layers, see `solver::dp::bound`).
pub fn round_floor(loads: &[Load], team: &Team) -> Timing {
    let mut most = Timing::default();
    for (d, l) in loads.iter().enumerate() {
        let floor = Load {
            flops: l.flops,
            to_bits: l.to_bits,
            ..Load::default()
        };
        let t = team.timing(d, &floor);
        most.compute_s = most.compute_s.max(t.compute_s);
        most.transfer_s = most.transfer_s.max(t.transfer_s);
    }
    most
}
