//! ONNX importer (`.onnx`, opsets 7–21): the graph's nodes, in the file's topological
//! order, become the planner's layers with their producers; shapes are computed by the
//! core from the graph input's `[1, C, H, W]`. Weights, as initializers or
//! `Constant`/`ConstantOfShape` nodes, are read for their dims only.
//!
//! The file is decoded once by prost ([`proto`]) after a wire-format scan ([`scan`])
//! has bounded what the decoded structs can cost; weight data is skipped, never
//! copied. Errors name the node (`node 12 'conv1': Conv: …`).

mod attrs;
mod fold;
mod graph;
mod head;
mod node;
mod ops;
mod pointwise;
pub mod proto;
mod scan;
mod shape;
mod spatial;
mod value;

use prost::Message;

use crate::import::preview;
use crate::model::limits::MAX_NAME_CHARS;
use crate::model::{ModelError, Network, Shape};
use graph::{named, Graph, Readers};
use proto::{GraphProto, ModelProto, NodeProto};
use std::collections::HashSet;
use value::{Act, View};

pub use crate::import::limits::MAX_ONNX_BYTES;

/// Opsets of the default domain the importer reads.
pub const OPSETS: std::ops::RangeInclusive<i64> = 7..=21;

/// Reads an ONNX `ModelProto` into a validated network.
pub fn load(bytes: &[u8]) -> Result<Network, ModelError> {
    load_noting(bytes).map(|(net, _)| net)
}

/// [`load`], with a line for each schema slip read leniently (a node using an
/// attribute of a later opset than the file imports), naming the node and both opsets.
pub fn load_noting(bytes: &[u8]) -> Result<(Network, Vec<String>), ModelError> {
    if bytes.len() > MAX_ONNX_BYTES {
        return Err(ModelError::model(format!(
            "the ONNX file has {} bytes, more than the limit of {MAX_ONNX_BYTES}",
            bytes.len()
        )));
    }
    let not_onnx = |offset: usize, what: String| {
        ModelError::at(
            format!("byte {offset}"),
            format!("not an ONNX model (a protobuf ModelProto): {what}"),
        )
    };
    scan::check(bytes).map_err(|e| not_onnx(e.offset, e.message))?;
    let model = ModelProto::decode(bytes).map_err(|e| not_onnx(0, e.to_string()))?;
    let g = model
        .graph
        .as_ref()
        .ok_or_else(|| not_onnx(0, "it has no graph".into()))?;
    let opset = opset(&model)?;
    let readers = Readers::new(g);
    let (input_name, input) = input(g, &readers)?;
    let mut graph = Graph::new(g, model_name(g), input_name, input, opset, readers)?;
    for (i, n) in g.node.iter().enumerate() {
        graph.node(i, n)?;
    }
    let decoded = check_output(&graph, g)?;
    graph.finish(decoded)
}

/// The default domain's opset version, checked against [`OPSETS`].
fn opset(model: &ModelProto) -> Result<i64, ModelError> {
    let v = model
        .opset_import
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map(|o| o.version)
        .ok_or_else(|| {
            ModelError::at(
                "opset_import",
                "the model imports no opset of the default domain",
            )
        })?;
    if !OPSETS.contains(&v) {
        return Err(ModelError::at(
            "opset_import",
            format!(
                "opset {v} of the default domain, expected {} to {}",
                OPSETS.start(),
                OPSETS.end()
            ),
        ));
    }
    Ok(v)
}

/// The graph's name, printable and within the core's limit; `onnx` when it has none.
fn model_name(g: &GraphProto) -> String {
    let name: String = g
        .name
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    if name.trim().is_empty() {
        "onnx".into()
    } else {
        name
    }
}

/// The one graph input that is not an initializer, the model input (layer 0): an image
/// `[N, C, H, W]`, TensorFlow's `[N, H, W, C]` transposed first (tf2onnx), or one picture
/// `[C, H, W]` (torchvision's detection models). A
/// symbolic or unknown batch is taken as 1; symbolic or unknown channels, height or
/// width are refused (the shapes of every layer and so the plan depend on them).
fn input<'a>(g: &'a GraphProto, readers: &Readers<'a>) -> Result<(&'a str, Act), ModelError> {
    let inits: HashSet<&str> = g.initializer.iter().map(|t| t.name.as_str()).collect();
    let real: Vec<_> = g
        .input
        .iter()
        .filter(|i| !inits.contains(i.name.as_str()))
        .collect();
    let [only] = real.as_slice() else {
        return Err(ModelError::at(
            "graph inputs",
            format!(
                "found {} inputs that are not initializers, expected one image input",
                real.len()
            ),
        ));
    };
    let at = named("graph input", &only.name);
    let dims = only
        .r#type
        .as_ref()
        .and_then(|t| t.tensor_type.as_ref())
        .and_then(|t| t.shape.as_ref())
        .map(|s| s.dim.as_slice())
        .ok_or_else(|| ModelError::at(&at, "it has no tensor shape"))?;
    let (names, view): (&[&str], _) = match dims.len() {
        4 if transposed_to_nchw(readers, &only.name) => (
            &["batch", "height", "width", "channels"],
            View::ChannelsLast,
        ),
        4 => (&["batch", "channels", "height", "width"], View::Image),
        3 => (&["channels", "height", "width"], View::Unbatched),
        n => {
            return Err(ModelError::at(
                &at,
                format!("it has {n} dims, expected 4 ([N, C, H, W]) or 3 ([C, H, W])"),
            ))
        }
    };
    let mut sizes = Vec::with_capacity(4);
    for (d, &what) in dims.iter().zip(names) {
        sizes.push(match (&d.dim_value, &d.dim_param) {
            (Some(v), _) if what == "batch" && *v != 1 => {
                return Err(ModelError::at(
                    &at,
                    format!("batch {v}: the planner plans one image (batch 1)"),
                ))
            }
            (Some(v), _) => attrs::size(what, *v, 1).map_err(|m| ModelError::at(&at, m))?,
            _ if what == "batch" => 1,
            (None, p) => {
                return Err(ModelError::at(
                    &at,
                    format!(
                        "its {what} is {}: export the model with a fixed input size",
                        match p {
                            Some(p) => format!("symbolic ('{}')", preview(p)),
                            None => "unknown".into(),
                        }
                    ),
                ))
            }
        });
    }
    let [c, h, w] = match view {
        View::ChannelsLast => [sizes[3], sizes[1], sizes[2]],
        _ => [0, 1, 2].map(|k| sizes[sizes.len() - 3 + k]),
    };
    let mut x = Act::new(0, Shape::new(h, w, c));
    x.view = view;
    Ok((&only.name, x))
}

/// Whether every node reading `name` (one at least) is a Transpose `[0, 3, 1, 2]`, or
/// an elementwise op whose output is read so (Keras' `Rescaling` before it): the input
/// is then TensorFlow's `[N, H, W, C]`, as tf2onnx writes it. A walk of at most four
/// nodes deep, each name visited once: a hostile graph costs one pass over its inputs.
fn transposed_to_nchw<'a>(readers: &Readers<'a>, name: &'a str) -> bool {
    const RESCALING: &[&str] = &["Mul", "Add", "Sub", "Div", "Cast", "Identity"];
    let mut seen = HashSet::new();
    let mut names = vec![name];
    for _ in 0..4 {
        let mut next = Vec::new();
        let mut read = |n: &'a NodeProto| match n.op_type.as_str() {
            "Transpose" => (n.attribute.iter()).any(|a| a.name == "perm" && a.ints == [0, 3, 1, 2]),
            op if RESCALING.contains(&op) && n.output.len() == 1 => {
                if seen.insert(n.output[0].as_str()) {
                    next.push(n.output[0].as_str());
                }
                true
            }
            _ => false,
        };
        if !names.iter().all(|t| readers.only(t, &mut read)) {
            return false;
        }
        if next.is_empty() {
            return true;
        }
        names = next;
    }
    false
}

/// The graph's outputs must be the last layer (the planner plans one output), or a
/// detection head decoded from it (then true).
fn check_output(graph: &Graph, g: &GraphProto) -> Result<bool, ModelError> {
    let last = graph.len();
    if g.output.is_empty() {
        return Err(ModelError::at(
            named("graph", &g.name),
            "it has no outputs (the planner plans the layers that make the model's output)",
        ));
    }
    if last == 0 {
        return Err(ModelError::at(
            named("graph", &g.name),
            "it computes no conv, fully-connected or other layer the planner models",
        ));
    }
    let mut decoded = false;
    for o in &g.output {
        let at = named("graph output", &o.name);
        match graph.value(&o.name) {
            Some(value::Value::Act(a)) if a.layer == last => {}
            Some(value::Value::Act(a)) => {
                return Err(ModelError::at(
                    at,
                    format!(
                        "it is the output of layer {} but the model's last layer is {last}: the \
                         planner plans models with one output",
                        a.layer
                    ),
                ))
            }
            Some(value::Value::Head(_)) => {
                head::check(graph, &at)?;
                decoded = true;
            }
            Some(value::Value::Const(_)) => return Err(ModelError::at(at, "it is a constant")),
            None => return Err(ModelError::at(at, "no node computes it")),
        }
    }
    Ok(decoded)
}
