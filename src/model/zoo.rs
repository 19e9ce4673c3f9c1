//! The paper's models (Table I) and a small teaching network.

use super::layer::{Conv, Fc, Layer, Model, Passthrough, Shape};

/// Names accepted by [`by_name`], in the order the page lists them.
pub const NAMES: [&str; 5] = ["tiny", "alexnet", "vgg16", "vgg19", "yolov2"];

/// A zoo model by name (case-insensitive), or `None`.
pub fn by_name(name: &str) -> Option<Model> {
    match name.to_ascii_lowercase().as_str() {
        "tiny" => Some(tiny()),
        "alexnet" => Some(alexnet()),
        "vgg16" => Some(vgg(16)),
        "vgg19" => Some(vgg(19)),
        "yolov2" => Some(yolov2()),
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
    Model {
        name: "tiny".into(),
        input: Shape::new(48, 48, 3),
        layers: vec![
            conv(Conv::same(16, 3)),
            conv(Conv::same(16, 3).with_pool(2, 2)),
            conv(Conv::same(32, 3)),
            conv(Conv::same(32, 3).with_pool(2, 2)),
            conv(Conv::same(64, 3).with_pool(2, 2)),
            fc(128),
            fc(10),
        ],
        passthrough: None,
        inputs: Vec::new(),
    }
}

/// AlexNet as in the paper's Table I: 224×224 input, conv1 11×11 stride 4 padding 2,
/// ungrouped convolutions, pools fused to conv1, conv2 and conv5.
pub fn alexnet() -> Model {
    Model {
        name: "alexnet".into(),
        input: Shape::new(224, 224, 3),
        layers: vec![
            conv(Conv::same(96, 11).with_stride(4, 2).with_pool(3, 2)),
            conv(Conv::same(256, 5).with_pool(3, 2)),
            conv(Conv::same(384, 3)),
            conv(Conv::same(384, 3)),
            conv(Conv::same(256, 3).with_pool(3, 2)),
            fc(4096),
            fc(4096),
            fc(1000),
        ],
        passthrough: None,
        inputs: Vec::new(),
    }
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
    Model {
        name: format!("vgg{depth}"),
        input: Shape::new(224, 224, 3),
        layers,
        passthrough: None,
        inputs: Vec::new(),
    }
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
    }
}
