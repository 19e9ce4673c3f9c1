//! Cropping: Keras' `Cropping2D`, an ONNX `Slice` of the height and width. The output is
//! the input less `top` and `bottom` rows and `left` and `right` columns; it costs no
//! FLOPs, and output row `y` reads input row `y + top` (`docs/spec-dag.md` D1: the
//! cropped window, shifted).

use serde::Serialize;

use super::{Derived, Inputs, Layer, Op};
use crate::execute::rounds::kernels::{per_row, Kernel, RowCall};
use crate::execute::tensor::{Missing, RowStore};
use crate::model::json::{need, Fields};
use crate::model::{LayerInfo, ModelError, RowMap, Shape};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Crop {
    pub top: u32,
    pub bottom: u32,
    pub left: u32,
    pub right: u32,
}

impl Crop {
    /// The cropped shape, or why nothing would be left.
    pub fn output(&self, input: Shape) -> Result<Shape, String> {
        let keep = |n: u32, a: u32, b: u32, what: &str| {
            let cut = u64::from(a) + u64::from(b);
            if cut >= u64::from(n) {
                return Err(format!(
                    "cropping {a} + {b} {what} of {n} leaves none (a crop keeps at least one)"
                ));
            }
            Ok(n - cut as u32)
        };
        Ok(Shape::new(
            keep(input.height, self.top, self.bottom, "rows")?,
            keep(input.width, self.left, self.right, "columns")?,
            input.channels,
        ))
    }
}

impl Op for Crop {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        let out = self.output(at.one()?).map_err(|m| at.error(m))?;
        Ok(Derived::free(out))
    }

    fn row_map(&self, _layer: &LayerInfo) -> RowMap {
        RowMap::Shift(self.top)
    }
}

impl Kernel for Crop {
    /// Output pixel `(y, x)` is input pixel `(y + top, x + left)`.
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let from = self.left as usize * c.layer.output.channels as usize;
        let top = self.top;
        per_row(
            c,
            move |y, _| y + top,
            |lines, row| {
                let n = row.len();
                row.copy_from_slice(&lines[0][from..from + n]);
            },
        )
    }
}

pub(super) const FIELDS: &[&str] = &["top", "bottom", "left", "right"];

pub(super) fn parse(e: &Fields, index: usize) -> Result<Layer, ModelError> {
    Ok(Layer::Crop(Crop {
        top: need(index, e.top, "top")?,
        bottom: need(index, e.bottom, "bottom")?,
        left: need(index, e.left, "left")?,
        right: need(index, e.right, "right")?,
    }))
}
