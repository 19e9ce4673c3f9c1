//! The parts of a plan a spatial round reads, checked against the network: a bad plan
//! is an error that says which round and what, never an out-of-range read.

use super::super::error::ExecError;
use super::forward::branch_tensor;
use crate::cost::Case;
use crate::model::{Layer, Network};
use crate::slicing::{back_through_conv, Rows};
use crate::solver::{BlockPlan, DevicePlan, LayerRows, TensorRows};

pub fn plan_error(round: usize, message: String) -> ExecError {
    ExecError::Plan(format!("round {round}: {message}"))
}

/// The rows device `dev` handles at spatial layer `r`.
pub fn rows_at(dev: &DevicePlan, r: usize, round: usize) -> Result<&LayerRows, ExecError> {
    dev.layer_rows(r)
        .ok_or_else(|| plan_error(round, format!("a device has no rows for layer {r}")))
}

/// Rows of a tensor of `height` rows, or a plan error when they do not fit.
pub fn within(rows: Rows, height: u32, what: &str, round: usize) -> Result<Rows, ExecError> {
    if rows.first > rows.last || rows.last >= height {
        return Err(plan_error(
            round,
            format!(
                "rows [{}, {}] of {what} are outside its {height} rows",
                rows.first, rows.last
            ),
        ));
    }
    Ok(rows)
}

/// The block's last spatial layer and, for `conv+fc`, the FL that closes it, or why
/// the block is not of its case.
pub fn shape_of(
    net: &Network,
    block: &BlockPlan,
    round: usize,
) -> Result<(usize, Option<usize>), ExecError> {
    let (first, last) = (block.first, block.last);
    let bad = || {
        plan_error(
            round,
            format!("block {first}..{last} is not a {} block", block.case.name()),
        )
    };
    if first == 0 || first > last || last > net.len() {
        return Err(bad());
    }
    let grid = match block.case {
        Case::Conv => last,
        _ if last > first && !net.is_spatial(last) => last - 1,
        _ => return Err(bad()),
    };
    if !(first..=grid).all(|r| net.is_spatial(r)) {
        return Err(bad());
    }
    Ok((grid, (grid < last).then_some(last)))
}

/// Whether tensor `t` exists before layer `first` runs (the passthrough: once its
/// source has run).
pub fn made_before(net: &Network, t: usize, first: usize) -> bool {
    match net.branch {
        Some(b) if Some(t) == branch_tensor(net) => b.spec.source < first,
        _ => t < first,
    }
}

/// The rows of tensors made before the block that device `dev` reads. A branching
/// model's plan lists them (`reads`); a chain's says them with the rows of the block's
/// input (`in_rows`) and, at a passthrough's target, with the conv rows computed there.
pub fn tensor_reads(net: &Network, block: &BlockPlan, dev: &DevicePlan) -> Vec<TensorRows> {
    if net.dag {
        return dev.reads.clone();
    }
    let mut reads = vec![TensorRows {
        tensor: block.first - 1,
        rows: dev.in_rows,
    }];
    let Some((b, t)) = net.branch.zip(branch_tensor(net)) else {
        return reads;
    };
    let target = b.spec.target;
    let layer = net.layer(target);
    let computed = dev.layer_rows(target).and_then(|l| l.computed);
    if let (true, Layer::Conv(c), Some(r)) = (
        (block.first..=block.last).contains(&target),
        layer.kind,
        computed.filter(|r| r.first <= r.last && r.last < layer.conv_out.height),
    ) {
        reads.push(TensorRows {
            tensor: t,
            rows: Some(back_through_conv(r, c, layer.input.height)),
        });
    }
    reads
}
