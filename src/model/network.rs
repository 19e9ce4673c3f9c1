//! A validated model with every derived quantity the cost model reads (spec §1).
//!
//! Building a [`Network`] is the only way from a [`Model`] to the solvers, so a model
//! that reaches them is known to be well formed: every size positive and bounded,
//! every kernel and pool fits its input, no CL after an FL.

use serde::Serialize;

use super::branch::{branch_info, check_branch_fits, check_passthrough_indices, Branch};
use super::error::ModelError;
use super::layer::{Model, Shape};
use super::limits;
use super::window::Axis;
use crate::layers::{Inputs, Layer};

/// How a spatial layer's output rows map back to the rows of one of its inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowMap {
    /// Row `y` reads row `y` (elementwise, concat, split, shuffle; clipped to a 1-row
    /// input such as a scale's factors).
    Same,
    /// A sliding window (a standalone pool).
    Window(Axis),
    /// A conv's window after its fused pool's window (`None` without a pool).
    Conv { pool: Option<Axis>, conv: Axis },
    /// Nearest upsampling: row `y` reads row `y / factor`.
    Up(u32),
    /// Bilinear upsampling by a factor: rows `a..=b` read the rows around
    /// `(a + ½) / factor − ½` to `(b + ½) / factor − ½`, one more than nearest.
    Bilinear(u32),
    /// A crop: row `y` reads row `y + top`.
    Shift(u32),
}

/// One layer with its derived shapes and costs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LayerInfo {
    /// 1-based, as in the paper.
    pub index: usize,
    pub kind: Layer,
    /// The output of the previous layer (or the model input).
    pub input: Shape,
    /// Extra input channels concatenated from a passthrough (0 unless this is its target).
    pub skip_channels: u32,
    /// The conv output before the pool (`Hc × Wc × Co`); for an FL, `1 × 1 × No`.
    pub conv_out: Shape,
    /// The tensor this layer hands on.
    pub output: Shape,
    /// FLOPs of the layer, including a passthrough branch that it feeds.
    pub flops: u64,
    /// Parameters of the layer, including a passthrough branch that it feeds.
    pub params: u64,
}

impl LayerInfo {
    /// True for every layer sliced by rows (all but the FL).
    pub fn is_spatial(&self) -> bool {
        !matches!(self.kind, Layer::Fc(_))
    }

    /// How this layer's output rows map back to the rows of its inputs (spec-dag §2).
    pub fn row_map(&self) -> RowMap {
        self.kind.op().row_map(self)
    }

    /// All input channels the conv reads, main path plus passthrough.
    pub fn input_channels(&self) -> u32 {
        self.input.channels + self.skip_channels
    }

    /// FLOPs to compute one conv-output row of this layer
    /// (`Wc · Co · 2 · Kh · Kw · Ci / groups`); 0 for layers that cost nothing.
    pub fn flops_per_conv_row(&self) -> u64 {
        match self.kind {
            Layer::Conv(c) => c.flops_per_row(self.conv_out, self.input_channels()),
            _ => 0,
        }
    }
}

/// A validated model: a chain, a chain with a passthrough, or a DAG.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Network {
    pub name: String,
    pub input: Shape,
    pub layers: Vec<LayerInfo>,
    pub branch: Option<Branch>,
    pub model: Model,
    /// For each layer, the layers it reads (1-based; 0 is the model input).
    pub inputs: Vec<Vec<usize>>,
    /// For each layer, the layers that read it, in order.
    #[serde(skip)]
    pub consumers: Vec<Vec<usize>>,
    /// True when some layer reads anything but the layer before it, or is a DAG-only
    /// layer: the solver then uses the general rules of `docs/spec-dag.md`.
    pub dag: bool,
    /// For each layer, where the imported file wrote it (`line 40 [convolutional]`, an
    /// ONNX node, a Keras layer's JSON path and name), for the page's search and
    /// tooltips; empty for zoo models and project JSON, and then not written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl Network {
    /// Checks `model` and derives shapes, FLOPs and parameters, each layer by its
    /// kind's rules (`crate::layers`).
    pub fn new(model: &Model) -> Result<Network, ModelError> {
        check_size(model)?;
        let inputs = resolve_inputs(model)?;
        let dag = model.layers.iter().any(|l| l.op().is_dag_only())
            || inputs.iter().enumerate().any(|(n, i)| i.as_slice() != [n]);
        if dag && model.passthrough.is_some() {
            return Err(ModelError::passthrough(
                "a model with named inputs or branching layers describes its branches with \
                 `inputs`, not with a passthrough",
            ));
        }
        let skip = model
            .passthrough
            .map(|p| check_passthrough_indices(p, &model.layers))
            .transpose()?;
        let mut layers: Vec<LayerInfo> = Vec::with_capacity(model.layers.len());
        let mut branch = None;
        for (n, layer) in model.layers.iter().enumerate() {
            let index = n + 1;
            let shapes: Vec<Shape> = inputs[n]
                .iter()
                .map(|&t| match t {
                    0 => model.input,
                    _ => layers[t - 1].output,
                })
                .collect();
            let skip_channels = match (skip, &branch) {
                (Some(p), Some(b)) if p.target == index => {
                    check_branch_fits(p, b, shapes[0])?;
                    b.shape.channels
                }
                _ => 0,
            };
            if layers.last().is_some_and(|l| !l.is_spatial()) && !matches!(layer, Layer::Fc(_)) {
                return Err(ModelError::layer(
                    index,
                    format!(
                        "a {} layer cannot follow a fully-connected layer",
                        layer.type_name()
                    ),
                ));
            }
            let mut info = layer.op().derive(&Inputs {
                index,
                kind: *layer,
                shapes: &shapes,
                reads: &inputs[n],
                dag,
                skip_channels,
            })?;
            if let Some(p) = skip.filter(|p| p.source == index) {
                let b = branch_info(p, &info)?;
                info.flops += b.flops;
                info.params += b.params;
                branch = Some(b);
            }
            limits::check_tensor(index, info.output)?;
            layers.push(info);
        }
        if let Some(head) = &model.gateway_head {
            head.check(layers.len())?;
        }
        let consumers = consumers(&inputs);
        let network = Network {
            name: model.name.clone(),
            input: model.input,
            layers,
            branch,
            model: model.clone(),
            inputs,
            consumers,
            dag,
            sources: Vec::new(),
        };
        limits::check_totals(&network)?;
        Ok(network)
    }

    /// Number of layers `L`.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Layer by its 1-based index.
    pub fn layer(&self, index: usize) -> &LayerInfo {
        &self.layers[index - 1]
    }

    pub fn is_spatial(&self, index: usize) -> bool {
        self.layer(index).is_spatial()
    }

    /// Total FLOPs, branch included.
    pub fn flops(&self) -> u64 {
        self.layers.iter().map(|l| l.flops).sum()
    }

    /// Total parameters, branch included.
    pub fn params(&self) -> u64 {
        self.layers.iter().map(|l| l.params).sum()
    }

    /// The layers that read the model's input.
    pub fn consumers_of_input(&self) -> impl Iterator<Item = usize> + '_ {
        (1..=self.len()).filter(|&m| self.inputs[m - 1].contains(&0))
    }

    /// The model's outputs: the layers nothing reads (the last layer of a chain).
    pub fn outputs(&self) -> impl Iterator<Item = usize> + '_ {
        (1..=self.len()).filter(|&t| self.consumers[t - 1].is_empty())
    }

    /// The model's final output tensor.
    pub fn output(&self) -> Shape {
        self.layers.last().map_or(self.input, |l| l.output)
    }
}

/// Each layer's inputs with the default (the previous layer) filled in, checked to
/// point backwards: the file's order is the topological order.
fn resolve_inputs(model: &Model) -> Result<Vec<Vec<usize>>, ModelError> {
    if !model.inputs.is_empty() && model.inputs.len() != model.layers.len() {
        return Err(ModelError::model(format!(
            "inputs are given for {} layers but the model has {}",
            model.inputs.len(),
            model.layers.len()
        )));
    }
    (1..=model.layers.len())
        .map(|index| {
            let given = model.inputs_of(index);
            if given.is_empty() {
                return Ok(vec![index - 1]);
            }
            if given.len() > limits::MAX_INPUTS {
                return Err(ModelError::layer(
                    index,
                    format!(
                        "{} inputs, more than the limit of {}",
                        given.len(),
                        limits::MAX_INPUTS
                    ),
                ));
            }
            for &t in given {
                if t >= index {
                    return Err(ModelError::layer(
                        index,
                        format!(
                            "input {t} is not an earlier layer (layers are listed in the order \
                             they run; 0 is the model input)"
                        ),
                    ));
                }
            }
            Ok(given.to_vec())
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(limits::check_reads)
}

/// The model's name, input and layer count within the limits.
fn check_size(model: &Model) -> Result<(), ModelError> {
    limits::check_name(&model.name)?;
    limits::check_shape(None, "input", model.input)?;
    if model.layers.is_empty() {
        return Err(ModelError::model("the model has no layers"));
    }
    if model.layers.len() > limits::MAX_LAYERS {
        return Err(ModelError::model(format!(
            "the model has {} layers, more than the limit of {}",
            model.layers.len(),
            limits::MAX_LAYERS
        )));
    }
    Ok(())
}

/// For each layer, the layers that read it, in order.
fn consumers(inputs: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut consumers = vec![Vec::new(); inputs.len()];
    for (n, ins) in inputs.iter().enumerate() {
        for &t in ins {
            if t > 0 && !consumers[t - 1].contains(&(n + 1)) {
                consumers[t - 1].push(n + 1);
            }
        }
    }
    consumers
}
