//! Space-to-depth (Darknet's `[reorg]`, ONNX's `SpaceToDepth`): each `stride × stride`
//! patch becomes `stride²` channels; no FLOPs.

use serde::Serialize;

use super::{Derived, Inputs, Layer, Op};
use crate::model::json::{need, Fields};
use crate::model::{limits, Axis, LayerInfo, ModelError, RowMap, Shape};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Reorg {
    pub stride: u32,
}

impl Op for Reorg {
    fn derive(&self, at: &Inputs) -> Result<Derived, ModelError> {
        let input = at.one()?;
        let r = self.stride;
        limits::check_size(Some(at.index), "stride", r)?;
        if input.height % r != 0 || input.width % r != 0 {
            return Err(at.error(format!(
                "reorg stride {r} must divide the input {}×{}",
                input.height, input.width
            )));
        }
        let channels = limits::checked_u32(
            Some(at.index),
            "reorg channels",
            &[u64::from(input.channels), u64::from(r).pow(2)],
        )?;
        let out = Shape::new(input.height / r, input.width / r, channels);
        Ok(Derived::free(out))
    }

    fn row_map(&self, _layer: &LayerInfo) -> RowMap {
        RowMap::Window(Axis::plain(self.stride, self.stride, 0))
    }
}

pub(super) const FIELDS: &[&str] = &["stride"];

pub(super) fn parse(e: &Fields, index: usize) -> Result<Layer, ModelError> {
    Ok(Layer::Reorg(Reorg {
        stride: need(index, e.stride, "stride")?,
    }))
}
