//! Concatenation along the channels of tensors of one height and width; no FLOPs.

use super::prelude::*;

pub struct Concat;

impl Op for Concat {
    fn text(&self, _: &LayerInfo) -> String {
        "concat".into()
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        at.arity("one or more inputs", !at.shapes.is_empty())?;
        at.all_alike("concatenates maps of different sizes", |a, b| {
            a.height == b.height && a.width == b.width
        })?;
        let channels: u64 = at.shapes.iter().map(|s| u64::from(s.channels)).sum();
        let first = at.shapes[0];
        Ok(at.free(Shape::new(
            first.height,
            first.width,
            limits::checked_u32(Some(at.index), "concat channels", &[channels])?,
        )))
    }
}

impl Kernel for Concat {
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let w = c.layer.output.width as usize;
        per_row(c, same_row, |lines, row| {
            let mut at = 0;
            for x in 0..w {
                for line in lines {
                    let ci = line.len() / w;
                    row[at..at + ci].copy_from_slice(&line[x * ci..(x + 1) * ci]);
                    at += ci;
                }
            }
        })
    }
}
