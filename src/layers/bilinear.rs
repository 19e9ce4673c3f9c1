//! Bilinear upsampling by an integer factor in both directions, with half-pixel centres
//! (torch's `align_corners=False`, ONNX's `half_pixel`, TF2's and Keras' `bilinear`):
//! output row `y` blends the two input rows around `(y + ½) / factor − ½`, so a band of
//! output rows reads one more input row than nearest upsampling does; no FLOPs, as an
//! upsampling (spec §1).

use super::prelude::*;
use super::upsample::upsampled;
use crate::execute::meter;
use crate::execute::rounds::kernels::clipped;

plain_kind! {
    Bilinear { factor }
}

/// The two input rows (or columns, of `n`) that output `y` blends, and the second's
/// weight: the source `(y + ½) / f − ½`, clamped at 0, counted in exact halves of `1/f`.
/// Past the last row (a range the sweep clips) both rows are the last.
pub(crate) fn source(y: u32, f: u32, n: u32) -> (u32, u32, f32) {
    let twice = (2 * u64::from(y) + 1).saturating_sub(u64::from(f));
    let step = 2 * u64::from(f);
    let lo = (twice / step).min(u64::from(n - 1)) as u32;
    let weight = (twice - u64::from(lo) * step) as f32 / step as f32;
    (lo, (lo + 1).min(n - 1), weight)
}

/// The input rows (of `n`) that output rows `a..=b` read.
pub(crate) fn back(f: u32, a: u32, b: u32, n: u32) -> (u32, u32) {
    (source(a, f, n).0, source(b, f, n).1)
}

impl Op for Bilinear {
    fn text(&self, _: &LayerInfo) -> String {
        format!("bilinear upsample ×{}", self.factor)
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        upsampled(at, self.factor)
    }

    fn row_map(&self, _layer: &LayerInfo) -> RowMap {
        RowMap::Bilinear(self.factor)
    }
}

/// Work of one output row: four taps per element and two input rows looked up.
fn row_work(out: Shape) -> u64 {
    mul(row_len(out), 4).saturating_add(2)
}

impl Kernel for Bilinear {
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let (inp, out, f) = (c.layer.input, c.layer.output, self.factor);
        let ch = out.channels as usize;
        let cols: Vec<_> = (0..out.width).map(|x| source(x, f, inp.width)).collect();
        let mut store = RowStore::empty(c.name, out.height, (out.width * out.channels) as usize);
        for y in clipped(c.rows, out.height) {
            meter::work(row_work(out));
            let (r0, r1, wy) = source(y, f, inp.height);
            let (top, bottom) = (c.inputs[0].row(r0)?, c.inputs[0].row(r1)?);
            let mut row = Vec::with_capacity(out.width as usize * ch);
            for &(x0, x1, wx) in &cols {
                let (x0, x1) = (x0 as usize * ch, x1 as usize * ch);
                for k in 0..ch {
                    let blend = |line: &[f32]| line[x0 + k] * (1.0 - wx) + line[x1 + k] * wx;
                    row.push(blend(top) * (1.0 - wy) + blend(bottom) * wy);
                }
            }
            store.put(y, row);
        }
        Ok(store)
    }

    fn row_work(&self, c: &CostCall) -> u64 {
        row_work(c.layer.output)
    }
}
