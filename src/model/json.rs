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

use super::crop::Crop;
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

/// A layer object, read flat: every type's fields optional, then [`layer_of`] refuses
/// the fields of other types and requires the type's own. An internally tagged enum
/// (`#[serde(tag = "type")]`) would say the same with less code here, but it buffers
/// every object through serde's `Content` and cost the page's wasm 6 KB gzipped. A
/// field no type has is still refused by serde, at its position.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    #[serde(rename = "type")]
    kind: Kind,
    #[serde(default)]
    inputs: Vec<usize>,
    filters: Option<u32>,
    kernel: Option<u32>,
    stride: Option<u32>,
    padding: Option<u32>,
    pool: Option<Pool>,
    kernel_w: Option<u32>,
    stride_w: Option<u32>,
    pad_bottom: Option<u32>,
    pad_left: Option<u32>,
    pad_right: Option<u32>,
    dilation: Option<u32>,
    groups: Option<u32>,
    outputs: Option<u32>,
    mode: Option<PoolMode>,
    global: Option<bool>,
    size: Option<u32>,
    size_w: Option<u32>,
    ceil: Option<bool>,
    group_id: Option<u32>,
    factor: Option<u32>,
    top: Option<u32>,
    bottom: Option<u32>,
    left: Option<u32>,
    right: Option<u32>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Conv,
    Fc,
    Pool,
    Add,
    Mul,
    Scale,
    Concat,
    Split,
    Upsample,
    Shuffle,
    Reorg,
    Crop,
}

impl Kind {
    /// The fields of a layer of this type, in serde's order for its messages.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Conv => &[
                "filters",
                "kernel",
                "stride",
                "padding",
                "pool",
                "kernel_w",
                "stride_w",
                "pad_bottom",
                "pad_left",
                "pad_right",
                "dilation",
                "groups",
            ],
            Kind::Fc => &["outputs"],
            Kind::Pool => &[
                "mode",
                "global",
                "size",
                "stride",
                "padding",
                "size_w",
                "stride_w",
                "pad_bottom",
                "pad_left",
                "pad_right",
                "ceil",
            ],
            Kind::Add | Kind::Mul | Kind::Scale | Kind::Concat => &[],
            Kind::Split => &["groups", "group_id"],
            Kind::Upsample => &["factor"],
            Kind::Shuffle => &["groups"],
            Kind::Reorg => &["stride"],
            Kind::Crop => &["top", "bottom", "left", "right"],
        }
    }
}

impl RawEntry {
    /// The names of the fields given, besides `type` and `inputs`.
    fn given(&self) -> impl Iterator<Item = &'static str> {
        let u = |name, v: Option<u32>| v.map(|_| name);
        [
            u("filters", self.filters),
            u("kernel", self.kernel),
            u("stride", self.stride),
            u("padding", self.padding),
            self.pool.map(|_| "pool"),
            u("kernel_w", self.kernel_w),
            u("stride_w", self.stride_w),
            u("pad_bottom", self.pad_bottom),
            u("pad_left", self.pad_left),
            u("pad_right", self.pad_right),
            u("dilation", self.dilation),
            u("groups", self.groups),
            u("outputs", self.outputs),
            self.mode.map(|_| "mode"),
            self.global.map(|_| "global"),
            u("size", self.size),
            u("size_w", self.size_w),
            self.ceil.map(|_| "ceil"),
            u("group_id", self.group_id),
            u("factor", self.factor),
            u("top", self.top),
            u("bottom", self.bottom),
            u("left", self.left),
            u("right", self.right),
        ]
        .into_iter()
        .flatten()
    }
}

/// serde's words for a field that is not one of `fields`.
fn unknown_field(name: &str, fields: &[&str]) -> String {
    let quoted: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
    let expected = match quoted.as_slice() {
        [] => "there are no fields".to_string(),
        [one] => format!("expected {one}"),
        [a, b] => format!("expected {a} or {b}"),
        more => format!("expected one of {}", more.join(", ")),
    };
    format!("unknown field `{name}`, {expected}")
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
    })
}

fn layer_of(index: usize, e: RawEntry) -> Result<Layer, ModelError> {
    let fields = e.kind.fields();
    if let Some(name) = e.given().find(|name| !fields.contains(name)) {
        return Err(ModelError::layer(index, unknown_field(name, fields)));
    }
    let need = |v: Option<u32>, name: &str| {
        v.ok_or_else(|| ModelError::layer(index, format!("missing field `{name}`")))
    };
    Ok(match e.kind {
        Kind::Fc => Layer::Fc(Fc {
            outputs: need(e.outputs, "outputs")?,
        }),
        Kind::Conv => {
            let kernel = need(e.kernel, "kernel")?;
            Layer::Conv(Conv {
                filters: need(e.filters, "filters")?,
                kernel,
                stride: e.stride.unwrap_or(1),
                padding: e.padding.unwrap_or(kernel / 2),
                pool: e.pool,
                kernel_w: e.kernel_w,
                stride_w: e.stride_w,
                pad_bottom: e.pad_bottom,
                pad_left: e.pad_left,
                pad_right: e.pad_right,
                dilation: e.dilation,
                groups: e.groups,
            })
        }
        Kind::Pool => {
            let global = e.global.unwrap_or(false);
            let size = match (global, e.size) {
                (true, _) => e.size.unwrap_or(1),
                (false, Some(size)) => size,
                (false, None) => {
                    return Err(ModelError::layer(
                        index,
                        "a pool needs a size (or \"global\": true)",
                    ))
                }
            };
            Layer::Pool(PoolLayer {
                mode: e.mode.unwrap_or_else(max_mode),
                global,
                size,
                stride: e.stride.unwrap_or(size),
                padding: e.padding.unwrap_or(0),
                size_w: e.size_w,
                stride_w: e.stride_w,
                pad_bottom: e.pad_bottom,
                pad_left: e.pad_left,
                pad_right: e.pad_right,
                ceil: e.ceil.unwrap_or(false),
            })
        }
        Kind::Add => Layer::Add,
        Kind::Mul => Layer::Mul,
        Kind::Scale => Layer::Scale,
        Kind::Concat => Layer::Concat,
        Kind::Split => Layer::Split(Split {
            groups: need(e.groups, "groups")?,
            group_id: need(e.group_id, "group_id")?,
        }),
        Kind::Upsample => Layer::Upsample(Upsample {
            factor: need(e.factor, "factor")?,
        }),
        Kind::Shuffle => Layer::Shuffle(Shuffle {
            groups: need(e.groups, "groups")?,
        }),
        Kind::Reorg => Layer::Reorg(Reorg {
            stride: need(e.stride, "stride")?,
        }),
        Kind::Crop => Layer::Crop(Crop {
            top: need(e.top, "top")?,
            bottom: need(e.bottom, "bottom")?,
            left: need(e.left, "left")?,
            right: need(e.right, "right")?,
        }),
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
