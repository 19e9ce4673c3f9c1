//! Darknet `.cfg` files, the native format of YOLOv2 and of DeepThings.
//!
//! Each section after `[net]` is a Darknet layer. `[convolutional]` and `[connected]`
//! become layers; `[maxpool]` and a global `[avgpool]` fuse into the conv before them
//! when that is exact; YOLOv2's `[route]`/`[reorg]` pattern becomes the passthrough;
//! cost-free sections are skipped; everything else is refused with the reason. Errors
//! name the line.

mod build;
mod dag;
mod lexer;
mod passthrough;
mod section;
mod shortcut;

use super::limits;
use crate::model::{ModelError, Network};

/// Reads and validates a Darknet cfg.
pub fn load(text: &str) -> Result<Network, ModelError> {
    limits::check_text(text)?;
    let sections = lexer::sections(text)?;
    build::network(&sections)
}
