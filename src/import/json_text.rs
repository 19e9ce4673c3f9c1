//! JSON text to a tree, safely: a linear pre-scan bounds nesting and the number of
//! values before `serde_json` builds anything, so a hostile file fails fast with its
//! position, and syntax errors say line and column.

use serde_json::Value;

use super::limits::{MAX_JSON_DEPTH, MAX_JSON_VALUES};
use crate::model::ModelError;

/// Parses JSON text within the limits.
pub fn parse(text: &str) -> Result<Value, ModelError> {
    check(text)?;
    serde_json::from_str(text).map_err(|e| syntax_error(text, e))
}

/// Checks nesting depth and value count; syntax is left to the parser.
fn check(text: &str) -> Result<(), ModelError> {
    let (mut depth, mut values) = (0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    let (mut line, mut column) = (1usize, 0usize);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => {
                depth += 1;
                values += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(ModelError::at(
                        format!("line {line} column {column}"),
                        format!(
                            "the JSON nests deeper than {MAX_JSON_DEPTH} levels of arrays and objects"
                        ),
                    ));
                }
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            ',' | ':' => values += 1,
            _ => {}
        }
        if values > MAX_JSON_VALUES {
            return Err(ModelError::at(
                format!("line {line} column {column}"),
                format!("the JSON has more than {MAX_JSON_VALUES} values"),
            ));
        }
    }
    Ok(())
}

/// `serde_json` counts columns in bytes; people (and this module) count characters.
pub fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(l) = text.lines().nth(line.saturating_sub(1)) else {
        return byte_column;
    };
    let mut end = byte_column.min(l.len());
    while !l.is_char_boundary(end) {
        end -= 1;
    }
    l[..end].chars().count() + usize::from(end < byte_column.min(l.len()))
}

/// A JSON syntax error at its line and column, explaining the common non-JSON numbers.
fn syntax_error(text: &str, e: serde_json::Error) -> ModelError {
    let message = e.to_string();
    let message = message
        .rfind(" at line ")
        .map_or(message.as_str(), |at| &message[..at]);
    let (line, column) = (e.line(), char_column(text, e.line(), e.column()));
    let rest = text
        .lines()
        .nth(line.saturating_sub(1))
        .map(|l| l.chars().skip(column.saturating_sub(1)).collect::<String>())
        .unwrap_or_default();
    let hint = if ["NaN", "Infinity", "-Infinity"]
        .iter()
        .any(|w| rest.starts_with(w))
    {
        " (NaN and Infinity are not JSON numbers; expected a finite number)"
    } else {
        ""
    };
    ModelError::at(
        format!("line {line} column {column}"),
        format!("invalid JSON: {message}{hint}"),
    )
}
