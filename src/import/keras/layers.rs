//! One Keras layer applied to its input tensors, as the planner's DAG layers: what each
//! class computes, with Keras' own geometry ("same" padding split as TensorFlow splits
//! it, rectangular kernels and strides, dilation, groups).

use super::node::Node;
use super::window::{self, Of};
use crate::import::graph::Graph;
use crate::import::origins::Origin;
use crate::model::{
    Bilinear, Conv, Crop, Fc, Layer, ModelError, PoolLayer, PoolMode, Shape, Upsample,
};

/// Layers that keep the tensor and cost nothing in the cost model (spec §1): dropout,
/// activations, normalisation, preprocessing and noise layers. The chain form
/// (`build.rs`) skips the first [`CHAIN_FREE`] of them and no others.
pub const FREE: [&str; 17] = [
    "Dropout",
    "SpatialDropout2D",
    "Activation",
    "BatchNormalization",
    "ReLU",
    "LeakyReLU",
    "Softmax",
    "ELU",
    "PReLU",
    "ThresholdedReLU",
    "Rescaling",
    "Normalization",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "ActivityRegularization",
    "Identity",
];

/// How many of [`FREE`] the chain form skips.
pub const CHAIN_FREE: usize = 8;

pub const SUPPORTED: &str = "InputLayer, Conv2D, DepthwiseConv2D, SeparableConv2D, \
    MaxPooling2D, AveragePooling2D, Global{Average,Max}Pooling2D, ZeroPadding2D, \
    Cropping2D, UpSampling2D, Add, Multiply, Concatenate, Dense, Flatten, Reshape, or a cost-free \
    layer (Dropout, Activation, BatchNormalization, ReLU…)";

/// Layers a `ZeroPadding2D` before them folds into: the convs and windowed pools, and
/// a further `ZeroPadding2D` (the paddings add up).
const FOLD_PADDING: [&str; 9] = [
    "Conv2D",
    "Convolution2D",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "MaxPooling2D",
    "MaxPool2D",
    "AveragePooling2D",
    "AvgPool2D",
    "ZeroPadding2D",
];

/// True for the classes [`Call::apply`] reads.
pub fn is_known(class: &str) -> bool {
    FREE.contains(&class)
        || FOLD_PADDING.contains(&class)
        || matches!(
            class,
            "GlobalAveragePooling2D"
                | "GlobalAvgPool2D"
                | "GlobalMaxPooling2D"
                | "GlobalMaxPool2D"
                | "UpSampling2D"
                | "Cropping2D"
                | "Dense"
                | "Flatten"
                | "Reshape"
                | "Add"
                | "Multiply"
                | "Concatenate"
        )
}

/// Zero padding waiting to be folded into the conv or pool that reads it.
#[derive(Clone, Debug)]
pub struct Pad {
    /// Top, bottom, left, right.
    pub sides: [u32; 4],
    /// Where the `ZeroPadding2D` was written.
    pub path: String,
}

/// A Keras tensor: a planner tensor, whether Keras sees it flat (`[batch, n]`), and
/// padding still to apply.
#[derive(Clone, Debug)]
pub struct Tensor {
    pub id: usize,
    pub flat: bool,
    pub pad: Option<Pad>,
}

impl Tensor {
    pub fn plain(id: usize, flat: bool) -> Self {
        Tensor {
            id,
            flat,
            pad: None,
        }
    }
}

/// A layer call: the graph it adds to, its config, its inputs and where it was written.
pub struct Call<'c, 'a> {
    pub graph: &'c mut Graph,
    pub class: &'a str,
    pub cfg: Node<'a>,
    pub origin: Origin,
    pub inputs: Vec<Tensor>,
    /// For `Dense` on a flat tensor: every later layer is dense too, so it may be an FC.
    pub fc_tail: bool,
    /// Numbers among the call's arguments: `Add`/`Multiply` of one tensor and a
    /// constant (Keras 3's `x + 3.0`, as in hard-sigmoid) is elementwise, so free.
    pub constants: usize,
}

impl Call<'_, '_> {
    /// The output tensor of the call.
    pub fn apply(self) -> Result<Tensor, ModelError> {
        if let Some(pad) = self.inputs.iter().find_map(|t| t.pad.as_ref()) {
            if !FOLD_PADDING.contains(&self.class) {
                return Err(ModelError::at(
                    pad.path.clone(),
                    format!(
                        "ZeroPadding2D: found {} after it, expected a conv or pool to fold the \
                         padding into",
                        crate::import::preview(self.class)
                    ),
                ));
            }
        }
        match self.class {
            "Conv2D" | "Convolution2D" => self.conv(),
            "DepthwiseConv2D" => self.depthwise(false),
            "SeparableConv2D" => self.depthwise(true),
            "MaxPooling2D" | "MaxPool2D" => self.pool(PoolMode::Max),
            "AveragePooling2D" | "AvgPool2D" => self.pool(PoolMode::Avg),
            "GlobalAveragePooling2D" | "GlobalAvgPool2D" => self.global(PoolMode::Avg),
            "GlobalMaxPooling2D" | "GlobalMaxPool2D" => self.global(PoolMode::Max),
            "ZeroPadding2D" => self.zero_padding(),
            "UpSampling2D" => self.upsample(),
            "Cropping2D" => self.cropping(),
            "Dense" => self.dense(),
            "Flatten" => Ok(Tensor::plain(self.one()?.id, true)),
            "Reshape" => self.reshape(),
            "Add" | "Multiply" if self.inputs.len() == 1 && self.constants > 0 => self.one(),
            "Add" => self.join(Layer::Add),
            "Multiply" => self.multiply(),
            "Concatenate" => self.concat(),
            c if FREE.contains(&c) => self.one(),
            _ => Err(self.origin.error(format!(
                "not a layer the planner reads; expected one of {SUPPORTED}"
            ))),
        }
    }

    /// The only input.
    fn one(&self) -> Result<Tensor, ModelError> {
        match self.inputs.as_slice() {
            [t] => Ok(t.clone()),
            _ => Err(self
                .origin
                .error(format!("found {} inputs, expected one", self.inputs.len()))),
        }
    }

    fn shape(&self, t: &Tensor) -> Shape {
        self.graph.shape(t.id)
    }

    /// The single input, which must be an image (not flat).
    fn image(&self) -> Result<Tensor, ModelError> {
        let t = self.one()?;
        if t.flat {
            return Err(self.origin.error(format!(
                "needs an image tensor, but its input is flat ({})",
                self.shape(&t)
            )));
        }
        check_channels_last(&self.cfg)?;
        Ok(t)
    }

    fn push(&mut self, layer: Layer, inputs: &[usize]) -> Result<usize, ModelError> {
        self.graph.push(layer, inputs, self.origin.clone())
    }

    /// A conv of `filters` and `groups` with this layer's kernel, strides, dilation and
    /// padding, reading `t`.
    fn conv_layer(&self, t: &Tensor, filters: u32, groups: u32) -> Result<Conv, ModelError> {
        let w = window::read(&self.cfg, self.shape(t), t.pad.as_ref(), Of::Conv)?;
        let mut conv = Conv::same(filters, 1).with_window(w.size, w.stride, w.pad);
        conv.dilation = (w.dilation > 1).then_some(w.dilation);
        conv.groups = (groups > 1).then_some(groups);
        Ok(conv)
    }

    fn conv(mut self) -> Result<Tensor, ModelError> {
        let t = self.image()?;
        let filters = self.cfg.field("filters")?.size(1)?;
        let groups = self.cfg.get("groups").map_or(Ok(1), |g| g.size(1))?;
        let conv = self.conv_layer(&t, filters, groups)?;
        let id = self.push(Layer::Conv(conv), &[t.id])?;
        Ok(Tensor::plain(id, false))
    }

    /// `DepthwiseConv2D` is a conv with one group per input channel and
    /// `depth_multiplier` filters each; `SeparableConv2D` adds the 1×1 pointwise conv.
    fn depthwise(mut self, separable: bool) -> Result<Tensor, ModelError> {
        let t = self.image()?;
        let c = self.shape(&t).channels;
        let multiplier = self
            .cfg
            .get("depth_multiplier")
            .map_or(Ok(1), |m| m.size(1))?;
        let filters = c
            .checked_mul(multiplier)
            .ok_or_else(|| self.origin.error("depth_multiplier × channels overflows"))?;
        let conv = self.conv_layer(&t, filters, c)?;
        let mut id = self.push(Layer::Conv(conv), &[t.id])?;
        if separable {
            let pointwise = self.cfg.field("filters")?.size(1)?;
            id = self.push(Layer::Conv(Conv::same(pointwise, 1)), &[id])?;
        }
        Ok(Tensor::plain(id, false))
    }

    fn pool(mut self, mode: PoolMode) -> Result<Tensor, ModelError> {
        let t = self.image()?;
        let w = window::read(&self.cfg, self.shape(&t), t.pad.as_ref(), Of::Pool)?;
        let pool = PoolLayer::new(mode, 1, 1).with_window(w.size, w.stride, w.pad);
        let id = self.push(Layer::Pool(pool), &[t.id])?;
        Ok(Tensor::plain(id, false))
    }

    /// A global pool is `1×1×C`; Keras sees it flat unless `keepdims`.
    fn global(mut self, mode: PoolMode) -> Result<Tensor, ModelError> {
        let t = self.image()?;
        let keepdims = match self.cfg.get("keepdims") {
            Some(k) => k
                .value
                .as_bool()
                .ok_or_else(|| k.expected("true or false"))?,
            None => false,
        };
        let id = self.push(Layer::Pool(PoolLayer::global(mode)), &[t.id])?;
        Ok(Tensor::plain(id, !keepdims))
    }

    fn zero_padding(self) -> Result<Tensor, ModelError> {
        let t = self.image()?;
        let sides = sides(&self.cfg.field("padding")?)?;
        let mut total = t.pad.as_ref().map_or([0; 4], |p| p.sides);
        for (a, b) in total.iter_mut().zip(sides) {
            *a = a.saturating_add(b);
        }
        Ok(Tensor {
            id: t.id,
            flat: false,
            pad: Some(Pad {
                sides: total,
                path: self.origin.location.clone(),
            }),
        })
    }

    /// `Cropping2D`: a crop layer (`model::Crop`).
    fn cropping(mut self) -> Result<Tensor, ModelError> {
        let t = self.image()?;
        let [top, bottom, left, right] = sides(&self.cfg.field("cropping")?)?;
        let crop = Crop {
            top,
            bottom,
            left,
            right,
        };
        let id = self.push(Layer::Crop(crop), &[t.id])?;
        Ok(Tensor::plain(id, false))
    }

    fn upsample(mut self) -> Result<Tensor, ModelError> {
        let t = self.image()?;
        let size = self.cfg.get("size");
        let (factor, w) = size.as_ref().map_or(Ok((2, 2)), |s| s.pair(1))?;
        if let (Some(s), true) = (size, factor != w) {
            return Err(s.expected("equal factors (the planner upsamples by one factor)"));
        }
        // TF2's bilinear resize has half-pixel centres, as the planner's.
        let layer = match self.cfg.get("interpolation") {
            None => Layer::Upsample(Upsample { factor }),
            Some(i) => match i.str()? {
                "nearest" => Layer::Upsample(Upsample { factor }),
                "bilinear" => Layer::Bilinear(Bilinear { factor }),
                _ => return Err(i.expected("\"nearest\" or \"bilinear\"")),
            },
        };
        let id = self.push(layer, &[t.id])?;
        Ok(Tensor::plain(id, false))
    }

    /// `Dense` on a flat tensor is an FC when only dense layers follow; otherwise (an SE
    /// block's squeeze and excite on `1×1×C`, or `Dense` on an image, which Keras applies
    /// to the channels of every pixel) it is exactly a 1×1 conv.
    fn dense(mut self) -> Result<Tensor, ModelError> {
        let t = self.one()?;
        let units = self.cfg.field("units")?.size(1)?;
        let s = self.shape(&t);
        if t.flat && self.fc_tail {
            let id = self.push(Layer::Fc(Fc { outputs: units }), &[t.id])?;
            return Ok(Tensor::plain(id, true));
        }
        if t.flat && (s.height, s.width) != (1, 1) {
            return Err(self.origin.error(format!(
                "a Dense on the flattened {s} map feeds layers that are not Dense; expected \
                 only Dense layers after a Flatten"
            )));
        }
        let id = self.push(Layer::Conv(Conv::same(units, 1)), &[t.id])?;
        Ok(Tensor::plain(id, t.flat))
    }

    /// `Reshape` between a flat `[C]` and `1×1×C` (SE blocks); nothing else.
    fn reshape(self) -> Result<Tensor, ModelError> {
        let t = self.one()?;
        let s = self.shape(&t);
        let target = self.cfg.field("target_shape")?;
        let dims: Vec<u32> = target
            .items()?
            .iter()
            .map(|d| d.size(1))
            .collect::<Result<_, _>>()?;
        let n = u64::from(s.channels);
        let one_by_one = (s.height, s.width) == (1, 1);
        match dims.as_slice() {
            [1, 1, c] if one_by_one && u64::from(*c) == n => Ok(Tensor::plain(t.id, false)),
            [c] if one_by_one && u64::from(*c) == n => Ok(Tensor::plain(t.id, true)),
            _ => Err(target.expected(&format!(
                "[1, 1, {n}] or [{n}] for a 1×1×{n} tensor (the planner reshapes only between \
                 flat and 1×1×C)"
            ))),
        }
    }

    fn ids(&self) -> Vec<usize> {
        self.inputs.iter().map(|t| t.id).collect()
    }

    /// `layer` reading every input of the call, flat when one of them is.
    fn join(mut self, layer: Layer) -> Result<Tensor, ModelError> {
        let flat = self.inputs.iter().any(|t| t.flat);
        let ids = self.ids();
        let id = self.push(layer, &ids)?;
        Ok(Tensor::plain(id, flat))
    }

    /// `Multiply` of maps of one shape is an elementwise product (spatial attention);
    /// of a map and its `1×1×C` factors (an SE block), a per-channel scale.
    fn multiply(mut self) -> Result<Tensor, ModelError> {
        let shapes: Vec<Shape> = self.inputs.iter().map(|t| self.shape(t)).collect();
        if shapes.len() >= 2 && shapes.iter().all(|&s| s == shapes[0]) {
            return self.join(Layer::Mul);
        }
        let ([a, b], [sa, sb]) = (self.inputs.as_slice(), shapes.as_slice()) else {
            return Err(self.origin.error(format!(
                "found {} inputs, expected maps of one shape, or a map and its 1×1×C factors",
                self.inputs.len()
            )));
        };
        let is_factors = |s: Shape| (s.height, s.width) == (1, 1);
        let (map, factors) = match (is_factors(*sa), is_factors(*sb)) {
            (false, true) => (a.id, b.id),
            (true, false) => (b.id, a.id),
            _ => {
                return Err(self.origin.error(format!(
                    "multiplies {sa} by {sb}; expected maps of one shape (an elementwise product) \
                     or a map and 1×1×C factors (a per-channel scale)"
                )))
            }
        };
        let id = self.push(Layer::Scale, &[map, factors])?;
        Ok(Tensor::plain(id, false))
    }

    fn concat(self) -> Result<Tensor, ModelError> {
        if let Some(axis) = self.cfg.get("axis") {
            let ok = match axis.value.as_i64() {
                Some(-1) => true,
                Some(3) => !self.inputs.iter().any(|t| t.flat),
                _ => false,
            };
            if !ok {
                return Err(axis.expected("-1 or 3 (concatenation along the channels)"));
            }
        }
        self.join(Layer::Concat)
    }
}

pub fn check_channels_last(cfg: &Node<'_>) -> Result<(), ModelError> {
    match cfg.get("data_format") {
        Some(f) if f.str()? != "channels_last" => Err(f.expected(
            "\"channels_last\" (the input shape is read as [batch, height, width, channels])",
        )),
        _ => Ok(()),
    }
}

/// The sides of a `ZeroPadding2D`'s `padding` or a `Cropping2D`'s `cropping`: `p`,
/// `(h, w)` or `((top, bottom), (left, right))`, as top, bottom, left, right.
fn sides(node: &Node<'_>) -> Result<[u32; 4], ModelError> {
    if !node.is_list() {
        return Ok([node.size(0)?; 4]);
    }
    let parts = node.items()?;
    let [h, w] = parts.as_slice() else {
        return Err(node.expected("a number, [h, w] or [[top, bottom], [left, right]]"));
    };
    let side = |n: &Node<'_>| -> Result<(u32, u32), ModelError> {
        if n.is_list() {
            n.pair(0)
        } else {
            n.size(0).map(|p| (p, p))
        }
    };
    let ((top, bottom), (left, right)) = (side(h)?, side(w)?);
    Ok([top, bottom, left, right])
}
