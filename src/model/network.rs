//! A validated model with every derived quantity the cost model reads (spec §1).
//!
//! Building a [`Network`] is the only way from a [`Model`] to the solvers, so a model
//! that reaches them is known to be well formed: every size positive and bounded,
//! every kernel and pool fits its input, no CL after an FL.

use serde::Serialize;

use super::error::ModelError;
use super::layer::{Conv, Layer, Model, Passthrough, Shape};
use super::limits;

/// What kind of layer, with the geometry the slicing needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Kind {
    Conv(Conv),
    Fc { outputs: u32 },
}

/// One layer with its derived shapes and costs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LayerInfo {
    /// 1-based, as in the paper.
    pub index: usize,
    pub kind: Kind,
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
    pub fn is_conv(&self) -> bool {
        matches!(self.kind, Kind::Conv(_))
    }

    /// All input channels the conv reads, main path plus passthrough.
    pub fn input_channels(&self) -> u32 {
        self.input.channels + self.skip_channels
    }

    /// FLOPs to compute one conv-output row of this layer (`Wc · Co · 2 · K² · Ci`).
    pub fn flops_per_conv_row(&self) -> u64 {
        match self.kind {
            Kind::Conv(c) => {
                u64::from(self.conv_out.width)
                    * u64::from(self.conv_out.channels)
                    * 2
                    * u64::from(c.kernel)
                    * u64::from(c.kernel)
                    * u64::from(self.input_channels())
            }
            Kind::Fc { .. } => 0,
        }
    }
}

/// The derived facts of a passthrough branch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Branch {
    pub spec: Passthrough,
    /// The tensor concatenated at the target, e.g. 19×19×256 in YOLOv2.
    pub shape: Shape,
    /// FLOPs of the branch's 1×1 conv for one row of `shape` (`reorg` conv rows).
    pub flops_per_row: u64,
    pub flops: u64,
    pub params: u64,
}

/// A validated chain model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Network {
    pub name: String,
    pub input: Shape,
    pub layers: Vec<LayerInfo>,
    pub branch: Option<Branch>,
    pub model: Model,
}

impl Network {
    /// Checks `model` and derives shapes, FLOPs and parameters.
    pub fn new(model: &Model) -> Result<Network, ModelError> {
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
        let skip = model
            .passthrough
            .map(|p| check_passthrough_indices(p, &model.layers))
            .transpose()?;
        let mut layers = Vec::with_capacity(model.layers.len());
        let mut input = model.input;
        let mut branch = None;
        let mut seen_fc = false;
        for (n, layer) in model.layers.iter().enumerate() {
            let index = n + 1;
            let skip_channels = match (skip, &branch) {
                (Some(p), Some(b)) if p.target == index => {
                    check_branch_fits(p, b, input)?;
                    b.shape.channels
                }
                _ => 0,
            };
            let info = match *layer {
                Layer::Conv(conv) => {
                    if seen_fc {
                        return Err(ModelError::layer(
                            index,
                            "a conv layer cannot follow a fully-connected layer",
                        ));
                    }
                    conv_info(index, conv, input, skip_channels)?
                }
                Layer::Fc(fc) => {
                    seen_fc = true;
                    fc_info(index, fc.outputs, input)?
                }
            };
            let mut info = info;
            if let Some(p) = skip.filter(|p| p.source == index) {
                let b = branch_info(p, &info)?;
                info.flops += b.flops;
                info.params += b.params;
                branch = Some(b);
            }
            limits::check_tensor(index, info.output)?;
            input = info.output;
            layers.push(info);
        }
        let network = Network {
            name: model.name.clone(),
            input: model.input,
            layers,
            branch,
            model: model.clone(),
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

    pub fn is_conv(&self, index: usize) -> bool {
        self.layer(index).is_conv()
    }

    /// Total FLOPs, branch included.
    pub fn flops(&self) -> u64 {
        self.layers.iter().map(|l| l.flops).sum()
    }

    /// Total parameters, branch included.
    pub fn params(&self) -> u64 {
        self.layers.iter().map(|l| l.params).sum()
    }

    /// The model's final output tensor.
    pub fn output(&self) -> Shape {
        self.layers.last().map_or(self.input, |l| l.output)
    }
}

fn conv_info(
    index: usize,
    conv: Conv,
    input: Shape,
    skip_channels: u32,
) -> Result<LayerInfo, ModelError> {
    for (field, value) in [
        ("filters", conv.filters),
        ("kernel", conv.kernel),
        ("stride", conv.stride),
    ] {
        limits::check_size(Some(index), field, value)?;
    }
    limits::check_size_or_zero(Some(index), "padding", conv.padding)?;
    if conv.padding >= conv.kernel {
        return Err(ModelError::layer(
            index,
            format!(
                "padding {} must be smaller than kernel {} (a row of pure padding would be computed)",
                conv.padding, conv.kernel
            ),
        ));
    }
    let padded_h = u64::from(input.height) + 2 * u64::from(conv.padding);
    let padded_w = u64::from(input.width) + 2 * u64::from(conv.padding);
    let k = u64::from(conv.kernel);
    if k > padded_h || k > padded_w {
        return Err(ModelError::layer(
            index,
            format!(
                "kernel {} is larger than its padded input {}×{}",
                conv.kernel, padded_h, padded_w
            ),
        ));
    }
    let s = u64::from(conv.stride);
    let hc = ((padded_h - k) / s + 1) as u32;
    let wc = ((padded_w - k) / s + 1) as u32;
    let conv_out = Shape::new(hc, wc, conv.filters);
    let output = match conv.pool {
        None => conv_out,
        Some(pool) => {
            limits::check_size(Some(index), "pool size", pool.size)?;
            limits::check_size(Some(index), "pool stride", pool.stride)?;
            if pool.size > hc || pool.size > wc {
                return Err(ModelError::layer(
                    index,
                    format!("pool {} is larger than its input {}×{}", pool.size, hc, wc),
                ));
            }
            Shape::new(
                (hc - pool.size) / pool.stride + 1,
                (wc - pool.size) / pool.stride + 1,
                conv.filters,
            )
        }
    };
    let ci = u64::from(input.channels) + u64::from(skip_channels);
    let co = u64::from(conv.filters);
    let mut info = LayerInfo {
        index,
        kind: Kind::Conv(conv),
        input,
        skip_channels,
        conv_out,
        output,
        flops: 0,
        params: limits::checked(index, "parameters", &[k, k, ci, co])? + co,
    };
    info.flops = limits::checked(index, "FLOPs", &[info.flops_per_conv_row(), u64::from(hc)])?;
    Ok(info)
}

fn fc_info(index: usize, outputs: u32, input: Shape) -> Result<LayerInfo, ModelError> {
    limits::check_size(Some(index), "outputs", outputs)?;
    let ni = input.elements();
    let no = u64::from(outputs);
    Ok(LayerInfo {
        index,
        kind: Kind::Fc { outputs },
        input,
        skip_channels: 0,
        conv_out: Shape::new(1, 1, outputs),
        output: Shape::new(1, 1, outputs),
        flops: limits::checked(index, "FLOPs", &[2, ni, no])?,
        params: limits::checked(index, "parameters", &[ni, no])? + no,
    })
}

fn check_passthrough_indices(p: Passthrough, layers: &[Layer]) -> Result<Passthrough, ModelError> {
    let bad = |msg: String| Err(ModelError::passthrough(msg));
    if p.source == 0 || p.source > layers.len() {
        return bad(format!(
            "source {} is not a layer (the model has layers 1..{})",
            p.source,
            layers.len()
        ));
    }
    if p.target <= p.source || p.target > layers.len() {
        return bad(format!(
            "target {} must be a layer after source {} (the model has layers 1..{})",
            p.target,
            p.source,
            layers.len()
        ));
    }
    let (Layer::Conv(src), Layer::Conv(_)) = (layers[p.source - 1], layers[p.target - 1]) else {
        return bad("source and target must both be conv layers".into());
    };
    limits::check_size(None, "passthrough filters", p.filters)?;
    limits::check_size(None, "passthrough reorg", p.reorg)?;
    match src.pool {
        Some(pool) if pool.size == p.reorg && pool.stride == p.reorg => Ok(p),
        _ => bad(format!(
            "source layer {} must have a pool of size and stride {} (the reorg) so that each \
             device's branch rows line up with the rows it computes",
            p.source, p.reorg
        )),
    }
}

fn branch_info(p: Passthrough, source: &LayerInfo) -> Result<Branch, ModelError> {
    let c = source.conv_out;
    if c.height % p.reorg != 0 || c.width % p.reorg != 0 {
        return Err(ModelError::passthrough(format!(
            "the source's conv output {}×{} is not divisible by reorg {}",
            c.height, c.width, p.reorg
        )));
    }
    let r = u64::from(p.reorg);
    let shape = Shape::new(
        c.height / p.reorg,
        c.width / p.reorg,
        limits::checked_u32("passthrough channels", &[u64::from(p.filters), r, r])?,
    );
    let cs = u64::from(c.channels);
    let f = u64::from(p.filters);
    let flops_per_row = limits::checked(source.index, "FLOPs", &[2, cs, f, r, u64::from(c.width)])?;
    Ok(Branch {
        spec: p,
        shape,
        flops_per_row,
        flops: flops_per_row * u64::from(shape.height),
        params: cs * f + f,
    })
}

fn check_branch_fits(p: Passthrough, b: &Branch, input: Shape) -> Result<(), ModelError> {
    if b.shape.height != input.height || b.shape.width != input.width {
        return Err(ModelError::passthrough(format!(
            "the branch is {}×{} but target layer {} reads {}×{}",
            b.shape.height, b.shape.width, p.target, input.height, input.width
        )));
    }
    Ok(())
}
