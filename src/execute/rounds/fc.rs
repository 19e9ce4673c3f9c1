//! FL-only rounds: `fc` data (input elements split, partial sums), `fc` model (outputs
//! split, every busy device gets the whole input) and `fc-hybrid` (model parallelism,
//! then data parallelism on exactly that split). The input is at the gateway.

use super::super::error::{at, device, ExecError};
use super::super::link::{Link, Traffic};
use super::super::ops::{fc_finish, fc_sum};
use super::super::tensor::{Flat, RowStore};
use super::forward::{activated, all};
use super::plan_rows::plan_error;
use super::Ctx;
use crate::cost::Case;
use crate::model::Network;
use crate::slicing::Rows;
use crate::solver::{BlockPlan, Neurons};

fn outputs_of(net: &Network, j: usize) -> u32 {
    net.layer(j).output.channels
}

/// What device `d` does at layer `j`, with its ranges checked against the layer.
fn neurons<'p>(
    net: &Network,
    block: &'p BlockPlan,
    d: usize,
    j: usize,
    round: usize,
) -> Result<&'p Neurons, ExecError> {
    let n = block.devices[d]
        .neurons_of(j)
        .ok_or_else(|| plan_error(round, format!("device {d} has no neurons at layer {j}")))?;
    let fits =
        |r: Option<Rows>, n: u64| r.is_none_or(|r| r.first <= r.last && u64::from(r.last) < n);
    let layer = net.layer(j);
    if !fits(n.inputs, layer.input.elements()) || !fits(n.outputs, u64::from(outputs_of(net, j))) {
        return Err(plan_error(
            round,
            format!("device {d}'s neurons at layer {j} are out of range"),
        ));
    }
    Ok(n)
}

/// Where an FL round's input comes from: the gateway's copy of the previous output.
struct Source<'a> {
    gateway: &'a RowStore,
    /// What each device still has of that output: it only serves to count what the
    /// gateway sends back ([`Link::resent`]).
    kept: &'a [RowStore],
    round: usize,
}

impl Source<'_> {
    /// Sends device `d` input elements `inputs`, noting those it computed itself.
    fn send(&self, link: &mut Link, d: usize, inputs: Rows) -> Result<Flat, ExecError> {
        let (first, n) = (u64::from(inputs.first), inputs.len());
        let x = self
            .gateway
            .elements(first, n)
            .map_err(at(self.round, "gateway"))?;
        link.resent(d, self.kept.get(d).map_or(0, |k| k.count_held(first, n)));
        Ok(link.down(d, &x))
    }
}

/// An FL round's counted traffic, its output (at the gateway) and what each device
/// has of that output.
pub struct FlPlayed {
    pub traffic: Traffic,
    pub output: RowStore,
    pub kept: Vec<RowStore>,
}

/// Plays an FL-only round from `gateway`, the gateway's copy of its input (`None`: it
/// holds none, and every read fails), and `kept`, what each device has of it.
pub fn play(
    ctx: &Ctx,
    block: &BlockPlan,
    gateway: Option<RowStore>,
    kept: &[RowStore],
) -> Result<FlPlayed, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let (first, last) = (block.first, block.last);
    let fl_only = first >= 1 && last <= net.len() && (first..=last).all(|j| !net.is_spatial(j));
    let layers_ok = match block.case {
        Case::FcHybrid => last == first + 1,
        _ => last == first,
    };
    if !fl_only || !layers_ok {
        return Err(plan_error(
            round,
            format!("block {first}..{last} is not a {} block", block.case.name()),
        ));
    }
    let input = net.layer(first).input;
    let name = format!("input of layer {first}");
    let row_len = (input.width * input.channels) as usize;
    let gateway = gateway.map_or_else(
        || RowStore::empty(&name, input.height, row_len),
        |g| g.renamed(&name),
    );
    let k = block.devices.len();
    let mut link = Link::new(k);
    let no = outputs_of(net, last);
    let lw = &ctx.weights.layers[last - 1];
    let out_name = format!("output of layer {last}");
    let from = Source {
        gateway: &gateway,
        kept,
        round,
    };
    let mut kept = Vec::new();
    let out = match block.case {
        Case::FcModel => {
            // The gateway concatenates the slices; a slice nobody sent stays missing.
            let mut slices = RowStore::empty(&out_name, no, 1);
            for d in 0..k {
                let mut mine = RowStore::empty(&out_name, no, 1);
                let n = neurons(net, block, d, last, round)?;
                let (Some(inputs), Some(outs)) = (n.inputs, n.outputs) else {
                    kept.push(mine);
                    continue;
                };
                let x = from.send(&mut link, d, inputs)?;
                let y = fc_finish(
                    fc_sum(lw, inputs.first as usize, &x, outs),
                    lw,
                    outs,
                    activated(net, last),
                );
                for (o, &v) in (outs.first..).zip(link.up(d, &y).iter()) {
                    slices.put(o, vec![v]);
                    mine.put(o, vec![v]);
                }
                kept.push(mine);
            }
            slices.flat().map_err(at(round, "gateway"))?
        }
        _ => {
            let mut sum = Flat::zeros(no as usize);
            for d in 0..k {
                let Some(partial) = partial(ctx, block, d, &from, &mut link)? else {
                    continue;
                };
                for (s, p) in sum.iter_mut().zip(link.up(d, &partial).iter()) {
                    *s += p;
                }
            }
            fc_finish(sum, lw, all(no), activated(net, last))
        }
    };
    Ok(FlPlayed {
        traffic: link.traffic(),
        output: RowStore::full(out_name, no as usize, &out),
        kept,
    })
}

/// Device `d`'s partial sum of the block's last layer (`fc` data or `fc-hybrid`), or
/// `None` when it is idle.
fn partial(
    ctx: &Ctx,
    block: &BlockPlan,
    d: usize,
    from: &Source,
    link: &mut Link,
) -> Result<Option<Flat>, ExecError> {
    let (net, round) = (ctx.net, ctx.round);
    let (first, last) = (block.first, block.last);
    let n = neurons(net, block, d, first, round)?;
    let Some(inputs) = n.inputs else {
        return Ok(None);
    };
    let x = from.send(link, d, inputs)?;
    let (x, at_first) = if block.case == Case::FcHybrid {
        // Model parallelism on the first layer: this device's slice of its outputs.
        let Some(mid) = n.outputs else {
            return Ok(None);
        };
        let lw = &ctx.weights.layers[first - 1];
        let h = fc_finish(
            fc_sum(lw, inputs.first as usize, &x, mid),
            lw,
            mid,
            activated(net, first),
        );
        let mut held = RowStore::empty(
            format!("output of layer {first}"),
            outputs_of(net, first),
            1,
        );
        for (o, &v) in (mid.first..).zip(h.iter()) {
            held.put(o, vec![v]);
        }
        let m = neurons(net, block, d, last, round)?;
        let Some(use_rows) = m.inputs else {
            return Ok(None);
        };
        let x = held
            .elements(u64::from(use_rows.first), use_rows.len())
            .map_err(at(round, device(d)))?;
        (x, use_rows.first as usize)
    } else {
        (x, inputs.first as usize)
    };
    let lw = &ctx.weights.layers[last - 1];
    Ok(Some(fc_sum(lw, at_first, &x, all(outputs_of(net, last)))))
}
