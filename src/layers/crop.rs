//! Cropping: Keras' `Cropping2D`, an ONNX `Slice` of the height and width. The output is
//! the input less `top` and `bottom` rows and `left` and `right` columns; it costs no
//! FLOPs, and output row `y` reads input row `y + top` (`docs/spec-dag.md` D1: the
//! cropped window, shifted).

use super::prelude::*;

plain_kind! {
    Crop { top, bottom, left, right }
}

impl Op for Crop {
    fn text(&self, _: &LayerInfo) -> String {
        let Crop { top, bottom, left, right } = self;
        format!("crop {top}/{bottom} rows, {left}/{right} columns")
    }

    /// The input less the cropped rows and columns, or why nothing would be left.
    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        let input = at.one()?;
        let keep = |n: u32, a: u32, b: u32, what: &str| {
            let cut = u64::from(a) + u64::from(b);
            if cut >= u64::from(n) {
                return Err(at.error(format!(
                    "cropping {a} + {b} {what} of {n} leaves none (a crop keeps at least one)"
                )));
            }
            Ok(n - cut as u32)
        };
        Ok(at.free(Shape::new(
            keep(input.height, self.top, self.bottom, "rows")?,
            keep(input.width, self.left, self.right, "columns")?,
            input.channels,
        )))
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
