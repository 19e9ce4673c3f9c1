//! Judging a played round: its output against the unsliced pass (whole model, and the
//! same block from the same input) and its counted traffic against the plan.

use super::check;
use super::error::{self, ExecError};
use super::reference::{layer_forward, Forward};
use super::report::{Differences, RoundReport};
use super::round::{Ctx, Played};
use super::tensor::{Flat, RowStore};
use crate::cost::Case;
use crate::model::Network;
use crate::solver::BlockPlan;

fn flat(store: &RowStore, round: usize) -> Result<Flat, ExecError> {
    store.flat().map_err(error::at(round, "gateway"))
}

/// Compares a played round with the unsliced pass and with the plan's traffic.
pub fn judge(
    ctx: &Ctx,
    block: &BlockPlan,
    fwd: &Forward,
    previous: &RowStore,
    stored_branch: Option<&RowStore>,
    played: &Played,
) -> Result<RoundReport, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let sliced = flat(&played.output, round)?;
    let unsliced = flat(&fwd.outputs[block.last], round)?;
    let mut max_abs_diff = check::max_abs_diff(&sliced, &unsliced);
    let max_abs_value = check::max_abs(&unsliced);

    // The same block, unsliced, on the input this round started from.
    let reuse = previous.same_rows(&fwd.outputs[block.first - 1])
        && match (stored_branch, fwd_branch_before(net, fwd, block.first)) {
            (Some(a), Some(b)) => a.same_rows(b),
            (a, b) => a.is_none() && b.is_none(),
        };
    // `None`: the unsliced pass's output is the local result (no copy of it).
    let (recomputed, magnitude, local_branch) = if reuse {
        let branch = fwd.branch.clone().filter(|_| produces_branch(net, block));
        (None, fwd.magnitude[block.last].clone(), branch)
    } else {
        let mut x = previous.clone();
        let mut branch = stored_branch.cloned();
        let mut magnitude = None;
        let mut produced = None;
        for index in block.first..=block.last {
            let out = layer_forward(net, ctx.weights, index, &x, branch.as_ref())
                .map_err(error::at(round, "reference"))?;
            if out.branch.is_some() {
                produced = out.branch.clone();
                branch = out.branch;
            }
            magnitude = out.magnitude;
            x = out.output;
        }
        (Some(flat(&x, round)?), magnitude, produced)
    };
    let local: &[f32] = recomputed.as_deref().unwrap_or(&unsliced);
    let reordered = matches!(block.case, Case::ConvFc | Case::FcData | Case::FcHybrid);
    let terms = net.layer(block.last).input.elements() + 1;
    let bounds: Option<Vec<f64>> = magnitude
        .filter(|_| reordered)
        .map(|m| m.iter().map(|&s| check::order_bound(terms, s)).collect());
    let mut local_diff = check::max_abs_diff(&sliced, local);
    let mut within_bound = check::within(&sliced, local, bounds.as_deref());

    // `k = 1` runs the whole model on one device: its passthrough rows never leave it.
    if produces_branch(net, block) && block.case != Case::Single {
        // The passthrough rows at the gateway are part of this round's output.
        let got = played.next.branch.as_ref().map(|b| b.rows.flat());
        let want = fwd.branch.as_ref().map(RowStore::flat);
        let local = local_branch.as_ref().map(RowStore::flat);
        match (got, want, local) {
            (Some(Ok(got)), Some(Ok(want)), Some(Ok(local))) => {
                max_abs_diff = max_abs_diff.max(check::max_abs_diff(&got, &want));
                local_diff = local_diff.max(check::max_abs_diff(&got, &local));
                within_bound &= got == local;
            }
            _ => {
                max_abs_diff = f32::INFINITY;
                within_bound = false;
            }
        }
    }

    let diff = Differences {
        max_abs_diff,
        max_abs_value,
        local_diff,
        within_bound,
    };
    Ok(RoundReport::new(round, block, diff, &played.traffic))
}

/// Whether the block computes the passthrough's source (and so its rows).
fn produces_branch(net: &Network, block: &BlockPlan) -> bool {
    net.branch
        .is_some_and(|b| (block.first..=block.last).contains(&b.spec.source))
}

/// The unsliced branch, if its source comes before layer `first`.
fn fwd_branch_before<'f>(net: &Network, fwd: &'f Forward, first: usize) -> Option<&'f RowStore> {
    fwd.branch
        .as_ref()
        .filter(|_| net.branch.is_some_and(|b| b.spec.source < first))
}
