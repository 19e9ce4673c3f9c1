//! The paper's models (Table I), a small teaching network, and branching networks
//! people deploy today (ResNet-18/50, MobileNetV2) with a small branching teaching one.

use super::layer::{Model, Passthrough, Shape};
use crate::layers::{Conv, Fc, Layer, PoolLayer, PoolMode};

/// Names accepted by [`by_name`], in the order the page lists them.
pub const NAMES: [&str; 9] = [
    "tiny",
    "alexnet",
    "vgg16",
    "vgg19",
    "yolov2",
    "tinyres",
    "resnet18",
    "resnet50",
    "mobilenetv2",
];

/// A zoo model by name (case-insensitive), or `None`.
pub fn by_name(name: &str) -> Option<Model> {
    match name.to_ascii_lowercase().as_str() {
        "tiny" => Some(tiny()),
        "alexnet" => Some(alexnet()),
        "vgg16" => Some(vgg(16)),
        "vgg19" => Some(vgg(19)),
        "yolov2" => Some(yolov2()),
        "tinyres" => Some(tinyres()),
        "resnet18" => Some(resnet18()),
        "resnet50" => Some(resnet50()),
        "mobilenetv2" => Some(mobilenetv2()),
        _ => None,
    }
}

fn conv(c: Conv) -> Layer {
    Layer::Conv(c)
}

fn fc(outputs: u32) -> Layer {
    Layer::Fc(Fc { outputs })
}

/// A teaching network small enough to see every row: five CLs with pools between
/// them, then two FLs, so every block case can appear.
pub fn tiny() -> Model {
    Model::chain(
        "tiny",
        Shape::new(48, 48, 3),
        vec![
            conv(Conv::same(16, 3)),
            conv(Conv::same(16, 3).with_pool(2, 2)),
            conv(Conv::same(32, 3)),
            conv(Conv::same(32, 3).with_pool(2, 2)),
            conv(Conv::same(64, 3).with_pool(2, 2)),
            fc(128),
            fc(10),
        ],
    )
}

/// AlexNet as in the paper's Table I: 224×224 input, conv1 11×11 stride 4 padding 2,
/// ungrouped convolutions, pools fused to conv1, conv2 and conv5.
pub fn alexnet() -> Model {
    Model::chain(
        "alexnet",
        Shape::new(224, 224, 3),
        vec![
            conv(Conv::same(96, 11).with_stride(4, 2).with_pool(3, 2)),
            conv(Conv::same(256, 5).with_pool(3, 2)),
            conv(Conv::same(384, 3)),
            conv(Conv::same(384, 3)),
            conv(Conv::same(256, 3).with_pool(3, 2)),
            fc(4096),
            fc(4096),
            fc(1000),
        ],
    )
}

/// VGG16 or VGG19 (configurations D and E): 3×3 convs in five stages, each stage ending
/// in a 2×2 pool, then three FLs.
pub fn vgg(depth: u32) -> Model {
    let per_stage: [usize; 5] = if depth == 19 {
        [2, 2, 4, 4, 4]
    } else {
        [2, 2, 3, 3, 3]
    };
    let widths = [64, 128, 256, 512, 512];
    let mut layers = Vec::new();
    for (&count, &width) in per_stage.iter().zip(&widths) {
        for n in 0..count {
            let c = Conv::same(width, 3);
            layers.push(conv(if n + 1 == count { c.with_pool(2, 2) } else { c }));
        }
    }
    layers.extend([fc(4096), fc(4096), fc(1000)]);
    Model::chain(format!("vgg{depth}"), Shape::new(224, 224, 3), layers)
}

/// YOLOv2 at 608×608 (Darknet's `yolov2.cfg`): 22 CLs on the main path, and the
/// passthrough from the 13th CL's conv output (38×38×512, before its pool) through a
/// 1×1 conv to 64 channels and a reorg of 2 (19×19×256), concatenated to the input of
/// the 21st CL (which therefore reads 1280 channels).
pub fn yolov2() -> Model {
    let c3 = |f| conv(Conv::same(f, 3));
    let c3p = |f| conv(Conv::same(f, 3).with_pool(2, 2));
    let c1 = |f| conv(Conv::same(f, 1));
    Model {
        name: "yolov2".into(),
        input: Shape::new(608, 608, 3),
        layers: vec![
            c3p(32),
            c3p(64),
            c3(128),
            c1(64),
            c3p(128),
            c3(256),
            c1(128),
            c3p(256),
            c3(512),
            c1(256),
            c3(512),
            c1(256),
            c3p(512),
            c3(1024),
            c1(512),
            c3(1024),
            c1(512),
            c3(1024),
            c3(1024),
            c3(1024),
            c3(1024),
            c1(425),
        ],
        passthrough: Some(Passthrough {
            source: 13,
            target: 21,
            filters: 64,
            reorg: 2,
        }),
        inputs: Vec::new(),
        gateway_head: None,
    }
}

/// Appends layers to a branching model, returning each one's 1-based index.
struct Builder {
    layers: Vec<Layer>,
    inputs: Vec<Vec<usize>>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            layers: Vec::new(),
            inputs: Vec::new(),
        }
    }

    fn add(&mut self, layer: Layer, inputs: &[usize]) -> usize {
        self.layers.push(layer);
        self.inputs.push(inputs.to_vec());
        self.layers.len()
    }

    fn conv(&mut self, from: usize, filters: u32, kernel: u32, stride: u32) -> usize {
        self.add(
            conv(Conv::same(filters, kernel).with_stride(stride, kernel / 2)),
            &[from],
        )
    }

    fn model(self, name: &str, input: Shape) -> Model {
        Model {
            name: name.into(),
            input,
            layers: self.layers,
            passthrough: None,
            inputs: self.inputs,
            gateway_head: None,
        }
    }
}

/// A branching teaching network: a residual block, then a two-way branch joined by a
/// concat, global average pooling and one FL.
pub fn tinyres() -> Model {
    let mut b = Builder::new();
    let c1 = b.conv(0, 16, 3, 1);
    let c2 = b.conv(c1, 16, 3, 1);
    let c3 = b.conv(c2, 16, 3, 1);
    let sum = b.add(Layer::Add, &[c3, c1]);
    let p1 = b.add(Layer::Pool(PoolLayer::new(PoolMode::Max, 2, 2)), &[sum]);
    let wide = b.conv(p1, 24, 3, 1);
    let narrow = b.conv(p1, 8, 1, 1);
    let cat = b.add(Layer::Concat, &[wide, narrow]);
    let p2 = b.add(Layer::Pool(PoolLayer::new(PoolMode::Max, 2, 2)), &[cat]);
    let c4 = b.conv(p2, 64, 3, 1);
    let gap = b.add(Layer::Pool(PoolLayer::global(PoolMode::Avg)), &[c4]);
    b.add(fc(10), &[gap]);
    b.model("tinyres", Shape::new(48, 48, 3))
}

/// torchvision's stem: a 7×7 stride-2 conv to 64 channels, then a 3×3 stride-2 max-pool
/// padded by 1 (224 → 112 → 56).
fn resnet_stem(b: &mut Builder) -> usize {
    let c = b.conv(0, 64, 7, 2);
    let mut pool = PoolLayer::new(PoolMode::Max, 3, 2);
    pool.padding = 1;
    b.add(Layer::Pool(pool), &[c])
}

/// ResNet-18 (He et al. 2016, torchvision `resnet18`): 224×224, basic blocks [2, 2, 2, 2],
/// 1×1 stride-2 projections where the shape changes. 1.82 GMACs, 11.7 M parameters.
pub fn resnet18() -> Model {
    let mut b = Builder::new();
    let mut x = resnet_stem(&mut b);
    let mut channels = 64;
    for (stage, width) in [64u32, 128, 256, 512].into_iter().enumerate() {
        for block in 0..2 {
            let stride = if stage > 0 && block == 0 { 2 } else { 1 };
            let c1 = b.conv(x, width, 3, stride);
            let c2 = b.conv(c1, width, 3, 1);
            let skip = if stride != 1 || channels != width {
                b.conv(x, width, 1, stride)
            } else {
                x
            };
            x = b.add(Layer::Add, &[c2, skip]);
            channels = width;
        }
    }
    let gap = b.add(Layer::Pool(PoolLayer::global(PoolMode::Avg)), &[x]);
    b.add(fc(1000), &[gap]);
    b.model("resnet18", Shape::new(224, 224, 3))
}

/// ResNet-50 (torchvision `resnet50`, v1.5: the stride on the 3×3): bottleneck blocks
/// [3, 4, 6, 3]. 4.09 GMACs, 25.6 M parameters.
pub fn resnet50() -> Model {
    let mut b = Builder::new();
    let mut x = resnet_stem(&mut b);
    let mut channels = 64;
    for (stage, (width, blocks)) in [(64u32, 3), (128, 4), (256, 6), (512, 3)]
        .into_iter()
        .enumerate()
    {
        for block in 0..blocks {
            let stride = if stage > 0 && block == 0 { 2 } else { 1 };
            let c1 = b.conv(x, width, 1, 1);
            let c2 = b.conv(c1, width, 3, stride);
            let c3 = b.conv(c2, 4 * width, 1, 1);
            let skip = if block == 0 {
                b.conv(x, 4 * width, 1, stride)
            } else {
                x
            };
            x = b.add(Layer::Add, &[c3, skip]);
            channels = 4 * width;
        }
    }
    debug_assert_eq!(channels, 2048);
    let gap = b.add(Layer::Pool(PoolLayer::global(PoolMode::Avg)), &[x]);
    b.add(fc(1000), &[gap]);
    b.model("resnet50", Shape::new(224, 224, 3))
}

/// MobileNetV2 (Sandler et al. 2018, torchvision `mobilenet_v2`, width 1.0): inverted
/// residual blocks of 1×1 expansion, 3×3 depthwise and 1×1 projection convs.
/// 0.30 GMACs, 3.5 M parameters.
pub fn mobilenetv2() -> Model {
    let mut b = Builder::new();
    let mut x = b.conv(0, 32, 3, 2);
    let mut channels = 32;
    // (expansion t, output channels c, repeats n, first stride s), Table 2 of the paper.
    for (t, c, n, s) in [
        (1, 16, 1, 1),
        (6, 24, 2, 2),
        (6, 32, 3, 2),
        (6, 64, 4, 2),
        (6, 96, 3, 1),
        (6, 160, 3, 2),
        (6, 320, 1, 1),
    ] {
        for i in 0..n {
            let stride = if i == 0 { s } else { 1 };
            let hidden = channels * t;
            let expanded = if t == 1 { x } else { b.conv(x, hidden, 1, 1) };
            let dw = b.add(
                conv(
                    Conv::same(hidden, 3)
                        .with_stride(stride, 1)
                        .with_groups(hidden),
                ),
                &[expanded],
            );
            let project = b.conv(dw, c, 1, 1);
            x = if stride == 1 && channels == c {
                b.add(Layer::Add, &[project, x])
            } else {
                project
            };
            channels = c;
        }
    }
    let last = b.conv(x, 1280, 1, 1);
    let gap = b.add(Layer::Pool(PoolLayer::global(PoolMode::Avg)), &[last]);
    b.add(fc(1000), &[gap]);
    b.model("mobilenetv2", Shape::new(224, 224, 3))
}
