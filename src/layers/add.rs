//! Elementwise sum of two or more tensors of one shape (residual connections): row `y`
//! reads row `y` of each input; no FLOPs (spec §1).

use super::prelude::*;
use crate::execute::rounds::kernels::elementwise;

pub struct Add;

impl Op for Add {
    fn text(&self, _: &LayerInfo) -> String {
        "add (residual)".into()
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        at.elementwise("adds").map(|s| at.free(s))
    }
}

impl Kernel for Add {
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        elementwise(c, |a, v| *a += v)
    }
}
