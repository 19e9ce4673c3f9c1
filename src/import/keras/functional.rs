//! Keras models as graphs: functional models (`Functional`/`Model`, whose layers name
//! their inputs in `inbound_nodes`), and Sequential models that the chain form cannot
//! write (asymmetric "same" padding, depthwise convs, a flat input…), read as DAG
//! models layer call by layer call.
//!
//! `inbound_nodes` has one entry per call of the layer; a call's inputs are
//! `[layer, node, tensor, kwargs]` lists (Keras 2, TF.js) or `__keras_tensor__` objects
//! with a `keras_history` of `[layer, node, tensor]` inside `args` (Keras 3). Call `k`
//! of layer `L` outputs the tensor `(L, k, 0)`.

use std::collections::HashMap;

use serde_json::Value;

use super::layers::{Call, Tensor, FREE};
use super::node::Node;
use crate::import::graph::Graph;
use crate::import::origins::Origin;
use crate::model::{ModelError, Network, Shape};

/// A tensor by the layer call that made it: `(layer name, node index, tensor index)`.
type Key = (String, usize, usize);

/// A call's input tensors, each with where it was written, and its number arguments.
type Reads<'a> = (Vec<(Key, Node<'a>)>, usize);

/// One call of one layer, with the tensors it reads.
struct Pending<'a> {
    layer: Node<'a>,
    class: &'a str,
    name: String,
    node: usize,
    reads: Vec<(Key, Node<'a>)>,
    /// Numbers among the call's arguments (Keras 3 writes `x + 3.0` as an `Add` call).
    constants: usize,
}

/// Builds the model of `layers` (a functional model's, or a Sequential one's when
/// `sequential`), named `name`.
pub fn network(
    layers: &[Node<'_>],
    config: &Node<'_>,
    name: String,
    sequential: bool,
) -> Result<Network, ModelError> {
    let calls = calls(layers, sequential)?;
    let (input, input_key, flat) = input(layers, config, sequential)?;
    let mut graph = Graph::new(
        name,
        input,
        Origin::new(config.path.clone(), "the Keras model"),
    );
    let mut tensors: HashMap<Key, Tensor> = HashMap::new();
    tensors.insert(input_key, Tensor::plain(0, flat));
    let fc_tail = fc_tail(&calls);
    for i in order(&calls, &tensors)? {
        let call = &calls[i];
        let inputs = call.reads.iter().map(|(k, _)| tensors[k].clone()).collect();
        let cfg = call.layer.field("config")?;
        let label = format!(
            "{} \"{}\"",
            crate::import::preview(call.class),
            crate::import::preview(&call.name)
        );
        let out = Call {
            graph: &mut graph,
            class: call.class,
            cfg,
            origin: Origin::new(call.layer.path.clone(), label),
            inputs,
            fc_tail: fc_tail.get(&call.name).copied().unwrap_or(false),
            constants: call.constants,
        }
        .apply()?;
        tensors.insert((call.name.clone(), call.node, 0), out);
    }
    graph.finish()
}

/// The calls in an order where each comes after the calls it reads: the listed order
/// when it already is one (Keras lists layers topologically), else Kahn's algorithm
/// taking the earliest listed call first. A read of a tensor no call makes, or a cycle,
/// is refused at the read.
fn order(calls: &[Pending<'_>], known: &HashMap<Key, Tensor>) -> Result<Vec<usize>, ModelError> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let producer: HashMap<Key, usize> = calls
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.name.clone(), c.node, 0), i))
        .collect();
    let mut waiting = vec![0usize; calls.len()];
    let mut readers = vec![Vec::new(); calls.len()];
    for (i, c) in calls.iter().enumerate() {
        for (key, node) in &c.reads {
            match producer.get(key) {
                Some(&p) => {
                    waiting[i] += 1;
                    readers[p].push(i);
                }
                None if known.contains_key(key) => {}
                None => return Err(unknown(key, node)),
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..calls.len())
        .filter(|&i| waiting[i] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(calls.len());
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &r in &readers[i] {
            waiting[r] -= 1;
            if waiting[r] == 0 {
                ready.push(Reverse(r));
            }
        }
    }
    if let Some(i) = (0..calls.len()).find(|&i| waiting[i] > 0) {
        let (key, node) = &calls[i].reads[0];
        return Err(node.error(format!(
            "the layers form a cycle through \"{}\" (a model's layers must not read their \
             own outputs)",
            crate::import::preview(&key.0)
        )));
    }
    Ok(order)
}

fn unknown(key: &Key, node: &Node<'_>) -> ModelError {
    if key.2 != 0 {
        return node.error(format!(
            "reads output {} of layer \"{}\"; expected output 0 (the planner's layers have \
             one output)",
            key.2,
            crate::import::preview(&key.0)
        ));
    }
    node.error(format!(
        "reads call {} of layer \"{}\", which no layer of the model makes",
        key.1,
        crate::import::preview(&key.0)
    ))
}

/// Every call of every layer but the input, with the tensors it reads. A model nested
/// as a layer (a transfer-learning base) is expanded in place: its layers are named
/// `outer/inner`, its input is the tensor the outer call reads and the outer call's
/// output is its output.
fn calls<'a>(layers: &[Node<'a>], sequential: bool) -> Result<Vec<Pending<'a>>, ModelError> {
    let mut c = Collector {
        calls: Vec::new(),
        aliases: HashMap::new(),
    };
    c.model(layers, sequential, "", input_key_sequential())?;
    let Collector { mut calls, aliases } = c;
    for call in &mut calls {
        for (key, _) in &mut call.reads {
            // Aliases point from a nested model's input or output to a real tensor;
            // chains of them are as deep as the nesting, so this ends.
            while let Some(next) = aliases.get(key) {
                *key = next.clone();
            }
        }
    }
    Ok(calls)
}

/// Most layer calls (cost-free ones included) a model may expand to: 50 per layer the
/// core accepts.
const MAX_CALLS: usize = 50 * crate::model::limits::MAX_LAYERS;

struct Collector<'a> {
    calls: Vec<Pending<'a>>,
    /// A nested model's input (its `InputLayer`) and its call's output, by the real
    /// tensor each stands for.
    aliases: HashMap<Key, Key>,
}

impl<'a> Collector<'a> {
    /// Collects the calls of one model's `layers`, naming them `prefix` + name; a
    /// Sequential model's first layer reads `start`. Returns the key of the last call
    /// (a Sequential model's output).
    fn model(
        &mut self,
        layers: &[Node<'a>],
        sequential: bool,
        prefix: &str,
        start: Key,
    ) -> Result<Key, ModelError> {
        let mut previous = start;
        let mut seen: HashMap<String, String> = HashMap::new();
        for (i, layer) in layers.iter().enumerate() {
            // A nested model is expanded once per call, and may nest others: bound the
            // expansion so that a small hostile text cannot multiply into millions.
            if self.calls.len() + self.aliases.len() > MAX_CALLS {
                return Err(layer.error(format!(
                    "the model expands to more than {MAX_CALLS} layer calls"
                )));
            }
            let class_node = layer.field("class_name")?;
            let class = class_node.str()?;
            let name = format!("{prefix}{}", layer_name(layer, i)?);
            if let Some(first) = seen.insert(name.clone(), layer.path.clone()) {
                return Err(layer.error(format!(
                    "the layer name \"{}\" is used again (first at {first}); calls name \
                     layers, so names must be unique",
                    crate::import::preview(&name)
                )));
            }
            if class == "InputLayer" {
                if sequential && !prefix.is_empty() {
                    self.aliases.insert((name.clone(), 0, 0), previous.clone());
                }
                previous = (name, 0, 0);
                continue;
            }
            let nested = matches!(class, "Functional" | "Model" | "Sequential");
            if !nested && !super::layers::is_known(class) {
                return Err(class_node.expected(&format!("one of {}", super::layers::SUPPORTED)));
            }
            let nodes = if sequential {
                vec![(vec![(previous.clone(), layer.clone())], 0)]
            } else {
                self.nodes(layer, &name, prefix)?
            };
            // A Sequential parent refers to no node index.
            let offset = usize::from(!sequential && calls_from_one(layer));
            for (k, (reads, constants)) in nodes.into_iter().enumerate() {
                if nested {
                    self.nested(layer, class, &name, (k, offset), reads)?;
                } else {
                    self.calls.push(Pending {
                        layer: layer.clone(),
                        class,
                        name: name.clone(),
                        node: k,
                        reads,
                        constants,
                    });
                }
            }
            previous = (name, 0, 0);
        }
        Ok(previous)
    }

    /// The calls of a functional model's layer: its inputs (inside a nested model,
    /// `prefix` names the nested model's own layers) and constant arguments.
    fn nodes(
        &self,
        layer: &Node<'a>,
        name: &str,
        prefix: &str,
    ) -> Result<Vec<Reads<'a>>, ModelError> {
        let nodes = match layer.get("inbound_nodes") {
            Some(n) => n.items()?,
            None => Vec::new(),
        };
        if nodes.is_empty() {
            return Err(layer.error(format!(
                "layer \"{}\" has no inbound_nodes (it is never called)",
                crate::import::preview(name)
            )));
        }
        nodes
            .iter()
            .map(|node| {
                let mut reads = Vec::new();
                node_inputs(node, prefix, &mut reads)?;
                if reads.is_empty() {
                    return Err(node.expected("a call with at least one input tensor"));
                }
                let constants = node
                    .get("args")
                    .and_then(|a| {
                        a.value
                            .as_array()
                            .map(|a| a.iter().filter(|v| v.is_number()).count())
                    })
                    .unwrap_or(0);
                Ok((reads, constants))
            })
            .collect()
    }

    /// Call `k` of a nested model reading `reads`: its layers, prefixed, with its input
    /// standing for the tensor read and `(name, k + offset, 0)` for its output.
    fn nested(
        &mut self,
        layer: &Node<'a>,
        class: &str,
        name: &str,
        (k, offset): (usize, usize),
        reads: Vec<(Key, Node<'a>)>,
    ) -> Result<(), ModelError> {
        let [(input, _)] = reads.as_slice() else {
            return Err(layer.error(format!(
                "a nested model reading {} tensors; expected one (the planner plans one input)",
                reads.len()
            )));
        };
        let prefix = if k == 0 {
            format!("{name}/")
        } else {
            format!("{name}#{k}/")
        };
        let config = layer.field("config")?;
        let layers = inner_layers(&config)?;
        if class == "Sequential" {
            let out = self.model(&layers, true, &prefix, input.clone())?;
            self.aliases.insert((name.to_owned(), k + offset, 0), out);
            return Ok(());
        }
        let ends = |field: &str| -> Result<Key, ModelError> {
            let list = config.field(field)?;
            let mut items = list.items()?;
            // `[[name, node, tensor]]`, or Keras 3's bare `[name, node, tensor]`.
            if items.first().is_some_and(|f| f.is_list()) {
                if items.len() != 1 {
                    return Err(
                        list.expected("one tensor (the planner reads one input and output)")
                    );
                }
                items = items[0].items()?;
            }
            match items.as_slice() {
                [n, node, t, ..] => key(&prefix, n, node, t),
                _ => Err(list.expected("[[layer name, node index, tensor index]]")),
            }
        };
        let (inner_in, inner_out) = (ends("input_layers")?, ends("output_layers")?);
        self.aliases.insert(inner_in, input.clone());
        self.model(&layers, false, &prefix, input_key_sequential())?;
        self.aliases
            .insert((name.to_owned(), k + offset, 0), inner_out);
        Ok(())
    }
}

/// A nested model's layers: its config's `layers`, or (Keras ≤ 2.1) the config itself.
fn inner_layers<'a>(config: &Node<'a>) -> Result<Vec<Node<'a>>, ModelError> {
    if config.value.is_array() {
        config.items()
    } else {
        config.field("layers")?.items()
    }
}

/// True when the calls of a nested model are numbered from 1: in Keras 2 (whose
/// `inbound_nodes` are lists) when its first layer is an `InputLayer`, node 0 being the
/// one that built it (`_should_skip_first_node`); Keras 3 numbers them from 0.
fn calls_from_one(layer: &Node<'_>) -> bool {
    let keras2 = (layer.get("inbound_nodes"))
        .and_then(|n| n.value.as_array()?.first().map(Value::is_array))
        .unwrap_or(false);
    let Some(config) = layer.get("config") else {
        return false;
    };
    let layers = if config.value.is_array() {
        Some(config.value)
    } else {
        config.value.get("layers")
    };
    keras2
        && layers
            .and_then(|l| l.as_array()?.first()?.get("class_name")?.as_str())
            .is_some_and(|c| c == "InputLayer")
}

/// The key of a Sequential model's input when it has no `InputLayer`.
fn input_key_sequential() -> Key {
    ("#input".into(), 0, 0)
}

fn layer_name(layer: &Node<'_>, i: usize) -> Result<String, ModelError> {
    let name = layer
        .get("name")
        .or_else(|| layer.get("config").and_then(|c| c.get("name")));
    match name {
        Some(n) => Ok(n.str()?.to_owned()),
        None => Ok(format!("#{i}")),
    }
}

/// The input tensors of one inbound node, in order: Keras 2 / TF.js lists
/// `[name, node, tensor, kwargs]`, or Keras 3 `{"args": […], "kwargs": …}` with
/// `keras_history` triples inside (merge layers pass a list of tensors).
fn node_inputs<'a>(
    node: &Node<'a>,
    prefix: &str,
    out: &mut Vec<(Key, Node<'a>)>,
) -> Result<(), ModelError> {
    if let Some(args) = node.get("args") {
        return history(&args, prefix, out);
    }
    for entry in node.items()? {
        let parts = entry.items()?;
        let [name, n, t, ..] = parts.as_slice() else {
            return Err(entry.expected("[layer name, node index, tensor index, …]"));
        };
        out.push((key(prefix, name, n, t)?, entry.clone()));
    }
    Ok(())
}

/// Every `keras_history` in Keras 3 call arguments, in order.
fn history<'a>(
    value: &Node<'a>,
    prefix: &str,
    out: &mut Vec<(Key, Node<'a>)>,
) -> Result<(), ModelError> {
    if value.value.is_array() {
        for item in value.items()? {
            history(&item, prefix, out)?;
        }
        return Ok(());
    }
    let found = value
        .get("keras_history")
        .or_else(|| value.get("config").and_then(|c| c.get("keras_history")));
    if let Some(h) = found {
        let parts = h.items()?;
        let [name, n, t] = parts.as_slice() else {
            return Err(h.expected("[layer name, node index, tensor index]"));
        };
        out.push((key(prefix, name, n, t)?, h.clone()));
    }
    Ok(())
}

/// The key `[name, node, tensor]` written in a model whose layers are named `prefix` +
/// name.
fn key(prefix: &str, name: &Node<'_>, node: &Node<'_>, t: &Node<'_>) -> Result<Key, ModelError> {
    let index = |n: &Node<'_>| n.size(0).map(|i| i as usize);
    Ok((format!("{prefix}{}", name.str()?), index(node)?, index(t)?))
}

/// The model input: the single `InputLayer` (or, in a Sequential model without one,
/// the first layer's `batch_input_shape`), `[batch, h, w, c]` or flat `[batch, n]`.
pub(super) fn input(
    layers: &[Node<'_>],
    config: &Node<'_>,
    sequential: bool,
) -> Result<(Shape, Key, bool), ModelError> {
    let inputs: Vec<(usize, &Node<'_>)> = layers
        .iter()
        .enumerate()
        .filter(|(_, l)| l.get("class_name").and_then(|c| c.value.as_str()) == Some("InputLayer"))
        .collect();
    let first_class = layers
        .first()
        .and_then(|l| l.get("class_name"))
        .and_then(|c| c.value.as_str().map(str::to_owned));
    if let (true, [], Some("Functional" | "Model" | "Sequential")) =
        (sequential, inputs.as_slice(), first_class.as_deref())
    {
        // A Sequential model that starts with a nested model (a transfer-learning base)
        // takes that model's input.
        let nested = layers[0].field("config")?;
        let (shape, _, flat) = input(
            &inner_layers(&nested)?,
            &nested,
            first_class.as_deref() == Some("Sequential"),
        )?;
        return Ok((shape, input_key_sequential(), flat));
    }
    let (layer, key) = match inputs.as_slice() {
        [(i, l)] => (*l, (layer_name(l, *i)?, 0, 0)),
        [] if sequential && !layers.is_empty() => (&layers[0], input_key_sequential()),
        [] => return Err(config.error("found no InputLayer, expected one")),
        [_, (_, second), ..] => {
            return Err(second.error(format!(
                "found {} InputLayers, expected one (the planner plans a model with one input)",
                inputs.len()
            )))
        }
    };
    let shape = declared_shape(layer)?;
    let dims = shape.items()?;
    let (input, flat) =
        match dims.as_slice() {
            [_, h, w, c] => (Shape::new(h.size(1)?, w.size(1)?, c.size(1)?), false),
            [_, n] => (Shape::new(1, 1, n.size(1)?), true),
            _ => return Err(shape.expected(
                "[batch, height, width, channels] (an image) or [batch, features] (a flat input)",
            )),
        };
    crate::model::limits::check_shape(None, "input", input).map_err(|e| shape.error(e.message))?;
    Ok((input, key, flat))
}

/// The model input's shape as `layer` (an `InputLayer`, or a Sequential model's first
/// layer) declares it: `batch_input_shape` or `batch_shape` (Keras 2, 3), or
/// `build_config.input_shape` (Keras 3).
pub fn declared_shape<'a>(layer: &Node<'a>) -> Result<Node<'a>, ModelError> {
    let cfg = layer.field("config")?;
    ["batch_input_shape", "batch_shape"]
        .iter()
        .find_map(|key| cfg.get(key))
        .or_else(|| layer.get("build_config").and_then(|b| b.get("input_shape")))
        .ok_or_else(|| {
            layer.error(
                "found no input shape, expected an InputLayer with batch_shape or \
                 batch_input_shape, or batch_input_shape on the first layer",
            )
        })
}

/// For each layer, whether every layer that reads it (and every one after those) is a
/// `Dense`, a `Flatten` or a cost-free layer: only then may a `Dense` on a flat tensor
/// be a fully-connected layer (the planner allows nothing but FCs after an FC).
///
/// A layer fails when one of its readers is of another class, and then so does every
/// layer it reads: a walk back along the reads from those, each layer visited once, so
/// the work is linear in the calls whatever order the file lists them in (a fixed
/// point over the listed order took one pass per layer for a reversed list).
fn fc_tail(calls: &[Pending<'_>]) -> HashMap<String, bool> {
    let mut reads: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut failing = Vec::new();
    for c in calls {
        let fc_like = matches!(c.class, "Dense" | "Flatten") || FREE.contains(&c.class);
        for ((from, _, _), _) in &c.reads {
            reads
                .entry(c.name.as_str())
                .or_default()
                .push(from.as_str());
            if !fc_like {
                failing.push(from.as_str());
            }
        }
    }
    let mut ok: HashMap<String, bool> = calls.iter().map(|c| (c.name.clone(), true)).collect();
    while let Some(name) = failing.pop() {
        match ok.get_mut(name) {
            Some(fine) if *fine => *fine = false,
            _ => continue,
        }
        failing.extend(reads.get(name).into_iter().flatten());
    }
    ok
}
