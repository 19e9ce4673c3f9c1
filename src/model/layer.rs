//! The user-facing description of a model: what a person writes in JSON.
//!
//! These types only describe; [`crate::model::Network`] checks them and derives every
//! shape, FLOP count and parameter count the cost model needs. Each layer kind (its
//! struct, its rules, its kernel) is in `crate::layers`.

use serde::{Deserialize, Serialize};

use super::GatewayHead;
use crate::layers::Layer;

/// A tensor shape `height × width × channels`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    pub height: u32,
    pub width: u32,
    pub channels: u32,
}

impl Shape {
    pub const fn new(height: u32, width: u32, channels: u32) -> Self {
        Shape {
            height,
            width,
            channels,
        }
    }

    /// Number of elements, which is also the input size `Ni` of a following FL.
    pub fn elements(&self) -> u64 {
        u64::from(self.height) * u64::from(self.width) * u64::from(self.channels)
    }
}

/// `H×W×C`, as messages write a shape.
impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{}×{}", self.height, self.width, self.channels)
    }
}

/// A max-pool fused to the output of a conv layer (no padding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    pub size: u32,
    pub stride: u32,
}

/// A skip branch like YOLOv2's passthrough: the conv output (before its pool) of layer
/// `source` goes through a 1×1 conv to `filters` channels and a space-to-depth reorg of
/// `reorg`, and is concatenated to the input channels of the conv layer `target`.
///
/// How it is computed and moved is a rule of this project (see `ARCHITECTURE.md`):
/// the round that computes `source` also computes the branch and uploads it; the gateway
/// stores it and sends it with the input of the round that computes `target`; a block
/// never holds both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Passthrough {
    /// 1-based index of the layer whose conv output feeds the branch.
    pub source: usize,
    /// 1-based index of the conv layer that consumes it.
    pub target: usize,
    pub filters: u32,
    pub reorg: u32,
}

/// A model as written by a person: an input and layers in a topological order.
///
/// `inputs` is empty for a chain (each layer reads the one before it). Otherwise it has
/// one entry per layer: the 1-based indices of the layers it reads (0 is the model's
/// input), or an empty list for "the previous layer".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    pub name: String,
    pub input: Shape,
    pub layers: Vec<Layer>,
    pub passthrough: Option<Passthrough>,
    pub inputs: Vec<Vec<usize>>,
    /// A detection head an importer left to the gateway: kept with the model, so that
    /// its project JSON (the page's links, `solve` of an exported file) still says it.
    pub gateway_head: Option<GatewayHead>,
}

impl Model {
    /// A chain model: each layer reads the one before it.
    pub fn chain(name: impl Into<String>, input: Shape, layers: Vec<Layer>) -> Self {
        Model {
            name: name.into(),
            input,
            layers,
            passthrough: None,
            inputs: Vec::new(),
            gateway_head: None,
        }
    }

    /// The layers layer `index` (1-based) reads, as written (empty: the previous one).
    pub fn inputs_of(&self, index: usize) -> &[usize] {
        self.inputs.get(index - 1).map_or(&[], Vec::as_slice)
    }
}

/// Serialises as the project's JSON format: each layer object carries its `inputs`
/// when it names them.
impl Serialize for Model {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        #[derive(Serialize)]
        struct Entry<'a> {
            #[serde(flatten)]
            layer: &'a Layer,
            #[serde(skip_serializing_if = "<[usize]>::is_empty")]
            inputs: &'a [usize],
        }
        let layers: Vec<Entry> = self
            .layers
            .iter()
            .enumerate()
            .map(|(n, layer)| Entry {
                layer,
                inputs: self.inputs_of(n + 1),
            })
            .collect();
        let mut m = s.serialize_struct("Model", 5)?;
        m.serialize_field("name", &self.name)?;
        m.serialize_field("input", &self.input)?;
        m.serialize_field("layers", &layers)?;
        if let Some(p) = &self.passthrough {
            m.serialize_field("passthrough", p)?;
        }
        if let Some(h) = &self.gateway_head {
            m.serialize_field("gateway_head", h)?;
        }
        m.end()
    }
}
