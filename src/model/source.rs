//! One entry point from "what the user gave" to a validated [`Network`]: a zoo name or
//! the text of a model file in any format [`crate::import`] reads.

use super::error::ModelError;
use super::network::Network;

/// A zoo name (`vgg16`, …) or model text (project JSON, Keras JSON or Darknet cfg),
/// the format detected from the content.
pub fn load(source: &str) -> Result<Network, ModelError> {
    crate::import::detect_and_load(source)
}
