//! Channel shuffle (reshape to `groups × C/groups`, transpose, reshape back); no FLOPs.

use serde::Serialize;

use super::{Derived, Inputs, Layer, Op};
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

pub(super) const FIELDS: &[&str] = &["groups"];

pub(super) fn parse(e: &Fields, index: usize) -> Result<Layer, ModelError> {
    Ok(Layer::Shuffle(Shuffle {
        groups: need(index, e.groups, "groups")?,
    }))
}
