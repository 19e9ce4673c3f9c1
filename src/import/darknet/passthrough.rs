//! YOLOv2's passthrough written in Darknet: `[route] layers=-N` back to a conv,
//! a 1×1 `[convolutional]`, `[reorg]`, and `[route] layers=-1,-M` concatenating the
//! reorganised branch with the main path. Only this exact pattern maps to
//! [`crate::model::Passthrough`] in the chain form; a cfg with any other route is read
//! as a DAG.

use super::build::{read_conv, Produced};
use super::section::Section;
use crate::model::ModelError;

/// Sections the pattern spans.
pub const SECTIONS: usize = 4;

/// The branch read from the pattern starting at `at`.
pub struct Branch {
    /// 1-based model layer whose conv output feeds the branch.
    pub source: usize,
    pub filters: u32,
    pub reorg: u32,
}

/// Reads the pattern whose first `[route]` is section `at`; `produced` covers `0..at`.
/// Its refusals only say what stops the chain form (the cfg is then read as a DAG).
pub fn read(all: &[Section<'_>], at: usize, produced: &[Produced]) -> Result<Branch, ModelError> {
    let route = &all[at];
    let not_passthrough = || route.error_at("not YOLOv2's passthrough".into());
    let [from] = layer_refs(route, "layers", at, 2)?[..] else {
        return Err(not_passthrough());
    };
    let Some(&Produced::Conv(source)) = produced.get(from) else {
        return Err(not_passthrough());
    };
    let is = |offset: usize, names: &[&str]| {
        all.get(at + offset)
            .filter(|s| names.contains(&s.name.to_ascii_lowercase().as_str()))
            .ok_or_else(not_passthrough)
    };
    let conv = read_conv(is(1, &["convolutional", "conv"])?)?;
    let reorg_section = is(2, &["reorg"])?;
    let reorg = reorg_section.size_or("stride", 1, 1)?;
    reorg_section.require_neutral("reverse", 0, "a reverse reorg enlarges the map")?;
    let concat = is(3, &["route"])?;
    let mut joined = layer_refs(concat, "layers", at + 3, 2)?;
    joined.sort_unstable();
    if (conv.kernel, conv.stride, conv.padding) != (1, 1, 0) || joined != [at - 1, at + 2] {
        return Err(not_passthrough());
    }
    Ok(Branch {
        source,
        filters: conv.filters,
        reorg,
    })
}

/// The layers that option `key` of the section `at` names (a `[route]`'s `layers`, a
/// `[shortcut]`'s `from`), as 0-based section indices before it: negative values count
/// back from `at`, others are absolute, as in Darknet's `parse_route`.
pub fn layer_refs(
    s: &Section<'_>,
    key: &str,
    at: usize,
    max: usize,
) -> Result<Vec<usize>, ModelError> {
    let Some(entry) = s.get(key) else {
        return Err(s.error_at(format!("found no '{key}', expected e.g. {key}=-3")));
    };
    entry
        .ints(max)?
        .into_iter()
        .map(|r| {
            let index = if r < 0 { at as i64 + r } else { r };
            if (0..at as i64).contains(&index) {
                Ok(index as usize)
            } else {
                Err(entry.error(format!(
                    "found {}={}, expected layers before this {} (from -{at} to -1, or 0 to {})",
                    entry.key,
                    crate::import::preview(entry.value),
                    s.label(),
                    at.saturating_sub(1)
                )))
            }
        })
        .collect()
}
