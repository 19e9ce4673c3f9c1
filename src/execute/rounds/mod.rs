//! The round engine: a plan played on real tensors under the rules of
//! `docs/spec-dag.md`, for every model. A chain is the branching model whose every
//! layer reads the one before; its passthrough is one more tensor the gateway holds.
//!
//! Between rounds the gateway holds the tensors it was sent (`state`) and the devices
//! only the shares of the last round's output they kept; within a round a device holds
//! only what it kept, what the gateway sent it and the rows it computed, every read
//! going through a `RowStore` that refuses absent rows. Every layer kind has one row
//! kernel (in its file in `crate::layers`, called through `kernels`), shared by the
//! devices and the unsliced pass (`forward`), so
//! spatial rounds must agree bit for bit; only sums the gateway completes from partial
//! sums may differ, within `execute::check`'s bound (`judge`).
//!
//! FL-only rounds read a tensor the gateway holds whole (`fc`).

mod fc;
pub(super) mod forward;
mod judge;
pub(crate) mod kernels;
pub(super) mod plan_rows;
mod spatial;
pub(super) mod state;

use std::collections::BTreeMap;

use super::budget::measured_within;
use super::error::{at, device, ExecError};
use super::link::Link;
use super::report::VerifyReport;
use super::tensor::RowStore;
use super::weights::Weights;
use crate::cost::Case;
use crate::model::Network;
use crate::solver::{BlockPlan, Plan};
use forward::{reads, Forward};
use plan_rows::made_before;
use spatial::Played;
use state::{read_after, Holdings, Stored};

/// What every step of a round needs to know.
pub struct Ctx<'a> {
    pub net: &'a Network,
    pub weights: &'a Weights,
    pub round: usize,
}

/// The tensors made before layer `first` that layers `first..=last` read, each once
/// (a layer may read one tensor many times: an `add` of the input with itself).
pub(crate) fn read_from_before(net: &Network, first: usize, last: usize) -> Vec<usize> {
    let mut read: Vec<usize> = (first..=last)
        .flat_map(|m| reads(net, m))
        .filter(|&t| made_before(net, t, first))
        .collect();
    read.sort_unstable();
    read.dedup();
    read
}

/// Runs `plan` on `net` (already checked to cover its layers).
pub fn run(net: &Network, plan: &Plan, seed: u64) -> Result<VerifyReport, ExecError> {
    let mut weights = Weights::generate(net, seed);
    let row_len = (net.input.width * net.input.channels) as usize;
    let input = RowStore::full("input", row_len, &weights.take_input());
    let fwd =
        Forward::run(net, &weights, input.clone()).map_err(|m| ExecError::Plan(m.to_string()))?;
    let mut state = Holdings::start(input.clone());
    // What earlier rounds handed on, assembled: the input of each round's local check.
    let mut earlier = BTreeMap::from([(0, input)]);
    let mut rounds = Vec::with_capacity(plan.blocks.len());
    for (n, block) in plan.blocks.iter().enumerate() {
        let ctx = Ctx {
            net,
            weights: &weights,
            round: n + 1,
        };
        let played = match block.case {
            Case::Single => single(&ctx, &mut state)?,
            Case::Conv | Case::ConvFc => spatial::play(&ctx, block, &mut state)?,
            Case::FcData | Case::FcModel | Case::FcHybrid => fl(&ctx, block, &mut state)?,
        };
        state.end_round(net, block)?;
        rounds.push(judge::judge(&ctx, block, &fwd, &played, &earlier)?);
        earlier.extend(played.results);
        earlier.retain(|&t, _| read_after(net, t, block.last));
        measured_within(net).map_err(ExecError::TooLarge)?;
    }
    Ok(VerifyReport::new(&net.name, plan, seed, rounds))
}

/// `k = 1`: the device receives the image, runs the model, and uploads every model
/// output (spec-dag D3: the gateway receives all of them).
fn single(ctx: &Ctx, state: &mut Holdings) -> Result<Played, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let mut link = Link::new(1);
    let gateway = state.at_gateway(net, 0);
    let mut x = forward::empty(net, 0);
    for y in 0..net.input.height {
        let row = gateway.rows.row(y).map_err(at(round, "gateway"))?;
        x.put(y, link.down(0, row).into_vec());
    }
    let run = Forward::run(net, ctx.weights, x).map_err(at(round, device(0)))?;
    let mut results = Vec::new();
    for t in net.outputs() {
        let flat = run.outputs[t].flat().map_err(at(round, device(0)))?;
        let out = RowStore::full(
            forward::name(net, t),
            run.outputs[t].row_len(),
            &link.up(0, &flat),
        );
        let mut stored = Stored::whole(out.clone());
        stored.by.fill(Some(0));
        state.gateway.insert(t, stored);
        results.push((t, out));
    }
    Ok(Played {
        traffic: link.traffic(),
        results,
    })
}

/// An FL-only round, from the gateway's copy of layer `first − 1` (and what the
/// devices still have of it, to count what goes back to them).
fn fl(ctx: &Ctx, block: &BlockPlan, state: &mut Holdings) -> Result<Played, ExecError> {
    let held = block.first - 1;
    let kept = state
        .kept
        .take()
        .filter(|(t, _)| *t == held)
        .map(|(_, shares)| shares)
        .unwrap_or_default();
    let gateway = state.gateway.get(&held).map(|s| s.rows.clone());
    let played = fc::play(ctx, block, gateway, &kept)?;
    let out = played.output.renamed(forward::name(ctx.net, block.last));
    state.gateway.insert(block.last, Stored::whole(out.clone()));
    state.kept = Some((block.last, played.kept));
    Ok(Played {
        traffic: played.traffic,
        results: vec![(block.last, out)],
    })
}
