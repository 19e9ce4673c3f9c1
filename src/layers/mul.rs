//! Elementwise product of two or more tensors of one shape (spatial attention: Darknet's
//! `[sam]`, a Keras `Multiply` or an ONNX `Mul` of two whole maps). It has `add`'s data
//! flow (row `y` reads row `y` of each input) and, like it, no FLOPs.

use super::{Derived, Inputs, Op};
use crate::model::ModelError;

pub struct Mul;

impl Op for Mul {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        at.elementwise().map(Derived::free)
    }
}
