//! Small models for the executor's tests: random chains and hand-made ones that reach
//! every block case (strides, pools, a passthrough).

use coopai::model::{Conv, Fc, Layer, Model, Network, Passthrough, Pool, Shape};

pub use crate::common::{random_chain, Rng};

fn conv(filters: u32, kernel: u32, stride: u32, padding: u32) -> Conv {
    Conv::same(filters, kernel).with_stride(stride, padding)
}

/// Four CLs with a stride, an overlapping pool and an even kernel, then two FLs: every case
/// of spec §3 appears among its partitions.
pub fn mixed() -> Network {
    let model = Model {
        name: "mixed".into(),
        input: Shape::new(23, 12, 2),
        layers: vec![
            Layer::Conv(conv(3, 3, 1, 1)),
            Layer::Conv(conv(4, 3, 2, 1).with_pool(3, 2)),
            Layer::Conv(conv(2, 5, 1, 2)),
            Layer::Conv(conv(3, 2, 1, 1)),
            Layer::Fc(Fc { outputs: 7 }),
            Layer::Fc(Fc { outputs: 5 }),
        ],
        passthrough: None,
        inputs: Vec::new(),
        gateway_head: None,
    };
    Network::new(&model).expect("a valid chain")
}

/// A YOLOv2-like chain: layer 2's conv output feeds a 1×1 conv and a reorg of 2 that
/// is concatenated to the input of layer 4.
pub fn with_passthrough() -> Network {
    let model = Model {
        name: "skip".into(),
        input: Shape::new(20, 6, 2),
        layers: vec![
            Layer::Conv(Conv::same(3, 3)),
            Layer::Conv(Conv::same(4, 3).with_pool(2, 2)),
            Layer::Conv(Conv::same(3, 3)),
            Layer::Conv(Conv::same(4, 3)),
            Layer::Conv(Conv::same(2, 1)),
            Layer::Fc(Fc { outputs: 6 }),
        ],
        passthrough: Some(Passthrough {
            source: 2,
            target: 4,
            filters: 2,
            reorg: 2,
        }),
        inputs: Vec::new(),
        gateway_head: None,
    };
    Network::new(&model).expect("a valid chain")
}

/// A random valid chain with a passthrough: any CLs, a source with a 2×2 pool, CLs
/// that keep the size up to the target, then any CLs and FLs.
pub fn random_passthrough_chain(rng: &mut Rng) -> Network {
    let any_conv = |rng: &mut Rng| {
        let kernel = rng.range(1, 4);
        Layer::Conv(Conv {
            filters: rng.range(1, 3),
            kernel,
            stride: rng.range(1, 2),
            padding: rng.range(0, kernel - 1),
            pool: (rng.range(0, 2) == 0).then(|| Pool {
                size: 2,
                stride: rng.range(1, 2),
            }),
            ..Conv::same(1, 1)
        })
    };
    loop {
        let mut layers = Vec::new();
        for _ in 0..rng.range(0, 2) {
            layers.push(any_conv(rng));
        }
        let kernel = [1, 3, 5][rng.range(0, 2) as usize];
        layers.push(Layer::Conv(
            Conv::same(rng.range(1, 3), kernel).with_pool(2, 2),
        ));
        let source = layers.len();
        for _ in 0..rng.range(1, 3) {
            layers.push(Layer::Conv(Conv::same(
                rng.range(1, 3),
                [1, 3][rng.range(0, 1) as usize],
            )));
        }
        let target = layers.len();
        for _ in 0..rng.range(0, 2) {
            layers.push(any_conv(rng));
        }
        for _ in 0..rng.range(0, 2) {
            layers.push(Layer::Fc(Fc {
                outputs: rng.range(1, 8),
            }));
        }
        let model = Model {
            name: "random skip".into(),
            input: Shape::new(rng.range(8, 28), rng.range(2, 6), rng.range(1, 2)),
            layers,
            passthrough: Some(Passthrough {
                source,
                target,
                filters: rng.range(1, 2),
                reorg: 2,
            }),
            inputs: Vec::new(),
            gateway_head: None,
        };
        if let Ok(net) = Network::new(&model) {
            return net;
        }
    }
}
