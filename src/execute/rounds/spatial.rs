//! A spatial round (`conv`, or `conv+fc`), played as spec-dag D3 says: each device
//! starts with the share of layer `first − 1` it kept and the rows of earlier tensors
//! the gateway sends it (`ti`; a row only another device kept is first uploaded by it,
//! once, as `τo`, or every share is when a later round reads that tensor); it computes
//! its rows of every layer of the block from those alone (at the passthrough's source,
//! also the passthrough rows nobody uploaded yet, which it uploads); then it uploads its
//! share of each tensor needed after the block (`to`), keeps its share of the last one,
//! or uploads a partial sum of the closing FL.

use std::collections::BTreeMap;

use super::super::budget::measured_within;
use super::super::error::{at, device, ExecError};
use super::super::link::{Link, Traffic};
use super::super::ops::{fc_finish, fc_sum};
use super::super::tensor::{Flat, Missing, RowStore};
use super::forward::{activated, all, branch_rows, branch_tensor, empty, name, reads, shape};
use super::kernels;
use super::plan_rows::{made_before, plan_error, rows_at, shape_of, tensor_reads, within};
use super::state::{needed_after, Holdings, Stored};
use super::Ctx;
use crate::cost::dag_sweep::uploaded;
use crate::layers::{conv_out, pooled};
use crate::model::Layer;
use crate::slicing::Rows;
use crate::solver::{BlockPlan, DevicePlan};

/// What a round handed on, assembled (for the comparison only, not a transfer): each
/// tensor it uploaded or left on the devices, by layer.
pub struct Played {
    pub traffic: Traffic,
    pub results: Vec<(usize, RowStore)>,
}

/// The rows of a device's share of a tensor (`own` in the plan: its equal split, or
/// its split by speed in a mixed cluster), read from what it made: a device keeps or
/// uploads exactly its share, and a row of it that it did not compute is [`Missing`].
fn share(x: &RowStore, own: Option<Rows>) -> Result<Vec<(u32, &[f32])>, Missing> {
    own.map_or(Ok(Vec::new()), |r| {
        (r.first..=r.last)
            .map(|y| x.row(y).map(|v| (y, v)))
            .collect()
    })
}

pub fn play(ctx: &Ctx, block: &BlockPlan, state: &mut Holdings) -> Result<Played, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let (grid, fc) = shape_of(net, block, round)?;
    let first = block.first;
    let k = block.devices.len();
    let mut link = Link::new(k);
    let held = first - 1;
    let kept = state
        .kept
        .take()
        .filter(|(t, _)| *t == held && held > 0)
        .map(|(_, shares)| shares);
    if let Some(shares) = &kept {
        if !uploaded(net, held) && needed_after(net, held, grid) {
            // A later round reads layer first − 1: the gateway must hold it whole from
            // now on, so every device uploads its share now (D3 τo).
            let stored = state.at_gateway(net, held);
            for (e, s) in shares.iter().enumerate() {
                for y in (0..s.height()).filter(|&y| s.has(y)) {
                    let row = s.row(y).map_err(at(round, device(e)))?;
                    stored.receive(y, link.tau(e, row).into_vec(), e);
                }
            }
        }
    }
    let mut next_kept = Vec::with_capacity(k);
    let mut sum = fc.map(|j| Flat::zeros(net.layer(j).output.channels as usize));
    for (d, plan) in block.devices.iter().enumerate() {
        let mut have = receive(ctx, block, plan, d, kept.as_deref(), state, &mut link)?;
        for m in first..=grid {
            for t in reads(net, m) {
                if made_before(net, t, first) {
                    have.entry(t).or_insert_with(|| empty(net, t));
                }
            }
        }
        let made = compute(ctx, plan, d, (first, grid), &have, state, &mut link)?;
        // Uploads: its share of every tensor needed after the block (D2.2), and of the
        // last one when it is uploaded (D2.3); it keeps its share of the last one.
        for m in first..=grid {
            let up = if m < grid {
                needed_after(net, m, grid)
            } else {
                fc.is_none() && uploaded(net, grid)
            };
            if up {
                let own = rows_at(plan, m, round)?.own;
                let rows = share(&made[m - first], own).map_err(at(round, device(d)))?;
                let stored = state.at_gateway(net, m);
                for (y, row) in rows {
                    stored.receive(y, link.up(d, row).into_vec(), d);
                }
            }
        }
        let own = rows_at(plan, grid, round)?.own;
        let mut mine = empty(net, grid);
        for (y, row) in share(&made[grid - first], own).map_err(at(round, device(d)))? {
            mine.put(y, row.to_vec());
        }
        if let (Some(j), Some(sum)) = (fc, sum.as_mut()) {
            if let Some(partial) = partial_sum(ctx, plan, d, j, &made[grid - first])? {
                for (s, p) in sum.iter_mut().zip(link.up(d, &partial).iter()) {
                    *s += p;
                }
            }
        }
        next_kept.push(mine);
    }

    let mut results = Vec::new();
    for m in (first..grid).filter(|&m| needed_after(net, m, grid)) {
        results.push((m, state.at_gateway(net, m).rows.clone()));
    }
    // The passthrough, at the gateway from the round that makes it.
    let source = net.branch.map(|b| b.spec.source);
    if let Some(t) =
        branch_tensor(net).filter(|_| source.is_some_and(|s| (first..=grid).contains(&s)))
    {
        results.push((t, state.at_gateway(net, t).rows.clone()));
    }
    match (fc, sum) {
        (Some(j), Some(sum)) => {
            let lw = &ctx.weights.layers[j - 1];
            let no = net.layer(j).output.channels;
            let out = fc_finish(sum, lw, all(no), activated(net, j));
            let out = RowStore::full(name(net, j), no as usize, &out);
            state.gateway.insert(j, Stored::whole(out.clone()));
            results.push((j, out));
        }
        _ => {
            // The devices' shares of the last layer, put side by side (a view).
            let mut view = empty(net, grid);
            for s in &next_kept {
                for y in (0..s.height()).filter(|&y| s.has(y)) {
                    view.put(y, s.row(y).map(<[f32]>::to_vec).unwrap_or_default());
                }
            }
            results.push((grid, view));
            state.kept = Some((grid, next_kept));
        }
    }
    Ok(Played {
        traffic: link.traffic(),
        results,
    })
}

/// Device `d`'s rows of the tensors made before the block: its kept share of layer
/// `first − 1`, plus every row it reads ([`tensor_reads`]) and lacks, sent by the
/// gateway (`ti`).
fn receive(
    ctx: &Ctx,
    block: &BlockPlan,
    plan: &DevicePlan,
    d: usize,
    kept: Option<&[RowStore]>,
    state: &mut Holdings,
    link: &mut Link,
) -> Result<BTreeMap<usize, RowStore>, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let held = block.first - 1;
    let mut have = BTreeMap::new();
    if let Some(shares) = kept {
        if let Some(s) = shares.get(d) {
            have.insert(held, s.clone());
        }
    }
    for read in tensor_reads(net, block, plan) {
        let t = read.tensor;
        let Some(rows) = read.rows else { continue };
        if !made_before(net, t, block.first) {
            return Err(plan_error(
                round,
                format!("device {d} reads {} from before the block", name(net, t)),
            ));
        }
        let rows = within(rows, shape(net, t).height, &name(net, t), round)?;
        let x = have.entry(t).or_insert_with(|| empty(net, t));
        for y in rows.first..=rows.last {
            if x.has(y) {
                continue;
            }
            let stored = state.at_gateway(net, t);
            if !stored.rows.has(y) {
                // A row of layer first − 1 only another device kept: it uploads it (τo).
                let owner = kept
                    .filter(|_| t == held)
                    .and_then(|s| s.iter().position(|s| s.has(y)));
                let Some(e) = owner else {
                    let tensor = stored.rows.name().to_string();
                    return Err(at(round, "gateway")(Missing { tensor, row: y }));
                };
                let shares = kept.unwrap_or_default();
                let row = shares[e].row(y).map_err(at(round, device(e)))?;
                stored.receive(y, link.tau(e, row).into_vec(), e);
            }
            let row = stored.rows.row(y).map_err(at(round, "gateway"))?;
            if stored.by.get(y as usize) == Some(&Some(d)) {
                link.resent(d, row.len() as u64);
            }
            x.put(y, link.down(d, row).into_vec());
        }
    }
    Ok(have)
}

/// Device `d` computes its rows of layers `first..=grid`, in order, reading only what
/// it holds (`have`) and what it made. At the passthrough's source it also makes the
/// passthrough rows of its output rows that no earlier device has uploaded, and
/// uploads them (`to`). Returns its rows of layers `first..=grid`.
fn compute(
    ctx: &Ctx,
    plan: &DevicePlan,
    d: usize,
    (first, grid): (usize, usize),
    have: &BTreeMap<usize, RowStore>,
    state: &mut Holdings,
    link: &mut Link,
) -> Result<Vec<RowStore>, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let mut made: Vec<RowStore> = Vec::with_capacity(grid + 1 - first);
    for m in first..=grid {
        let lr = rows_at(plan, m, round)?;
        let layer = net.layer(m);
        let Some(rows) = lr.rows else {
            made.push(empty(net, m));
            continue;
        };
        let rows = within(rows, layer.output.height, "an output", round)?;
        let computed = match layer.kind {
            Layer::Conv(_) => {
                let c = lr.computed.ok_or_else(|| {
                    plan_error(round, format!("device {d} computes no rows of layer {m}"))
                })?;
                within(c, layer.conv_out.height, "a conv output", round)?
            }
            _ => rows,
        };
        let inputs: Vec<&RowStore> = reads(net, m)
            .into_iter()
            .map(|t| {
                if (first..=grid).contains(&t) {
                    &made[t - first]
                } else {
                    &have[&t]
                }
            })
            .collect();
        let lw = &ctx.weights.layers[m - 1];
        let act = activated(net, m);
        let fail = at(round, device(d));
        let out = if net.branch.is_some_and(|b| b.spec.source == m) {
            let c = conv_out(layer, lw, &inputs, computed, act).map_err(fail)?;
            upload_branch(ctx, d, rows, &c, state, link)?;
            pooled(layer, &c, rows, name(net, m)).map_err(at(round, device(d)))?
        } else {
            kernels::layer_rows(layer, lw, &inputs, rows, computed, act, name(net, m))
                .map_err(fail)?
        };
        made.push(out);
        measured_within(net).map_err(ExecError::TooLarge)?;
    }
    Ok(made)
}

/// At the passthrough's source: the passthrough rows of output rows `rows` that no
/// earlier device uploaded, made from the conv-output rows `conv_out` and uploaded
/// (`to`), each once.
fn upload_branch(
    ctx: &Ctx,
    d: usize,
    rows: Rows,
    conv_out: &RowStore,
    state: &mut Holdings,
    link: &mut Link,
) -> Result<(), ExecError> {
    let Some(t) = branch_tensor(ctx.net) else {
        return Ok(());
    };
    let stored = state.at_gateway(ctx.net, t);
    let new: Vec<u32> = (rows.first..=rows.last.min(stored.rows.height() - 1))
        .filter(|&y| !stored.rows.has(y))
        .collect();
    branch_rows(ctx.net, ctx.weights, conv_out, new.into_iter(), |y, row| {
        stored.receive(y, link.up(d, &row).into_vec(), d)
    })
    .map_err(at(ctx.round, device(d)))
}

/// `conv+fc`: device `d` multiplies its input elements of FL `j` (its share of the
/// last spatial layer, flattened) by the matching weights: a partial sum of all outputs.
fn partial_sum(
    ctx: &Ctx,
    plan: &DevicePlan,
    d: usize,
    j: usize,
    x: &RowStore,
) -> Result<Option<Flat>, ExecError> {
    let round = ctx.round;
    let inputs = plan.neurons_of(j).and_then(|n| n.inputs);
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
