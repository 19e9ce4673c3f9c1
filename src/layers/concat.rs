//! Concatenation along the channels of tensors of one height and width; no FLOPs.

use super::{Derived, Inputs, Op};
use crate::model::{limits, ModelError, Shape};

pub struct Concat;

impl Op for Concat {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        at.arity("one or more inputs", !at.shapes.is_empty())?;
        at.all_alike("the same height and width", |a, b| {
            a.height == b.height && a.width == b.width
        })?;
        let channels: u64 = at.shapes.iter().map(|s| u64::from(s.channels)).sum();
        let first = at.shapes[0];
        Ok(Derived::free(Shape::new(
            first.height,
            first.width,
            limits::checked_u32(Some(at.index), "concat channels", &[channels])?,
        )))
    }
}
