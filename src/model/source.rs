//! One entry point from "what the user gave" to a validated [`Network`]: a zoo name or
//! the text of a model file.

use super::error::ModelError;
use super::network::Network;
use super::{json, zoo};

/// A zoo name (`vgg16`, …) or model text in the project's JSON format.
pub fn load(source: &str) -> Result<Network, ModelError> {
    let trimmed = source.trim();
    if let Some(model) = zoo::by_name(trimmed) {
        return Network::new(&model);
    }
    if trimmed.starts_with('{') {
        return json::parse_network(trimmed);
    }
    Err(ModelError::model(format!(
        "'{}' is neither a zoo model ({}) nor a JSON model",
        preview(trimmed),
        zoo::NAMES.join(", ")
    )))
}

/// The first 40 characters, for error messages about text that may be huge.
fn preview(text: &str) -> String {
    let mut p: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        p.push('…');
    }
    p
}
