//! A `conv` or `conv+fc` round: each device receives the input rows it lacks (its
//! need minus what it kept; the gateway fetches rows another device kept as `τo`),
//! computes its rows through every CL of the block with no further input, and then
//! keeps its grid, uploads it, or uploads a partial sum of the closing FL.

use super::conv_device::{layer_rows, plan_error, within, Device};
use super::error::{at, device, ExecError};
use super::link::Link;
use super::ops::{fc_finish, fc_sum};
use super::reference::{activated, all};
use super::round::{Boundary, Ctx, Played, StoredBranch};
use super::tensor::{Flat, Missing, RowStore};
use crate::cost::Case;
use crate::model::{Kind, Network};
use crate::slicing::back_through_conv;
use crate::solver::{BlockPlan, DevicePlan};

/// The block's last spatial layer and, for `conv+fc`, the FL that closes it (chain
/// or branching model), or why the block is not of its case.
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

pub fn play(ctx: &Ctx, block: &BlockPlan, mut before: Boundary) -> Result<Played, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let (grid, fc) = shape_of(net, block, round)?;
    let layers = block.first..=grid;
    let spec = net.branch.map(|b| b.spec);
    let mut branch = before.branch.take();
    if let (Some(s), Some(b)) = (spec, net.branch) {
        if layers.contains(&s.source) {
            let len = (b.shape.width * b.shape.channels) as usize;
            branch = Some(StoredBranch {
                rows: RowStore::empty("branch", b.shape.height, len),
                by: vec![None; b.shape.height as usize],
            });
        }
    }
    let mut start = Start::new(ctx, block, &mut before);
    let mut link = Link::new(block.devices.len());
    let mut outputs = Vec::with_capacity(block.devices.len());
    for (d, plan) in block.devices.iter().enumerate() {
        let x = start.receive(plan, d, &mut link)?;
        let skip = match spec.filter(|s| layers.contains(&s.target)) {
            Some(s) => download_branch(ctx, plan, s.target, branch.as_ref(), &mut link, d)?,
            None => None,
        };
        // The round proper: no transfers but the branch upload until it has its output.
        let dev = Device { ctx, plan, d };
        outputs.push(dev.compute(layers.clone(), x, skip.as_ref(), branch.as_mut(), &mut link)?);
    }
    let g = net.layer(grid);
    let out_name = format!("output of layer {grid}");
    let out_len = (g.output.width * g.output.channels) as usize;
    let empty = || RowStore::empty(&out_name, g.output.height, out_len);
    let mut next = Boundary {
        gateway: None,
        held: Vec::new(),
        branch,
        kept: Vec::new(),
    };
    let output = match fc {
        Some(j) => {
            let out = partial_sums(ctx, block, j, &outputs, &mut link)?;
            next.gateway = Some(out.clone());
            out
        }
        None if grid == net.len() || !net.is_spatial(grid + 1) => {
            // The next layer is an FL (or there is none): the grids go up now (`to`).
            let mut out = empty();
            for (d, plan) in block.devices.iter().enumerate() {
                let (Some(grid_rows), Some(x)) = (plan.out_rows, &outputs[d]) else {
                    continue;
                };
                for y in grid_rows.first..=grid_rows.last {
                    let row = x.row(y).map_err(at(round, device(d)))?;
                    out.put(y, link.up(d, row).into_vec());
                }
            }
            out.flat().map_err(at(round, "gateway"))?;
            next.gateway = Some(out.clone());
            next.kept = outputs
                .into_iter()
                .map(|x| x.unwrap_or_else(empty))
                .collect();
            out
        }
        None => {
            // The devices keep their grids for the next round; the gateway holds
            // nothing. The view below is for the comparison only, not a transfer.
            let mut view = empty();
            for (plan, x) in block.devices.iter().zip(&outputs) {
                if let (Some(rows), Some(x)) = (plan.out_rows, x) {
                    for y in rows.first..=rows.last {
                        if let Ok(row) = x.row(y) {
                            view.put(y, Flat::copy(row).into_vec());
                        }
                    }
                }
            }
            view.flat().map_err(at(round, "the devices together"))?;
            next.held = outputs
                .into_iter()
                .map(|x| x.unwrap_or_else(empty))
                .collect();
            view
        }
    };
    Ok(Played {
        traffic: link.traffic(),
        next,
        output,
    })
}

/// The start of a round: the gateway's copy of the block's input (if any) and what
/// each device kept of it.
struct Start {
    round: usize,
    name: String,
    height: u32,
    row_len: usize,
    gateway: RowStore,
    held: Vec<RowStore>,
}

impl Start {
    fn new(ctx: &Ctx, block: &BlockPlan, before: &mut Boundary) -> Self {
        let input = ctx.net.layer(block.first).input;
        let name = format!("input of layer {}", block.first);
        let row_len = (input.width * input.channels) as usize;
        Start {
            round: ctx.round,
            gateway: before.gateway_input(name.clone(), input.height, row_len),
            held: std::mem::take(&mut before.held),
            name,
            height: input.height,
            row_len,
        }
    }

    /// Device `d`'s rows of the block's input: what it kept, plus what the gateway
    /// sends (`ti`); a row only another device kept is first uploaded by it (`τo`), once.
    fn receive(
        &mut self,
        plan: &DevicePlan,
        d: usize,
        link: &mut Link,
    ) -> Result<RowStore, ExecError> {
        let round = self.round;
        let mut x = self.held.get(d).cloned().map_or_else(
            || RowStore::empty(&self.name, self.height, self.row_len),
            |h| h.renamed(&self.name),
        );
        let Some(need) = plan.in_rows else {
            return Ok(x);
        };
        let need = within(need, self.height, &self.name, round)?;
        for y in need.first..=need.last {
            if x.has(y) {
                continue;
            }
            if !self.gateway.has(y) {
                let Some(e) = self.held.iter().position(|h| h.has(y)) else {
                    let tensor = self.name.clone();
                    return Err(at(round, "gateway")(Missing { tensor, row: y }));
                };
                let row = self.held[e].row(y).map_err(at(round, device(e)))?;
                self.gateway.put(y, link.tau(e, row).into_vec());
            }
            let row = self.gateway.row(y).map_err(at(round, "gateway"))?;
            x.put(y, link.down(d, row).into_vec());
        }
        Ok(x)
    }
}

/// The stored branch rows the device needs at the target layer, sent with its input.
fn download_branch(
    ctx: &Ctx,
    plan: &DevicePlan,
    target: usize,
    stored: Option<&StoredBranch>,
    link: &mut Link,
    d: usize,
) -> Result<Option<RowStore>, ExecError> {
    let round = ctx.round;
    let layer = ctx.net.layer(target);
    let (Some(computed), Kind::Conv(conv)) =
        (layer_rows(plan, target, round)?.computed, layer.kind)
    else {
        return Ok(None);
    };
    let computed = within(computed, layer.conv_out.height, "a conv output", round)?;
    let need = back_through_conv(computed, conv, layer.input.height);
    let missing = Missing {
        tensor: "branch".into(),
        row: need.first,
    };
    let stored = stored.ok_or_else(|| at(round, "gateway")(missing))?;
    let mut skip = RowStore::empty("branch", stored.rows.height(), stored.rows.row_len());
    for y in need.first..=need.last {
        let row = stored.rows.row(y).map_err(at(round, "gateway"))?;
        if stored.by.get(y as usize) == Some(&Some(d)) {
            link.resent(d, row.len() as u64);
        }
        skip.put(y, link.down(d, row).into_vec());
    }
    Ok(Some(skip))
}

/// `conv+fc`: every busy device multiplies its grid rows (flattened) by the matching
/// weights and uploads a partial sum of all outputs; the gateway adds them up.
fn partial_sums(
    ctx: &Ctx,
    block: &BlockPlan,
    j: usize,
    outputs: &[Option<RowStore>],
    link: &mut Link,
) -> Result<RowStore, ExecError> {
    let net = ctx.net;
    let lw = &ctx.weights.layers[j - 1];
    let no = net.layer(j).output.channels;
    let mut sum = Flat::zeros(no as usize);
    for (d, plan) in block.devices.iter().enumerate() {
        let Some(x) = &outputs[d] else { continue };
        if let Some(partial) = partial_sum(ctx, plan, d, j, x)? {
            for (s, p) in sum.iter_mut().zip(link.up(d, &partial).iter()) {
                *s += p;
            }
        }
    }
    let out = fc_finish(sum, lw, all(no), activated(net, j));
    Ok(RowStore::full(
        format!("output of layer {j}"),
        no as usize,
        &out,
    ))
}

/// `conv+fc`: device `d` multiplies its input elements of FL `j` (its share of the
/// last spatial layer, flattened) by the matching weights: a partial sum of all outputs.
pub fn partial_sum(
    ctx: &Ctx,
    plan: &DevicePlan,
    d: usize,
    j: usize,
    x: &RowStore,
) -> Result<Option<Flat>, ExecError> {
    let round = ctx.round;
    let inputs = plan
        .neurons
        .iter()
        .find(|n| n.layer == j)
        .and_then(|n| n.inputs);
    let Some(inputs) = inputs else {
        return Ok(None);
    };
    let layer = ctx.net.layer(j);
    if inputs.first > inputs.last || u64::from(inputs.last) >= layer.input.elements() {
        return Err(plan_error(
            round,
            format!("device {d}'s inputs of layer {j} are out of range"),
        ));
    }
    let data = x
        .elements(u64::from(inputs.first), inputs.len())
        .map_err(at(round, device(d)))?;
    let lw = &ctx.weights.layers[j - 1];
    Ok(Some(fc_sum(
        lw,
        inputs.first as usize,
        &data,
        all(layer.output.channels),
    )))
}
