//! `inputs[0]` (H×W×C) times a per-channel factor `inputs[1]` (1×1×C), as in SE
//! blocks; no FLOPs (spec §1). The executor gates by the factor (`kernels::gate`).

use super::prelude::*;
use crate::execute::rounds::kernels::gate;

pub struct Scale;

impl Op for Scale {
    fn text(&self, _: &LayerInfo) -> String {
        "per-channel scale".into()
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        at.arity(
            "two inputs (the tensor, then its factors)",
            at.shapes.len() == 2,
        )?;
        let (input, f) = (at.shapes[0], at.shapes[1]);
        if f.height != 1 || f.width != 1 || f.channels != input.channels {
            return Err(at.error(format!(
                "scales a {input} map by {f} factors, expected 1×1×{}",
                input.channels
            )));
        }
        Ok(at.free(input))
    }
}

impl Kernel for Scale {
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let ch = c.layer.output.channels as usize;
        per_row(c, same_row, |lines, row| {
            let factors = &lines[1][..ch];
            for (px, src) in row.chunks_exact_mut(ch).zip(lines[0].chunks_exact(ch)) {
                for ((a, &v), &f) in px.iter_mut().zip(src).zip(factors) {
                    *a = v * gate(f);
                }
            }
        })
    }
}
