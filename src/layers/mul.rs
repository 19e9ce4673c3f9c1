//! Elementwise product of two or more tensors of one shape (spatial attention: Darknet's
//! `[sam]`, a Keras `Multiply` or an ONNX `Mul` of two whole maps). It has `add`'s data
//! flow (row `y` reads row `y` of each input) and, like it, no FLOPs. The executor gates
//! the first input by the others (`kernels::gate`).

use super::prelude::*;
use crate::execute::rounds::kernels::{elementwise, gate};

pub struct Mul;

impl Op for Mul {
    fn text(&self, _: &LayerInfo) -> String {
        "elementwise product".into()
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        at.elementwise("multiplies").map(|s| at.free(s))
    }
}

impl Kernel for Mul {
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        // Every input after the first gates it (`kernels::gate`).
        elementwise(c, |a, v| *a *= gate(v))
    }
}
