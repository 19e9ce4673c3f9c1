//! Channel shuffle (reshape to `groups × C/groups`, transpose, reshape back); no FLOPs.

use super::prelude::*;

plain_kind! {
    Shuffle { groups }
}

impl Op for Shuffle {
    fn text(&self, _: &LayerInfo) -> String {
        format!("channel shuffle, {} groups", self.groups)
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        let input = at.one()?;
        limits::check_size(Some(at.index), "groups", self.groups)?;
        if input.channels % self.groups != 0 {
            return Err(at.error(format!(
                "{} channels do not split into {} groups",
                input.channels, self.groups
            )));
        }
        Ok(at.free(input))
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
