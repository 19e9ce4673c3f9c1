//! One device's part of a conv round: its rows through every CL of the block, read
//! only from the rows it holds. At the passthrough's source it also computes the
//! branch rows no earlier device has uploaded, and uploads them (`to`).

use super::error::{at, device, ExecError};
use super::link::Link;
use super::ops::{branch_row, concat_rows, conv_rows, output_rows};
use super::reference::activated;
use super::round::{Ctx, StoredBranch};
use super::tensor::{Missing, RowStore};
use crate::model::Kind;
use crate::slicing::{back_through_conv, Rows};
use crate::solver::{DevicePlan, LayerRows};

pub fn plan_error(round: usize, message: String) -> ExecError {
    ExecError::Plan(format!("round {round}: {message}"))
}

/// The rows device `dev` handles at conv layer `r`.
pub fn layer_rows(dev: &DevicePlan, r: usize, round: usize) -> Result<&LayerRows, ExecError> {
    dev.layers
        .iter()
        .find(|l| l.layer == r)
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

/// Device `d` of a round, with its part of the plan.
pub struct Device<'a> {
    pub ctx: &'a Ctx<'a>,
    pub plan: &'a DevicePlan,
    pub d: usize,
}

impl Device<'_> {
    fn fail(&self) -> impl FnOnce(Missing) -> ExecError {
        at(self.ctx.round, device(self.d))
    }

    /// Runs `layers` (all CLs) from `x`, the rows of the first layer's input the device
    /// holds, and `skip`, the passthrough rows it was sent. Returns its rows of the last
    /// layer's output, or `None` when it is idle.
    pub fn compute(
        &self,
        layers: std::ops::RangeInclusive<usize>,
        x: RowStore,
        skip: Option<&RowStore>,
        branch: Option<&mut StoredBranch>,
        link: &mut Link,
    ) -> Result<Option<RowStore>, ExecError> {
        let (net, round) = (self.ctx.net, self.ctx.round);
        let spec = net.branch.map(|b| b.spec);
        let mut branch = branch;
        let mut produced = x;
        for r in layers {
            let lr = layer_rows(self.plan, r, round)?;
            let (Some(computed), Some(rows)) = (lr.computed, lr.rows) else {
                return Ok(None);
            };
            let layer = net.layer(r);
            let Kind::Conv(conv) = layer.kind else {
                return Err(plan_error(round, format!("layer {r} is not a CL")));
            };
            let computed = within(computed, layer.conv_out.height, "a conv output", round)?;
            let rows = within(rows, layer.output.height, "an output", round)?;
            let input = if spec.is_some_and(|s| s.target == r) {
                let missing = Missing {
                    tensor: "branch".into(),
                    row: computed.first,
                };
                let skip = skip.ok_or_else(|| self.fail()(missing))?;
                let need = back_through_conv(computed, conv, layer.input.height);
                let name = format!("input of layer {r}");
                concat_rows(&produced, skip, layer.input.width, need, name).map_err(self.fail())?
            } else {
                produced
            };
            let lw = &self.ctx.weights.layers[r - 1];
            let name = format!("conv output of layer {r}");
            let c = conv_rows(&input, layer, conv, lw, computed, activated(net, r), name)
                .map_err(self.fail())?;
            if let Some(stored) = branch
                .as_deref_mut()
                .filter(|_| spec.is_some_and(|s| s.source == r))
            {
                self.upload_branch(&c, layer.conv_out.channels as usize, rows, stored, link)?;
            }
            let name = format!("output of layer {r}");
            produced = output_rows(&c, layer.output, layer.conv_out, conv.pool, rows, name)
                .map_err(self.fail())?;
        }
        Ok(Some(produced))
    }

    /// Each branch row is computed and uploaded once, by the first device that
    /// produces the matching output row of the source (`rows`).
    fn upload_branch(
        &self,
        conv_out: &RowStore,
        channels: usize,
        rows: Rows,
        stored: &mut StoredBranch,
        link: &mut Link,
    ) -> Result<(), ExecError> {
        let round = self.ctx.round;
        let (Some(b), Some(bw)) = (self.ctx.net.branch, self.ctx.weights.branch.as_ref()) else {
            return Err(plan_error(round, "the model has no passthrough".into()));
        };
        for y in rows.first..=rows.last.min(b.shape.height - 1) {
            if !stored.rows.has(y) {
                let row = branch_row(conv_out, channels, bw, b.spec.reorg, b.shape, y)
                    .map_err(self.fail())?;
                stored.rows.put(y, link.up(self.d, &row).into_vec());
                stored.by[y as usize] = Some(self.d);
            }
        }
        Ok(())
    }
}
