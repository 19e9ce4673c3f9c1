//! The model an importer is building in the paper's chain form, layer by layer, checked
//! by the core as it grows: every layer is stepped through [`step`] on the current
//! shape, so an importer can resolve shape-dependent options exactly. A model the chain
//! cannot write is then read as a DAG ([`super::graph`]), whose errors the user sees.

use super::origins::{step, Draft, Origin};
use crate::model::{Conv, Layer, ModelError, Network, Shape};

/// The last conv while only cost-free layers followed it: a pool may still fuse into it.
#[derive(Clone, Copy)]
pub struct Poolable {
    index: usize,
    input: Shape,
    conv: Conv,
    /// Its conv output, which the pool reads.
    pub conv_out: Shape,
}

pub struct Chain {
    draft: Draft,
    /// The current output tensor.
    pub shape: Shape,
    poolable: Option<Poolable>,
}

impl Chain {
    pub fn new(name: String, input: Shape, origin: Origin) -> Self {
        Chain {
            draft: Draft::new(name, input, origin),
            shape: input,
            poolable: None,
        }
    }

    /// Number of layers so far.
    pub fn len(&self) -> usize {
        self.draft.len()
    }

    /// Appends `layer`, written at `origin`; returns its 1-based index.
    pub fn push(&mut self, layer: Layer, origin: Origin) -> Result<usize, ModelError> {
        let info = step(self.shape, layer).map_err(|m| origin.error(m))?;
        self.poolable = match layer {
            Layer::Conv(conv) => Some(Poolable {
                index: self.len() + 1,
                input: self.shape,
                conv,
                conv_out: info.conv_out,
            }),
            _ => None,
        };
        self.shape = info.output;
        Ok(self.draft.push(layer, Vec::new(), origin))
    }

    /// The conv a pool written at `origin` fuses into: the last one, if only cost-free
    /// layers followed it and it has no pool yet.
    pub fn pool_target(&mut self, origin: &Origin) -> Result<Poolable, ModelError> {
        self.poolable
            .take()
            .ok_or_else(|| origin.error("a pool after no conv to fuse into"))
    }

    /// Gives `p` a pool of `size` and `stride`, checked against its conv output.
    pub fn fuse(
        &mut self,
        p: Poolable,
        size: u32,
        stride: u32,
        origin: &Origin,
    ) -> Result<(), ModelError> {
        let pooled = Layer::Conv(p.conv.with_pool(size, stride));
        let info = step(p.input, pooled).map_err(|m| origin.error(m))?;
        self.draft.model.layers[p.index - 1] = pooled;
        self.shape = info.output;
        Ok(())
    }

    /// A global pool `H×W×C → 1×1×C` written at `origin`: on a square map exactly a pool
    /// of size and stride `H` fused into the last conv; nothing on a `1×1` map.
    pub fn global_pool(&mut self, origin: &Origin) -> Result<(), ModelError> {
        if self.shape.height == 1 && self.shape.width == 1 {
            return Ok(());
        }
        let p = self.pool_target(origin)?;
        let Shape { height, width, .. } = p.conv_out;
        if height != width {
            return Err(origin.error("a global pool over a map that is not square"));
        }
        self.fuse(p, height, height, origin)
    }

    /// Something that is not a conv now stands after the last conv (a flatten, a route).
    pub fn close_pool(&mut self) {
        self.poolable = None;
    }

    /// Sets the passthrough, written at `origin`.
    pub fn set_passthrough(&mut self, p: crate::model::Passthrough, origin: Origin) {
        self.draft.model.passthrough = Some(p);
        self.close_pool();
        self.draft.origins.passthrough = Some(origin);
    }

    /// Where the passthrough was written, if there is one.
    pub fn passthrough_origin(&self) -> Option<&Origin> {
        self.draft.origins.passthrough.as_ref()
    }

    /// Validates the whole model, errors moved to where the user wrote them.
    pub fn finish(self) -> Result<Network, ModelError> {
        self.draft.finish()
    }
}
