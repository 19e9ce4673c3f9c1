//! A second way to place frame 0 of the cyclic schedule (`docs/spec-stream.md` §2):
//! each task, in the frame's order, at the earliest time after the task before it at
//! which its resource is free modulo `P` (the reservation table of modulo scheduling).
//! It usually waits far less than the packed slots, but the free time of a resource
//! can end up in pieces too short for a task: then there is no placement and the
//! packed one is used.

use super::schedule::{frame, RoundSlot, TOLERANCE};
use crate::cost::Timing;

/// Arcs of one resource's circle `[0, P)` taken by frame 0's tasks, sorted.
struct Circle {
    p: f64,
    taken: Vec<(f64, f64)>,
}

impl Circle {
    /// The earliest start at or after `t` of a task of `length` that fits in a free
    /// arc; takes that arc. `None` when no free arc is long enough.
    fn place(&mut self, t: f64, length: f64) -> Option<f64> {
        let p = self.p;
        if length <= 0.0 {
            return Some(t);
        }
        let slack = TOLERANCE * p;
        let u = t.rem_euclid(p);
        let base = t - u;
        let start = if self.taken.is_empty() {
            u
        } else {
            // Free arcs between taken ones, the one across 0 as `(last end, first start + P)`.
            let n = self.taken.len();
            let free = (0..n).map(|i| {
                let next = if i + 1 < n {
                    self.taken[i + 1].0
                } else {
                    self.taken[0].0 + p
                };
                (self.taken[i].1, next)
            });
            let free: Vec<(f64, f64)> = free.filter(|(a, b)| b > a).collect();
            let mut found = None;
            'laps: for lap in [-p, 0.0, p] {
                for &(a, b) in &free {
                    let c = (a + lap).max(u);
                    if c + length <= b + lap + slack {
                        found = Some(c);
                        break 'laps;
                    }
                }
            }
            found?
        };
        let from = start.rem_euclid(p);
        if from + length > p {
            self.taken.push((from, p));
            self.taken.push((0.0, from + length - p));
        } else {
            self.taken.push((from, from + length));
        }
        self.taken.sort_by(|x, y| x.0.total_cmp(&y.0));
        Some(base + start)
    }
}

/// Frame 0's tasks placed first-fit, and its latency; `None` when some task found no
/// free arc long enough.
pub fn first_fit(rounds: &[Timing], p: f64) -> Option<(Vec<RoundSlot>, f64)> {
    if p <= 0.0 {
        return None;
    }
    let circle = || Circle {
        p,
        taken: Vec::new(),
    };
    let (mut link, mut processors) = (circle(), circle());
    frame(rounds, |on_link, ready, length| {
        if on_link {
            link.place(ready, length)
        } else {
            processors.place(ready, length)
        }
    })
}
