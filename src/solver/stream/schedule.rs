//! The cyclic schedule of a stream (`docs/spec-stream.md` §2): each frame's rounds use
//! the link for `T_r` then the processors for `C_r`, and frame `f` runs exactly like
//! frame 0, `f·P` later. If frame 0's tasks on one resource never overlap modulo `P`,
//! no two tasks of any frames collide and a frame finishes every `P`. The packed
//! placement always achieves it: each resource's slots one after the other on a circle
//! of circumference `P = max(ΣC, ΣT)` (their total is at most `P`), the link's from 0
//! and the processors' from some `β`; the bottleneck resource's slots fill the circle,
//! so it is never idle.

use serde::Serialize;

use super::first_fit::first_fit;
use crate::cost::Timing;

/// One round of the stream: its cost on each resource and when frame 0 uses each.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RoundSlot {
    pub round: usize,
    /// `C_r`: the longest compute of its devices.
    pub compute_s: f64,
    /// `T_r`: the longest transfer of its devices.
    pub transfer_s: f64,
    /// When frame 0's transfer of this round starts (frame `f`: `f·P` later).
    pub link_start_s: f64,
    /// When frame 0's compute of this round starts.
    pub compute_start_s: f64,
}

/// A plan streamed: the period, and the frame latency of the cyclic schedule.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Stream {
    /// `P = max(ΣC_r, ΣT_r)`: seconds between two finished frames.
    pub period_s: f64,
    /// `1 / P`.
    pub throughput_fps: f64,
    /// From a frame's first transfer to the end of its last compute.
    pub latency_s: f64,
    /// Frames started and not finished at the busiest moment: `⌈latency / P⌉`.
    pub frames_in_flight: u32,
    pub rounds: Vec<RoundSlot>,
}

/// Rounds whose times differ by less than this fraction of the period are taken as
/// equal, so that a float rounding never costs a frame a whole extra period.
pub(super) const TOLERANCE: f64 = 1e-9;

/// `P = max(ΣC_r, ΣT_r)`, each sum taken in round order.
pub fn period(rounds: &[Timing]) -> f64 {
    let compute: f64 = rounds.iter().map(|r| r.compute_s).sum();
    let transfer: f64 = rounds.iter().map(|r| r.transfer_s).sum();
    compute.max(transfer)
}

/// The cyclic schedule of rounds `(C_r, T_r)`, in round order, that gives a frame the
/// least latency of: the packed slots with the processors' starting at each place `β`
/// where some compute does not wait, and the first-fit placement ([`first_fit`]).
pub fn schedule(rounds: &[Timing]) -> Stream {
    let p = period(rounds);
    let best = offsets(rounds, p)
        .map(|beta| place(rounds, p, beta))
        .chain(first_fit(rounds, p))
        .reduce(|a, b| if b.1 < a.1 { b } else { a })
        .unwrap_or_default();
    let (slots, latency_s) = best;
    let frames_in_flight = if p > 0.0 {
        ((latency_s / p - TOLERANCE).ceil() as u32).max(1)
    } else {
        1
    };
    Stream {
        period_s: p,
        throughput_fps: if p > 0.0 { 1.0 / p } else { f64::INFINITY },
        latency_s,
        frames_in_flight,
        rounds: slots,
    }
}

/// Where the processors' slots may start so that some round's compute does not wait:
/// `β = ΣT_{≤r} − ΣC_{<r}` (mod `P`). Between two of these the latency grows with `β`
/// (slope 1: `R` compute waits grow, `R − 1` transfer waits shrink), so the least
/// latency over every `β` is at one of them (`docs/spec-stream.md` §2).
fn offsets(rounds: &[Timing], p: f64) -> impl Iterator<Item = f64> + '_ {
    let (mut transfer, mut compute) = (0.0, 0.0);
    rounds.iter().map(move |r| {
        transfer += r.transfer_s;
        let beta = transfer - compute;
        compute += r.compute_s;
        if p > 0.0 {
            beta.rem_euclid(p)
        } else {
            0.0
        }
    })
}

/// Frame 0 placed with the link's slots packed from 0 and the processors' from `beta`:
/// every task at the first time its slot comes round after the task before it.
fn place(rounds: &[Timing], p: f64, beta: f64) -> (Vec<RoundSlot>, f64) {
    // The first time at or after `t` that is `offset` modulo `p`.
    let next = |t: f64, offset: f64| {
        if p <= 0.0 {
            return t;
        }
        let n = ((t - offset) / p - TOLERANCE).ceil();
        (offset + n * p).max(t)
    };
    let (mut link_offset, mut compute_offset) = (0.0, beta);
    frame(rounds, |link, ready, length| {
        let offset = if link {
            &mut link_offset
        } else {
            &mut compute_offset
        };
        let start = next(ready, *offset);
        *offset += length;
        Some(start)
    })
    .expect("packed slots place every task")
}

/// Frame 0's tasks in order — each round's transfer, then its compute — each starting
/// where `at(on_link, ready, length)` says, and the frame's latency; `None` when `at`
/// finds no place for one.
pub(super) fn frame(
    rounds: &[Timing],
    mut at: impl FnMut(bool, f64, f64) -> Option<f64>,
) -> Option<(Vec<RoundSlot>, f64)> {
    let mut t = 0.0;
    let mut slots = Vec::with_capacity(rounds.len());
    for (n, r) in rounds.iter().enumerate() {
        let link_start_s = at(true, t, r.transfer_s)?;
        let compute_start_s = at(false, link_start_s + r.transfer_s, r.compute_s)?;
        t = compute_start_s + r.compute_s;
        slots.push(RoundSlot {
            round: n + 1,
            compute_s: r.compute_s,
            transfer_s: r.transfer_s,
            link_start_s,
            compute_start_s,
        });
    }
    Some((slots, t))
}
