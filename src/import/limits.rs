//! Limits on the text an importer reads, checked before any parsing so that a pasted
//! file can neither freeze a browser tab nor exhaust its memory. The model itself is
//! then bounded by [`crate::model::limits`].

use crate::model::ModelError;

/// Largest model text, in bytes (the same bound as the project's JSON format).
pub const MAX_TEXT_BYTES: usize = crate::model::json::MAX_JSON_BYTES;
/// Deepest nesting of JSON arrays and objects; real Keras files nest about 8 deep.
pub const MAX_JSON_DEPTH: usize = 64;
/// Most JSON values (arrays, objects, scalars) in one text, which bounds the memory of
/// the parsed tree; a 1 000-layer Keras model has about 60 000.
pub const MAX_JSON_VALUES: usize = 250_000;
/// Most sections in a Darknet cfg; every layer is one section, and pools, dropouts and
/// the like are more, so this is a few times the layer limit.
pub const MAX_CFG_SECTIONS: usize = 10 * crate::model::limits::MAX_LAYERS;
/// Most `key=value` lines in one cfg section; Darknet's own `[net]` sections have about
/// 30.
pub const MAX_CFG_ENTRIES: usize = 100;

/// Largest ONNX file, in bytes: 1 GiB. A real ResNet-50 with its weights is about
/// 100 MB and VGG-19 550 MB; protobuf itself stops at 2 GiB. Larger models keep their
/// weights in external data files, which the importer never needs.
pub const MAX_ONNX_BYTES: usize = 1 << 30;

/// Refuses text longer than [`MAX_TEXT_BYTES`].
pub fn check_text(text: &str) -> Result<(), ModelError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(ModelError::model(format!(
            "the model text has {} bytes, more than the limit of {MAX_TEXT_BYTES}",
            text.len()
        )));
    }
    Ok(())
}
