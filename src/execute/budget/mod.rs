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

mod dag;
mod kernels;
mod rounds;

use super::meter::ELEMENT_BYTES as E;
use crate::cost::Case;
use crate::model::Network;
use crate::solver::{BlockPlan, Plan};
use kernels::{layer_forward, mul, tensor_bytes, F64};
use rounds::{conv_round, fc_round, judge, single_round};

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

/// The estimated work and peak memory of `verify(net, plan, _)`, chain or branching
/// model. Plans that do not fit the network are estimated as far as they go; `verify`
/// refuses them anyway.
pub fn estimate(net: &Network, plan: &Plan) -> Estimate {
    if net.dag {
        dag::estimate(net, plan)
    } else {
        chain(net, plan)
    }
}

/// The estimate of a chain's run (`execute::conv_round`, `fc_round`, ...).
fn chain(net: &Network, plan: &Plan) -> Estimate {
    let mut work = 0u64;
    // The weights and input, drawn once; the unsliced pass keeps every output.
    let params = net.params().saturating_add(net.input.elements());
    work = work.saturating_add(params);
    let mut persistent = mul(params, E).saturating_add(tensor_bytes(net.input));
    work = work.saturating_add(mul(net.input.elements(), 2) + u64::from(net.input.height));
    let mut forward_peak = 0u64;
    for index in 1..=net.len() {
        let c = layer_forward(net, index);
        work = work.saturating_add(c.work);
        forward_peak = forward_peak.max(c.bytes);
        let l = net.layer(index);
        persistent = persistent.saturating_add(tensor_bytes(l.output));
        if !l.is_spatial() {
            persistent = persistent.saturating_add(mul(l.output.elements(), F64));
        }
    }
    if let Some(b) = net.branch {
        persistent = persistent.saturating_add(tensor_bytes(b.shape));
    }
    // Before round 1: the gateway's copy of the input and the "previous" output.
    let mut kept = mul(2, tensor_bytes(net.input));
    work = work.saturating_add(mul(2, net.input.elements() + u64::from(net.input.height)));
    let mut rounds_peak = 0u64;
    let mut previous: Option<&BlockPlan> = None;
    // Rounds without gateway sums reproduce the unsliced pass bit for bit.
    let mut reordered = false;
    for block in &plan.blocks {
        if block.first == 0 || block.last > net.len() || block.first > block.last {
            break;
        }
        let (mut all, next_kept) = match block.case {
            Case::Conv | Case::ConvFc => conv_round(net, block, previous),
            Case::FcData | Case::FcModel | Case::FcHybrid => fc_round(net, block),
            Case::Single => single_round(net),
        };
        if let Some(b) = net.branch {
            all.copied_store(b.shape.height, b.shape.elements()); // the stored branch
        }
        all.add(judge(net, block, reordered));
        reordered |= matches!(block.case, Case::ConvFc | Case::FcData | Case::FcHybrid);
        work = work.saturating_add(all.work);
        rounds_peak = rounds_peak.max(kept.saturating_add(all.bytes));
        kept = next_kept;
        previous = Some(block);
    }
    Estimate {
        work,
        peak_bytes: persistent.saturating_add(forward_peak.max(rounds_peak)),
    }
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
