//! A fully-connected layer (FL), the paper's: computed whole, never by rows.

use serde::Serialize;

use super::{Derived, Inputs, Layer, Op};
use crate::execute::budget::kernels::mul;
use crate::execute::rounds::kernels::{Kernel, RowCall};
use crate::execute::tensor::{Missing, RowStore};
use crate::model::json::{need, Fields};
use crate::model::LayerInfo;
use crate::model::{limits, ModelError, Shape};

/// A fully-connected layer (FL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Fc {
    pub outputs: u32,
}

impl Op for Fc {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        let input = at.one()?;
        if at.dag && at.reads[0] + 1 != at.index {
            return Err(at.error("a fully-connected layer must read the layer right before it"));
        }
        limits::check_size(Some(at.index), "outputs", self.outputs)?;
        let ni = input.elements();
        let no = u64::from(self.outputs);
        let output = Shape::new(1, 1, self.outputs);
        Ok(Derived {
            conv_out: output,
            output,
            flops: limits::checked(at.index, "FLOPs", &[2, ni, no])?,
            params: limits::checked(at.index, "parameters", &[ni, no])? + no,
        })
    }

    fn is_dag_only(&self) -> bool {
        false
    }
}

impl Kernel for Fc {
    fn rows(&self, _: RowCall) -> Result<RowStore, Missing> {
        unreachable!("an FL is computed whole (`rounds::forward`, `rounds::fc`), not by rows")
    }

    fn weights(&self, layer: &LayerInfo) -> Option<(u64, u64, u64)> {
        let (ni, no) = (layer.input.elements(), u64::from(self.outputs));
        Some((ni, mul(ni, no), no))
    }
}

pub(super) const FIELDS: &[&str] = &["outputs"];

pub(super) fn parse(e: &Fields, index: usize) -> Result<Layer, ModelError> {
    Ok(Layer::Fc(Fc {
        outputs: need(index, e.outputs, "outputs")?,
    }))
}
