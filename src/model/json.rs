//! The project's JSON model format (documented in the README).
//!
//! ```json
//! {"name": "tiny", "input": {"height": 32, "width": 32, "channels": 3},
//!  "layers": [{"type": "conv", "filters": 16, "kernel": 3, "stride": 1, "padding": 1,
//!              "pool": {"size": 2, "stride": 2}},
//!             {"type": "fc", "outputs": 10}]}
//! ```
//! `stride` defaults to 1, `padding` to ⌊kernel/2⌋, `pool` and `passthrough` are
//! optional; an unknown field is an error that names it. Branching models name each
//! layer's `inputs` (see `docs/spec-dag.md`).

use serde::Deserialize;

use super::error::ModelError;
use super::layer::{Model, Passthrough, Pool, Shape};
use super::network::Network;
use super::GatewayHead;
use crate::layers::{Kind, Layer, PoolMode, JSON_FORMS};

/// Largest model file accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 4 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    #[serde(default)]
    name: Option<String>,
    input: Shape,
    layers: Vec<Fields>,
    #[serde(default)]
    passthrough: Option<Passthrough>,
    #[serde(default)]
    gateway_head: Option<GatewayHead>,
}

/// A layer object is read flat into `Fields`: every kind's fields optional, then
/// [`layer_of`] refuses the fields of other kinds and each kind's `parse`
/// (`crate::layers`) requires its own. An internally tagged enum would say the same
/// with less code here, but it buffers every object through serde's `Content` and cost
/// the page's wasm 6 KB gzipped. A field no kind has is still refused by serde, at its
/// position. This macro declares `Fields` and `given` (the names present) from one list.
macro_rules! fields {
    ($($name:ident: $ty:ty,)*) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct Fields {
            #[serde(rename = "type")]
            kind: Kind,
            #[serde(default)]
            inputs: Vec<usize>,
            $(pub(crate) $name: Option<$ty>,)*
        }

        impl Fields {
            /// The names of the fields given, besides `type` and `inputs`.
            fn given(&self) -> impl Iterator<Item = &'static str> {
                [$(self.$name.is_some().then_some(stringify!($name)),)*]
                    .into_iter()
                    .flatten()
            }
        }
    };
}

fields! {
    filters: u32, kernel: u32, stride: u32, padding: u32, pool: Pool, kernel_w: u32,
    stride_w: u32, pad_bottom: u32, pad_left: u32, pad_right: u32, dilation: u32,
    groups: u32, outputs: u32, mode: PoolMode, global: bool, size: u32, size_w: u32,
    ceil: bool, group_id: u32, factor: u32, top: u32, bottom: u32, left: u32, right: u32,
}

/// The value of a field the layer's kind requires.
pub(crate) fn need(index: usize, v: Option<u32>, name: &str) -> Result<u32, ModelError> {
    v.ok_or_else(|| ModelError::layer(index, format!("missing field `{name}`")))
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
    let mut inputs = Vec::with_capacity(raw.layers.len());
    let mut layers = Vec::with_capacity(raw.layers.len());
    for (n, mut entry) in raw.layers.into_iter().enumerate() {
        inputs.push(std::mem::take(&mut entry.inputs));
        layers.push(layer_of(n + 1, entry)?);
    }
    if inputs.iter().all(Vec::is_empty) {
        inputs.clear();
    }
    Ok(Model {
        name: raw.name.unwrap_or_else(|| "custom".into()),
        input: raw.input,
        layers,
        passthrough: raw.passthrough,
        inputs,
        gateway_head: raw.gateway_head,
    })
}

fn layer_of(index: usize, e: Fields) -> Result<Layer, ModelError> {
    let form = &JSON_FORMS[e.kind as usize];
    if let Some(name) = e.given().find(|name| !form.fields.contains(name)) {
        // serde's own words, as for a field no kind has.
        let e = <serde::de::value::Error as serde::de::Error>::unknown_field(name, form.fields);
        return Err(ModelError::layer(index, e.to_string()));
    }
    (form.parse)(&e, index)
}

/// Parses and validates a model from JSON text.
pub fn parse_network(text: &str) -> Result<Network, ModelError> {
    Network::new(&parse_model(text)?)
}

/// The model in the project's JSON format, pretty-printed.
pub fn to_json(model: &Model) -> String {
    serde_json::to_string_pretty(model).expect("a model always serialises")
}
