//! The unsliced forward pass: every layer on whole tensors, with the same kernels the
//! devices use. A round is checked against it.

use super::ops::{
    branch_row, concat_rows, conv_rows, fc_finish, fc_magnitude, fc_sum, output_rows,
};
use super::tensor::{Missing, RowStore};
use super::weights::Weights;
use crate::model::{Kind, Network};
use crate::slicing::Rows;

/// ReLU follows every layer but the last (whose output is the model's answer).
pub fn activated(net: &Network, index: usize) -> bool {
    index < net.len()
}

/// All rows `0..n`.
pub fn all(n: u32) -> Rows {
    Rows::new(0, n.saturating_sub(1))
}

/// One layer's results on whole tensors.
pub struct LayerOut {
    pub output: RowStore,
    /// The passthrough rows, when this layer is the source.
    pub branch: Option<RowStore>,
    /// For an FL, `Σ|w·x| + |b|` per output (see [`fc_magnitude`]).
    pub magnitude: Option<Vec<f64>>,
}

/// Runs layer `index` on its complete input (and the stored branch at the target).
pub fn layer_forward(
    net: &Network,
    weights: &Weights,
    index: usize,
    input: &RowStore,
    branch: Option<&RowStore>,
) -> Result<LayerOut, Missing> {
    let layer = net.layer(index);
    let lw = &weights.layers[index - 1];
    let act = activated(net, index);
    let name = format!("output of layer {index}");
    match layer.kind {
        Kind::Conv(conv) => {
            let spec = net.branch.map(|b| b.spec);
            let concat;
            let source = if spec.is_some_and(|s| s.target == index) {
                let skip = branch.ok_or(Missing {
                    tensor: "branch".into(),
                    row: 0,
                })?;
                let rows = all(layer.input.height);
                concat = concat_rows(input, skip, layer.input.width, rows, "input".into())?;
                &concat
            } else {
                input
            };
            let rows = all(layer.conv_out.height);
            let c = conv_rows(source, layer, conv, lw, rows, act, "conv".into())?;
            let branch = match (net.branch, &weights.branch) {
                (Some(b), Some(bw)) if b.spec.source == index => {
                    let mut store = RowStore::empty(
                        "branch",
                        b.shape.height,
                        (b.shape.width * b.shape.channels) as usize,
                    );
                    let cs = layer.conv_out.channels as usize;
                    for y in 0..b.shape.height {
                        store.put(y, branch_row(&c, cs, bw, b.spec.reorg, b.shape, y)?);
                    }
                    Some(store)
                }
                _ => None,
            };
            let rows = all(layer.output.height);
            let output = output_rows(&c, layer.output, layer.conv_out, conv.pool, rows, name)?;
            Ok(LayerOut {
                output,
                branch,
                magnitude: None,
            })
        }
        Kind::Fc { outputs } => {
            let x = input.flat()?;
            let every = all(outputs);
            let out = fc_finish(fc_sum(lw, 0, &x, every), lw, every, act);
            Ok(LayerOut {
                output: RowStore::full(name, outputs as usize, &out),
                branch: None,
                magnitude: Some(fc_magnitude(lw, &x)),
            })
        }
        _ => unreachable!("the executor refuses DAG models before running"),
    }
}

/// Every layer's output of the unsliced pass (`outputs[0]` is the input).
pub struct Forward {
    pub outputs: Vec<RowStore>,
    pub branch: Option<RowStore>,
    pub magnitude: Vec<Option<Vec<f64>>>,
}

impl Forward {
    pub fn run(net: &Network, weights: &Weights) -> Result<Forward, Missing> {
        let row_len = (net.input.width * net.input.channels) as usize;
        let mut outputs = vec![RowStore::full("input", row_len, &weights.input)];
        let mut magnitude = vec![None];
        let mut branch = None;
        for index in 1..=net.len() {
            let out = layer_forward(net, weights, index, &outputs[index - 1], branch.as_ref())?;
            branch = out.branch.or(branch);
            outputs.push(out.output);
            magnitude.push(out.magnitude);
        }
        Ok(Forward {
            outputs,
            branch,
            magnitude,
        })
    }
}
