//! The executor's budget: an estimate of the work and peak memory of [`super::verify`]
//! made from the network and the plan before anything runs, and the limits it must
//! stay under.
//!
//! The estimate walks the same steps as the executor, at the granularity of row ranges
//! instead of elements, and counts in the units of [`super::meter`]: one unit per
//! multiply-add, pool comparison, element copied, initialised or compared, and row
//! slot created; bytes of tensor data and row tables. Every term is an upper bound of
//! what the executor does for that step (padded taps are counted as if present, a row
//! that may already be held as if sent), so `tests/execute_budget.rs` can check, on
//! random models and plans, that the estimate is never below the meter.
//!
//! Memory: what lives through the run (the weights, the unsliced pass's outputs) plus,
//! for each round, what the previous round left (its output and the boundary) and
//! everything the round allocates, as if nothing were freed before its end.

mod fl;
pub(crate) mod kernels;
mod walk;

use crate::model::Network;
use crate::solver::Plan;

/// Most units of work one run may take (YOLOv2 at 608×608 needs 6.8e10; the
/// README has the measured worst case).
pub const MAX_WORK: u64 = 100_000_000_000;
/// Most bytes of tensors and row tables one run may hold at once (4 GiB).
pub const MAX_BYTES: u64 = 4 << 30;

/// The estimated cost of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Estimate {
    pub work: u64,
    pub peak_bytes: u64,
}

/// The estimated work and peak memory of `verify(net, plan, _)`. Plans that do not
/// fit the network are estimated as far as they go; `verify` refuses them anyway.
pub fn estimate(net: &Network, plan: &Plan) -> Estimate {
    walk::estimate(net, plan)
}

/// The estimate of a run, or why it is refused: what it would take, the limit, and
/// what to reduce.
pub fn check(net: &Network, plan: &Plan) -> Result<Estimate, String> {
    limit(net, estimate(net, plan))
}

const ADVICE: &str = "use a smaller input (--scale), fewer or smaller layers, or fewer devices";

/// Between steps of a run: why it stops, when the meter saw it hold more than
/// [`MAX_BYTES`] (the estimate should have refused it first; this holds the limit on
/// what was measured, not only on the estimate).
pub fn measured_within(net: &Network) -> Result<(), String> {
    if !super::meter::over_cap() {
        return Ok(());
    }
    Err(format!(
        "running this plan of {} held more than {} MiB of tensors at once (measured), \
         the executor's limit; {ADVICE}",
        net.name,
        MAX_BYTES >> 20
    ))
}

fn limit(net: &Network, e: Estimate) -> Result<Estimate, String> {
    if e.work > MAX_WORK {
        return Err(format!(
            "running this plan of {} would take about {:.1e} operations, more than the \
             executor's limit of {MAX_WORK:.0e}; {ADVICE}",
            net.name, e.work as f64
        ));
    }
    if e.peak_bytes > MAX_BYTES {
        return Err(format!(
            "running this plan of {} would hold about {} MiB of tensors at once, more than \
             the executor's limit of {} MiB; {ADVICE}",
            net.name,
            e.peak_bytes >> 20,
            MAX_BYTES >> 20
        ));
    }
    Ok(e)
}
