//! A branching (DAG) model an importer is building, layer by layer. Like
//! [`super::chain::Chain`] it checks each layer as it is added, so that shape-dependent
//! options (Keras "same" padding, Darknet's pool padding) are resolved on the real input
//! and a misfit is reported where the user wrote the layer; unlike it, a layer may read
//! any earlier tensor, or several.
//!
//! Tensors are numbered as the core numbers them: 0 is the model input, `n` the output
//! of layer `n` (1-based).

use super::origins::{step, Draft, Origin};
use crate::model::{Layer, ModelError, Network, Shape};

pub struct Graph {
    draft: Draft,
    /// The shape of every tensor so far, the model input first.
    shapes: Vec<Shape>,
}

impl Graph {
    pub fn new(name: String, input: Shape, origin: Origin) -> Self {
        Graph {
            draft: Draft::new(name, input, origin),
            shapes: vec![input],
        }
    }

    /// The shape of tensor `t` (0: the model input).
    pub fn shape(&self, t: usize) -> Shape {
        self.shapes[t]
    }

    /// Appends `layer` reading the tensors `inputs` (in order), written at `origin`;
    /// returns its tensor. One-input layers are stepped by the core's own rules; the
    /// shapes of multi-input layers are derived here and checked again by the core when
    /// the model is finished.
    pub fn push(
        &mut self,
        layer: Layer,
        inputs: &[usize],
        origin: Origin,
    ) -> Result<usize, ModelError> {
        // The core refuses more than MAX_LAYERS when the model is finished; stop long
        // before a hostile text (a shortcut can add dozens of layers) costs real time.
        let cap = 10 * crate::model::limits::MAX_LAYERS;
        if self.draft.len() == cap {
            return Err(self.draft.origins.model.error(format!(
                "the model has more than {cap} layers, more than the limit of {}",
                crate::model::limits::MAX_LAYERS
            )));
        }
        let shapes: Vec<Shape> = inputs.iter().map(|&t| self.shapes[t]).collect();
        let output = match shapes.as_slice() {
            [one] => step(*one, layer).map_err(|m| origin.error(m))?.output,
            _ => joined(layer, &shapes, &origin)?,
        };
        let reads = if inputs == [self.draft.len()] {
            Vec::new()
        } else {
            inputs.to_vec()
        };
        self.shapes.push(output);
        Ok(self.draft.push(layer, reads, origin))
    }

    /// Validates the whole model, errors moved to where the user wrote them. A model
    /// whose every layer reads the one before it is written as a chain (no `inputs`).
    pub fn finish(self) -> Result<Network, ModelError> {
        if self.draft.len() == 0 {
            return Err(self
                .draft
                .origins
                .model
                .error("found no layer that computes anything (conv, connected, pool…)"));
        }
        self.draft.finish()
    }
}

/// The output of `layer` reading several tensors of `shapes`, or why they do not fit.
fn joined(layer: Layer, shapes: &[Shape], origin: &Origin) -> Result<Shape, ModelError> {
    match (layer, shapes) {
        (Layer::Add | Layer::Mul, [first, rest @ ..]) => {
            if let Some(other) = rest.iter().find(|s| *s != first) {
                let verb = if layer == Layer::Add {
                    "adds"
                } else {
                    "multiplies"
                };
                return Err(origin.error(format!(
                    "{verb} tensors of different shapes: {} and {}",
                    show(*first),
                    show(*other)
                )));
            }
            Ok(*first)
        }
        (Layer::Concat, [first, ..]) => {
            if let Some(other) =
                (shapes.iter()).find(|s| s.height != first.height || s.width != first.width)
            {
                return Err(origin.error(format!(
                    "concatenates maps of different sizes: {} and {}",
                    show(*first),
                    show(*other)
                )));
            }
            let channels: u64 = shapes.iter().map(|s| u64::from(s.channels)).sum();
            let channels = crate::model::limits::checked_u32(None, "concat channels", &[channels])
                .map_err(|e| origin.error(e.message))?;
            Ok(Shape::new(first.height, first.width, channels))
        }
        (Layer::Scale, [map, factors]) => {
            if factors.height != 1 || factors.width != 1 || factors.channels != map.channels {
                return Err(origin.error(format!(
                    "scales a {} map by {} factors, expected 1×1×{}",
                    show(*map),
                    show(*factors),
                    map.channels
                )));
            }
            Ok(*map)
        }
        _ => Err(origin.error(format!(
            "a {} layer cannot read {} inputs",
            layer.type_name(),
            shapes.len()
        ))),
    }
}

/// `H×W×C`.
pub fn show(s: Shape) -> String {
    format!("{}×{}×{}", s.height, s.width, s.channels)
}
