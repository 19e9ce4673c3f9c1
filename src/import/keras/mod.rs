//! Keras model JSON, as written by `model.to_json()` (Keras 2 and 3) or inside a TF.js
//! `model.json`.
//!
//! A Sequential model that the paper's chain form writes exactly is read as a chain
//! (`build.rs`: pools fused into the conv before them, `ZeroPadding2D` folded into the
//! next `Conv2D`, `"same"` padding resolved on the actual input size); functional
//! models, and Sequential ones the chain cannot write (asymmetric padding, depthwise
//! convs…), as DAGs with Keras' own geometry (`functional.rs`, `layers.rs`). Activation,
//! normalisation and dropout layers are free. Errors name the JSON path.

mod build;
mod functional;
mod layers;
mod node;
mod window;

use super::{json_text, limits};
use crate::model::{ModelError, Network};

/// Reads and validates Keras model JSON text.
pub fn load(text: &str) -> Result<Network, ModelError> {
    limits::check_text(text)?;
    load_value(&json_text::parse(text)?)
}

/// Reads and validates an already parsed Keras model.
pub(crate) use build::network as load_value;
