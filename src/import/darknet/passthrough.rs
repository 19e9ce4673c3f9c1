//! YOLOv2's passthrough written in Darknet: `[route] layers=-N` back to a conv,
//! a 1×1 `[convolutional]`, `[reorg]`, and `[route] layers=-1,-M` concatenating the
//! reorganised branch with the main path. Only this exact pattern maps to
//! [`crate::model::Passthrough`]; any other route is a branch the planner cannot cut.

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

const PATTERN: &str = "[route] layers=-N to a [convolutional], a 1×1 [convolutional], \
                       [reorg], then [route] layers=-1,-4 back to the main path";

/// Reads the pattern whose first `[route]` is section `at`; `produced` covers `0..at`.
pub fn read(all: &[Section<'_>], at: usize, produced: &[Produced]) -> Result<Branch, ModelError> {
    let route = &all[at];
    let refs = layer_refs(route, "layers", at, 2)?;
    let [from] = refs[..] else {
        return Err(route.error_at(format!(
            "a [route] that concatenates layers is only understood as the end of YOLOv2's \
             passthrough ({PATTERN})"
        )));
    };
    let Some(&Produced::Conv(source)) = produced.get(from) else {
        return Err(route.error_at(format!(
            "the passthrough must start at a [convolutional] (its output before any maxpool), \
             but it points at {} at line {}",
            all[from].label(),
            all[from].line
        )));
    };
    let expect = |offset: usize, names: &[&str]| -> Result<&Section<'_>, ModelError> {
        match all.get(at + offset) {
            Some(s) if names.contains(&s.name.to_ascii_lowercase().as_str()) => Ok(s),
            found => Err(route.error_at(format!(
                "a [route] back to an earlier layer is only understood as YOLOv2's passthrough \
                 ({PATTERN}), but {}",
                match found {
                    Some(s) => format!(
                        "line {} has {} where [{}] was expected",
                        s.line,
                        s.label(),
                        names[0]
                    ),
                    None => format!("the cfg ends where [{}] was expected", names[0]),
                }
            ))),
        }
    };
    let conv_section = expect(1, &["convolutional", "conv"])?;
    let conv = read_conv(conv_section)?;
    if conv.kernel != 1 || conv.stride != 1 || conv.padding != 0 {
        return Err(ModelError::at(
            conv_section.location(),
            format!(
                "the passthrough's [convolutional] must be 1×1 with stride 1 and no padding, \
                 found size={} stride={} padding {}",
                conv.kernel, conv.stride, conv.padding
            ),
        ));
    }
    let reorg_section = expect(2, &["reorg"])?;
    let reorg = reorg_section.size_or("stride", 1, 1)?;
    reorg_section.require_neutral("reverse", 0, "a reverse reorg enlarges the map")?;
    let concat = expect(3, &["route"])?;
    let mut joined = layer_refs(concat, "layers", at + 3, 2)?;
    joined.sort_unstable();
    if joined != [at - 1, at + 2] {
        return Err(concat.error_at(format!(
            "the passthrough's second [route] must join the [reorg] (line {}) with the main \
             path's last layer (line {}), e.g. layers=-1,-4",
            reorg_section.line,
            all[at - 1].line
        )));
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
