//! The unsliced pass of a branching model: every layer on whole tensors, with the row
//! kernels the devices use, so a device's row equals the whole pass's row bit for bit.

use super::super::ops::{fc_finish, fc_magnitude, fc_sum};
use super::super::reference::all;
use super::super::tensor::{Missing, RowStore};
use super::super::weights::Weights;
use super::kernels::layer_rows;
use crate::model::{Kind, Network, Shape};

/// ReLU follows every conv and FL whose output some layer reads; a model output is the
/// model's answer and stays linear (on a chain: every layer but the last, as there).
pub fn activated(net: &Network, m: usize) -> bool {
    !net.consumers[m - 1].is_empty()
}

/// The shape of tensor `t` (0: the model input).
pub fn shape(net: &Network, t: usize) -> Shape {
    if t == 0 {
        net.input
    } else {
        net.layer(t).output
    }
}

/// The name a tensor has in messages.
pub fn name(t: usize) -> String {
    if t == 0 {
        "input".into()
    } else {
        format!("output of layer {t}")
    }
}

/// A store for tensor `t` with no rows yet.
pub fn empty(net: &Network, t: usize) -> RowStore {
    let s = shape(net, t);
    RowStore::empty(name(t), s.height, (s.width * s.channels) as usize)
}

/// One layer on whole inputs: its output and, for an FL, `Σ|w·x| + |b|` per output
/// (the scale of its summation-order bound, `execute::check`).
pub fn whole(
    net: &Network,
    weights: &Weights,
    m: usize,
    inputs: &[&RowStore],
) -> Result<(RowStore, Option<Vec<f64>>), Missing> {
    let layer = net.layer(m);
    let lw = &weights.layers[m - 1];
    let act = activated(net, m);
    if let Kind::Fc { outputs } = layer.kind {
        let x = inputs[0].flat()?;
        let every = all(outputs);
        let out = fc_finish(fc_sum(lw, 0, &x, every), lw, every, act);
        let store = RowStore::full(name(m), outputs as usize, &out);
        return Ok((store, Some(fc_magnitude(lw, &x))));
    }
    let rows = all(layer.output.height);
    let computed = all(layer.conv_out.height);
    let out = layer_rows(layer, lw, inputs, rows, computed, act, name(m))?;
    Ok((out, None))
}

/// Every tensor of the unsliced pass (`outputs[0]` is the input), with the FLs' scales.
pub struct DagForward {
    pub outputs: Vec<RowStore>,
    pub magnitude: Vec<Option<Vec<f64>>>,
}

impl DagForward {
    pub fn run(net: &Network, weights: &Weights, input: RowStore) -> Result<Self, Missing> {
        let mut outputs = vec![input];
        let mut magnitude = vec![None];
        for m in 1..=net.len() {
            let inputs: Vec<&RowStore> = net.inputs[m - 1].iter().map(|&t| &outputs[t]).collect();
            let (out, scale) = whole(net, weights, m, &inputs)?;
            outputs.push(out);
            magnitude.push(scale);
        }
        Ok(DagForward { outputs, magnitude })
    }
}
