//! A check of the cyclic schedule by simulation (`coopai verify --objective throughput`):
//! `frames` frames replayed on the two resources exactly as the schedule times them
//! (frame `f` at `f·P`), checking what the period rests on — that a resource never
//! holds two tasks at once and that each frame's tasks keep their order — and measuring
//! the time between finished frames. No schedule can do better than `P`: each resource
//! needs `ΣC` or `ΣT` per frame.

use serde::Serialize;

use super::schedule::Stream;

/// What the replay of `frames` frames found.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Simulated {
    pub frames: usize,
    /// Mean time between finished frames.
    pub period_s: f64,
    /// The longest two tasks overlapped on one resource (0 when none did).
    pub overlap_s: f64,
    /// Whether every frame's tasks kept their order.
    pub in_order: bool,
    /// No overlap, in order, and the measured period is the planned one (to 1e-9 of it).
    pub ok: bool,
}

/// One task: when it runs, and on which resource.
#[derive(Clone, Copy)]
struct Task {
    start: f64,
    end: f64,
    link: bool,
}

/// Replays `frames` frames (at least 2) of `stream`.
pub fn simulate(stream: &Stream, frames: usize) -> Simulated {
    let frames = frames.max(2);
    let p = stream.period_s;
    let tolerance = 1e-9 * p.max(f64::MIN_POSITIVE);
    let mut tasks: Vec<Task> = Vec::with_capacity(2 * frames * stream.rounds.len());
    let mut in_order = true;
    let mut finish = Vec::with_capacity(frames);
    for f in 0..frames {
        let shift = f as f64 * p;
        let mut ready = shift;
        for r in &stream.rounds {
            for (link, start, length) in [
                (true, r.link_start_s, r.transfer_s),
                (false, r.compute_start_s, r.compute_s),
            ] {
                let start = start + shift;
                in_order &= start >= ready - tolerance;
                ready = start + length;
                tasks.push(Task {
                    start,
                    end: ready,
                    link,
                });
            }
        }
        finish.push(ready);
    }
    let mut overlap_s = 0.0f64;
    for link in [true, false] {
        // An empty task (a round with nothing to move or compute) occupies nothing.
        let mut mine: Vec<Task> = tasks
            .iter()
            .copied()
            .filter(|t| t.link == link && t.end > t.start)
            .collect();
        mine.sort_by(|a, b| a.start.total_cmp(&b.start));
        let mut busy_until = f64::NEG_INFINITY;
        for t in mine {
            overlap_s = overlap_s.max(busy_until - t.start);
            busy_until = busy_until.max(t.end);
        }
    }
    let period_s = (finish[frames - 1] - finish[0]) / (frames - 1) as f64;
    Simulated {
        frames,
        period_s,
        overlap_s,
        in_order,
        ok: in_order && overlap_s <= tolerance && (period_s - p).abs() <= tolerance,
    }
}
