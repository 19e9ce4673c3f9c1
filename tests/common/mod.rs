//! Shared by the integration tests: a seeded generator, random small valid chains and
//! branching models, and a brute force over every cut of a model into blocks.
//! Each test crate uses part of it.
#![allow(dead_code)]

pub mod brute;
pub mod brute_stream;
pub mod cli;
pub mod hostile;

use coopai::cost::{Cluster, Device};
use coopai::model::{
    Conv, Crop, Fc, Layer, Model, Network, Pool, PoolLayer, PoolMode, Reorg, Shape, Shuffle, Split,
    Upsample,
};

/// SplitMix64: small, seeded, good enough to draw test models.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        self.range(1, 100) <= percent
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A random valid chain of up to `max_layers` layers: CLs (kernels 1–5, strides 1–3,
/// paddings, pools), then FLs. Draws again until the chain validates.
pub fn random_chain(rng: &mut Rng, max_layers: u32) -> Network {
    loop {
        let total = rng.range(1, max_layers);
        let convs = rng.range(0, total);
        let mut layers = Vec::new();
        for _ in 0..convs {
            let kernel = rng.range(1, 5);
            let pool = rng.chance(33).then(|| Pool {
                size: rng.range(1, 3),
                stride: rng.range(1, 3),
            });
            layers.push(Layer::Conv(Conv {
                filters: rng.range(1, 4),
                kernel,
                stride: *rng.pick(&[1, 1, 2, 3]),
                padding: rng.range(0, kernel - 1),
                pool,
                ..Conv::same(1, 1)
            }));
        }
        for _ in convs..total {
            layers.push(Layer::Fc(Fc {
                outputs: rng.range(1, 12),
            }));
        }
        let model = Model {
            name: "random".into(),
            input: Shape::new(rng.range(3, 30), rng.range(1, 6), rng.range(1, 3)),
            layers,
            passthrough: None,
            inputs: Vec::new(),
            gateway_head: None,
        };
        if let Ok(net) = Network::new(&model) {
            return net;
        }
    }
}

/// A random valid branching model of up to `max_layers` layers: general convs
/// (rectangular, strided, dilated, grouped, with fused pools), standalone pools (padded,
/// ceil mode, global), adds and concats of earlier tensors, splits, shuffles, reorgs,
/// upsamples, SE-style scales, side outputs, then FLs. Draws again until it validates.
pub fn random_dag(rng: &mut Rng, max_layers: u32) -> Network {
    random_dag_with(rng, max_layers, &[])
}

/// A crop of one row at the top and one column at the right.
pub const CROP: Layer = Layer::Crop(Crop {
    top: 1,
    bottom: 0,
    left: 0,
    right: 1,
});

/// [`random_dag`], drawing the cost-free one-input layers from its own and `extra`
/// (empty: the same draws as `random_dag`).
pub fn random_dag_with(rng: &mut Rng, max_layers: u32, extra: &[Layer]) -> Network {
    loop {
        let input = Shape::new(rng.range(4, 24), rng.range(1, 5), rng.range(1, 4));
        let total = rng.range(2, max_layers) as usize;
        let fcs = if rng.chance(30) {
            rng.range(1, 2) as usize
        } else {
            0
        };
        let mut layers: Vec<Layer> = Vec::new();
        let mut inputs: Vec<Vec<usize>> = Vec::new();
        // Shapes of the tensors so far (index 0: the model input); unchecked guesses are
        // fine, Network::new refuses the bad draws.
        let mut shapes = vec![input];
        while layers.len() + fcs < total {
            let prev = layers.len();
            let x = shapes[prev];
            let pick_earlier = |rng: &mut Rng, same: &dyn Fn(Shape) -> bool| {
                let candidates: Vec<usize> = (0..prev).filter(|&t| same(shapes[t])).collect();
                (!candidates.is_empty()).then(|| *rng.pick(&candidates))
            };
            let (layer, ins, out) = match rng.range(0, 11) {
                0..=3 => {
                    let kernel = rng.range(1, 4);
                    let groups = if x.channels % 2 == 0 && rng.chance(30) {
                        2
                    } else {
                        1
                    };
                    let filters = groups * rng.range(1, 3);
                    let c = Conv {
                        filters,
                        kernel,
                        stride: *rng.pick(&[1, 1, 2]),
                        padding: rng.range(0, kernel - 1),
                        kernel_w: rng.chance(20).then(|| rng.range(1, 3)),
                        pad_bottom: rng.chance(20).then(|| rng.range(0, kernel - 1)),
                        dilation: rng.chance(15).then_some(2),
                        groups: (groups > 1).then_some(groups),
                        pool: rng.chance(20).then(|| Pool {
                            size: rng.range(1, 3),
                            stride: rng.range(1, 2),
                        }),
                        ..Conv::same(1, 1)
                    };
                    (Layer::Conv(c), vec![prev], None)
                }
                4 => {
                    let mut p = PoolLayer::new(
                        *rng.pick(&[PoolMode::Max, PoolMode::Avg]),
                        rng.range(1, 3),
                        rng.range(1, 3),
                    );
                    p.padding = rng.range(0, p.size - 1);
                    p.ceil = rng.chance(30);
                    if rng.chance(10) {
                        p = PoolLayer::global(PoolMode::Avg);
                    }
                    (Layer::Pool(p), vec![prev], None)
                }
                // A residual sum, or an elementwise product (spatial attention).
                n @ (5 | 6) => match pick_earlier(rng, &|s| s == x) {
                    Some(t) if n == 5 => (Layer::Add, vec![t, prev], Some(x)),
                    Some(t) => (Layer::Mul, vec![prev, t], Some(x)),
                    None => continue,
                },
                7 => match pick_earlier(rng, &|s| s.height == x.height && s.width == x.width) {
                    Some(t) => {
                        let c = Shape::new(x.height, x.width, x.channels + shapes[t].channels);
                        (Layer::Concat, vec![prev, t], Some(c))
                    }
                    None => continue,
                },
                8 => (
                    *rng.pick(
                        &[
                            Layer::Upsample(Upsample { factor: 2 }),
                            Layer::Reorg(Reorg { stride: 2 }),
                            Layer::Split(Split {
                                groups: 2,
                                group_id: 1,
                            }),
                            Layer::Shuffle(Shuffle { groups: 2 }),
                        ]
                        .iter()
                        .chain(extra)
                        .copied()
                        .collect::<Vec<_>>(),
                    ),
                    vec![prev],
                    None,
                ),
                9 => {
                    // SE: global pool, a 1×1 conv back to the channels, scale.
                    layers.push(Layer::Pool(PoolLayer::global(PoolMode::Avg)));
                    inputs.push(vec![prev]);
                    shapes.push(Shape::new(1, 1, x.channels));
                    layers.push(Layer::Conv(Conv::same(x.channels, 1)));
                    inputs.push(vec![prev + 1]);
                    shapes.push(Shape::new(1, 1, x.channels));
                    (Layer::Scale, vec![prev, prev + 2], Some(x))
                }
                _ => {
                    // A side output (a detection head) read by nobody, then carry on from
                    // the tensor before it.
                    layers.push(Layer::Conv(Conv::same(rng.range(1, 2), 1)));
                    inputs.push(vec![prev]);
                    shapes.push(Shape::new(x.height, x.width, 1));
                    (
                        Layer::Conv(Conv::same(rng.range(1, 3), 3)),
                        vec![prev],
                        None,
                    )
                }
            };
            layers.push(layer);
            inputs.push(ins);
            // The real shape, when the guess above does not know it.
            let model = Model {
                name: "random".into(),
                input,
                layers: layers.clone(),
                passthrough: None,
                inputs: inputs.clone(),
                gateway_head: None,
            };
            match (out, Network::new(&model)) {
                (_, Ok(net)) => shapes.push(net.layer(net.len()).output),
                (Some(s), Err(_)) => shapes.push(s),
                (None, Err(_)) => {
                    layers.pop();
                    inputs.pop();
                    continue;
                }
            }
        }
        for _ in 0..fcs {
            layers.push(Layer::Fc(Fc {
                outputs: rng.range(1, 8),
            }));
            inputs.push(vec![layers.len() - 1]);
        }
        let model = Model {
            name: "random-dag".into(),
            input,
            layers,
            passthrough: None,
            inputs,
            gateway_head: None,
        };
        if let Ok(net) = Network::new(&model) {
            if net.dag && net.len() <= max_layers as usize {
                return net;
            }
        }
    }
}

/// A random mixed cluster of 2 to 5 devices: speeds 1–60, sometimes a memory limit or
/// a slow link.
pub fn random_cluster(rng: &mut Rng) -> Cluster {
    let n = rng.range(2, 5);
    Cluster {
        devices: (0..n)
            .map(|i| Device {
                name: format!("d{i}"),
                gflops: f64::from(rng.range(1, 60)) * 1e-6,
                memory_mb: rng.chance(25).then(|| f64::from(rng.range(1, 40)) * 1e-4),
                link_mbps: rng.chance(25).then(|| f64::from(rng.range(1, 30)) * 1e-4),
            })
            .collect(),
    }
}
