//! A standalone pooling layer (DAG models): max or average, rectangular windows,
//! padding, ceil mode, or global. Pools cost no FLOPs (spec §1).

use super::prelude::*;
use serde::Deserialize;
use crate::execute::pool::{slide, slide_cost, Window};

/// Max or average pooling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolMode {
    Max,
    Avg,
}

kind_struct! {
    /// A standalone pooling layer: one output per window, or per channel when global.
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

    /// The window `size` by `stride` (height, width) padded `[top, bottom, left, right]`.
    pub fn with_window(mut self, size: (u32, u32), stride: (u32, u32), pad: [u32; 4]) -> Self {
        (self.size, self.stride, self.padding) = (size.0, stride.0, pad[0]);
        let fields = super::window_fields(size, stride, pad);
        [self.size_w, self.stride_w, self.pad_bottom, self.pad_left, self.pad_right] = fields;
        self
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

impl Op for PoolLayer {
    fn text(&self, _: &LayerInfo) -> String {
        let mode = match self.mode {
            PoolMode::Max => "max",
            PoolMode::Avg => "avg",
        };
        if self.global {
            return format!("global {mode} pool");
        }
        let padding = match self.padding {
            0 => String::new(),
            p => format!(", padding {p}"),
        };
        let (w, ceil) = (self.size_w.unwrap_or(self.size), if self.ceil { ", ceil" } else { "" });
        format!("{mode} pool {}×{w}/{}{padding}{ceil}", self.size, self.stride)
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        let input = at.one()?;
        if !self.global {
            for (field, value) in [
                ("pool size", self.size),
                ("pool stride", self.stride),
                ("pool width", self.size_w.unwrap_or(self.size)),
                ("pool stride width", self.stride_w.unwrap_or(self.stride)),
            ] {
                limits::check_size(Some(at.index), field, value)?;
            }
        }
        let h = self
            .rows(input.height)
            .output(input.height)
            .map_err(|m| at.error(format!("pool rows: {m}")))?;
        let w = self
            .cols(input.width)
            .output(input.width)
            .map_err(|m| at.error(format!("pool columns: {m}")))?;
        Ok(at.free(Shape::new(h, w, input.channels)))
    }

    fn row_map(&self, layer: &LayerInfo) -> RowMap {
        RowMap::Window(self.rows(layer.input.height))
    }
}

impl Kernel for PoolLayer {
    /// Every window holds a real element (`Axis::output`).
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let (inp, out) = (c.layer.input, c.layer.output);
        let window = Window {
            rows: self.rows(inp.height),
            cols: self.cols(inp.width),
            mode: self.mode,
        };
        slide(c.inputs[0], inp, out, window, c.rows, c.name)
    }

    /// Each input row a window reads reduced once, then each output row combined from
    /// its window's reduced rows (bounded by the whole window).
    fn cost(&self, c: &CostCall) -> Cost {
        let (inp, o) = (c.layer.input, c.layer.output);
        let ra = self.rows(inp.height);
        let (lo, hi) = ra.back(c.out.first, c.out.last.min(o.height - 1), inp.height);
        let reduced = u64::from(hi.saturating_sub(lo)) + 1;
        let row_taps = u64::from(ra.kernel.min(inp.height));
        slide_cost(inp, o, reduced, row_taps, c.out.len())
    }
}

/// `mode` defaults to max, `stride` to the size; a size is required unless global.
pub(super) fn parse(e: &Fields, index: usize) -> Result<Layer, ModelError> {
    let global = e.global.unwrap_or(false);
    let size = match (global, e.size) {
        (true, _) => e.size.unwrap_or(1),
        (false, Some(size)) => size,
        (false, None) => {
            return Err(ModelError::layer(
                index,
                "a pool needs a size (or \"global\": true)",
            ))
        }
    };
    Ok(Layer::Pool(PoolLayer {
        mode: e.mode.unwrap_or(PoolMode::Max),
        global,
        size,
        stride: e.stride.unwrap_or(size),
        padding: e.padding.unwrap_or(0),
        size_w: e.size_w,
        stride_w: e.stride_w,
        pad_bottom: e.pad_bottom,
        pad_left: e.pad_left,
        pad_right: e.pad_right,
        ceil: e.ceil.unwrap_or(false),
    }))
}
