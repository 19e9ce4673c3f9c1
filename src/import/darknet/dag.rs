//! Darknet cfgs that are not chains (residual `[shortcut]`s, concatenating `[route]`s,
//! `[upsample]`, SE `[scale_channels]`, spatial attention `[sam]`, grouped and dilated
//! convs, padded max-pools…) to a DAG model: every section becomes the layer Darknet
//! computes, reading the tensors Darknet reads, with Darknet's geometry.
//!
//! Darknet numbers its layers 0, 1, … from the first section after `[net]`; `[route]`,
//! `[shortcut]`, `[scale_channels]` and `[sam]` name them by that number (or relative to
//! their own, when negative). Each Darknet layer is mapped to the tensor it outputs: a
//! cost-free section (activation, dropout, a detection head) outputs the tensor it read,
//! a `[route]` of one layer outputs that layer's tensor, and the others add a layer.

use super::build::{refused, FREE};
use super::passthrough::layer_refs;
use super::section::Section;
use super::shortcut;
use crate::import::graph::Graph;
use crate::import::origins::Origin;
use crate::model::limits::MAX_INPUTS;
use crate::model::{Conv, Fc, Layer, ModelError, Network, PoolLayer, PoolMode, Reorg, Shape};
use crate::model::{Split, Upsample};

/// Heads and markers that keep the tensor and cost nothing, besides [`FREE`]:
/// YOLOv3/v4 heads, the contrastive loss head and Darknet's identity layers.
const HEADS: [&str; 5] = ["yolo", "gaussian_yolo", "contrastive", "empty", "silence"];

struct Dag {
    graph: Graph,
    /// The tensor each Darknet layer outputs, by Darknet layer number.
    tensors: Vec<usize>,
    /// The tensor the next section reads (Darknet's previous layer's output).
    current: usize,
    /// Where a `[connected]` made the tensor flat, once one has.
    flat_after: Option<String>,
}

/// Builds the DAG model of `layers` (the sections after `[net]`), of which the first
/// `skipped` were read already (a leading `[crop]`, which outputs the input).
pub fn network(
    input: Shape,
    origin: Origin,
    layers: &[Section<'_>],
    skipped: usize,
) -> Result<Network, ModelError> {
    let mut dag = Dag {
        graph: Graph::new("darknet".into(), input, origin),
        tensors: vec![0; skipped],
        current: 0,
        flat_after: None,
    };
    for (at, s) in layers.iter().enumerate().skip(skipped) {
        let t = dag.section(at, s)?;
        dag.tensors.push(t);
        dag.current = t;
    }
    dag.graph.finish()
}

impl Dag {
    /// Reads the section that is Darknet layer `at`; returns the tensor it outputs.
    fn section(&mut self, at: usize, s: &Section<'_>) -> Result<usize, ModelError> {
        let name = s.name.to_ascii_lowercase();
        match name.as_str() {
            "convolutional" | "conv" => self.spatial(s, Layer::Conv(read_conv(s)?)),
            "local" => self.spatial(s, Layer::Conv(read_local(s)?)),
            "connected" | "conn" => {
                let outputs = s.size("output", 1)?;
                let t = self.push(s, Layer::Fc(Fc { outputs }), &[self.current])?;
                self.flat_after = Some(format!("{} at {}", s.label(), s.location()));
                Ok(t)
            }
            "maxpool" | "max" => self.pool(s, PoolMode::Max),
            "local_avgpool" | "local_avg" => self.pool(s, PoolMode::Avg),
            "avgpool" | "avg" => self.spatial(s, Layer::Pool(PoolLayer::global(PoolMode::Avg))),
            "shortcut" => {
                let from = self.refs(s, "from", at, MAX_INPUTS)?;
                self.spatial_check(s)?;
                shortcut::add(&mut self.graph, self.current, &from, &s.origin())
            }
            "route" => self.route(at, s),
            "upsample" => {
                let factor = s.size_or("stride", 1, 2)?;
                self.spatial(s, Layer::Upsample(Upsample { factor }))
            }
            "scale_channels" => {
                s.require_neutral(
                    "scale_wh",
                    0,
                    "scale_wh multiplies by a spatial map, not per channel",
                )?;
                self.push(s, Layer::Scale, &[self.from(s, at)?, self.current])
            }
            "sam" => {
                // Darknet's `forward_sam_layer`: the previous output times `from`'s,
                // element by element (its `activation` is free, as everywhere).
                let from = self.from(s, at)?;
                self.spatial_check(s)?;
                self.push(s, Layer::Mul, &[self.current, from])
            }
            "reorg" | "reorg3d" => {
                s.require_neutral("reverse", 0, "a reverse reorg enlarges the map")?;
                let stride = s.size_or("stride", 1, 1)?;
                self.spatial(s, Layer::Reorg(Reorg { stride }))
            }
            n if FREE.contains(&n) || HEADS.contains(&n) => Ok(self.current),
            _ => Err(refused(s, &name)),
        }
    }

    /// The tensors of the Darknet layers option `key` names.
    fn refs(
        &self,
        s: &Section<'_>,
        key: &str,
        at: usize,
        max: usize,
    ) -> Result<Vec<usize>, ModelError> {
        Ok(layer_refs(s, key, at, max)?
            .into_iter()
            .map(|n| self.tensors[n])
            .collect())
    }

    /// The tensor of the one Darknet layer `from` names.
    fn from(&self, s: &Section<'_>, at: usize) -> Result<usize, ModelError> {
        let [from] = self.refs(s, "from", at, 1)?[..] else {
            unreachable!("refs returns one layer or an error")
        };
        Ok(from)
    }

    /// A `[maxpool]` or `[local_avgpool]` of the previous layer.
    fn pool(&mut self, s: &Section<'_>, mode: PoolMode) -> Result<usize, ModelError> {
        let pool = read_pool(s, mode, self.graph.shape(self.current))?;
        self.spatial(s, Layer::Pool(pool))
    }

    /// A layer that reads the previous one and needs an image tensor.
    fn spatial(&mut self, s: &Section<'_>, layer: Layer) -> Result<usize, ModelError> {
        self.spatial_check(s)?;
        self.push(s, layer, &[self.current])
    }

    /// Refuses an image layer once a `[connected]` has made the tensor flat.
    fn spatial_check(&self, s: &Section<'_>) -> Result<(), ModelError> {
        match &self.flat_after {
            Some(after) => Err(s.error_at(format!(
                "cannot follow a [connected] (the tensor is flat after {after})"
            ))),
            None => Ok(()),
        }
    }

    fn push(
        &mut self,
        s: &Section<'_>,
        layer: Layer,
        inputs: &[usize],
    ) -> Result<usize, ModelError> {
        self.graph.push(layer, inputs, s.origin())
    }

    /// `[route] layers=…`: one layer re-points the next section's input; several are
    /// concatenated along the channels. With `groups=G group_id=I` Darknet takes the
    /// `I`-th of `G` equal channel groups of each input first (CSP and YOLOv4-tiny).
    fn route(&mut self, at: usize, s: &Section<'_>) -> Result<usize, ModelError> {
        let refs = self.refs(s, "layers", at, MAX_INPUTS)?;
        let groups = s.size_or("groups", 1, 1)?;
        let group_id = match s.get("group_id") {
            Some(e) if e.size(0)? >= groups => {
                return Err(e.error(format!(
                    "found group_id={}, expected a group from 0 to {} (groups={groups})",
                    e.value,
                    groups - 1
                )))
            }
            Some(e) => e.size(0)?,
            None => 0,
        };
        self.spatial_check(s)?;
        let parts = if groups == 1 {
            refs
        } else {
            let split = Layer::Split(Split { groups, group_id });
            refs.into_iter()
                .map(|t| self.push(s, split, &[t]))
                .collect::<Result<Vec<_>, _>>()?
        };
        match parts[..] {
            [one] => Ok(one),
            _ => self.push(s, Layer::Concat, &parts),
        }
    }
}

/// A `[convolutional]` as Darknet's `parse_convolutional` reads it: `stride_x` and
/// `stride_y` override `stride`, `pad=1` means padding `size/2`, `groups` and
/// `dilation` (ignored for 1×1 kernels) as written.
pub(super) fn read_conv(s: &Section<'_>) -> Result<Conv, ModelError> {
    let filters = s.size("filters", 1)?;
    let size = s.size("size", 1)?;
    let stride = s.size_or("stride", 1, 1)?;
    let stride_x = s.size_or("stride_x", 1, stride)?;
    let stride_y = s.size_or("stride_y", 1, stride)?;
    let groups = s.size_or("groups", 1, 1)?;
    let dilation = if size == 1 {
        1
    } else {
        s.size_or("dilation", 1, 1)?
    };
    let padding = s.conv_padding(size)?;
    s.require_neutral(
        "antialiasing",
        0,
        "an antialiased conv adds a blur conv that the planner does not model",
    )?;
    for key in ["sway", "rotate", "stretch", "stretch_sway"] {
        s.require_neutral(
            key,
            0,
            "a deformable conv reads rotated or stretched windows",
        )?;
    }
    // Darknet sizes the output as `(h + 2·padding − size)/stride + 1` but pads a dilated
    // kernel by `padding·dilation` (im2col_cpu_ext); both agree only when the kernel's
    // dilated span is `2·padding·dilation + 1`.
    if dilation > 1 && 2 * padding + 1 != size {
        return Err(s.error_at(format!(
            "found dilation={dilation} with size={size} and padding {padding}: Darknet then \
             computes a different output size than it pads for; expected padding (size−1)/2 \
             (pad=1 with an odd size)"
        )));
    }
    let mut conv = Conv::same(filters, size).with_stride(stride_y, padding * dilation);
    conv.stride_w = (stride_x != stride_y).then_some(stride_x);
    conv.dilation = (dilation > 1).then_some(dilation);
    conv.groups = (groups > 1).then_some(groups);
    Ok(conv)
}

/// Darknet's `[local]` (YOLOv1): a locally connected layer, which does exactly the
/// multiply-adds of a conv of the same geometry (only its weights are not shared), so it
/// costs like one. Its output is `(h − size)/stride + 1`, or `(h − 1)/stride + 1` with
/// `pad`, which is a conv's with padding `size/2` for an odd size.
fn read_local(s: &Section<'_>) -> Result<Conv, ModelError> {
    let filters = s.size("filters", 1)?;
    let size = s.size("size", 1)?;
    let stride = s.size_or("stride", 1, 1)?;
    let padding = if s.size_or("pad", 0, 0)? != 0 {
        if size % 2 == 0 {
            return Err(s.error_at(format!(
                "found pad with an even size={size}: Darknet's local layer then pads \
                 unevenly; expected an odd size"
            )));
        }
        size / 2
    } else {
        0
    };
    Ok(Conv::same(filters, size).with_stride(stride, padding))
}

/// A `[maxpool]` (or `[local_avgpool]`) as Darknet's `parse_maxpool` reads it: `size`
/// defaults to the stride and `padding` to `size − 1`. Darknet's windows start at
/// `−padding/2` and it outputs `(h + padding − size)/stride + 1` rows, which is a pool
/// padded by `padding/2` at the top and `padding − padding/2` at the bottom. Padding
/// after the map that no window reaches (a 2×2/2 pool on an even map) is left out, so
/// that such a pool is written as the plain pool it is.
pub(super) fn read_pool(
    s: &Section<'_>,
    mode: PoolMode,
    input: Shape,
) -> Result<PoolLayer, ModelError> {
    let stride = s.size_or("stride", 1, 1)?;
    let stride_x = s.size_or("stride_x", 1, stride)?;
    let stride_y = s.size_or("stride_y", 1, stride)?;
    let size = s.size_or("size", 1, stride)?;
    let padding = s.size_or("padding", 0, size - 1)?;
    s.require_neutral(
        "maxpool_depth",
        0,
        "a depth max-pool pools across channels, not rows",
    )?;
    s.require_neutral(
        "antialiasing",
        0,
        "an antialiased pool adds a blur conv that the planner does not model",
    )?;
    let before = padding / 2;
    let after = |n: u32, stride: u32| {
        let full = padding - before;
        let reached = |pad: u32| {
            (u64::from(n) + u64::from(before + pad))
                .checked_sub(u64::from(size))
                .map(|span| span / u64::from(stride))
        };
        if reached(0).is_some() && reached(0) == reached(full) {
            0
        } else {
            full
        }
    };
    let (bottom, right) = (after(input.height, stride_y), after(input.width, stride_x));
    let pad = [before, bottom, before, right];
    Ok(PoolLayer::new(mode, 1, 1).with_window((size, size), (stride_y, stride_x), pad))
}
