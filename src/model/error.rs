//! The one error type for a model that cannot be accepted.

use std::fmt;

/// Why a model was refused, with where (layer, passthrough or file position) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// "layer 3", "passthrough", "line 12", "$.layers[2].kernel", or empty for the model.
    pub location: String,
    pub message: String,
}

impl ModelError {
    pub fn model(message: impl Into<String>) -> Self {
        ModelError {
            location: String::new(),
            message: message.into(),
        }
    }

    pub fn layer(index: usize, message: impl Into<String>) -> Self {
        ModelError {
            location: format!("layer {index}"),
            message: message.into(),
        }
    }

    pub fn passthrough(message: impl Into<String>) -> Self {
        ModelError {
            location: "passthrough".into(),
            message: message.into(),
        }
    }

    pub fn at(location: impl Into<String>, message: impl Into<String>) -> Self {
        ModelError {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

impl std::error::Error for ModelError {}
