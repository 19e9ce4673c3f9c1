//! Which planner layer each ONNX op becomes: dispatch, the cost-free ops, elementwise
//! ops (residual adds, SE scales), concatenation and fully-connected layers. Spatial
//! ops are in [`super::spatial`], shape and constant ops in [`super::shape`].

use super::graph::Graph;
use super::node::Node;
use super::value::{list, Act, Const, Value, View};
use super::{fold, head, pointwise, shape, spatial};
use crate::model::{Fc, Layer, ModelError, Shape};

/// Ops that keep the shape and cost nothing in the cost model (spec §1: activations,
/// normalisation, dropout; the rest are elementwise).
pub const FREE: &[&str] = &[
    "Relu",
    "LeakyRelu",
    "PRelu",
    "Clip",
    "Sigmoid",
    "HardSigmoid",
    "HardSwish",
    "Tanh",
    "Elu",
    "Selu",
    "Celu",
    "Gelu",
    "Mish",
    "Softplus",
    "Softsign",
    "ThresholdedRelu",
    "BatchNormalization",
    "InstanceNormalization",
    "GroupNormalization",
    "LRN",
    "Dropout",
    "Softmax",
    "LogSoftmax",
    "Identity",
    "Cast",
    "Abs",
    "Neg",
    "Exp",
    "Log",
    "Sqrt",
    "Reciprocal",
    "Erf",
];

/// Elementwise ops of several inputs.
const ELEMENTWISE: &[&str] = &[
    "Add", "Sum", "Sub", "Mul", "Div", "Max", "Min", "Mean", "Pow",
];

/// The values of `n`'s outputs (`None` for an output the planner does not model).
pub fn apply(g: &mut Graph, n: &Node) -> Result<Vec<Option<Value>>, ModelError> {
    let domain = n.proto.domain.as_str();
    if !(domain.is_empty() || domain == "ai.onnx") {
        return Err(unsupported(n));
    }
    let one = |v: Value| Ok(vec![Some(v)]);
    if n.op() == "Split" && n.attrs.int("num_outputs").is_some() && g.opset < 18 {
        g.notes.push(
            n.err(format!(
                "num_outputs is an attribute of Split from opset 18, but the file imports opset \
                 {}: read as opset 18 defines it",
                g.opset
            ))
            .to_string(),
        );
    }
    if let Some(outputs) = head::apply(n) {
        return outputs;
    }
    if n.op() == "Gather" && matches!(n.input(0), Some(Value::Act(_))) {
        return one(shape::gather(g, n)?);
    }
    if n.op() == "Expand" && matches!(n.input(0), Some(Value::Act(_))) {
        return one(expand(g, n)?);
    }
    if let Some(c) = fold::fold(n) {
        return one(Value::Const(c?));
    }
    let op = n.op();
    match op {
        "Conv" => one(spatial::conv(g, n)?),
        "MaxPool" | "AveragePool" => one(spatial::pool(g, n)?),
        "GlobalAveragePool" | "GlobalMaxPool" | "ReduceMean" | "ReduceMax" => {
            one(spatial::global_pool(g, n)?)
        }
        "Pad" => one(spatial::pad(n)?),
        "Resize" | "Upsample" => one(spatial::upsample(g, n)?),
        "Gemm" | "MatMul" => one(fc(g, n)?),
        "LayerNormalization" => one(pointwise::layer_norm(g, n)?),
        "ReduceL2" | "LpNormalization" => one(pointwise::channel_norm(g, n)?),
        "Concat" => one(concat(g, n)?),
        "Split" => shape::split(g, n),
        "Slice" => one(shape::slice(g, n)?),
        "Flatten" | "Reshape" | "Transpose" | "Squeeze" | "Unsqueeze" => one(shape::reshape(g, n)?),
        "Shape" | "Constant" | "ConstantOfShape" => one(shape::constant(n)?),
        _ if ELEMENTWISE.contains(&op) => one(elementwise(g, n)?),
        _ if FREE.contains(&op) => one(free(g, n)?),
        _ => Err(unsupported(n)),
    }
}

fn unsupported(n: &Node) -> ModelError {
    n.err(
        "this op is not supported; the importer reads Conv, Gemm, MatMul, pools, Add, Mul \
         and the other elementwise ops, Concat, Split, Slice, Resize, Pad, views (Flatten, \
         Reshape, Transpose, Squeeze, Unsqueeze), cost-free activations and normalisations, \
         and arithmetic on constants (docs/import.md lists every op and how it is read)",
    )
}

/// Expand of a computed tensor to the dims it has (`F.normalize`'s `expand_as`): itself.
fn expand(g: &Graph, n: &Node) -> Result<Value, ModelError> {
    let x = n.act(0)?;
    let target = (n.int_input(1)?).ok_or_else(|| n.err("the shape input is missing"))?;
    let dims = x.dims();
    let fits = target.len() <= dims.len()
        && (target.iter().rev().zip(dims.iter().rev())).all(|(&t, &d)| t == 1 || t == d);
    if !fits {
        return Err(n.err(format!(
            "dims {} to {}: the planner expands a computed tensor only to the dims it has",
            list(&dims),
            list(&target)
        )));
    }
    Ok(Value::Act(pass(g, n, x)))
}

/// A cost-free op: its output is its first input, seen the same way. Other inputs
/// (slopes, BN statistics, clip bounds) must be constants.
fn free(g: &Graph, n: &Node) -> Result<Value, ModelError> {
    n.constants(1..n.inputs.len())?;
    match n.input(0) {
        Some(Value::Act(a)) => Ok(Value::Act(pass(g, n, *a))),
        Some(Value::Const(c)) if matches!(n.op(), "Identity" | "Cast") => {
            Ok(Value::Const(c.clone()))
        }
        Some(Value::Const(c)) => Ok(Value::Const(Const::unknown(c.dims.clone()))),
        Some(Value::Head(h)) => Err((*h.why).clone()),
        None => Err(n.err("input 1 is missing")),
    }
}

/// `a` after a cost-free node: still fusable only when the node is its only reader.
pub fn pass(g: &Graph, n: &Node, mut a: Act) -> Act {
    a.fusable &= g.consumers(&n.proto.input[0]) == 1;
    a
}

/// Elementwise ops. With one computed input (the others constants: a bias, a BN scale)
/// or one producer (`x * sigmoid(x)`) it is free; tensors of one shape from several
/// layers are multiplied by a mul layer (`Mul`, spatial attention) or summed by an add
/// layer (the others); a tensor and per-channel values (`1×1×C`, an SE block's gate)
/// make a scale layer. Differences, quotients and the like have an add's data flow and
/// no FLOPs in the cost model, so they are planned as one.
fn elementwise(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    let acts: Vec<(usize, Act)> = n
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(k, v)| match v.as_deref() {
            Some(Value::Act(a)) => Some((k, *a)),
            _ => None,
        })
        .collect();
    let Some(&(k0, first)) = acts.first() else {
        // Constants only, of an op not folded (Mean): the largest operand's dims.
        let largest = (n.inputs.iter().flatten())
            .filter_map(|v| match &**v {
                Value::Const(c) => Some(c),
                Value::Act(_) | Value::Head(_) => None,
            })
            .max_by_key(|c| c.len());
        return Ok(Value::Const(Const::unknown(
            largest.map(|c| c.dims.clone()).unwrap_or_default(),
        )));
    };
    if (acts.iter()).all(|(_, a)| a.layer == first.layer && a.view == first.view) {
        let mut a = first;
        a.fusable &= acts.len() == 1 && g.consumers(&n.proto.input[k0]) == 1;
        return Ok(Value::Act(a));
    }
    join(g, n, &acts)
}

/// Elementwise ops of tensors from several layers: an add or mul layer of tensors of
/// one shape, or a scale layer of a tensor by per-channel values.
fn join(g: &mut Graph, n: &Node, acts: &[(usize, Act)]) -> Result<Value, ModelError> {
    let channels_last = acts
        .iter()
        .all(|(_, a)| a.view == View::ChannelsLast && a.pad == [0; 4]);
    if !channels_last {
        for (k, _) in acts {
            n.image(*k)?;
        }
    }
    let layers: Vec<usize> = acts.iter().map(|(_, a)| a.layer).collect();
    let shapes: Vec<Shape> = acts.iter().map(|(_, a)| a.shape).collect();
    if shapes.iter().all(|&s| s == shapes[0]) {
        let layer = if n.op() == "Mul" {
            Layer::Mul
        } else {
            Layer::Add
        };
        let mut a = g.push(layer, layers, &n.origin)?;
        if channels_last {
            a.view = View::ChannelsLast;
        }
        return Ok(Value::Act(a));
    }
    if acts.len() == 2 && matches!(n.op(), "Add" | "Sub" | "Mul" | "Div") {
        let (big, small) = if shapes[1].height == 1 && shapes[1].width == 1 {
            (0, 1)
        } else {
            (1, 0)
        };
        let (b, s) = (shapes[big], shapes[small]);
        if s.height == 1 && s.width == 1 && s.channels == b.channels {
            let mut a = g.push(Layer::Scale, vec![layers[big], layers[small]], &n.origin)?;
            // tf2onnx's SE blocks scale a channels-last map.
            if channels_last {
                a.view = View::ChannelsLast;
            }
            return Ok(Value::Act(a));
        }
    }
    Err(n.err(format!(
        "inputs of shapes {} cannot be combined: the planner adds tensors of one shape \
         (residual) or multiplies them, and scales a tensor by per-channel values 1×1×C \
         (squeeze-excitation)",
        shapes
            .iter()
            .map(Shape::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// Concat along the channels (of constants it is folded).
fn concat(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    let present: Vec<usize> = (0..n.inputs.len())
        .filter(|&k| n.input(k).is_some())
        .collect();
    match present[..] {
        [] => return Err(n.err("it has no inputs")),
        // One tensor, on any axis: itself (torchvision batches one picture so).
        [k] => return Ok(Value::Act(n.act(k)?)),
        _ => {}
    }
    let axis = n
        .attrs
        .int("axis")
        .ok_or_else(|| n.err("the axis attribute is missing"))?;
    if axis != 1 && axis != -3 {
        return Err(n.err(format!(
            "axis {axis}: the planner concatenates along the channels only (axis 1)"
        )));
    }
    let mut layers = Vec::with_capacity(present.len());
    for &k in &present {
        layers.push(n.image(k)?.layer);
    }
    Ok(Value::Act(g.push(Layer::Concat, layers, &n.origin)?))
}

/// Gemm or MatMul of a flattened tensor and a constant weight matrix: a
/// fully-connected layer.
fn fc(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    let x = n.act(0)?;
    if x.view == View::ChannelsLast {
        return pointwise::linear(g, n, x);
    }
    if x.view != View::Flat {
        return Err(n.err(format!(
            "input 1 has dims {}; the planner's fully-connected layer reads a tensor \
             flattened to [1, N] (by Flatten or Reshape)",
            list(&x.dims())
        )));
    }
    let w = n.konst(1)?;
    if w.dims.len() != 2 {
        return Err(n.err(format!(
            "the weights have dims {}, expected a matrix",
            list(&w.dims)
        )));
    }
    if n.attrs.int_or("transA", 0) != 0 {
        return Err(n.err("transA = 1 is not supported (the input is a row)"));
    }
    let (k, outputs) = if n.attrs.int_or("transB", 0) != 0 {
        (w.dims[1], w.dims[0])
    } else {
        (w.dims[0], w.dims[1])
    };
    if k < 0 || k as u64 != x.shape.elements() {
        return Err(n.err(format!(
            "the weights have dims {} for {k} inputs, but the input has {}",
            list(&w.dims),
            x.shape.elements()
        )));
    }
    n.constants(2..3)?;
    let outputs = n.size("the number of outputs", outputs, 1)?;
    let mut a = g.push(Layer::Fc(Fc { outputs }), vec![x.layer], &n.origin)?;
    a.view = View::Flat;
    Ok(Value::Act(a))
}
