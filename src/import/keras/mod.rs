//! Keras Sequential model JSON, as written by `model.to_json()` (Keras 2 and 3).
//!
//! `Conv2D`, `Dense` become layers; `MaxPooling2D` (and average and global pools, which
//! cost nothing either) fuse into the conv before them; `ZeroPadding2D` folds into the
//! next `Conv2D`; `Flatten`, `Dropout`, `Activation`, `BatchNormalization` and activation
//! layers are free; `"same"` padding is resolved on the actual input size and refused
//! when Keras would pad asymmetrically. Errors name the JSON path.

mod build;
mod functional;
mod layers;
mod node;
mod padding;
mod window;

use serde_json::Value;

use super::{json_text, limits};
use crate::model::{ModelError, Network};

/// Reads and validates Keras model JSON text.
pub fn load(text: &str) -> Result<Network, ModelError> {
    limits::check_text(text)?;
    load_value(&json_text::parse(text)?)
}

/// Reads and validates an already parsed Keras model.
pub(crate) fn load_value(value: &Value) -> Result<Network, ModelError> {
    build::network(value)
}
