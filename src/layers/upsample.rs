//! Nearest-neighbour upsampling by an integer factor in both directions: row `y` reads
//! row `y / factor`; no FLOPs.

use super::prelude::*;

plain_kind! {
    Upsample { factor }
}

impl Op for Upsample {
    fn text(&self, _: &LayerInfo) -> String {
        format!("upsample ×{}", self.factor)
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        upsampled(at, self.factor)
    }

    fn row_map(&self, _layer: &LayerInfo) -> RowMap {
        RowMap::Up(self.factor)
    }
}

impl Kernel for Upsample {
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let (ch, f) = (c.layer.output.channels as usize, self.factor);
        per_row(
            c,
            move |y, _| y / f,
            |lines, row| {
                for (x, px) in row.chunks_exact_mut(ch).enumerate() {
                    let xi = x / f as usize;
                    px.copy_from_slice(&lines[0][xi * ch..(xi + 1) * ch]);
                }
            },
        )
    }
}

/// An upsampling's output: height and width times `factor`, no FLOPs.
pub(super) fn upsampled(at: &Inputs, factor: u32) -> Result<LayerInfo, ModelError> {
    let input = at.one()?;
    limits::check_size(Some(at.index), "factor", factor)?;
    let times = |what, n: u32| {
        limits::checked_u32(Some(at.index), what, &[u64::from(n), u64::from(factor)])
    };
    let out = Shape::new(
        times("upsampled height", input.height)?,
        times("upsampled width", input.width)?,
        input.channels,
    );
    limits::check_shape(Some(at.index), "output", out)?;
    Ok(at.free(out))
}
