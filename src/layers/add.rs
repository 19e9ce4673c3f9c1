//! Elementwise sum of two or more tensors of one shape (residual connections): row `y`
//! reads row `y` of each input; no FLOPs (spec §1).

use super::{Derived, Inputs, Op};
use crate::model::ModelError;

pub struct Add;

impl Op for Add {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        at.elementwise().map(Derived::free)
    }
}
