//! One channel group of its input (Darknet's `route groups= group_id=`); no FLOPs.

use super::prelude::*;

plain_kind! {
    Split { groups, group_id }
}

impl Op for Split {
    fn text(&self, _: &LayerInfo) -> String {
        format!("channel group {} of {}", self.group_id + 1, self.groups)
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        let input = at.one()?;
        limits::check_size(Some(at.index), "groups", self.groups)?;
        if input.channels % self.groups != 0 || self.group_id >= self.groups {
            return Err(at.error(format!(
                "cannot take group {} of {} from {} channels",
                self.group_id, self.groups, input.channels
            )));
        }
        let channels = input.channels / self.groups;
        Ok(at.free(Shape::new(
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
