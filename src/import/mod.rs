//! Importers for models written in other formats: Darknet `.cfg`, Keras JSON
//! (`model.to_json()`, Sequential or functional, or a TF.js `model.json`) and ONNX,
//! besides zoo names and the project's own JSON. One detector, the CLI's, the page's and
//! the importers', tells the format from the content itself (text by [`read_text`], any
//! file's bytes by [`read_bytes`]). Without the `import` feature (the page's main wasm)
//! only zoo names and project JSON are read. Every importer checks its input against
//! [`limits`] before parsing and reports errors at a line, JSON path or node.

#[cfg(feature = "import")]
mod chain;
#[cfg(feature = "import")]
pub mod darknet;
mod detect;
#[cfg(feature = "import")]
mod graph;
mod json_path;
mod json_text;
#[cfg(feature = "import")]
pub mod keras;
pub mod limits;
#[cfg(feature = "onnx")]
pub mod onnx;
#[cfg(feature = "import")]
mod origins;

pub use detect::{
    detect_and_load, load_bytes, looks_like_onnx, read_bytes, read_bytes_noting, read_text, Format,
};

/// The first 40 characters of `text`, for messages about text that may be huge, with
/// control characters replaced so that a message cannot drive a terminal.
pub(crate) fn preview(text: &str) -> String {
    let mut p: String = text
        .chars()
        .take(40)
        .map(|c| {
            if crate::model::names::is_hidden(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    if text.chars().nth(40).is_some() {
        p.push('…');
    }
    p
}
