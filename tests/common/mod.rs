//! Shared by the integration tests: a seeded generator and random small valid chains.
//! Each test crate uses part of it.
#![allow(dead_code)]

use coopai::model::{Conv, Fc, Layer, Model, Network, Pool, Shape};

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
        };
        if let Ok(net) = Network::new(&model) {
            return net;
        }
    }
}
