//! The project's JSON model format (documented in the README).
//!
//! ```json
//! {"name": "tiny", "input": {"height": 32, "width": 32, "channels": 3},
//!  "layers": [{"type": "conv", "filters": 16, "kernel": 3, "stride": 1, "padding": 1,
//!              "pool": {"size": 2, "stride": 2}},
//!             {"type": "fc", "outputs": 10}]}
//! ```
//! `stride` defaults to 1, `padding` to ⌊kernel/2⌋, `pool` and `passthrough` are
//! optional; an unknown field is an error that names it.

use serde::Deserialize;

use super::error::ModelError;
use super::layer::{Conv, Fc, Layer, Model, Passthrough, Pool, Shape};
use super::network::Network;

/// Largest model file accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 4 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    #[serde(default)]
    name: Option<String>,
    input: Shape,
    layers: Vec<RawLayer>,
    #[serde(default)]
    passthrough: Option<Passthrough>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum RawLayer {
    Conv(RawConv),
    Fc(Fc),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConv {
    filters: u32,
    kernel: u32,
    #[serde(default)]
    stride: Option<u32>,
    #[serde(default)]
    padding: Option<u32>,
    #[serde(default)]
    pool: Option<Pool>,
}

/// Parses a model from JSON text, without validating its shapes.
pub fn parse_model(text: &str) -> Result<Model, ModelError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(ModelError::model(format!(
            "the model file has {} bytes, more than the limit of {MAX_JSON_BYTES}",
            text.len()
        )));
    }
    let raw: RawModel = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; move it to the front.
        match message.rfind(" at line ") {
            Some(at) => ModelError::at(message[at + 4..].to_string(), message[..at].to_string()),
            None => ModelError::model(message),
        }
    })?;
    let layers = raw
        .layers
        .into_iter()
        .map(|l| match l {
            RawLayer::Fc(fc) => Layer::Fc(fc),
            RawLayer::Conv(c) => Layer::Conv(Conv {
                filters: c.filters,
                kernel: c.kernel,
                stride: c.stride.unwrap_or(1),
                padding: c.padding.unwrap_or(c.kernel / 2),
                pool: c.pool,
            }),
        })
        .collect();
    Ok(Model {
        name: raw.name.unwrap_or_else(|| "custom".into()),
        input: raw.input,
        layers,
        passthrough: raw.passthrough,
    })
}

/// Parses and validates a model from JSON text.
pub fn parse_network(text: &str) -> Result<Network, ModelError> {
    Network::new(&parse_model(text)?)
}

/// The model in the project's JSON format, pretty-printed.
pub fn to_json(model: &Model) -> String {
    serde_json::to_string_pretty(model).expect("a model always serialises")
}
