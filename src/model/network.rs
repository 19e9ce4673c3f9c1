//! A validated model with every derived quantity the cost model reads (spec §1).
//!
//! Building a [`Network`] is the only way from a [`Model`] to the solvers, so a model
//! that reaches them is known to be well formed: every size positive and bounded,
//! every kernel and pool fits its input, no CL after an FL.

use serde::Serialize;

use super::error::ModelError;
use super::layer::{
    Conv, Layer, Model, Passthrough, PoolLayer, Reorg, Shape, Shuffle, Split, Upsample,
};
use super::limits;
use super::window::Axis;

/// What kind of layer, with the geometry the slicing needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Kind {
    Conv(Conv),
    Fc { outputs: u32 },
    Pool(PoolLayer),
    Add,
    Mul,
    Scale,
    Concat,
    Split(Split),
    Upsample(Upsample),
    Shuffle(Shuffle),
    Reorg(Reorg),
    Crop(super::Crop),
}

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
    /// A crop: row `y` reads row `y + top`.
    Shift(u32),
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
    /// True for every layer sliced by rows (all but the FL).
    pub fn is_spatial(&self) -> bool {
        !matches!(self.kind, Kind::Fc { .. })
    }

    /// How this layer's output rows map back to the rows of its inputs (spec-dag §2).
    pub fn row_map(&self) -> RowMap {
        match self.kind {
            Kind::Conv(c) => RowMap::Conv {
                pool: c.pool.map(|p| Axis::plain(p.size, p.stride, 0)),
                conv: c.rows(),
            },
            Kind::Pool(p) => RowMap::Window(p.rows(self.input.height)),
            Kind::Upsample(u) => RowMap::Up(u.factor),
            Kind::Fc { .. } | Kind::Add | Kind::Mul | Kind::Scale | Kind::Concat => RowMap::Same,
            Kind::Split(_) | Kind::Shuffle(_) => RowMap::Same,
            Kind::Reorg(r) => RowMap::Window(Axis::plain(r.stride, r.stride, 0)),
            Kind::Crop(c) => RowMap::Shift(c.top),
        }
    }

    /// All input channels the conv reads, main path plus passthrough.
    pub fn input_channels(&self) -> u32 {
        self.input.channels + self.skip_channels
    }

    /// FLOPs to compute one conv-output row of this layer
    /// (`Wc · Co · 2 · Kh · Kw · Ci / groups`); 0 for layers that cost nothing.
    pub fn flops_per_conv_row(&self) -> u64 {
        match self.kind {
            Kind::Conv(c) => {
                u64::from(self.conv_out.width)
                    * u64::from(self.conv_out.channels)
                    * 2
                    * u64::from(c.kernel)
                    * u64::from(c.cols().kernel)
                    * (u64::from(self.input_channels()) / u64::from(c.group_count()))
            }
            _ => 0,
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
    /// A detection head its importer left to the gateway (set by the importer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_head: Option<super::GatewayHead>,
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
        let inputs = resolve_inputs(model)?;
        let dag = model.layers.iter().any(Layer::is_dag_only)
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
        let mut seen_fc = false;
        for (n, layer) in model.layers.iter().enumerate() {
            let index = n + 1;
            let shapes: Vec<Shape> = inputs[n]
                .iter()
                .map(|&t| {
                    if t == 0 {
                        model.input
                    } else {
                        layers[t - 1].output
                    }
                })
                .collect();
            let input = shapes[0];
            let skip_channels = match (skip, &branch) {
                (Some(p), Some(b)) if p.target == index => {
                    check_branch_fits(p, b, input)?;
                    b.shape.channels
                }
                _ => 0,
            };
            if seen_fc && !matches!(layer, Layer::Fc(_)) {
                return Err(ModelError::layer(
                    index,
                    format!(
                        "a {} layer cannot follow a fully-connected layer",
                        layer.type_name()
                    ),
                ));
            }
            let arity = |want: &str, ok: bool| {
                if ok {
                    Ok(())
                } else {
                    Err(ModelError::layer(
                        index,
                        format!(
                            "a {} layer reads {want}, found {} input(s)",
                            layer.type_name(),
                            shapes.len()
                        ),
                    ))
                }
            };
            let mut info = match *layer {
                Layer::Conv(conv) => {
                    arity("one input", shapes.len() == 1)?;
                    conv_info(index, conv, input, skip_channels)?
                }
                Layer::Fc(fc) => {
                    arity("one input", shapes.len() == 1)?;
                    if dag && inputs[n][0] + 1 != index {
                        return Err(ModelError::layer(
                            index,
                            "a fully-connected layer must read the layer right before it",
                        ));
                    }
                    seen_fc = true;
                    fc_info(index, fc.outputs, input)?
                }
                Layer::Pool(pool) => {
                    arity("one input", shapes.len() == 1)?;
                    pool_info(index, pool, input)?
                }
                Layer::Add => {
                    arity("two or more inputs", shapes.len() >= 2)?;
                    same_shapes(index, &shapes, |a, b| a == b, "the same shape")?;
                    free(index, Kind::Add, input, input)
                }
                Layer::Mul => {
                    arity("two or more inputs", shapes.len() >= 2)?;
                    same_shapes(index, &shapes, |a, b| a == b, "the same shape")?;
                    free(index, Kind::Mul, input, input)
                }
                Layer::Scale => {
                    arity(
                        "two inputs (the tensor, then its factors)",
                        shapes.len() == 2,
                    )?;
                    let f = shapes[1];
                    if f.height != 1 || f.width != 1 || f.channels != input.channels {
                        return Err(ModelError::layer(
                            index,
                            format!(
                                "scale factors must be 1×1×{}, found {}×{}×{}",
                                input.channels, f.height, f.width, f.channels
                            ),
                        ));
                    }
                    free(index, Kind::Scale, input, input)
                }
                Layer::Concat => {
                    arity("one or more inputs", !shapes.is_empty())?;
                    same_shapes(
                        index,
                        &shapes,
                        |a, b| a.height == b.height && a.width == b.width,
                        "the same height and width",
                    )?;
                    let channels: u64 = shapes.iter().map(|s| u64::from(s.channels)).sum();
                    let out = Shape::new(
                        input.height,
                        input.width,
                        limits::checked_u32(Some(index), "concat channels", &[channels])?,
                    );
                    free(index, Kind::Concat, input, out)
                }
                Layer::Split(sp) => {
                    arity("one input", shapes.len() == 1)?;
                    limits::check_size(Some(index), "groups", sp.groups)?;
                    if input.channels % sp.groups != 0 || sp.group_id >= sp.groups {
                        return Err(ModelError::layer(
                            index,
                            format!(
                                "cannot take group {} of {} from {} channels",
                                sp.group_id, sp.groups, input.channels
                            ),
                        ));
                    }
                    let out = Shape::new(input.height, input.width, input.channels / sp.groups);
                    free(index, Kind::Split(sp), input, out)
                }
                Layer::Upsample(u) => {
                    arity("one input", shapes.len() == 1)?;
                    limits::check_size(Some(index), "factor", u.factor)?;
                    let out = Shape::new(
                        limits::checked_u32(
                            Some(index),
                            "upsampled height",
                            &[u64::from(input.height), u64::from(u.factor)],
                        )?,
                        limits::checked_u32(
                            Some(index),
                            "upsampled width",
                            &[u64::from(input.width), u64::from(u.factor)],
                        )?,
                        input.channels,
                    );
                    limits::check_shape(Some(index), "output", out)?;
                    free(index, Kind::Upsample(u), input, out)
                }
                Layer::Shuffle(sh) => {
                    arity("one input", shapes.len() == 1)?;
                    limits::check_size(Some(index), "groups", sh.groups)?;
                    if input.channels % sh.groups != 0 {
                        return Err(ModelError::layer(
                            index,
                            format!(
                                "{} channels do not split into {} groups",
                                input.channels, sh.groups
                            ),
                        ));
                    }
                    free(index, Kind::Shuffle(sh), input, input)
                }
                Layer::Reorg(r) => {
                    arity("one input", shapes.len() == 1)?;
                    limits::check_size(Some(index), "stride", r.stride)?;
                    if input.height % r.stride != 0 || input.width % r.stride != 0 {
                        return Err(ModelError::layer(
                            index,
                            format!(
                                "reorg stride {} must divide the input {}×{}",
                                r.stride, input.height, input.width
                            ),
                        ));
                    }
                    let channels = limits::checked_u32(
                        Some(index),
                        "reorg channels",
                        &[u64::from(input.channels), u64::from(r.stride).pow(2)],
                    )?;
                    let out = Shape::new(input.height / r.stride, input.width / r.stride, channels);
                    free(index, Kind::Reorg(r), input, out)
                }
                Layer::Crop(c) => {
                    arity("one input", shapes.len() == 1)?;
                    let out = c.output(input).map_err(|m| ModelError::layer(index, m))?;
                    free(index, Kind::Crop(c), input, out)
                }
            };
            if let Some(p) = skip.filter(|p| p.source == index) {
                let b = branch_info(p, &info)?;
                info.flops += b.flops;
                info.params += b.params;
                branch = Some(b);
            }
            limits::check_tensor(index, info.output)?;
            layers.push(info);
        }
        let mut consumers = vec![Vec::new(); layers.len()];
        for (n, ins) in inputs.iter().enumerate() {
            for &t in ins {
                if t > 0 && !consumers[t - 1].contains(&(n + 1)) {
                    consumers[t - 1].push(n + 1);
                }
            }
        }
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
            gateway_head: None,
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

fn same_shapes(
    index: usize,
    shapes: &[Shape],
    same: impl Fn(Shape, Shape) -> bool,
    what: &str,
) -> Result<(), ModelError> {
    let first = shapes[0];
    match shapes.iter().find(|&&s| !same(first, s)) {
        None => Ok(()),
        Some(s) => Err(ModelError::layer(
            index,
            format!(
                "inputs must have {what}: {}×{}×{} and {}×{}×{}",
                first.height, first.width, first.channels, s.height, s.width, s.channels
            ),
        )),
    }
}

/// A layer that costs no FLOPs and has no parameters.
fn free(index: usize, kind: Kind, input: Shape, output: Shape) -> LayerInfo {
    LayerInfo {
        index,
        kind,
        input,
        skip_channels: 0,
        conv_out: output,
        output,
        flops: 0,
        params: 0,
    }
}

fn pool_info(index: usize, pool: PoolLayer, input: Shape) -> Result<LayerInfo, ModelError> {
    if !pool.global {
        for (field, value) in [
            ("pool size", pool.size),
            ("pool stride", pool.stride),
            ("pool width", pool.size_w.unwrap_or(pool.size)),
            ("pool stride width", pool.stride_w.unwrap_or(pool.stride)),
        ] {
            limits::check_size(Some(index), field, value)?;
        }
    }
    let h = pool
        .rows(input.height)
        .output(input.height)
        .map_err(|m| ModelError::layer(index, format!("pool rows: {m}")))?;
    let w = pool
        .cols(input.width)
        .output(input.width)
        .map_err(|m| ModelError::layer(index, format!("pool columns: {m}")))?;
    let out = Shape::new(h, w, input.channels);
    Ok(free(index, Kind::Pool(pool), input, out))
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
        ("kernel width", conv.cols().kernel),
        ("stride width", conv.cols().stride),
        ("dilation", conv.rows().dilation),
        ("groups", conv.group_count()),
    ] {
        limits::check_size(Some(index), field, value)?;
    }
    for (field, value) in [
        ("padding", conv.padding),
        ("padding", conv.rows().pad_after),
        ("padding", conv.cols().pad_before),
        ("padding", conv.cols().pad_after),
    ] {
        limits::check_size_or_zero(Some(index), field, value)?;
    }
    let (rows, cols) = (conv.rows(), conv.cols());
    if conv.is_square() && conv.padding >= conv.kernel {
        return Err(ModelError::layer(
            index,
            format!(
                "padding {} must be smaller than kernel {} (a row of pure padding would be computed)",
                conv.padding, conv.kernel
            ),
        ));
    }
    let hc = rows
        .output(input.height)
        .map_err(|m| conv_window_error(index, conv, input, "rows", m))?;
    let wc = cols
        .output(input.width)
        .map_err(|m| conv_window_error(index, conv, input, "columns", m))?;
    let ci = u64::from(input.channels) + u64::from(skip_channels);
    let groups = u64::from(conv.group_count());
    if ci % groups != 0 || u64::from(conv.filters) % groups != 0 {
        return Err(ModelError::layer(
            index,
            format!(
                "{} groups must divide both the {ci} input channels and the {} filters",
                groups, conv.filters
            ),
        ));
    }
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
    let co = u64::from(conv.filters);
    let (kh, kw) = (u64::from(rows.kernel), u64::from(cols.kernel));
    let mut info = LayerInfo {
        index,
        kind: Kind::Conv(conv),
        input,
        skip_channels,
        conv_out,
        output,
        flops: 0,
        params: limits::checked(index, "parameters", &[kh, kw, ci / groups, co])? + co,
    };
    info.flops = limits::checked(index, "FLOPs", &[info.flops_per_conv_row(), u64::from(hc)])?;
    Ok(info)
}

/// The square case keeps the spec's wording; the general case names the axis.
fn conv_window_error(index: usize, conv: Conv, input: Shape, axis: &str, m: String) -> ModelError {
    if conv.is_square() {
        let padded_h = u64::from(input.height) + 2 * u64::from(conv.padding);
        let padded_w = u64::from(input.width) + 2 * u64::from(conv.padding);
        ModelError::layer(
            index,
            format!(
                "kernel {} is larger than its padded input {}×{}",
                conv.kernel, padded_h, padded_w
            ),
        )
    } else {
        ModelError::layer(index, format!("conv {axis}: {m}"))
    }
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
        limits::checked_u32(None, "passthrough channels", &[u64::from(p.filters), r, r])?,
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
