//! The layers of a Keras Sequential model to a validated [`Network`], tracking the tensor
//! shape so that "same" padding and pools are resolved exactly as Keras computes them.
//!
//! The chain form is tried first; a model it cannot write is read by
//! [`functional::network`], whose errors are the ones the user sees, so the refusals here
//! only say what stops the chain.

use serde_json::Value;

use super::functional;
use super::layers::{check_channels_last, Pad, CHAIN_FREE, FREE};
use super::node::Node;
use super::window::{self, Of};
use crate::import::chain::{Chain, Poolable};
use crate::import::origins::Origin;
use crate::model::{Conv, Fc, Layer, ModelError, Network, PoolLayer, PoolMode};

struct Builder {
    chain: Chain,
    /// After `Flatten`, a global pool or a flat `Dense`: only `Dense` may follow.
    flat: bool,
    /// Padding of a `ZeroPadding2D` waiting for its `Conv2D`, and where it was written.
    pending_pad: Option<Pad>,
}

/// Builds and validates the model of a parsed Keras JSON document: `model.to_json()`,
/// or a TF.js `model.json` (the same document under `modelTopology`, sometimes under
/// a further `model_config`). A Sequential model is read as a chain when it is one
/// the chain form writes exactly (the paper's form, which every zoo figure uses);
/// otherwise, and for functional models, as a DAG.
pub fn network(value: &Value) -> Result<Network, ModelError> {
    let mut root = Node::root(value);
    for wrapper in ["modelTopology", "model_config"] {
        if root.get("class_name").is_none() {
            if let Some(inner) = root.get(wrapper) {
                root = inner;
            }
        }
    }
    let class = root.field("class_name")?;
    let config = root.field("config")?;
    // Keras ≤ 2.1 wrote the layer list as the config itself.
    let (layers, name) = if config.value.is_array() {
        (config.clone(), None)
    } else {
        let name = config
            .get("name")
            .map(|n| n.str().map(str::to_owned))
            .transpose()?;
        (config.field("layers")?, name)
    };
    let name = name.unwrap_or_else(|| "keras".into());
    let layers = layers.items()?;
    if layers.is_empty() {
        return Err(config.error("found no layers, expected at least one"));
    }
    match class.str()? {
        "Sequential" => chain(&layers, &config, name.clone())
            .or_else(|_| functional::network(&layers, &config, name, true)),
        "Functional" | "Model" => functional::network(&layers, &config, name, false),
        _ => Err(class.expected("\"Sequential\", \"Functional\" or \"Model\"")),
    }
}

/// The chain form of a Sequential model, or the first reason it has none.
fn chain(layers: &[Node<'_>], config: &Node<'_>, name: String) -> Result<Network, ModelError> {
    let (input, _, flat) = functional::input(layers, config, true)?;
    if flat {
        return Err(config.error("a flat input"));
    }
    let mut b = Builder {
        chain: Chain::new(
            name,
            input,
            Origin::new(config.path.clone(), "the Keras model"),
        ),
        flat: false,
        pending_pad: None,
    };
    for (i, layer) in layers.iter().enumerate() {
        b.layer(i, layer)?;
    }
    if let Some(pad) = b.pending_pad {
        return Err(ModelError::at(
            pad.path,
            "ZeroPadding2D: no Conv2D after it",
        ));
    }
    b.chain.finish()
}

impl Builder {
    fn layer(&mut self, i: usize, layer: &Node<'_>) -> Result<(), ModelError> {
        let class_node = layer.field("class_name")?;
        let class = class_node.str()?;
        let shown = crate::import::preview(class);
        let cfg = layer.field("config")?;
        let label = match cfg
            .get("name")
            .and_then(|n| n.value.as_str().map(str::to_owned))
        {
            Some(name) => format!("{shown} \"{}\"", crate::import::preview(&name)),
            None => shown.clone(),
        };
        let origin = Origin::new(layer.path.clone(), label);
        if class != "Conv2D" && class != "Convolution2D" {
            if let Some(pad) = &self.pending_pad {
                return Err(ModelError::at(
                    pad.path.clone(),
                    "ZeroPadding2D: no Conv2D after it",
                ));
            }
        }
        match class {
            "InputLayer" if i == 0 => Ok(()),
            "InputLayer" => Err(class_node.expected("an InputLayer only as the first layer")),
            "Conv2D" | "Convolution2D" => self.conv(&cfg, origin),
            "MaxPooling2D" | "MaxPool2D" | "AveragePooling2D" | "AvgPool2D" => {
                self.pool(&cfg, origin)
            }
            "GlobalAveragePooling2D"
            | "GlobalMaxPooling2D"
            | "GlobalAvgPool2D"
            | "GlobalMaxPool2D" => self.global_pool(&cfg, origin),
            "ZeroPadding2D" => self.zero_padding(&cfg, origin),
            "Dense" => self.dense(&cfg, origin),
            "Flatten" => {
                self.flat = true;
                self.chain.close_pool();
                Ok(())
            }
            c if FREE[..CHAIN_FREE].contains(&c) => Ok(()),
            _ => Err(class_node.expected("a layer of the chain form")),
        }
    }

    /// Refuses a spatial layer once the tensor is flat.
    fn check_spatial(&self, origin: &Origin) -> Result<(), ModelError> {
        if self.flat {
            return Err(origin.error("a spatial layer after the tensor is flat"));
        }
        Ok(())
    }

    /// A conv whose window (Keras' geometry, `window::read`) is the paper's: square,
    /// undilated, padded alike on every side.
    fn conv(&mut self, cfg: &Node<'_>, origin: Origin) -> Result<(), ModelError> {
        self.check_spatial(&origin)?;
        check_channels_last(cfg)?;
        let filters = cfg.field("filters")?.size(1)?;
        if let Some(g) = cfg.get("groups") {
            if g.size(1)? != 1 {
                return Err(g.expected("1 (a grouped convolution has a different cost)"));
            }
        }
        let pad = self.pending_pad.take();
        let w = window::read(cfg, self.chain.shape, pad.as_ref(), Of::Conv)?;
        let conv = Conv::same(filters, 1).with_window(w.size, w.stride, w.pad);
        if w.dilation != 1 || !conv.is_square() {
            return Err(cfg.error("a conv window that is not square and symmetric"));
        }
        self.chain.push(Layer::Conv(conv), origin).map(drop)
    }

    /// The conv a pool fuses into, or why there is none.
    fn pool_target(&mut self, origin: &Origin) -> Result<Poolable, ModelError> {
        self.check_spatial(origin)?;
        self.chain.pool_target(origin)
    }

    /// A max or average pool; either costs nothing, so only its geometry matters.
    fn pool(&mut self, cfg: &Node<'_>, origin: Origin) -> Result<(), ModelError> {
        check_channels_last(cfg)?;
        let p = self.pool_target(&origin)?;
        let w = window::read(cfg, p.conv_out, None, Of::Pool)?;
        let pool = PoolLayer::new(PoolMode::Max, 1, 1).with_window(w.size, w.stride, w.pad);
        if pool != PoolLayer::new(PoolMode::Max, w.size.0, w.stride.0) {
            return Err(cfg.error("a pool window that is not square and unpadded"));
        }
        self.chain.fuse(p, w.size.0, w.stride.0, &origin)
    }

    /// A global pool `H×W×C → C`, after which the tensor is flat.
    fn global_pool(&mut self, cfg: &Node<'_>, origin: Origin) -> Result<(), ModelError> {
        check_channels_last(cfg)?;
        self.check_spatial(&origin)?;
        self.chain.global_pool(&origin)?;
        self.flat = true;
        Ok(())
    }

    /// `ZeroPadding2D` with equal padding on every side, folded into the next `Conv2D`.
    fn zero_padding(&mut self, cfg: &Node<'_>, origin: Origin) -> Result<(), ModelError> {
        self.check_spatial(&origin)?;
        check_channels_last(cfg)?;
        let node = cfg.field("padding")?;
        let sides: Vec<u32> = match node.value {
            Value::Array(_) => node
                .items()?
                .iter()
                .map(|side| match side.value {
                    Value::Array(_) => side.items()?.iter().map(|n| n.size(0)).collect(),
                    _ => side.size(0).map(|n| vec![n, n]),
                })
                .collect::<Result<Vec<_>, _>>()?
                .concat(),
            _ => vec![node.size(0)?],
        };
        match sides.split_first() {
            Some((&p, rest)) if rest.iter().all(|&q| q == p) => {
                self.pending_pad = Some(Pad {
                    sides: [p; 4],
                    path: origin.location,
                });
                Ok(())
            }
            _ => {
                Err(node
                    .expected("equal padding on every side (the planner's padding is symmetric)"))
            }
        }
    }

    /// `Dense` on a flat tensor is an FL; on an image tensor Keras applies it to the
    /// channels of every pixel, which is exactly a 1×1 conv.
    fn dense(&mut self, cfg: &Node<'_>, origin: Origin) -> Result<(), ModelError> {
        let units = cfg.field("units")?.size(1)?;
        let layer = if self.flat {
            Layer::Fc(Fc { outputs: units })
        } else {
            Layer::Conv(Conv::same(units, 1))
        };
        self.chain.push(layer, origin).map(drop)
    }
}
