//! One channel group of its input (Darknet's `route groups= group_id=`); no FLOPs.

use serde::Serialize;

use super::{Derived, Inputs, Layer, Op};
use crate::execute::rounds::kernels::{per_row, same_row, Kernel, RowCall};
use crate::execute::tensor::{Missing, RowStore};
use crate::model::json::{need, Fields};
use crate::model::{limits, ModelError, Shape};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Split {
    pub groups: u32,
    pub group_id: u32,
}

impl Op for Split {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        let input = at.one()?;
        limits::check_size(Some(at.index), "groups", self.groups)?;
        if input.channels % self.groups != 0 || self.group_id >= self.groups {
            return Err(at.error(format!(
                "cannot take group {} of {} from {} channels",
                self.group_id, self.groups, input.channels
            )));
        }
        let channels = input.channels / self.groups;
        Ok(Derived::free(Shape::new(
            input.height,
            input.width,
            channels,
        )))
    }
}

impl Kernel for Split {
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let ch = c.layer.output.channels as usize;
        let ci = ch * self.groups as usize;
        let from = ch * self.group_id as usize;
        per_row(c, same_row, |lines, row| {
            for (px, src) in row.chunks_exact_mut(ch).zip(lines[0].chunks_exact(ci)) {
                px.copy_from_slice(&src[from..from + ch]);
            }
        })
    }
}

pub(super) const FIELDS: &[&str] = &["groups", "group_id"];

pub(super) fn parse(e: &Fields, index: usize) -> Result<Layer, ModelError> {
    Ok(Layer::Split(Split {
        groups: need(index, e.groups, "groups")?,
        group_id: need(index, e.group_id, "group_id")?,
    }))
}
