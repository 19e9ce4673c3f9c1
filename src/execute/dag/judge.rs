//! Judging a round of a branching model: every tensor it handed on against the unsliced
//! pass (the whole model, and the same layers run whole on exactly what the round
//! started from), and its counted traffic against the plan, per device.

use std::collections::BTreeMap;

use super::super::check;
use super::super::error::{at, ExecError};
use super::super::report::{DeviceTraffic, RoundReport};
use super::super::round::Ctx;
use super::super::tensor::RowStore;
use super::forward::{whole, DagForward};
use super::spatial::Played;
use crate::cost::Case;
use crate::solver::BlockPlan;

/// The layers of the block run whole from `earlier` (the assembled tensors earlier
/// rounds handed on), or `None` when those equal the unsliced pass's (then the
/// unsliced pass is that computation). By layer: output and FL scale.
type Local = BTreeMap<usize, (RowStore, Option<Vec<f64>>)>;

fn local(
    ctx: &Ctx,
    block: &BlockPlan,
    fwd: &DagForward,
    earlier: &BTreeMap<usize, RowStore>,
) -> Result<Option<Local>, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let mut outside: Vec<usize> = (block.first..=block.last)
        .flat_map(|m| net.inputs[m - 1].iter().copied())
        .filter(|&t| t < block.first)
        .collect();
    // A layer may read one tensor many times (`add` of the input with itself).
    outside.sort_unstable();
    outside.dedup();
    let mut same = true;
    for &t in &outside {
        let Some(x) = earlier.get(&t) else {
            return Err(ExecError::Plan(format!(
                "round {round}: layer {t}, which the block reads, was not handed on"
            )));
        };
        same &= x.flat().ok() == fwd.outputs[t].flat().ok();
    }
    if same {
        return Ok(None);
    }
    let mut out: Local = BTreeMap::new();
    for m in block.first..=block.last {
        let inputs: Vec<&RowStore> = net.inputs[m - 1]
            .iter()
            .map(|&t| {
                if t < block.first {
                    &earlier[&t]
                } else {
                    &out[&t].0
                }
            })
            .collect();
        let made = whole(net, ctx.weights, m, &inputs).map_err(at(round, "reference"))?;
        out.insert(m, made);
    }
    Ok(Some(out))
}

pub fn judge(
    ctx: &Ctx,
    block: &BlockPlan,
    fwd: &DagForward,
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
        let (reference, magnitude) = match &local {
            None => (unsliced.clone(), fwd.magnitude[*t].as_ref()),
            Some(l) => {
                let (x, m) = &l[t];
                (x.flat().map_err(at(round, "reference"))?, m.as_ref())
            }
        };
        // Only the block's last FL can be a sum the gateway completed from partial sums.
        let reordered =
            *t == block.last && matches!(block.case, Case::ConvFc | Case::FcData | Case::FcHybrid);
        let terms = net.layer(*t).input.elements() + 1;
        let bounds: Option<Vec<f64>> = magnitude
            .filter(|_| reordered)
            .map(|m| m.iter().map(|&s| check::order_bound(terms, s)).collect());
        max_abs_diff = max_abs_diff.max(check::max_abs_diff(&sliced, &unsliced));
        max_abs_value = max_abs_value.max(check::max_abs(&unsliced));
        local_diff = local_diff.max(check::max_abs_diff(&sliced, &reference));
        within_bound &= check::within(&sliced, &reference, bounds.as_deref());
    }
    let devices: Vec<DeviceTraffic> = block
        .devices
        .iter()
        .zip(played.traffic.elements.iter().zip(&played.traffic.resent))
        .enumerate()
        .map(|(d, (plan, (&counted, &resent)))| DeviceTraffic::new(d, plan, counted, resent))
        .collect();
    let traffic_ok = devices.len() == played.traffic.elements.len() && devices.iter().all(|d| d.ok);
    Ok(RoundReport {
        round,
        first: block.first,
        last: block.last,
        case: block.case,
        max_abs_diff,
        max_abs_value,
        local_diff,
        within_bound,
        traffic_ok,
        ok: within_bound && traffic_ok,
        devices,
    })
}
