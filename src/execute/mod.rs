//! Executing a plan on real tensors, to show that the slicing computes the model and
//! that the cost model counts the data that moves.
//!
//! [`verify`] checks the plan against the network and its estimated work and memory
//! against the budget (`budget`), then plays it with one round engine for every model
//! (`rounds`, under the rules of `docs/spec-dag.md`; a chain is the branching model
//! whose every layer reads the one before). A device starts a round with only what it
//! kept and what the gateway sends it; every read goes through a `tensor::RowStore`,
//! which refuses rows that are not there, and every element that crosses the gateway
//! is counted (`link`). Each round is compared with the unsliced computation (`check`
//! says why a difference can be tolerated) and its counted traffic with the plan's
//! `ti`, `τo` and `to`; the `meter` counts the run's work and memory.

pub mod budget;
mod check;
mod error;
mod link;
pub mod meter;
pub(crate) mod ops;
pub(crate) mod pool;
mod report;
pub(crate) mod rng;
pub(crate) mod rounds;
mod scale;
pub(crate) mod tensor;
pub(crate) mod weights;

pub use error::ExecError;
pub use link::Elements;
pub use report::{DeviceTraffic, RoundReport, VerifyReport};
pub use scale::scaled;
pub use tensor::Missing;

use crate::cost::Case;
use crate::model::Network;
use crate::solver::Plan;

/// Runs `plan` on `net` with weights and input drawn from `seed`, and reports per round
/// the difference from the unsliced pass and the counted against the planned traffic.
/// An `Err` means the plan could not even be played: it does not fit the network, or a
/// device (or the gateway) needed a row that nobody sent.
///
/// Before anything runs, the plan is checked against the network and its estimated
/// work and memory against the executor's budget ([`budget::check`]); the report
/// carries the estimate and what the [`meter`] counted.
pub fn verify(net: &Network, plan: &Plan, seed: u64) -> Result<VerifyReport, ExecError> {
    check_blocks(net, plan)?;
    let estimate = budget::check(net, plan).map_err(ExecError::TooLarge)?;
    let mark = meter::begin_capped(budget::MAX_BYTES);
    let mut report = rounds::run(net, plan, seed)?;
    report.measured = meter::end(mark);
    report.estimate = estimate;
    Ok(report)
}

/// The blocks must cover layers `1..=L` in order, each with one entry per device.
fn check_blocks(net: &Network, plan: &Plan) -> Result<(), ExecError> {
    let mut next = 1;
    for b in &plan.blocks {
        let devices = if b.case == Case::Single {
            1
        } else {
            plan.devices as usize
        };
        if b.first != next || b.last < b.first || b.last > net.len() || b.devices.len() != devices {
            return Err(ExecError::Plan(format!(
                "round {} (layers {}..{}, {} devices) does not continue a plan of {} devices \
                 over layers 1..{}",
                b.round,
                b.first,
                b.last,
                b.devices.len(),
                plan.devices,
                net.len()
            )));
        }
        next = b.last + 1;
    }
    if next != net.len() + 1 {
        return Err(ExecError::Plan(format!(
            "the plan stops before layer {}",
            net.len()
        )));
    }
    Ok(())
}
