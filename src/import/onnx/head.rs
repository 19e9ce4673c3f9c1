//! Detection heads (YOLOv5/v8, docs/spec-dag.md D5): after the last conv of each scale,
//! exports rearrange and decode the maps — Reshape to `[N, C, H·W]`, Transpose,
//! Sigmoid, Split, Concat across scales, arithmetic with constant anchors and strides,
//! Softmax and YOLOv8's 16-weight DFL conv. None of it is a layer the planner can
//! slice, and all of it is tiny next to the backbone, so it is the **gateway's** work
//! on the gathered outputs, priced at zero like Darknet's `[yolo]`: the maps it reads
//! are model outputs (layers nobody else reads), uploaded to the gateway.
//!
//! A head starts where the importer would otherwise refuse a rearrangement of a layer's
//! output; that refusal is kept and reported if anything but decoding reads the head,
//! or if a map the head reads is also read by a later layer.

use std::rc::Rc;

use super::graph::Graph;
use super::node::Node;
use super::ops::FREE;
use super::value::{list, Act, Const, Head, Value};
use super::{fold, shape};
use crate::model::ModelError;

/// Ops that only rearrange or decode a head's values.
const DECODE: &[&str] = &[
    "Reshape",
    "Transpose",
    "Flatten",
    "Squeeze",
    "Unsqueeze",
    "Concat",
    "Split",
    "Slice",
    "Gather",
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Pow",
    "Max",
    "Min",
    "Sum",
    // Post-processing: scores thresholded, boxes ranked and selected (SSD, RetinaNet).
    "TopK",
    "NonZero",
    "GatherND",
    "GatherElements",
    "Greater",
    "GreaterOrEqual",
    "Less",
    "LessOrEqual",
    "Equal",
    "And",
    "Or",
    "Xor",
    "Not",
    "Where",
    "ReduceMin",
    "ReduceMax",
    "ReduceProd",
    "ReduceSum",
    "ArgMax",
    "Expand",
    "Tile",
    "Range",
    "ConstantOfShape",
    "Ceil",
    "Floor",
    "Round",
    "Mod",
    "Sign",
    "Size",
    "If",
    "NonMaxSuppression",
    "ScatterND",
    "Shape",
];

/// Largest conv (in weights) a head may hold: YOLOv8's DFL conv has 16.
const MAX_HEAD_CONV_WEIGHTS: u64 = 4096;

/// Starts a head of `dims` at `x` (a layer's output that `why` refuses to rearrange).
pub fn start(g: &mut Graph, x: &Act, dims: Option<Vec<i64>>, why: ModelError) -> Value {
    g.head.push(x.layer);
    Value::Head(Rc::new(Head {
        why: Rc::new(why),
        dims,
    }))
}

/// Counts `n` in the head when it made head values: its op, and a conv's FLOPs
/// (`2 × weights × N·H·W` of its output).
pub fn tally(g: &mut Graph, n: &Node, outputs: &[Option<Value>]) {
    let Some(Value::Head(h)) = outputs
        .iter()
        .flatten()
        .find(|v| matches!(v, Value::Head(_)))
    else {
        return;
    };
    *g.head_ops.entry(n.origin.label.clone()).or_default() += 1;
    if let (true, Ok(w), Some([b, _, hh, ww])) = (
        n.op() == "Conv",
        n.konst(1),
        h.dims.as_deref().and_then(|d| <[i64; 4]>::try_from(d).ok()),
    ) {
        let pixels = [b, hh, ww]
            .iter()
            .try_fold(1u64, |p, &d| p.checked_mul(u64::try_from(d).ok()?));
        let flops = pixels.and_then(|p| p.checked_mul(w.len())?.checked_mul(2));
        g.head_flops = g.head_flops.saturating_add(flops.unwrap_or(0));
    }
}

/// `n`'s outputs when it reads a head: heads again when it decodes, else the refusal
/// that started the head. `Shape` of a head whose dims are known is left to the
/// constant ops; of one whose dims depend on its values (after `NonZero`), a head.
pub fn apply(n: &Node) -> Option<Result<Vec<Option<Value>>, ModelError>> {
    let why = n.inputs.iter().flatten().find_map(|v| match &**v {
        Value::Head(h) => Some(Rc::clone(&h.why)),
        _ => None,
    })?;
    let op = n.op();
    if op == "Shape" && dims_of(n, 0).is_some() {
        return None;
    }
    let decodes = DECODE.contains(&op)
        || FREE.contains(&op)
        || (op == "Conv" && n.konst(1).is_ok_and(|w| w.len() <= MAX_HEAD_CONV_WEIGHTS));
    let joins_a_map = n
        .inputs
        .iter()
        .flatten()
        .any(|v| matches!(&**v, Value::Act(_)));
    if joins_a_map {
        return Some(Err(n.err(format!(
            "{op} reads a layer's output together with values the detection head decoded: \
             a second stage that computes on the feature maps where the head points (as \
             Faster and Mask R-CNN's RoiAlign does) is neither a layer the planner slices \
             nor decoding the gateway can do alone"
        ))));
    }
    if !decodes {
        return Some(Err((*why).clone()));
    }
    let dims = outputs(n);
    Some(Ok(n
        .proto
        .output
        .iter()
        .enumerate()
        .map(|(k, _)| {
            Some(Value::Head(Rc::new(Head {
                why: Rc::clone(&why),
                dims: dims.as_ref().and_then(|d| d.get(k).cloned()),
            })))
        })
        .collect()))
}

/// The dims of input `k` (a head's, when known, or a constant's).
fn dims_of(n: &Node, k: usize) -> Option<Vec<i64>> {
    match n.input(k)? {
        Value::Head(h) => h.dims.clone(),
        Value::Const(c) => Some(c.dims.clone()),
        Value::Act(a) => Some(a.dims()),
    }
}

/// The dims of each of `n`'s outputs, when the importer can follow them: shape
/// inference for the ops a head decodes with. `None` leaves them unknown, which only
/// matters if the export reads them with `Shape`.
fn outputs(n: &Node) -> Option<Vec<Vec<i64>>> {
    let x = dims_of(n, 0)?;
    let axis = |default: i64| fold::axis(n, n.attrs.int_or("axis", default), x.len()).ok();
    let one = |d: Vec<i64>| Some(vec![d]);
    match n.op() {
        "Reshape" | "Flatten" | "Transpose" | "Squeeze" | "Unsqueeze" => {
            one(shape::view_dims(n, &x).ok()?)
        }
        "Split" => {
            let a = axis(0)?;
            let sizes = shape::split_sizes(n, x[a]).ok()?;
            Some(sizes.into_iter().map(|s| with(&x, a, s)).collect())
        }
        "Slice" => one(shape::sliced(n, &x)?),
        // YOLOv8's DFL: 1×1, stride 1, unpadded.
        "Conv" => {
            let w = dims_of(n, 1)?;
            let all =
                |name: &str, v: i64| n.attrs.ints(name).is_none_or(|p| p.iter().all(|&d| d == v));
            let plain = w.get(2..) == Some(&[1, 1][..]) && all("pads", 0) && all("strides", 1);
            (plain && x.len() == 4).then(|| vec![vec![x[0], w[0], x[2], x[3]]])
        }
        // The constant folder's shape rules, on the inputs' dims alone.
        "Concat" | "Gather" | "Add" | "Sub" | "Mul" | "Div" | "Pow" | "Max" | "Min" | "Sum" => {
            let ins: Vec<Option<Const>> = (0..n.inputs.len())
                .map(|k| match n.input(k) {
                    None => Some(None),
                    Some(_) => dims_of(n, k).map(|d| Some(Const::unknown(d))),
                })
                .collect::<Option<_>>()?;
            let refs: Vec<Option<&Const>> = ins.iter().map(Option::as_ref).collect();
            one(fold::eval(n, &refs).ok()?.dims)
        }
        // Cost-free ops keep the shape.
        _ => one(x),
    }
}

/// `dims` with axis `a` of size `size`.
fn with(dims: &[i64], a: usize, size: i64) -> Vec<i64> {
    let mut d = dims.to_vec();
    d[a] = size;
    d
}

/// Refuses a head (read by the graph output at `at`) that does not end at the model's
/// last layer or whose maps are not all model outputs (a later layer reads one).
pub fn check(g: &Graph, at: &str) -> Result<(), ModelError> {
    let last = g.len();
    if !g.head.contains(&last) {
        return Err(ModelError::at(
            at,
            format!(
                "it is a detection head decoded from layers {} but the model's last layer is \
                 {last}: the planner plans models whose last layer is an output",
                list(&g.head)
            ),
        ));
    }
    if let Some(l) = g.head.iter().find(|&&l| g.readers_of(l)) {
        return Err(ModelError::at(
            at,
            format!(
                "it is a detection head reading layer {l}, which later layers read too: the \
                 gateway decodes model outputs only (layers nobody else reads)"
            ),
        ));
    }
    Ok(())
}
