//! Space-to-depth (Darknet's `[reorg]`, ONNX's `SpaceToDepth`): each `stride × stride`
//! patch becomes `stride²` channels; no FLOPs.

use super::prelude::*;
use crate::execute::meter;
use crate::execute::rounds::kernels::{clipped, per_row_work};

plain_kind! {
    Reorg { stride }
}

impl Op for Reorg {
    fn text(&self, _: &LayerInfo) -> String {
        format!("reorg {0}×{0}", self.stride)
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
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
        Ok(at.free(out))
    }

    fn row_map(&self, _layer: &LayerInfo) -> RowMap {
        RowMap::Window(Axis::plain(self.stride, self.stride, 0))
    }
}

impl Kernel for Reorg {
    /// Output channel `(dy·r + dx)·C + c` of pixel `(y, x)` is channel `c` of input
    /// pixel `(y·r + dy, x·r + dx)` (the passthrough's convention, `ops::branch_row`).
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let (input, out) = (c.inputs[0], c.layer.output);
        let (ci, r) = (c.layer.input.channels as usize, self.stride as usize);
        let row_len = (out.width * out.channels) as usize;
        let mut store = RowStore::empty(c.name, out.height, row_len);
        for y in clipped(c.rows, out.height) {
            meter::work(per_row_work(out, 1));
            let mut row = vec![0f32; row_len];
            for dy in 0..r {
                let line = input.row(y * r as u32 + dy as u32)?;
                for (x, px) in row.chunks_exact_mut(ci * r * r).enumerate() {
                    for dx in 0..r {
                        let src = &line[(x * r + dx) * ci..][..ci];
                        px[(dy * r + dx) * ci..][..ci].copy_from_slice(src);
                    }
                }
            }
            store.put(y, row);
        }
        Ok(store)
    }
}
