//! The model being built from an ONNX graph: names to [`Value`]s, the planner's layers
//! with their producers, and where each layer came from. Nodes are read once in the
//! file's order, which ONNX requires to be topological; a name read before it is
//! written (a cycle or a dangling input) is refused.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use super::node::Node;
use super::proto::{GraphProto, NodeProto};
use super::value::{from_tensor, Act, Value};
use crate::import::origins::{output, step, Draft, Origin};
use crate::import::preview;
use crate::model::limits::MAX_LAYERS;
use crate::model::{Conv, GatewayHead, HeadOp, Layer, ModelError, Network, Shape};

pub struct Graph<'a> {
    /// Shared, so that a node reading a name costs no copy of its value.
    values: HashMap<&'a str, Rc<Value>>,
    readers: Readers<'a>,
    draft: Draft,
    /// `shapes[0]` is the model input, `shapes[l]` the output of layer `l`.
    shapes: Vec<Shape>,
    /// The default domain's opset version (7–21).
    pub opset: i64,
    /// Layers whose outputs a detection head reads (`super::head`).
    pub head: Vec<usize>,
    /// The ops of the head's nodes, with how many of each, and its convs' FLOPs.
    pub head_ops: BTreeMap<String, u32>,
    pub head_flops: u64,
    /// What was read leniently (schema slips of real exporters), one line each.
    pub notes: Vec<String>,
}

/// Who reads each name: the nodes that list it as an input, and the graph outputs.
pub struct Readers<'a> {
    nodes: HashMap<&'a str, Vec<&'a NodeProto>>,
    outputs: HashSet<&'a str>,
}

impl<'a> Readers<'a> {
    pub fn new(g: &'a GraphProto) -> Self {
        let mut nodes: HashMap<&str, Vec<&NodeProto>> = HashMap::new();
        for n in &g.node {
            for i in n.input.iter().filter(|i| !i.is_empty()) {
                nodes.entry(i).or_default().push(n);
            }
        }
        let outputs = g.output.iter().map(|o| o.name.as_str()).collect();
        Readers { nodes, outputs }
    }

    /// How many nodes and graph outputs read `name`.
    pub fn count(&self, name: &str) -> usize {
        self.nodes.get(name).map_or(0, Vec::len) + usize::from(self.outputs.contains(name))
    }

    /// Whether nodes read `name` (one at least), each as `read` accepts, and no graph
    /// output does.
    pub fn only(&self, name: &str, read: impl FnMut(&'a NodeProto) -> bool) -> bool {
        !self.outputs.contains(name)
            && self
                .nodes
                .get(name)
                .is_some_and(|nodes| nodes.iter().copied().all(read))
    }
}

/// `what 'name'` with the name clipped and made printable.
pub fn named(what: &str, name: &str) -> String {
    format!("{what} '{}'", preview(name))
}

impl<'a> Graph<'a> {
    /// Registers the initializers and the model input (`input`, named `input_name`).
    pub fn new(
        g: &'a GraphProto,
        name: String,
        input_name: &'a str,
        input: Act,
        opset: i64,
        readers: Readers<'a>,
    ) -> Result<Self, ModelError> {
        let mut graph = Graph {
            values: HashMap::new(),
            readers,
            draft: Draft::new(
                name,
                input.shape,
                Origin::new(named("graph", &g.name), "ONNX"),
            ),
            shapes: vec![input.shape],
            opset,
            head: Vec::new(),
            head_ops: BTreeMap::new(),
            head_flops: 0,
            notes: Vec::new(),
        };
        for t in &g.initializer {
            let c = from_tensor(t).map_err(|m| ModelError::at(named("initializer", &t.name), m))?;
            if graph
                .values
                .insert(&t.name, Rc::new(Value::Const(c)))
                .is_some()
            {
                return Err(ModelError::at(
                    named("initializer", &t.name),
                    "the name is used twice (ONNX names are unique)",
                ));
            }
        }
        graph.values.insert(input_name, Rc::new(Value::Act(input)));
        Ok(graph)
    }

    /// How many nodes (and graph outputs) read `name`.
    pub fn consumers(&self, name: &str) -> usize {
        self.readers.count(name)
    }

    /// Whether every node reading `name` is an `op` (and one at least, and no graph
    /// output).
    pub fn read_only_by(&self, name: &str, op: &str) -> bool {
        self.readers.only(name, |n| n.op_type == op)
    }

    /// Reads node `index` (0-based) and defines its outputs.
    pub fn node(&mut self, index: usize, proto: &'a NodeProto) -> Result<(), ModelError> {
        let location = if proto.name.is_empty() {
            format!("node {}", index + 1)
        } else {
            format!("node {} '{}'", index + 1, preview(&proto.name))
        };
        let label = if proto.domain.is_empty() || proto.domain == "ai.onnx" {
            preview(&proto.op_type)
        } else {
            format!("{}::{}", preview(&proto.domain), preview(&proto.op_type))
        };
        let origin = Origin::new(location, label);
        let mut inputs = Vec::with_capacity(proto.input.len());
        for name in &proto.input {
            if name.is_empty() {
                inputs.push(None);
                continue;
            }
            match self.values.get(name.as_str()) {
                Some(v) => inputs.push(Some(Rc::clone(v))),
                None => {
                    return Err(origin.error(format!(
                        "{} is not an initializer, a graph input or an output of an earlier \
                         node (ONNX nodes are listed in topological order: this is a dangling \
                         input or a cycle)",
                        named("input", name)
                    )))
                }
            }
        }
        let node = Node::new(proto, origin, inputs);
        let outputs = super::ops::apply(self, &node)?;
        super::head::tally(self, &node, &outputs);
        for (k, name) in proto.output.iter().enumerate() {
            if name.is_empty() {
                continue;
            }
            let Some(v) = outputs.get(k).cloned().flatten() else {
                if self.consumers(name) > 0 {
                    return Err(node.err(format!(
                        "its output {} ({}) is read, but the planner only models its first output",
                        k + 1,
                        named("named", name)
                    )));
                }
                continue;
            };
            if self.values.insert(name, Rc::new(v)).is_some() {
                return Err(node.err(format!(
                    "{} is already defined (ONNX names are unique)",
                    named("output", name)
                )));
            }
        }
        Ok(())
    }

    /// Appends `layer` reading layers `ins`; the new tensor, or why it does not fit.
    pub fn push(
        &mut self,
        layer: Layer,
        ins: Vec<usize>,
        origin: &Origin,
    ) -> Result<Act, ModelError> {
        if self.draft.len() >= MAX_LAYERS {
            return Err(origin.error(format!(
                "the model has more than {MAX_LAYERS} layers, the planner's limit"
            )));
        }
        let shapes: Vec<Shape> = ins.iter().map(|&l| self.shapes[l]).collect();
        let shape = output(layer, &shapes).map_err(|m| origin.error(m))?;
        self.shapes.push(shape);
        Ok(Act::new(self.draft.push(layer, ins, origin.clone()), shape))
    }

    /// Fuses a `size`/`stride` pool into conv layer `l` when that gives `want`, the
    /// output of the same pool standing alone; true when fused.
    pub fn fuse(&mut self, l: usize, size: u32, stride: u32, want: Shape) -> bool {
        let Some(&Layer::Conv(conv)) = self.draft.model.layers.get(l.wrapping_sub(1)) else {
            return false;
        };
        let pooled: Conv = conv.with_pool(size, stride);
        let input = self.shapes[self.draft.model.inputs[l - 1][0]];
        match step(input, Layer::Conv(pooled)) {
            Ok(info) if info.output == want => {
                self.draft.model.layers[l - 1] = Layer::Conv(pooled);
                self.shapes[l] = want;
                true
            }
            _ => false,
        }
    }

    /// The value of `name` (a graph output).
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.values.get(name).map(Rc::as_ref)
    }

    /// Whether a layer reads layer `l`'s output.
    pub fn readers_of(&self, l: usize) -> bool {
        self.draft.model.inputs.iter().any(|ins| ins.contains(&l))
    }

    /// Number of layers so far.
    pub fn len(&self) -> usize {
        self.draft.len()
    }

    /// Validates the whole model with the core, errors moved to the nodes that wrote
    /// the layers (a chain, every layer reading the one before, drops its `inputs`);
    /// with the notes on what was read leniently. `decoded`: the graph's output is a
    /// detection head, which the network then names for the plan.
    pub fn finish(self, decoded: bool) -> Result<(Network, Vec<String>), ModelError> {
        let mut net = self.draft.finish()?;
        if decoded {
            let mut reads = self.head;
            reads.sort_unstable();
            reads.dedup();
            net.model.gateway_head = Some(GatewayHead {
                reads,
                ops: (self.head_ops.into_iter())
                    .map(|(op, nodes)| HeadOp { op, nodes })
                    .collect(),
                flops: self.head_flops,
            });
        }
        Ok((net, self.notes))
    }
}
