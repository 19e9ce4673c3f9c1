//! Which format a text is in, decided from its content alone (no file names: the page
//! gets pasted text and the CLI may read any path).

use super::{json_path, json_text, limits, preview};
use crate::model::{json, zoo, ModelError, Network};

/// A model file's format, as the page and the CLI name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Zoo,
    Project,
    Keras,
    /// A TF.js `model.json`: a Keras document under `modelTopology`.
    TfJs,
    Darknet,
    Onnx,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Zoo => "zoo model",
            Format::Project => "project JSON",
            Format::Keras => "Keras JSON",
            Format::TfJs => "TF.js model.json",
            Format::Darknet => "Darknet cfg",
            Format::Onnx => "ONNX",
        }
    }
}

/// True when a file's `bytes` look like ONNX rather than text: not UTF-8, or starting
/// with the protobuf key of `ModelProto.ir_version` (0x08) or `producer_name` (0x12),
/// bytes that no text format starts with.
pub fn looks_like_onnx(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(0x08 | 0x12)) || std::str::from_utf8(bytes).is_err()
}

/// Detects the format of a file's bytes and loads it: ONNX (see [`looks_like_onnx`]) or,
/// for UTF-8 text, whatever [`read_text`] reads; with the lines saying what an ONNX file
/// had that was read leniently (`onnx::load_noting`).
pub fn read_bytes_noting(bytes: &[u8]) -> Result<(Format, Network, Vec<String>), ModelError> {
    if looks_like_onnx(bytes) {
        let (net, notes) = load_onnx(bytes)?;
        return Ok((Format::Onnx, net, notes));
    }
    // `looks_like_onnx` is true for every byte string that is not UTF-8.
    let (format, net) = read_text(std::str::from_utf8(bytes).unwrap_or_default())?;
    Ok((format, net, Vec::new()))
}

/// [`read_bytes_noting`] without the notes.
pub fn read_bytes(bytes: &[u8]) -> Result<(Format, Network), ModelError> {
    read_bytes_noting(bytes).map(|(format, net, _)| (format, net))
}

/// [`read_bytes`]'s network.
pub fn load_bytes(bytes: &[u8]) -> Result<Network, ModelError> {
    read_bytes(bytes).map(|(_, net)| net)
}

#[cfg(feature = "onnx")]
fn load_onnx(bytes: &[u8]) -> Result<(Network, Vec<String>), ModelError> {
    let keyed = matches!(bytes.first(), Some(0x08 | 0x12));
    super::onnx::load_noting(bytes).map_err(|e| match e.location.strip_prefix("byte ") {
        // Not UTF-8 and not a protobuf: say both, the file may be meant as text.
        Some(_) if !keyed => ModelError::at(
            e.location,
            e.message.replacen(
                "not an ONNX model",
                "neither UTF-8 text nor an ONNX model",
                1,
            ),
        ),
        _ => e,
    })
}

/// Without the `onnx` feature (the page's main wasm), ONNX is read elsewhere.
#[cfg(not(feature = "onnx"))]
fn load_onnx(_: &[u8]) -> Result<(Network, Vec<String>), ModelError> {
    Err(ModelError::model(
        "this build reads no ONNX (binary) files: it was built without the onnx feature",
    ))
}

/// Detects the format of `text` and loads it: a zoo name, JSON (Keras when the top
/// object has `class_name` or `model_config`, a TF.js `model.json` when it has
/// `modelTopology`, else the project's format) or a Darknet cfg.
pub fn read_text(text: &str) -> Result<(Format, Network), ModelError> {
    limits::check_text(text)?;
    let trimmed = text.trim();
    if let Some(model) = zoo::by_name(trimmed) {
        return Ok((Format::Zoo, Network::new(&model)?));
    }
    if trimmed.starts_with('{') {
        // Parse the untrimmed text so that line numbers match what the user sees.
        let value = json_text::parse(text)?;
        let has = |key: &str| value.get(key).is_some();
        let format = if has("modelTopology") {
            Format::TfJs
        } else if has("class_name") || has("model_config") {
            Format::Keras
        } else {
            let net = json::parse_network(text).map_err(|e| with_path(text, e))?;
            return Ok((Format::Project, net));
        };
        return Ok((format, load_keras(&value)?));
    }
    if looks_like_darknet(text) {
        return Ok((Format::Darknet, load_darknet(text)?));
    }
    let first = text.lines().position(|l| !l.trim().is_empty()).unwrap_or(0);
    Err(ModelError::at(
        format!("line {}", first + 1),
        format!(
            "found '{}', expected a zoo model ({}), JSON starting with '{{' (the project's \
             format or Keras model.to_json()) or a Darknet cfg starting with [net]",
            preview(trimmed.lines().next().unwrap_or_default()),
            zoo::NAMES.join(", ")
        ),
    ))
}

/// [`read_text`]'s network.
pub fn detect_and_load(text: &str) -> Result<Network, ModelError> {
    read_text(text).map(|(_, net)| net)
}

/// True when the first line that is not blank or a comment is a `[section]` header, or
/// some line is `[net]` (so that a stray line before it is reported as a cfg error).
fn looks_like_darknet(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim);
    lines
        .clone()
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .is_some_and(|l| l.starts_with('['))
        || lines.any(|l| l == "[net]" || l == "[network]")
}

#[cfg(feature = "import")]
fn load_keras(value: &serde_json::Value) -> Result<Network, ModelError> {
    super::keras::load_value(value)
}

#[cfg(feature = "import")]
fn load_darknet(text: &str) -> Result<Network, ModelError> {
    super::darknet::load(text)
}

/// Without the `import` feature (the page's main wasm, which gets models as project
/// JSON from the importer build), other formats are named and refused.
#[cfg(not(feature = "import"))]
fn load_keras(_: &serde_json::Value) -> Result<Network, ModelError> {
    Err(without_importers("Keras JSON"))
}

#[cfg(not(feature = "import"))]
fn load_darknet(_: &str) -> Result<Network, ModelError> {
    Err(without_importers("a Darknet cfg"))
}

#[cfg(not(feature = "import"))]
fn without_importers(format: &str) -> ModelError {
    ModelError::model(format!(
        "this build reads zoo names and project JSON only, not {format}: it was built \
         without the import feature"
    ))
}

/// A project-JSON error the parser placed at `line L column C`, placed at its JSON path
/// instead (the position stays in the message); other errors are returned unchanged.
fn with_path(text: &str, e: ModelError) -> ModelError {
    let position = e
        .location
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(" column "))
        .and_then(|(l, c)| Some((l.parse::<usize>().ok()?, c.parse::<usize>().ok()?)));
    match position {
        Some((line, bytes)) => {
            let column = json_text::char_column(text, line, bytes);
            ModelError::at(
                json_path::at(text, line, column),
                format!("{} (line {line} column {column})", e.message),
            )
        }
        None => e,
    }
}
