//! Darknet `.cfg` files, the native format of YOLOv2 and of DeepThings.
//!
//! Each section after `[net]` is a Darknet layer. A cfg the paper's chain form writes
//! exactly is read as a chain (`build.rs`: pools fused into their convs, YOLOv2's
//! `[route]`/`[reorg]` pattern as the passthrough); any other as a DAG (`dag.rs`:
//! shortcuts, routes, upsampling…). Cost-free sections are skipped; anything else is
//! refused with the reason. Errors name the line.

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
