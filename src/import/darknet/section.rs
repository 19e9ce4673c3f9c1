//! One cfg section and typed, range-checked reads of its options, each error naming
//! the line of the offending option.

use std::collections::HashMap;

use crate::import::limits::MAX_CFG_ENTRIES;
use crate::import::origins::Origin;
use crate::model::limits::MAX_SIZE;
use crate::model::ModelError;

/// A `key=value` line.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub key: &'a str,
    pub value: &'a str,
    pub line: usize,
}

/// A `[name]` section and its entries.
#[derive(Clone, Debug)]
pub struct Section<'a> {
    pub name: &'a str,
    pub line: usize,
    entries: HashMap<&'a str, Entry<'a>>,
    /// `key=value` lines read, repeated keys included (what the limit counts).
    lines: usize,
}

impl<'a> Section<'a> {
    pub fn new(name: &'a str, line: usize) -> Self {
        Section {
            name,
            line,
            entries: HashMap::new(),
            lines: 0,
        }
    }

    /// Adds an entry. A repeated key keeps its first value, as in Darknet: its
    /// `option_insert` appends every `key=value` to a list and `option_find` returns the
    /// first match from the front (`src/option_list.c`).
    pub fn push(&mut self, entry: Entry<'a>) -> Result<(), ModelError> {
        if self.lines == MAX_CFG_ENTRIES {
            return Err(entry.error(format!(
                "{} has more than {MAX_CFG_ENTRIES} options",
                self.label()
            )));
        }
        self.lines += 1;
        self.entries.entry(entry.key).or_insert(entry);
        Ok(())
    }

    pub fn location(&self) -> String {
        format!("line {}", self.line)
    }

    /// `[name]`, as the user wrote it.
    pub fn label(&self) -> String {
        format!("[{}]", crate::import::preview(self.name))
    }

    /// Where the layers this section writes come from.
    pub fn origin(&self) -> Origin {
        Origin::new(self.location(), self.label())
    }

    /// Darknet's padding of a conv of `size`: `size/2` with `pad=1`, else `padding`
    /// (default 0).
    pub fn conv_padding(&self, size: u32) -> Result<u32, ModelError> {
        if self.size_or("pad", 0, 0)? != 0 {
            Ok(size / 2)
        } else {
            self.size_or("padding", 0, 0)
        }
    }

    /// An error at this section's header line.
    pub fn error_at(&self, message: String) -> ModelError {
        ModelError::at(self.location(), format!("{}: {message}", self.label()))
    }

    pub fn get(&self, key: &str) -> Option<Entry<'a>> {
        self.entries.get(key).copied()
    }

    /// A whole number in `min..=MAX_SIZE`, or `default` when the key is absent.
    pub fn size_or(&self, key: &str, min: u32, default: u32) -> Result<u32, ModelError> {
        match self.get(key) {
            None => Ok(default),
            Some(e) => e.size(min),
        }
    }

    /// A whole number in `min..=MAX_SIZE` that must be present.
    pub fn size(&self, key: &str, min: u32) -> Result<u32, ModelError> {
        match self.get(key) {
            Some(e) => e.size(min),
            None => Err(ModelError::at(
                self.location(),
                format!(
                    "{} has no '{key}', expected a line {key}=N with N from {min} to {MAX_SIZE}",
                    self.label()
                ),
            )),
        }
    }

    /// Refuses an option that would change the geometry in a way the planner cannot
    /// represent unless it has its neutral value (e.g. `groups=1`).
    pub fn require_neutral(&self, key: &str, neutral: u32, why: &str) -> Result<(), ModelError> {
        match self.get(key) {
            Some(e) if e.size(0)? != neutral => Err(e.error(format!(
                "found {}={}, expected {key}={neutral}: {why}",
                key, e.value
            ))),
            _ => Ok(()),
        }
    }
}

impl Entry<'_> {
    pub fn error(&self, message: String) -> ModelError {
        ModelError::at(format!("line {}", self.line), message)
    }

    /// The value as a whole number in `min..=MAX_SIZE`.
    pub fn size(&self, min: u32) -> Result<u32, ModelError> {
        match self.value.parse::<i64>() {
            Ok(v) if v >= i64::from(min) && v <= i64::from(MAX_SIZE) => Ok(v as u32),
            _ => Err(self.error(format!(
                "found {}={}, expected a whole number from {min} to {MAX_SIZE}",
                self.key,
                crate::import::preview(self.value)
            ))),
        }
    }

    /// The value as a comma-separated list of at most `max` whole numbers (Darknet's
    /// route `layers`, shortcut `from`); the bound keeps a hostile list from allocating.
    pub fn ints(&self, max: usize) -> Result<Vec<i64>, ModelError> {
        if self.value.split(',').nth(max).is_some() {
            return Err(self.error(format!(
                "found {}={}, expected at most {max} layers",
                self.key,
                crate::import::preview(self.value)
            )));
        }
        self.value
            .split(',')
            .map(|part| {
                part.trim().parse::<i64>().map_err(|_| {
                    self.error(format!(
                        "found {}={}, expected whole numbers separated by commas",
                        self.key,
                        crate::import::preview(self.value)
                    ))
                })
            })
            .collect()
    }
}
