//! Deterministic counters of what the executor does, to hold its a-priori estimate
//! ([`super::budget`]) to account: the work (one unit per multiply-add, pool
//! comparison, element copied, initialised or compared, and row slot created) and
//! the bytes of tensor data and row tables alive at once.
//!
//! Counted where it happens (the kernels, the row store, the links, flattened copies,
//! the weights), per thread, so tests running in parallel do not mix their counts.
//! Not wall-clock: the same run always gives the same numbers.

use std::cell::Cell;

use serde::Serialize;

/// Bytes of one tensor element (f32).
pub const ELEMENT_BYTES: u64 = 4;
/// Bytes of one row slot of a row store (`Option<Vec<f32>>`).
pub const SLOT_BYTES: u64 = std::mem::size_of::<Option<Vec<f32>>>() as u64;

thread_local! {
    static WORK: Cell<u64> = const { Cell::new(0) };
    static LIVE: Cell<u64> = const { Cell::new(0) };
    static PEAK: Cell<u64> = const { Cell::new(0) };
    /// The most bytes alive the current measurement allows (absolute).
    static CAP: Cell<u64> = const { Cell::new(u64::MAX) };
}

/// Adds `n` units of work.
pub fn work(n: u64) {
    WORK.with(|w| w.set(w.get().saturating_add(n)));
}

/// `bytes` more are alive.
pub fn alloc(bytes: u64) {
    let live = LIVE.with(|l| {
        let v = l.get().saturating_add(bytes);
        l.set(v);
        v
    });
    PEAK.with(|p| p.set(p.get().max(live)));
}

/// `bytes` fewer are alive.
pub fn free(bytes: u64) {
    LIVE.with(|l| l.set(l.get().saturating_sub(bytes)));
}

/// What one run cost: its work and the most bytes alive at once beyond what was
/// alive when it started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Measured {
    pub work: u64,
    pub peak_bytes: u64,
}

/// The counters when a measurement started.
pub struct Mark {
    work: u64,
    live: u64,
    outer_peak: u64,
    outer_cap: u64,
}

/// Starts a measurement (they nest).
pub fn begin() -> Mark {
    let live = LIVE.with(Cell::get);
    let outer_peak = PEAK.with(|p| p.replace(live));
    Mark {
        work: WORK.with(Cell::get),
        live,
        outer_peak,
        outer_cap: CAP.with(Cell::get),
    }
}

/// Starts a measurement that may hold at most `bytes` more than are alive now, as
/// [`over_cap`] tells (the executor asks between steps, so a run whose estimate was
/// wrong still stops near its memory limit).
pub fn begin_capped(bytes: u64) -> Mark {
    let mark = begin();
    CAP.with(|c| c.set(c.get().min(mark.live.saturating_add(bytes))));
    mark
}

/// Whether the peak of the capped measurement passed its cap.
pub fn over_cap() -> bool {
    PEAK.with(Cell::get) > CAP.with(Cell::get)
}

/// Ends the measurement started at `mark`.
pub fn end(mark: Mark) -> Measured {
    CAP.with(|c| c.set(mark.outer_cap));
    let peak = PEAK.with(Cell::get);
    PEAK.with(|p| p.set(peak.max(mark.outer_peak)));
    Measured {
        work: WORK.with(Cell::get) - mark.work,
        peak_bytes: peak - mark.live,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_are_relative_and_nest() {
        alloc(100);
        let outer = begin();
        alloc(50);
        free(50);
        let inner = begin();
        alloc(10);
        work(3);
        free(10);
        assert_eq!(
            end(inner),
            Measured {
                work: 3,
                peak_bytes: 10
            }
        );
        assert_eq!(
            end(outer),
            Measured {
                work: 3,
                peak_bytes: 50
            }
        );
        free(100);
    }

    #[test]
    fn a_cap_is_seen_between_steps_and_lifted_at_the_end() {
        let mark = begin_capped(64);
        alloc(60);
        assert!(!over_cap());
        alloc(10);
        free(70);
        assert!(over_cap(), "the peak passed the cap");
        end(mark);
        assert!(!over_cap());
    }
}
