//! A branching (DAG) model an importer is building, layer by layer. Like
//! [`super::chain::Chain`] it checks each layer as it is added, so that shape-dependent
//! options (Keras "same" padding, Darknet's pool padding) are resolved on the real input
//! and a misfit is reported where the user wrote the layer; unlike it, a layer may read
//! any earlier tensor, or several.
//!
//! Tensors are numbered as the core numbers them: 0 is the model input, `n` the output
//! of layer `n` (1-based).

use super::origins::{output, Draft, Origin};
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
    /// returns its tensor, its shape derived by the core's own rules.
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
        let output = output(layer, &shapes).map_err(|m| origin.error(m))?;
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
