//! Elementwise sum of two or more tensors of one shape (residual connections): row `y`
//! reads row `y` of each input; no FLOPs (spec §1).

use super::{Derived, Inputs, Op};
use crate::execute::rounds::kernels::{elementwise, Kernel, RowCall};
use crate::execute::tensor::{Missing, RowStore};
use crate::model::ModelError;

pub struct Add;

impl Op for Add {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        at.elementwise().map(Derived::free)
    }
}

impl Kernel for Add {
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        elementwise(c, |a, v| *a += v)
    }
}
