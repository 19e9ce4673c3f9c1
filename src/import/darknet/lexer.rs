//! Darknet's cfg syntax, read as Darknet's own `read_cfg` reads it: `[section]` headers,
//! `key=value` lines, `#` and `;` comments, surrounding whitespace ignored.

use super::section::{Entry, Section};
use crate::import::limits::MAX_CFG_SECTIONS;
use crate::model::ModelError;

/// The sections of `text`, each with its 1-based header line and its entries.
pub fn sections(text: &str) -> Result<Vec<Section<'_>>, ModelError> {
    let mut sections: Vec<Section<'_>> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let at = || format!("line {line}");
        let trimmed = raw.trim();
        let found = |what: &str| {
            let text = crate::import::preview(trimmed);
            ModelError::at(at(), format!("found '{text}'{what}"))
        };
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(header) = trimmed.strip_prefix('[') {
            let Some(name) = header.strip_suffix(']') else {
                return Err(found(
                    ", expected a section header like [convolutional] with a closing ']'",
                ));
            };
            if sections.len() == MAX_CFG_SECTIONS {
                return Err(ModelError::at(
                    at(),
                    format!("the cfg has more than {MAX_CFG_SECTIONS} sections"),
                ));
            }
            sections.push(Section::new(name.trim(), line));
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(found(
                ", expected key=value, a [section] header or a # comment",
            ));
        };
        let Some(section) = sections.last_mut() else {
            return Err(found(" before any section, expected [net] first"));
        };
        // An inline `# comment` ends the value: Darknet reads numbers with `atoi`, which
        // stops there, and real cfgs write `layers = -1, 61 # route to the backbone`.
        let value = value.split_once('#').map_or(value, |(v, _)| v);
        section.push(Entry {
            key: key.trim(),
            value: value.trim(),
            line,
        })?;
    }
    Ok(sections)
}
