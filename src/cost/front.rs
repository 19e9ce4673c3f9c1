//! The devices that can still be a block's slowest once a sweep has collapsed: when
//! every device's FLOPs and bits grow by the same amounts from here on, a device with
//! at most another's FLOPs and bits stays so and is never the slowest
//! ([`super::Timing::slower_than`], equal devices).

use std::cmp::Reverse;

use super::block::Load;

/// Indices of `loads` that no other load covers (`≥` in FLOPs and bits; of equal ones
/// the first), in increasing order.
pub(crate) fn undominated(loads: &[Load]) -> Vec<usize> {
    // By FLOPs, then bits, falling (equal pairs by device): a device is covered
    // exactly when one before it in this order has at least its bits.
    let mut order: Vec<usize> = (0..loads.len()).collect();
    order.sort_by_key(|&d| (Reverse(loads[d].flops), Reverse(loads[d].bits()), d));
    let mut most_bits = None;
    let mut front: Vec<usize> = Vec::new();
    for d in order {
        let bits = loads[d].bits();
        if most_bits.is_none_or(|m| bits > m) {
            front.push(d);
            most_bits = Some(bits);
        }
    }
    front.sort_unstable();
    front
}

/// Keeps, in order, the loads that no other covers (`≥` in FLOPs, bits and upload; of
/// equal ones the first): a covered device is never a block's slowest, never sets a
/// round's longest compute or transfer, and never raises `solver::dp::bound`, so the
/// DP prices the rest only. Linear in the loads times those kept.
pub(crate) fn keep_undominated(loads: &mut Vec<Load>) {
    let covers =
        |a: &Load, b: &Load| a.flops >= b.flops && a.bits() >= b.bits() && a.to_bits >= b.to_bits;
    let mut kept = 0;
    for i in 0..loads.len() {
        let load = loads[i];
        if loads[..kept].iter().any(|k| covers(k, &load)) {
            continue;
        }
        let mut n = 0;
        for j in 0..kept {
            if !covers(&load, &loads[j]) {
                loads[n] = loads[j];
                n += 1;
            }
        }
        loads[n] = load;
        kept = n + 1;
    }
    loads.truncate(kept);
}
