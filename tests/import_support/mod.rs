//! Shared by the import tests: a seeded generator, random valid models, and writers
//! that put a model into Darknet cfg and Keras JSON text.
#![allow(dead_code)]

use coopai::model::{Conv, Fc, Layer, Model, Network, Passthrough, Shape};

pub use crate::common::Rng;

/// A random valid chain (CLs with random kernels, strides, paddings and pools, then
/// FLs), small enough to solve quickly; drawn again until the core accepts it.
pub fn random_model(rng: &mut Rng) -> Network {
    loop {
        let size = rng.range(1, 64);
        let input = Shape::new(size, rng.range(1, 64), rng.range(1, 8));
        let mut layers = Vec::new();
        for _ in 0..rng.range(0, 6) {
            let kernel = rng.range(1, 7);
            let mut conv = Conv::same(rng.range(1, 32), kernel)
                .with_stride(rng.range(1, 3), rng.range(0, kernel - 1));
            if rng.range(0, 2) == 0 {
                conv = conv.with_pool(rng.range(1, 3), rng.range(1, 3));
            }
            layers.push(Layer::Conv(conv));
        }
        for _ in 0..rng.range(u32::from(layers.is_empty()), 3) {
            layers.push(Layer::Fc(Fc {
                outputs: rng.range(1, 64),
            }));
        }
        let mut model = Model {
            name: "random".into(),
            input,
            layers,
            passthrough: None,
            inputs: Vec::new(),
            gateway_head: None,
        };
        if rng.range(0, 3) == 0 {
            add_passthrough(rng, &mut model);
        }
        if let Ok(net) = Network::new(&model) {
            return net;
        }
    }
}

/// Tries to give `model` a YOLOv2-like passthrough (source pooled by the reorg); keeps
/// the first target that validates, or leaves the model unchanged.
fn add_passthrough(rng: &mut Rng, model: &mut Model) {
    let convs = model
        .layers
        .iter()
        .take_while(|l| matches!(l, Layer::Conv(_)))
        .count();
    if convs < 2 {
        return;
    }
    let source = rng.range(1, convs as u32 - 1) as usize;
    let reorg = rng.range(1, 3);
    let mut candidate = model.clone();
    if let Layer::Conv(c) = &mut candidate.layers[source - 1] {
        *c = c.with_pool(reorg, reorg);
    }
    for target in source + 1..=convs {
        candidate.passthrough = Some(Passthrough {
            source,
            target,
            filters: rng.range(1, 16),
            reorg,
        });
        if Network::new(&candidate).is_ok() {
            *model = candidate;
            return;
        }
    }
}

/// The model as a Darknet cfg: explicit `padding`, pools with `padding=0`, and the
/// passthrough as YOLOv2's route/conv/reorg/route pattern before its target.
pub fn to_cfg(model: &Model) -> String {
    let s = model.input;
    let mut out = format!(
        "[net]\nheight={}\nwidth={}\nchannels={}\n\n",
        s.height, s.width, s.channels
    );
    // Darknet layer index of the next section, and of each model layer's conv section.
    let mut section = 0i64;
    let mut conv_sections = Vec::new();
    for (n, layer) in model.layers.iter().enumerate() {
        conv_sections.push(section);
        if let Some(p) = model.passthrough.filter(|p| p.target == n + 1) {
            let back = conv_sections[p.source - 1] - section;
            out += &format!(
                "[route]\nlayers={back}\n\n[convolutional]\nfilters={}\nsize=1\nstride=1\npad=1\n\n\
                 [reorg]\nstride={}\n\n[route]\nlayers=-1,-4\n\n",
                p.filters, p.reorg
            );
            section += 4;
            conv_sections[n] = section;
        }
        section += 1;
        match layer {
            Layer::Conv(c) => {
                out += &format!(
                    "[convolutional]\nbatch_normalize=1\nfilters={}\nsize={}\nstride={}\npad=0\npadding={}\nactivation=leaky\n\n",
                    c.filters, c.kernel, c.stride, c.padding
                );
                if let Some(p) = c.pool {
                    out += &format!(
                        "[maxpool]\nsize={}\nstride={}\npadding=0\n\n",
                        p.size, p.stride
                    );
                    section += 1;
                }
            }
            Layer::Fc(f) => {
                out += &format!(
                    "[connected]\noutput={}\nactivation=relu\n\n[dropout]\n\n",
                    f.outputs
                );
                section += 2;
            }
            other => unreachable!("random chains hold no {} layer", other.type_name()),
        }
    }
    out
}

/// The model as Keras Sequential JSON: "same" where Keras pads exactly like the model,
/// otherwise `ZeroPadding2D` and "valid".
pub fn to_keras(model: &Model) -> String {
    let s = model.input;
    let mut layers = vec![format!(
        r#"{{"class_name": "InputLayer", "config": {{"batch_input_shape": [null, {}, {}, {}]}}}}"#,
        s.height, s.width, s.channels
    )];
    let mut flat = false;
    for layer in &model.layers {
        match layer {
            Layer::Conv(c) => {
                let same = c.stride == 1 && c.kernel % 2 == 1 && c.padding == c.kernel / 2;
                if !same && c.padding > 0 {
                    layers.push(format!(
                        r#"{{"class_name": "ZeroPadding2D", "config": {{"padding": [[{0}, {0}], [{0}, {0}]]}}}}"#,
                        c.padding
                    ));
                }
                layers.push(format!(
                    r#"{{"class_name": "Conv2D", "config": {{"filters": {f}, "kernel_size": [{k}, {k}], "strides": [{s}, {s}], "padding": "{p}", "activation": "relu"}}}}"#,
                    f = c.filters,
                    k = c.kernel,
                    s = c.stride,
                    p = if same { "same" } else { "valid" }
                ));
                layers.push(r#"{"class_name": "BatchNormalization", "config": {}}"#.into());
                if let Some(p) = c.pool {
                    layers.push(format!(
                        r#"{{"class_name": "MaxPooling2D", "config": {{"pool_size": {}, "strides": [{1}, {1}], "padding": "valid"}}}}"#,
                        p.size, p.stride
                    ));
                }
            }
            Layer::Fc(f) => {
                if !flat {
                    layers.push(r#"{"class_name": "Flatten", "config": {}}"#.into());
                    flat = true;
                }
                layers.push(format!(
                    r#"{{"class_name": "Dense", "config": {{"units": {}}}}}"#,
                    f.outputs
                ));
            }
            other => unreachable!("random chains hold no {} layer", other.type_name()),
        }
    }
    format!(
        "{{\"class_name\": \"Sequential\", \"config\": {{\"name\": \"{}\", \"layers\": [\n{}\n]}}}}",
        model.name,
        layers.join(",\n")
    )
}
