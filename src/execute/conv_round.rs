//! A `conv` or `conv+fc` round: each device receives the input rows it lacks (its
//! need minus what it kept), computes its rows through every CL of the block with no
//! further input, and either keeps its grid, uploads it, or uploads a partial sum.

use super::error::{at, device, ExecError};
use super::link::Link;
use super::ops::{branch_row, concat_rows, conv_rows, fc_finish, fc_sum, output_rows};
use super::reference::{activated, all};
use super::round::{Boundary, Ctx, Played};
use super::tensor::{Missing, RowStore};
use crate::cost::Case;
use crate::model::{Kind, Network};
use crate::slicing::{back_through_conv, Rows};
use crate::solver::{BlockPlan, DevicePlan, LayerRows};

fn plan_error(round: usize, message: String) -> ExecError {
    ExecError::Plan(format!("round {round}: {message}"))
}

/// The rows device `dev` handles at conv layer `r`.
fn layer_rows(dev: &DevicePlan, r: usize, round: usize) -> Result<&LayerRows, ExecError> {
    dev.layers
        .iter()
        .find(|l| l.layer == r)
        .ok_or_else(|| plan_error(round, format!("a device has no rows for layer {r}")))
}

/// Rows of a tensor of `height` rows, or a plan error when they do not fit.
fn within(rows: Rows, height: u32, what: &str, round: usize) -> Result<Rows, ExecError> {
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

/// The conv layers of the block and, for `conv+fc`, the FL that closes it.
fn shape_of(
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
        _ if last > first && !net.is_conv(last) => last - 1,
        _ => return Err(bad()),
    };
    if !(first..=grid).all(|r| net.is_conv(r)) {
        return Err(bad());
    }
    Ok((grid, (grid < last).then_some(last)))
}

pub fn play(ctx: &Ctx, block: &BlockPlan, mut before: Boundary) -> Result<Played, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let (grid, fc) = shape_of(net, block, round)?;
    let k = block.devices.len();
    let first = net.layer(block.first);
    let in_name = format!("input of layer {}", block.first);
    let row_len = (first.input.width * first.input.channels) as usize;
    let mut gateway = before.gateway_input(in_name.clone(), first.input.height, row_len);
    let held = std::mem::take(&mut before.held);
    let spec = net.branch.map(|b| b.spec);
    let mut branch_store = before.branch.take();
    let mut branch_by = std::mem::take(&mut before.branch_by);
    if let (Some(s), Some(b)) = (spec, net.branch) {
        if (block.first..=grid).contains(&s.source) {
            let len = (b.shape.width * b.shape.channels) as usize;
            branch_store = Some(RowStore::empty("branch", b.shape.height, len));
            branch_by = vec![None; b.shape.height as usize];
        }
    }
    let mut link = Link::new(k);
    let mut outputs = Vec::with_capacity(k);
    for (d, dev) in block.devices.iter().enumerate() {
        // Start of the round: what the device kept, plus the rows the gateway sends.
        let mut x = held
            .get(d)
            .cloned()
            .unwrap_or_else(|| RowStore::empty("", first.input.height, row_len));
        x = x.renamed(&in_name);
        if let Some(need) = dev.in_rows {
            let need = within(need, first.input.height, &in_name, round)?;
            for y in need.first..=need.last {
                if x.has(y) {
                    continue;
                }
                if !gateway.has(y) {
                    // The postponed upload (τo): the gateway asks the device that kept it.
                    let holder = held.iter().position(|h| h.has(y));
                    let Some(e) = holder else {
                        let tensor = in_name.clone();
                        return Err(at(round, "gateway")(Missing { tensor, row: y }));
                    };
                    let row = held[e].row(y).map_err(at(round, device(e)))?;
                    gateway.put(y, link.tau(e, row));
                }
                let row = gateway.row(y).map_err(at(round, "gateway"))?;
                x.put(y, link.down(d, row));
            }
        }
        let skip = match spec.filter(|s| (block.first..=grid).contains(&s.target)) {
            Some(s) => {
                let stored = branch_store
                    .as_ref()
                    .map(|rows| (rows, branch_by.as_slice()));
                download_branch(ctx, dev, s.target, stored, &mut link, d)?
            }
            None => None,
        };
        // The round proper: no transfers until the device has its output.
        let mut produced = Some(x);
        for r in block.first..=grid {
            let lr = layer_rows(dev, r, round)?;
            let (Some(input), Some(computed), Some(rows)) = (produced.take(), lr.computed, lr.rows)
            else {
                break;
            };
            let layer = net.layer(r);
            let Kind::Conv(conv) = layer.kind else {
                unreachable!("checked by shape_of")
            };
            let computed = within(computed, layer.conv_out.height, "a conv output", round)?;
            let rows = within(rows, layer.output.height, "an output", round)?;
            let input = match spec.filter(|s| s.target == r) {
                Some(_) => {
                    let missing = || Missing {
                        tensor: "branch".into(),
                        row: computed.first,
                    };
                    let skip = skip
                        .as_ref()
                        .ok_or_else(|| at(round, device(d))(missing()))?;
                    let need = back_through_conv(computed, conv, layer.input.height);
                    concat_rows(
                        &input,
                        skip,
                        layer.input.width,
                        need,
                        format!("input of layer {r}"),
                    )
                    .map_err(at(round, device(d)))?
                }
                None => input,
            };
            let c = conv_rows(
                &input,
                layer,
                conv,
                &ctx.weights.layers[r - 1],
                computed,
                activated(net, r),
                format!("conv output of layer {r}"),
            )
            .map_err(at(round, device(d)))?;
            if let (Some(s), Some(b), Some(store)) = (spec, net.branch, branch_store.as_mut()) {
                if s.source == r {
                    // Each branch row is computed and uploaded once, by the first device
                    // that produces the matching output row of the source.
                    let bw = ctx
                        .weights
                        .branch
                        .as_ref()
                        .ok_or_else(|| plan_error(round, "no branch weights".into()))?;
                    for y in rows.first..=rows.last.min(b.shape.height - 1) {
                        if !store.has(y) {
                            let row = branch_row(
                                &c,
                                layer.conv_out.channels as usize,
                                bw,
                                s.reorg,
                                b.shape,
                                y,
                            )
                            .map_err(at(round, device(d)))?;
                            store.put(y, link.up(d, &row));
                            if let Some(by) = branch_by.get_mut(y as usize) {
                                *by = Some(d);
                            }
                        }
                    }
                }
            }
            let out = output_rows(
                &c,
                layer.output,
                layer.conv_out,
                conv.pool,
                rows,
                format!("output of layer {r}"),
            )
            .map_err(at(round, device(d)))?;
            produced = Some(out);
        }
        outputs.push(produced);
    }
    let g = net.layer(grid);
    let out_name = format!("output of layer {grid}");
    let out_len = (g.output.width * g.output.channels) as usize;
    let empty = || RowStore::empty(&out_name, g.output.height, out_len);
    let (output, next) = match fc {
        Some(j) => {
            let out = partial_sums(ctx, block, j, &outputs, &mut link)?;
            (
                out.clone(),
                Boundary {
                    gateway: Some(out),
                    held: Vec::new(),
                    branch: branch_store,
                    branch_by,
                    kept: Vec::new(),
                },
            )
        }
        None if grid == net.len() || !net.is_conv(grid + 1) => {
            // The next layer is an FL (or there is none): the grids go up now (`to`).
            let mut out = empty();
            for (d, dev) in block.devices.iter().enumerate() {
                let (Some(grid_rows), Some(x)) = (dev.out_rows, &outputs[d]) else {
                    continue;
                };
                for y in grid_rows.first..=grid_rows.last {
                    let row = x.row(y).map_err(at(round, device(d)))?;
                    out.put(y, link.up(d, row));
                }
            }
            out.flat().map_err(at(round, "gateway"))?;
            (
                out.clone(),
                Boundary {
                    gateway: Some(out),
                    held: Vec::new(),
                    branch: branch_store,
                    branch_by,
                    kept: outputs
                        .into_iter()
                        .map(|x| x.unwrap_or_else(empty))
                        .collect(),
                },
            )
        }
        None => {
            // The devices keep their grids for the next round; the gateway holds nothing.
            let mut view = empty();
            for (dev, x) in block.devices.iter().zip(&outputs) {
                if let (Some(rows), Some(x)) = (dev.out_rows, x) {
                    for y in rows.first..=rows.last {
                        if let Ok(row) = x.row(y) {
                            view.put(y, row.to_vec());
                        }
                    }
                }
            }
            view.flat().map_err(at(round, "the devices together"))?;
            let held = outputs
                .into_iter()
                .map(|x| x.unwrap_or_else(empty))
                .collect();
            (
                view,
                Boundary {
                    gateway: None,
                    held,
                    branch: branch_store,
                    branch_by,
                    kept: Vec::new(),
                },
            )
        }
    };
    Ok(Played {
        traffic: link.traffic(),
        next,
        output,
    })
}

/// The stored branch rows the device needs at the target layer, sent with its input.
fn download_branch(
    ctx: &Ctx,
    dev: &DevicePlan,
    target: usize,
    stored: Option<(&RowStore, &[Option<usize>])>,
    link: &mut Link,
    d: usize,
) -> Result<Option<RowStore>, ExecError> {
    let round = ctx.round;
    let layer = ctx.net.layer(target);
    let (Some(computed), Kind::Conv(conv)) = (layer_rows(dev, target, round)?.computed, layer.kind)
    else {
        return Ok(None);
    };
    let computed = within(computed, layer.conv_out.height, "a conv output", round)?;
    let need = back_through_conv(computed, conv, layer.input.height);
    let missing = Missing {
        tensor: "branch".into(),
        row: need.first,
    };
    let (store, by) = stored.ok_or_else(|| at(round, "gateway")(missing))?;
    let mut skip = RowStore::empty("branch", store.height(), store.row_len());
    for y in need.first..=need.last {
        let row = store.row(y).map_err(at(round, "gateway"))?;
        if by.get(y as usize) == Some(&Some(d)) {
            link.resent(d, row.len() as u64);
        }
        skip.put(y, link.down(d, row));
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
    let (net, round) = (ctx.net, ctx.round);
    let layer = net.layer(j);
    let lw = &ctx.weights.layers[j - 1];
    let no = layer.output.channels;
    let ni = layer.input.elements();
    let mut sum = vec![0f32; no as usize];
    for (d, dev) in block.devices.iter().enumerate() {
        let inputs = dev
            .neurons
            .iter()
            .find(|n| n.layer == j)
            .and_then(|n| n.inputs);
        let (Some(inputs), Some(x)) = (inputs, &outputs[d]) else {
            continue;
        };
        if u64::from(inputs.last) >= ni {
            return Err(plan_error(
                round,
                format!("inputs of layer {j} beyond its {ni}"),
            ));
        }
        let data = x
            .elements(u64::from(inputs.first), inputs.len())
            .map_err(at(round, device(d)))?;
        let partial = fc_sum(lw, inputs.first as usize, &data, all(no));
        for (s, p) in sum.iter_mut().zip(link.up(d, &partial)) {
            *s += p;
        }
    }
    let out = fc_finish(sum, lw, all(no), activated(net, j));
    Ok(RowStore::full(
        format!("output of layer {j}"),
        no as usize,
        &out,
    ))
}
