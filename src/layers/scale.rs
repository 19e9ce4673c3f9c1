//! `inputs[0]` (H×W×C) times a per-channel factor `inputs[1]` (1×1×C), as in SE
//! blocks; no FLOPs (spec §1).

use super::{Derived, Inputs, Op};
use crate::model::ModelError;

pub struct Scale;

impl Op for Scale {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        at.arity(
            "two inputs (the tensor, then its factors)",
            at.shapes.len() == 2,
        )?;
        let (input, f) = (at.shapes[0], at.shapes[1]);
        if f.height != 1 || f.width != 1 || f.channels != input.channels {
            return Err(at.error(format!(
                "scale factors must be 1×1×{}, found {}×{}×{}",
                input.channels, f.height, f.width, f.channels
            )));
        }
        Ok(Derived::free(input))
    }
}
