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

use super::layers::{Call, Tensor, FREE};
use super::node::Node;
use crate::import::graph::Graph;
use crate::import::origins::Origin;
use crate::model::{ModelError, Network, Shape};

/// A tensor by the layer call that made it: `(layer name, node index, tensor index)`.
type Key = (String, usize, usize);

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

/// Every call of every layer but the input, with the tensors it reads.
fn calls<'a>(layers: &[Node<'a>], sequential: bool) -> Result<Vec<Pending<'a>>, ModelError> {
    let mut calls = Vec::new();
    let mut previous = input_key_sequential();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (i, layer) in layers.iter().enumerate() {
        let class_node = layer.field("class_name")?;
        let class = class_node.str()?;
        let name = layer_name(layer, i)?;
        if let Some(first) = seen.insert(name.clone(), layer.path.clone()) {
            return Err(layer.error(format!(
                "the layer name \"{}\" is used again (first at {first}); calls name layers, \
                 so names must be unique",
                crate::import::preview(&name)
            )));
        }
        if class == "InputLayer" {
            previous = (name, 0, 0);
            continue;
        }
        if matches!(class, "Functional" | "Model" | "Sequential") {
            return Err(class_node.expected(
                "a layer (a model nested as a layer is not read; save the outer model with \
                 its layers expanded)",
            ));
        }
        if !super::layers::is_known(class) {
            return Err(class_node.expected(&format!("one of {}", super::layers::SUPPORTED)));
        }
        if sequential {
            let reads = vec![(previous.clone(), layer.clone())];
            previous = (name.clone(), 0, 0);
            calls.push(Pending {
                layer: layer.clone(),
                class,
                name,
                node: 0,
                reads,
                constants: 0,
            });
            continue;
        }
        let nodes = match layer.get("inbound_nodes") {
            Some(n) => n.items()?,
            None => Vec::new(),
        };
        if nodes.is_empty() {
            return Err(layer.error(format!(
                "layer \"{}\" has no inbound_nodes (it is never called)",
                crate::import::preview(&name)
            )));
        }
        for (k, node) in nodes.iter().enumerate() {
            let mut reads = Vec::new();
            node_inputs(node, &mut reads)?;
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
            calls.push(Pending {
                layer: layer.clone(),
                class,
                name: name.clone(),
                node: k,
                reads,
                constants,
            });
        }
    }
    Ok(calls)
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
fn node_inputs<'a>(node: &Node<'a>, out: &mut Vec<(Key, Node<'a>)>) -> Result<(), ModelError> {
    if let Some(args) = node.get("args") {
        return history(&args, out);
    }
    for entry in node.items()? {
        let parts = entry.items()?;
        let [name, n, t, ..] = parts.as_slice() else {
            return Err(entry.expected("[layer name, node index, tensor index, …]"));
        };
        out.push((
            (name.str()?.to_owned(), index(n)?, index(t)?),
            entry.clone(),
        ));
    }
    Ok(())
}

/// Every `keras_history` in Keras 3 call arguments, in order.
fn history<'a>(value: &Node<'a>, out: &mut Vec<(Key, Node<'a>)>) -> Result<(), ModelError> {
    if value.value.is_array() {
        for item in value.items()? {
            history(&item, out)?;
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
        out.push(((name.str()?.to_owned(), index(n)?, index(t)?), h.clone()));
    }
    Ok(())
}

fn index(n: &Node<'_>) -> Result<usize, ModelError> {
    let i = n.size(0)?;
    Ok(i as usize)
}

/// The model input: the single `InputLayer` (or, in a Sequential model without one,
/// the first layer's `batch_input_shape`), `[batch, h, w, c]` or flat `[batch, n]`.
fn input(
    layers: &[Node<'_>],
    config: &Node<'_>,
    sequential: bool,
) -> Result<(Shape, Key, bool), ModelError> {
    let inputs: Vec<(usize, &Node<'_>)> = layers
        .iter()
        .enumerate()
        .filter(|(_, l)| l.get("class_name").and_then(|c| c.value.as_str()) == Some("InputLayer"))
        .collect();
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
    let cfg = layer.field("config")?;
    let shape = ["batch_input_shape", "batch_shape"]
        .iter()
        .find_map(|key| cfg.get(key))
        .or_else(|| layer.get("build_config").and_then(|b| b.get("input_shape")));
    let Some(shape) = shape else {
        return Err(layer.error(
            "found no input shape, expected an InputLayer with batch_shape or \
             batch_input_shape, or batch_input_shape on the first layer",
        ));
    };
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

/// For each layer, whether every layer that reads it (and every one after those) is a
/// `Dense`, a `Flatten` or a cost-free layer: only then may a `Dense` on a flat tensor
/// be a fully-connected layer (the planner allows nothing but FCs after an FC).
fn fc_tail(calls: &[Pending<'_>]) -> HashMap<String, bool> {
    let mut readers: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for c in calls {
        for ((from, _, _), _) in &c.reads {
            readers
                .entry(from.as_str())
                .or_default()
                .push((c.name.as_str(), c.class));
        }
    }
    let mut ok: HashMap<String, bool> = calls.iter().map(|c| (c.name.clone(), true)).collect();
    // Monotone: a layer only ever turns false. Walking the (topological) list backwards
    // settles it in one pass plus one to see nothing changes.
    loop {
        let mut changed = false;
        for c in calls.iter().rev() {
            if !ok[&c.name] {
                continue;
            }
            let bad = readers.get(c.name.as_str()).is_some_and(|rs| {
                rs.iter().any(|(name, class)| {
                    !(matches!(*class, "Dense" | "Flatten") || FREE.contains(class)) || !ok[*name]
                })
            });
            if bad {
                ok.insert(c.name.clone(), false);
                changed = true;
            }
        }
        if !changed {
            return ok;
        }
    }
}
