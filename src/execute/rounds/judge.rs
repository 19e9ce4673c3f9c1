//! Judging a round: every tensor it handed on against the unsliced
//! pass (the whole model, and the same layers run whole on exactly what the round
//! started from), and its counted traffic against the plan, per device.

use std::collections::BTreeMap;

use super::super::check;
use super::super::error::{at, ExecError};
use super::super::report::{Differences, RoundReport};
use super::super::tensor::RowStore;
use super::forward::{branch_tensor, reads, whole, Forward};
use super::plan_rows::made_before;
use super::spatial::Played;
use super::{read_from_before, Ctx};
use crate::cost::Case;
use crate::solver::BlockPlan;

/// The layers of the block run whole from `earlier` (the assembled tensors earlier
/// rounds handed on), or `None` when those equal the unsliced pass's (then the
/// unsliced pass is that computation). By layer: output and FL scale.
type Local = BTreeMap<usize, (RowStore, Option<Vec<f64>>)>;

fn local(
    ctx: &Ctx,
    block: &BlockPlan,
    fwd: &Forward,
    earlier: &BTreeMap<usize, RowStore>,
) -> Result<Option<Local>, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let outside = read_from_before(net, block.first, block.last);
    let mut same = true;
    for &t in &outside {
        let Some(x) = earlier.get(&t) else {
            return Err(ExecError::Plan(format!(
                "round {round}: layer {t}, which the block reads, was not handed on"
            )));
        };
        same &= x.same_rows(&fwd.outputs[t]);
    }
    if same {
        return Ok(None);
    }
    let mut out: Local = BTreeMap::new();
    for m in block.first..=block.last {
        let inputs: Vec<&RowStore> = reads(net, m)
            .into_iter()
            .map(|t| {
                if made_before(net, t, block.first) {
                    &earlier[&t]
                } else {
                    &out[&t].0
                }
            })
            .collect();
        let made = whole(net, ctx.weights, m, &inputs).map_err(at(round, "reference"))?;
        if let (Some(b), Some(t)) = (made.branch, branch_tensor(net)) {
            out.insert(t, (b, None));
        }
        out.insert(m, (made.output, made.magnitude));
    }
    Ok(Some(out))
}

pub fn judge(
    ctx: &Ctx,
    block: &BlockPlan,
    fwd: &Forward,
    played: &Played,
    earlier: &BTreeMap<usize, RowStore>,
) -> Result<RoundReport, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let local = local(ctx, block, fwd, earlier)?;
    let (mut max_abs_diff, mut max_abs_value, mut local_diff) = (0f32, 0f32, 0f32);
    let mut within_bound = true;
    for (t, store) in &played.results {
        let sliced = store.flat().map_err(at(round, "gateway"))?;
        let unsliced = fwd.outputs[*t].flat().map_err(at(round, "reference"))?;
        // `None`: the unsliced pass's output is the reference (no copy of it).
        let (recomputed, magnitude) = match &local {
            None => (None, fwd.magnitude[*t].as_ref()),
            Some(l) => {
                let (x, m) = &l[t];
                (Some(x.flat().map_err(at(round, "reference"))?), m.as_ref())
            }
        };
        let reference: &[f32] = recomputed.as_deref().unwrap_or(&unsliced);
        // Only the block's last FL can be a sum the gateway completed from partial sums.
        let reordered =
            *t == block.last && matches!(block.case, Case::ConvFc | Case::FcData | Case::FcHybrid);
        let bounds: Option<Vec<f64>> = magnitude.filter(|_| reordered).map(|m| {
            let terms = net.layer(*t).input.elements() + 1;
            m.iter().map(|&s| check::order_bound(terms, s)).collect()
        });
        max_abs_diff = max_abs_diff.max(check::max_abs_diff(&sliced, &unsliced));
        max_abs_value = max_abs_value.max(check::max_abs(&unsliced));
        local_diff = local_diff.max(check::max_abs_diff(&sliced, reference));
        within_bound &= check::within(&sliced, reference, bounds.as_deref());
    }
    let diff = Differences {
        max_abs_diff,
        max_abs_value,
        local_diff,
        within_bound,
    };
    Ok(RoundReport::new(round, block, diff, &played.traffic))
}
