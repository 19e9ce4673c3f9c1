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

/// True when the first line that is not blank or a comment is a `[section]` header, or
/// some line is `[net]` (so that a stray line before it is reported as a cfg error).
pub fn looks_like(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim);
    lines
        .clone()
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .is_some_and(|l| l.starts_with('['))
        || lines.any(|l| l == "[net]" || l == "[network]")
}
