//! Darknet sections to a validated [`Network`]. A cfg that is a chain is read as one:
//! convolutions and connected layers become layers, each `[maxpool]` (and a global
//! `[avgpool]`) is fused into the conv before it, YOLOv2's route/reorg pattern becomes
//! the passthrough and cost-free sections are skipped — the paper's form, which the
//! zoo's figures are computed on. Any other cfg (one that branches, or whose pools or
//! convs the chain form cannot write exactly) is read as a DAG by [`super::dag`], whose
//! errors are the ones the user sees: the chain's own refusals only say what stops it.

use super::section::Section;
use super::{dag, passthrough};
use crate::import::chain::Chain;
use crate::import::origins::Origin;
use crate::model::{Conv, Fc, Layer, ModelError, Network, Passthrough, PoolLayer, PoolMode, Shape};

/// Sections that keep the shape and cost nothing in the cost model (spec §1:
/// "activation and batch norm are free"; dropout, softmax and the loss/detection heads
/// do no multiply-adds the planner counts).
pub(super) const FREE: [&str; 12] = [
    "dropout",
    "softmax",
    "soft",
    "cost",
    "region",
    "detection",
    "batchnorm",
    "activation",
    "logistic",
    "normalization",
    "lrn",
    "l2norm",
];

/// What a Darknet layer (a section after `[net]`) produced, for `[route]` references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Produced {
    /// The conv output (before any pool) of this 1-based model layer.
    Conv(usize),
    Other,
}

struct Builder {
    chain: Chain,
    seen_fc: bool,
    produced: Vec<Produced>,
}

/// Builds and validates the model of a cfg; `sections` are all sections, `[net]` first.
pub fn network(sections: &[Section<'_>]) -> Result<Network, ModelError> {
    let Some((net, layers)) = sections.split_first() else {
        return Err(ModelError::at(
            "line 1",
            "found no sections, expected a Darknet cfg starting with [net]",
        ));
    };
    if !matches!(net.name.to_ascii_lowercase().as_str(), "net" | "network") {
        return Err(ModelError::at(
            net.location(),
            format!("found {}, expected [net] as the first section", net.label()),
        ));
    }
    refuse_recurrent(layers)?;
    let input = Shape::new(
        net.size("height", 1)?,
        net.size("width", 1)?,
        net.size("channels", 1)?,
    );
    crate::model::limits::check_shape(None, "input", input)
        .map_err(|e| ModelError::at(net.location(), format!("[net]: {}", e.message)))?;
    let (input, cropped) = crop(layers.first(), input)?;
    let origin = Origin::new(net.location(), "the cfg");
    chain(input, origin.clone(), layers, cropped)
        .or_else(|_| dag::network(input, origin, layers, cropped))
}

/// The chain form of the cfg, or the first reason it has none.
fn chain(
    input: Shape,
    origin: Origin,
    layers: &[Section<'_>],
    cropped: usize,
) -> Result<Network, ModelError> {
    let mut b = Builder {
        chain: Chain::new("darknet".into(), input, origin),
        seen_fc: false,
        produced: vec![Produced::Other; cropped],
    };
    let mut at = cropped;
    while let Some(s) = layers.get(at) {
        at += b.section(layers, at, s)?;
    }
    b.chain.finish()
}

/// Recurrent layers run over time steps, which the planner does not model; their cfgs
/// describe a sequence input (`[net] inputs=`), so this is checked before the input.
fn refuse_recurrent(layers: &[Section<'_>]) -> Result<(), ModelError> {
    const RECURRENT: [&str; 6] = ["rnn", "gru", "lstm", "crnn", "conv_lstm", "history"];
    match layers
        .iter()
        .find(|s| RECURRENT.contains(&s.name.to_ascii_lowercase().as_str()))
    {
        Some(s) => Err(s.error_at(
            "a recurrent layer (it runs over time steps, carrying a state), which the \
             planner's cost model does not cover"
                .into(),
        )),
        None => Ok(()),
    }
}

/// Old Darknet classifiers start with `[crop]`, which cuts the training image to
/// `crop_height × crop_width` before the first layer: that is the network's input.
/// Returns the input and how many sections were read (0 or 1).
fn crop(first: Option<&Section<'_>>, input: Shape) -> Result<(Shape, usize), ModelError> {
    let Some(s) = first.filter(|s| s.name.eq_ignore_ascii_case("crop")) else {
        return Ok((input, 0));
    };
    let height = s.size("crop_height", 1)?;
    let width = s.size("crop_width", 1)?;
    if height > input.height || width > input.width {
        return Err(s.error_at(format!(
            "found a {height}×{width} crop of a {}×{} input, expected one that fits",
            input.height, input.width
        )));
    }
    Ok((Shape::new(height, width, input.channels), 1))
}

impl Builder {
    /// Reads the section at `at`; returns how many sections it consumed.
    fn section(
        &mut self,
        all: &[Section<'_>],
        at: usize,
        s: &Section<'_>,
    ) -> Result<usize, ModelError> {
        let name = s.name.to_ascii_lowercase();
        let produced = match name.as_str() {
            "convolutional" | "conv" => self.conv(s)?,
            "connected" | "conn" => {
                self.seen_fc = true;
                let outputs = s.size("output", 1)?;
                self.chain.push(Layer::Fc(Fc { outputs }), s.origin())?;
                Produced::Other
            }
            "maxpool" | "max" => self.maxpool(s)?,
            "avgpool" | "avg" => self.avgpool(s)?,
            "route" => return self.passthrough(all, at, s),
            n if FREE.contains(&n) => Produced::Other,
            _ => return Err(refused(s, &name)),
        };
        self.produced.push(produced);
        Ok(1)
    }

    fn conv(&mut self, s: &Section<'_>) -> Result<Produced, ModelError> {
        let conv = read_conv(s)?;
        if self.seen_fc {
            return Err(s.error_at("a conv after a [connected]".into()));
        }
        let index = self.chain.push(Layer::Conv(conv), s.origin())?;
        Ok(Produced::Conv(index))
    }

    /// A `[maxpool]` read as the DAG form reads it, fused when that is a plain pool
    /// (Darknet's padding reaches no window: the planner's fused pools have none).
    fn maxpool(&mut self, s: &Section<'_>) -> Result<Produced, ModelError> {
        let stride = s.size_or("stride", 1, 1)?;
        for key in ["stride_x", "stride_y"] {
            s.require_neutral(key, stride, "the planner's pools have one stride")?;
        }
        let p = self.chain.pool_target(&s.origin())?;
        let pool = dag::read_pool(s, PoolMode::Max, p.conv_out)?;
        if pool != PoolLayer::new(PoolMode::Max, pool.size, stride) {
            return Err(s.error_at("a padded maxpool".into()));
        }
        self.chain.fuse(p, pool.size, stride, &s.origin())?;
        Ok(Produced::Other)
    }

    /// Darknet's `[avgpool]` is global (a pool costs no FLOPs, so it fuses exactly).
    fn avgpool(&mut self, s: &Section<'_>) -> Result<Produced, ModelError> {
        self.chain.global_pool(&s.origin())?;
        Ok(Produced::Other)
    }

    fn passthrough(
        &mut self,
        all: &[Section<'_>],
        at: usize,
        s: &Section<'_>,
    ) -> Result<usize, ModelError> {
        let branch = passthrough::read(all, at, &self.produced)?;
        if self.chain.passthrough_origin().is_some() {
            return Err(s.error_at("a second passthrough".into()));
        }
        let spec = Passthrough {
            source: branch.source,
            target: self.chain.len() + 1,
            filters: branch.filters,
            reorg: branch.reorg,
        };
        self.chain
            .set_passthrough(spec, Origin::new(s.location(), "[route] (passthrough)"));
        self.produced
            .extend([Produced::Other; passthrough::SECTIONS]);
        Ok(passthrough::SECTIONS)
    }
}

/// A `[convolutional]` as the DAG form reads it, when it is the paper's square conv
/// with one stride and no dilation (which the DAG form ignores on a 1×1 kernel).
pub fn read_conv(s: &Section<'_>) -> Result<Conv, ModelError> {
    let stride = s.size_or("stride", 1, 1)?;
    for key in ["stride_x", "stride_y"] {
        s.require_neutral(key, stride, "the planner's convolutions have one stride")?;
    }
    s.require_neutral("dilation", 1, "a dilated kernel has a different footprint")?;
    let conv = dag::read_conv(s)?;
    if !conv.is_square() {
        return Err(s.error_at("not the paper's square convolution".into()));
    }
    Ok(conv)
}

/// Why a known section is refused, or that it is unknown.
pub(super) fn refused(s: &Section<'_>, name: &str) -> ModelError {
    let why = match name {
        "net" | "network" => "a second [net]; expected it only as the first section".into(),
        "crop" => "a [crop] is only understood first, where it crops the input image".into(),
        "deconvolutional" | "deconv" => format!(
            "{} (a transposed conv) is not a layer the planner's cost model covers",
            s.label()
        ),
        "implicit" => "[implicit] is a learned constant tensor with no input, which is not a \
                       layer the planner has"
            .into(),
        _ => format!(
            "unknown section {}; expected a conv ([convolutional], [local]), [connected], a \
             pool ([maxpool], [local_avgpool], [avgpool]), [shortcut], [route], [upsample], \
             [scale_channels], [sam], [reorg], a head ([yolo], [region]…) or a cost-free section",
            s.label()
        ),
    };
    ModelError::at(s.location(), why)
}
