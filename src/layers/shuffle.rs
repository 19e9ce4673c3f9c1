//! Channel shuffle (reshape to `groups × C/groups`, transpose, reshape back); no FLOPs.

use serde::Serialize;

use super::{Derived, Inputs, Layer, Op};
use crate::execute::rounds::kernels::{per_row, same_row, Kernel, RowCall};
use crate::execute::tensor::{Missing, RowStore};
use crate::model::json::{need, Fields};
use crate::model::{limits, ModelError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shuffle {
    pub groups: u32,
}

impl Op for Shuffle {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        let input = at.one()?;
        limits::check_size(Some(at.index), "groups", self.groups)?;
        if input.channels % self.groups != 0 {
            return Err(at.error(format!(
                "{} channels do not split into {} groups",
                input.channels, self.groups
            )));
        }
        Ok(Derived::free(input))
    }
}

impl Kernel for Shuffle {
    /// Reshape to groups × n, transpose, flatten: channel `j·G + i` is `i·n + j`.
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let ch = c.layer.output.channels as usize;
        let (g, n) = (self.groups as usize, ch / self.groups as usize);
        per_row(c, same_row, |lines, row| {
            for (px, src) in row.chunks_exact_mut(ch).zip(lines[0].chunks_exact(ch)) {
                for i in 0..g {
                    for j in 0..n {
                        px[j * g + i] = src[i * n + j];
                    }
                }
            }
        })
    }
}

pub(super) const FIELDS: &[&str] = &["groups"];

pub(super) fn parse(e: &Fields, index: usize) -> Result<Layer, ModelError> {
    Ok(Layer::Shuffle(Shuffle {
        groups: need(index, e.groups, "groups")?,
    }))
}
