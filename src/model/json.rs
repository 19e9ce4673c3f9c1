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
use super::layer::{
    Conv, Fc, Layer, Model, Passthrough, Pool, PoolLayer, PoolMode, Reorg, Shape, Shuffle, Split,
    Upsample,
};
use super::network::Network;

/// Largest model file accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 4 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    #[serde(default)]
    name: Option<String>,
    input: Shape,
    layers: Vec<RawEntry>,
    #[serde(default)]
    passthrough: Option<Passthrough>,
}

/// A layer object: its type's fields plus the optional `inputs`.
#[derive(Deserialize)]
struct RawEntry {
    #[serde(flatten)]
    layer: RawLayer,
    #[serde(default)]
    inputs: Vec<usize>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum RawLayer {
    Conv(RawConv),
    Fc(Fc),
    Pool(RawPool),
    Add(Empty),
    Scale(Empty),
    Concat(Empty),
    Split(Split),
    Upsample(Upsample),
    Shuffle(Shuffle),
    Reorg(Reorg),
}

/// A layer type with no fields of its own (unknown fields are still refused).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

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
    #[serde(default)]
    kernel_w: Option<u32>,
    #[serde(default)]
    stride_w: Option<u32>,
    #[serde(default)]
    pad_bottom: Option<u32>,
    #[serde(default)]
    pad_left: Option<u32>,
    #[serde(default)]
    pad_right: Option<u32>,
    #[serde(default)]
    dilation: Option<u32>,
    #[serde(default)]
    groups: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPool {
    #[serde(default = "max_mode")]
    mode: PoolMode,
    #[serde(default)]
    global: bool,
    #[serde(default)]
    size: Option<u32>,
    #[serde(default)]
    stride: Option<u32>,
    #[serde(default)]
    padding: u32,
    #[serde(default)]
    size_w: Option<u32>,
    #[serde(default)]
    stride_w: Option<u32>,
    #[serde(default)]
    pad_bottom: Option<u32>,
    #[serde(default)]
    pad_left: Option<u32>,
    #[serde(default)]
    pad_right: Option<u32>,
    #[serde(default)]
    ceil: bool,
}

fn max_mode() -> PoolMode {
    PoolMode::Max
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
    for (n, entry) in raw.layers.into_iter().enumerate() {
        layers.push(layer_of(n + 1, entry.layer)?);
        inputs.push(entry.inputs);
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
    })
}

fn layer_of(index: usize, raw: RawLayer) -> Result<Layer, ModelError> {
    Ok(match raw {
        RawLayer::Fc(fc) => Layer::Fc(fc),
        RawLayer::Conv(c) => Layer::Conv(Conv {
            filters: c.filters,
            kernel: c.kernel,
            stride: c.stride.unwrap_or(1),
            padding: c.padding.unwrap_or(c.kernel / 2),
            pool: c.pool,
            kernel_w: c.kernel_w,
            stride_w: c.stride_w,
            pad_bottom: c.pad_bottom,
            pad_left: c.pad_left,
            pad_right: c.pad_right,
            dilation: c.dilation,
            groups: c.groups,
        }),
        RawLayer::Pool(p) => {
            let size = match (p.global, p.size) {
                (true, _) => p.size.unwrap_or(1),
                (false, Some(size)) => size,
                (false, None) => {
                    return Err(ModelError::layer(
                        index,
                        "a pool needs a size (or \"global\": true)",
                    ))
                }
            };
            Layer::Pool(PoolLayer {
                mode: p.mode,
                global: p.global,
                size,
                stride: p.stride.unwrap_or(size),
                padding: p.padding,
                size_w: p.size_w,
                stride_w: p.stride_w,
                pad_bottom: p.pad_bottom,
                pad_left: p.pad_left,
                pad_right: p.pad_right,
                ceil: p.ceil,
            })
        }
        RawLayer::Add(Empty {}) => Layer::Add,
        RawLayer::Scale(Empty {}) => Layer::Scale,
        RawLayer::Concat(Empty {}) => Layer::Concat,
        RawLayer::Split(s) => Layer::Split(s),
        RawLayer::Upsample(u) => Layer::Upsample(u),
        RawLayer::Shuffle(s) => Layer::Shuffle(s),
        RawLayer::Reorg(r) => Layer::Reorg(r),
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
