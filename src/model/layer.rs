//! The user-facing description of a model: what a person writes in JSON.
//!
//! These types only describe; [`crate::model::Network`] checks them and derives every
//! shape, FLOP count and parameter count the cost model needs.

use serde::{Deserialize, Serialize};

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

/// A max-pool fused to the output of a conv layer (no padding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    pub size: u32,
    pub stride: u32,
}

/// A convolutional layer (CL) with square kernels and symmetric padding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Conv {
    pub filters: u32,
    pub kernel: u32,
    pub stride: u32,
    pub padding: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<Pool>,
}

impl Conv {
    /// A conv with stride 1 and "same" padding (`⌊kernel/2⌋`), the common case.
    pub const fn same(filters: u32, kernel: u32) -> Self {
        Conv {
            filters,
            kernel,
            stride: 1,
            padding: kernel / 2,
            pool: None,
        }
    }

    pub const fn with_stride(mut self, stride: u32, padding: u32) -> Self {
        self.stride = stride;
        self.padding = padding;
        self
    }

    pub const fn with_pool(mut self, size: u32, stride: u32) -> Self {
        self.pool = Some(Pool { size, stride });
        self
    }
}

/// A fully-connected layer (FL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fc {
    pub outputs: u32,
}

/// One layer of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Layer {
    Conv(Conv),
    Fc(Fc),
}

impl Layer {
    pub fn is_conv(&self) -> bool {
        matches!(self, Layer::Conv(_))
    }
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

/// A model as written by a person: an input and a chain of layers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Model {
    pub name: String,
    pub input: Shape,
    pub layers: Vec<Layer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passthrough: Option<Passthrough>,
}
