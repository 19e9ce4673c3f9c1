//! The user-facing description of a model: what a person writes in JSON.
//!
//! These types only describe; [`crate::model::Network`] checks them and derives every
//! shape, FLOP count and parameter count the cost model needs.

use serde::{Deserialize, Serialize};

use super::window::Axis;

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

/// A convolutional layer (CL). The chain models of the paper use square kernels and
/// symmetric padding; DAG models may also set a rectangular kernel or stride,
/// asymmetric padding, dilation and groups (each `None` means "as the square case").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Conv {
    pub filters: u32,
    /// Kernel height (and width unless `kernel_w`).
    pub kernel: u32,
    /// Vertical stride (and horizontal unless `stride_w`).
    pub stride: u32,
    /// Top padding (and every other side unless set).
    pub padding: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<Pool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel_w: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stride_w: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pad_bottom: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pad_left: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pad_right: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dilation: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<u32>,
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
            kernel_w: None,
            stride_w: None,
            pad_bottom: None,
            pad_left: None,
            pad_right: None,
            dilation: None,
            groups: None,
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

    pub const fn with_groups(mut self, groups: u32) -> Self {
        self.groups = Some(groups);
        self
    }

    /// True when only the paper's square, symmetric, ungrouped fields are used (the
    /// case the chain solver and the executor handle).
    pub fn is_square(&self) -> bool {
        self.kernel_w.is_none()
            && self.stride_w.is_none()
            && self.pad_bottom.is_none()
            && self.pad_left.is_none()
            && self.pad_right.is_none()
            && self.dilation.is_none()
            && self.groups.is_none()
    }

    /// The window along the rows.
    pub fn rows(&self) -> Axis {
        Axis {
            kernel: self.kernel,
            stride: self.stride,
            pad_before: self.padding,
            pad_after: self.pad_bottom.unwrap_or(self.padding),
            dilation: self.dilation.unwrap_or(1),
            ceil: false,
        }
    }

    /// The window along the columns.
    pub fn cols(&self) -> Axis {
        Axis {
            kernel: self.kernel_w.unwrap_or(self.kernel),
            stride: self.stride_w.unwrap_or(self.stride),
            pad_before: self.pad_left.unwrap_or(self.padding),
            pad_after: self.pad_right.unwrap_or(self.padding),
            dilation: self.dilation.unwrap_or(1),
            ceil: false,
        }
    }

    pub fn group_count(&self) -> u32 {
        self.groups.unwrap_or(1)
    }
}

/// A fully-connected layer (FL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Fc {
    pub outputs: u32,
}

/// Max or average pooling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolMode {
    Max,
    Avg,
}

/// A standalone pooling layer (DAG models): rectangular windows, padding, ceil mode,
/// or global (one output per channel). Pools cost no FLOPs (spec §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PoolLayer {
    pub mode: PoolMode,
    /// Global pooling: the window is the whole input; the other fields are ignored.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub global: bool,
    pub size: u32,
    pub stride: u32,
    #[serde(skip_serializing_if = "is_zero")]
    pub padding: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_w: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stride_w: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pad_bottom: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pad_left: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pad_right: Option<u32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ceil: bool,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

impl PoolLayer {
    /// A square pool with no padding, in floor mode.
    pub const fn new(mode: PoolMode, size: u32, stride: u32) -> Self {
        PoolLayer {
            mode,
            global: false,
            size,
            stride,
            padding: 0,
            size_w: None,
            stride_w: None,
            pad_bottom: None,
            pad_left: None,
            pad_right: None,
            ceil: false,
        }
    }

    /// A global pool (e.g. global average pooling before the classifier).
    pub const fn global(mode: PoolMode) -> Self {
        let mut p = PoolLayer::new(mode, 1, 1);
        p.global = true;
        p
    }

    /// The window along the rows, for an input of `height` rows.
    pub fn rows(&self, height: u32) -> Axis {
        if self.global {
            return Axis::plain(height, 1, 0);
        }
        Axis {
            kernel: self.size,
            stride: self.stride,
            pad_before: self.padding,
            pad_after: self.pad_bottom.unwrap_or(self.padding),
            dilation: 1,
            ceil: self.ceil,
        }
    }

    /// The window along the columns, for an input of `width` columns.
    pub fn cols(&self, width: u32) -> Axis {
        if self.global {
            return Axis::plain(width, 1, 0);
        }
        Axis {
            kernel: self.size_w.unwrap_or(self.size),
            stride: self.stride_w.unwrap_or(self.stride),
            pad_before: self.pad_left.unwrap_or(self.padding),
            pad_after: self.pad_right.unwrap_or(self.padding),
            dilation: 1,
            ceil: self.ceil,
        }
    }
}

/// One channel group of its input (Darknet's `route groups= group_id=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Split {
    pub groups: u32,
    pub group_id: u32,
}

/// Nearest-neighbour upsampling by an integer factor in both directions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Upsample {
    pub factor: u32,
}

/// Space-to-depth (Darknet's `[reorg]`, ONNX's `SpaceToDepth`): each `stride × stride`
/// patch becomes `stride²` channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Reorg {
    pub stride: u32,
}

/// Channel shuffle (reshape to `groups × C/groups`, transpose, reshape back).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shuffle {
    pub groups: u32,
}

/// One layer of the model. `Conv` and `Fc` are the paper's; the others appear in
/// branching (DAG) models and cost no FLOPs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Layer {
    Conv(Conv),
    Fc(Fc),
    Pool(PoolLayer),
    /// Elementwise sum of two or more tensors of one shape (residual connections).
    Add,
    /// Elementwise product of two or more tensors of one shape (spatial attention:
    /// Darknet's `[sam]`, a Keras `Multiply` or an ONNX `Mul` of two whole maps). It has
    /// `Add`'s data flow (row `y` reads row `y` of each input) and, like it, no FLOPs.
    Mul,
    /// `inputs[0]` (H×W×C) times a per-channel factor `inputs[1]` (1×1×C), as in SE blocks.
    Scale,
    /// Concatenation along the channels of tensors of one height and width.
    Concat,
    Split(Split),
    Upsample(Upsample),
    Shuffle(Shuffle),
    Reorg(Reorg),
    Crop(super::Crop),
}

impl Layer {
    /// True for the layers only DAG models use (everything but the paper's square
    /// conv and the FL).
    pub fn is_dag_only(&self) -> bool {
        match self {
            Layer::Conv(c) => !c.is_square(),
            Layer::Fc(_) => false,
            _ => true,
        }
    }

    /// The name used in the JSON format and in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Layer::Conv(_) => "conv",
            Layer::Fc(_) => "fc",
            Layer::Pool(_) => "pool",
            Layer::Add => "add",
            Layer::Mul => "mul",
            Layer::Scale => "scale",
            Layer::Concat => "concat",
            Layer::Split(_) => "split",
            Layer::Upsample(_) => "upsample",
            Layer::Shuffle(_) => "shuffle",
            Layer::Reorg(_) => "reorg",
            Layer::Crop(_) => "crop",
        }
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
        let mut m = s.serialize_struct("Model", 4)?;
        m.serialize_field("name", &self.name)?;
        m.serialize_field("input", &self.input)?;
        m.serialize_field("layers", &layers)?;
        if let Some(p) = &self.passthrough {
            m.serialize_field("passthrough", p)?;
        }
        m.end()
    }
}
