//! The unsliced pass: every layer on whole tensors, with the row kernels the devices
//! use, so a device's row equals the whole pass's row bit for bit.
//!
//! Tensors are numbered as the layers that make them (0: the model input). A chain's
//! passthrough (YOLOv2's reorganised skip) is one more tensor, numbered after the last
//! layer: its source makes it from its conv output, the gateway holds it, its target
//! reads it beside its main input.

use super::super::ops::{branch_row, fc_finish, fc_magnitude, fc_sum};
use super::super::tensor::{Missing, RowStore};
use super::super::weights::Weights;
use super::kernels::layer_rows;
use crate::layers::{conv_out, pooled};
use crate::model::{Fc, Layer, Network, Shape};
use crate::slicing::Rows;

/// All rows `0..n`.
pub fn all(n: u32) -> Rows {
    Rows::new(0, n.saturating_sub(1))
}

/// ReLU follows every conv and FL whose output some layer reads; a model output is the
/// model's answer and stays linear (on a chain: every layer but the last).
pub fn activated(net: &Network, m: usize) -> bool {
    !net.consumers[m - 1].is_empty()
}

/// The passthrough's tensor, when the model has one.
pub fn branch_tensor(net: &Network) -> Option<usize> {
    net.branch.map(|_| net.len() + 1)
}

/// The tensors layer `m` reads, in order: its inputs, then the passthrough at its target.
pub fn reads(net: &Network, m: usize) -> Vec<usize> {
    let mut t = net.inputs[m - 1].clone();
    if net.branch.is_some_and(|b| b.spec.target == m) {
        t.extend(branch_tensor(net));
    }
    t
}

/// The layers that read tensor `t`, in order.
pub fn readers(net: &Network, t: usize) -> Vec<usize> {
    match net.branch {
        _ if t == 0 => net.consumers_of_input().collect(),
        Some(b) if t == net.len() + 1 => vec![b.spec.target],
        _ => net.consumers[t - 1].clone(),
    }
}

/// The shape of tensor `t`.
pub fn shape(net: &Network, t: usize) -> Shape {
    match net.branch {
        _ if t == 0 => net.input,
        Some(b) if t == net.len() + 1 => b.shape,
        _ => net.layer(t).output,
    }
}

/// The name a tensor has in messages.
pub fn name(net: &Network, t: usize) -> String {
    match t {
        0 => "input".into(),
        _ if Some(t) == branch_tensor(net) => "passthrough".into(),
        _ => format!("output of layer {t}"),
    }
}

/// A store for tensor `t` with no rows yet.
pub fn empty(net: &Network, t: usize) -> RowStore {
    let s = shape(net, t);
    RowStore::empty(name(net, t), s.height, (s.width * s.channels) as usize)
}

/// Rows `rows` of the passthrough, made from its source's conv-output rows.
pub fn branch_rows(
    net: &Network,
    weights: &Weights,
    conv_out: &RowStore,
    rows: impl Iterator<Item = u32>,
    mut put: impl FnMut(u32, Vec<f32>),
) -> Result<(), Missing> {
    let (Some(b), Some(bw)) = (net.branch, weights.branch.as_ref()) else {
        return Ok(());
    };
    let channels = net.layer(b.spec.source).conv_out.channels as usize;
    for y in rows {
        put(
            y,
            branch_row(conv_out, channels, bw, b.spec.reorg, b.shape, y)?,
        );
    }
    Ok(())
}

/// One layer run whole.
pub struct Whole {
    pub output: RowStore,
    /// For an FL, `Σ|w·x| + |b|` per output (the scale of its summation-order bound,
    /// `execute::check`).
    pub magnitude: Option<Vec<f64>>,
    /// At the passthrough's source: the passthrough.
    pub branch: Option<RowStore>,
}

/// Layer `m` on whole inputs (the tensors [`reads`] names, in that order).
pub fn whole(
    net: &Network,
    weights: &Weights,
    m: usize,
    inputs: &[&RowStore],
) -> Result<Whole, Missing> {
    let layer = net.layer(m);
    let lw = &weights.layers[m - 1];
    let act = activated(net, m);
    let rows = all(layer.output.height);
    let computed = all(layer.conv_out.height);
    if let Layer::Fc(Fc { outputs }) = layer.kind {
        let x = inputs[0].flat()?;
        let every = all(outputs);
        let out = fc_finish(fc_sum(lw, 0, &x, every), lw, every, act);
        return Ok(Whole {
            output: RowStore::full(name(net, m), outputs as usize, &out),
            magnitude: Some(fc_magnitude(lw, &x)),
            branch: None,
        });
    }
    let Some(t) = branch_tensor(net).filter(|_| net.branch.is_some_and(|b| b.spec.source == m))
    else {
        let output = layer_rows(layer, lw, inputs, rows, computed, act, name(net, m))?;
        return Ok(Whole {
            output,
            magnitude: None,
            branch: None,
        });
    };
    let made = conv_out(layer, lw, inputs, computed, act)?;
    let mut branch = empty(net, t);
    branch_rows(net, weights, &made, 0..branch.height(), |y, r| {
        branch.put(y, r)
    })?;
    let output = pooled(layer, &made, rows, name(net, m))?;
    Ok(Whole {
        output,
        magnitude: None,
        branch: Some(branch),
    })
}

/// Every tensor of the unsliced pass (`outputs[t]` is tensor `t`, the passthrough
/// last), with the FLs' scales.
pub struct Forward {
    pub outputs: Vec<RowStore>,
    pub magnitude: Vec<Option<Vec<f64>>>,
}

impl Forward {
    pub fn run(net: &Network, weights: &Weights, input: RowStore) -> Result<Self, Missing> {
        let mut outputs = vec![input];
        let mut magnitude = vec![None];
        let mut branch = None;
        for m in 1..=net.len() {
            // The network is in topological order: every tensor read is made already.
            let inputs: Vec<&RowStore> = reads(net, m)
                .into_iter()
                .filter_map(|t| outputs.get(t).or(branch.as_ref()))
                .collect();
            let made = whole(net, weights, m, &inputs)?;
            outputs.push(made.output);
            magnitude.push(made.magnitude);
            branch = made.branch.or(branch);
        }
        if let Some(b) = branch {
            outputs.push(b);
            magnitude.push(None);
        }
        Ok(Forward { outputs, magnitude })
    }
}
