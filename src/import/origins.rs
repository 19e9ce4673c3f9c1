//! Where each layer of an imported model came from, so that an error the core finds
//! (a kernel larger than its input, a FLOP limit) points at the line or JSON path that
//! wrote the layer rather than at a layer number the user never wrote.

use crate::layers::Inputs;
use crate::model::{Layer, LayerInfo, Model, ModelError, Network, Shape};

/// A place in the source text and what stands there, e.g. `line 40` and `[convolutional]`.
#[derive(Clone, Debug)]
pub struct Origin {
    pub location: String,
    pub label: String,
}

impl Origin {
    pub fn new(location: impl Into<String>, label: impl Into<String>) -> Self {
        Origin {
            location: location.into(),
            label: label.into(),
        }
    }

    /// This place in words, `line 40 [convolutional]`: what the page finds a layer by.
    fn source(&self) -> String {
        format!("{} {}", self.location, self.label)
    }

    /// An error at this place: `label: message`.
    pub fn error(&self, message: impl std::fmt::Display) -> ModelError {
        ModelError::at(self.location.clone(), format!("{}: {message}", self.label))
    }
}

/// The origin of every layer, of the passthrough and of the whole model.
#[derive(Debug)]
pub struct Origins {
    pub model: Origin,
    pub layers: Vec<Origin>,
    pub passthrough: Option<Origin>,
}

impl Origins {
    pub fn new(model: Origin) -> Self {
        Origins {
            model,
            layers: Vec::new(),
            passthrough: None,
        }
    }

    /// Validates `model` with the core, moving its errors to where the user wrote them;
    /// the network keeps where each layer was written.
    pub fn finish(&self, model: &Model) -> Result<Network, ModelError> {
        let mut net = Network::new(model).map_err(|e| self.relocate(e))?;
        if self.layers.len() == net.layers.len() {
            net.sources = self.layers.iter().map(Origin::source).collect();
        }
        Ok(net)
    }

    fn relocate(&self, e: ModelError) -> ModelError {
        let origin = match e.location.as_str() {
            "passthrough" => self.passthrough.as_ref(),
            loc => loc
                .strip_prefix("layer ")
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| self.layers.get(n.wrapping_sub(1))),
        };
        match origin {
            Some(o) => o.error(e.message),
            None => self.model.error(e),
        }
    }
}

/// A model being imported, layer by layer, with where each layer was written: the
/// bookkeeping the chain and graph builders of every importer share, so that the core's
/// errors land where the user wrote the layer.
pub struct Draft {
    pub model: Model,
    pub origins: Origins,
}

impl Draft {
    /// A model of no layers yet; `origin` is where the whole model was written.
    pub fn new(name: String, input: Shape, origin: Origin) -> Self {
        Draft {
            model: Model {
                name,
                input,
                layers: Vec::new(),
                passthrough: None,
                inputs: Vec::new(),
                gateway_head: None,
            },
            origins: Origins::new(origin),
        }
    }

    /// Number of layers so far.
    pub fn len(&self) -> usize {
        self.model.layers.len()
    }

    /// Appends `layer` reading `inputs` (empty: the layer before it), written at
    /// `origin`; returns its 1-based index.
    pub fn push(&mut self, layer: Layer, inputs: Vec<usize>, origin: Origin) -> usize {
        self.model.layers.push(layer);
        self.model.inputs.push(inputs);
        self.origins.layers.push(origin);
        self.len()
    }

    /// Validates the whole model with the core, errors moved to where the user wrote
    /// them. A model whose every layer reads the one before it is written as a chain
    /// (no `inputs`).
    pub fn finish(mut self) -> Result<Network, ModelError> {
        let chain = self
            .model
            .inputs
            .iter()
            .enumerate()
            .all(|(n, i)| i.is_empty() || i.as_slice() == [n]);
        if chain {
            self.model.inputs.clear();
        }
        self.origins.finish(&self.model)
    }
}

/// `layer` applied to `input` by the core's own rules: its shapes, or why it does not fit.
/// Importers step through a model with this to resolve shape-dependent options (Keras
/// "same" padding, Darknet pool padding, global pools) exactly as the core will.
pub fn step(input: Shape, layer: Layer) -> Result<LayerInfo, String> {
    let model = Model {
        name: String::new(),
        input,
        layers: vec![layer],
        passthrough: None,
        inputs: Vec::new(),
        gateway_head: None,
    };
    Network::new(&model)
        .map(|n| n.layers[0])
        .map_err(|e| e.message)
}

/// The output of `layer` reading tensors of `shapes`, by the core's own rules (one
/// input: [`step`]), or why they do not fit.
pub fn output(layer: Layer, shapes: &[Shape]) -> Result<Shape, String> {
    if let [one] = shapes {
        return step(*one, layer).map(|info| info.output);
    }
    // As a layer after the tensors it reads; only the message is kept, not its place.
    let reads: Vec<usize> = (0..shapes.len()).collect();
    let at = Inputs {
        index: shapes.len(),
        kind: layer,
        shapes,
        reads: &reads,
        dag: true,
        skip_channels: 0,
    };
    layer
        .op()
        .derive(&at)
        .map(|i| i.output)
        .map_err(|e| e.message)
}
