//! A tiny seeded generator (SplitMix64) so every weight and input of a run can be
//! repeated from one `u64`, without a dependency.

/// SplitMix64: one 64-bit state, full period, good enough for test data.
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator for one named stream of a run, so that adding a layer does not
    /// shift the numbers of the others.
    pub fn stream(seed: u64, stream: u64) -> Self {
        let mut g = SplitMix(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        g.next_u64();
        g
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[-a, a)`.
    pub fn symmetric(&mut self, a: f32) -> f32 {
        // 24 random bits give every value exactly representable in f32.
        let unit = (self.next_u64() >> 40) as f32 / (1u32 << 24) as f32;
        (2.0 * unit - 1.0) * a
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix;

    #[test]
    fn streams_repeat_and_differ() {
        let draw = |seed, stream| {
            let mut g = SplitMix::stream(seed, stream);
            (0..4).map(|_| g.symmetric(1.0)).collect::<Vec<_>>()
        };
        assert_eq!(draw(7, 1), draw(7, 1));
        assert_ne!(draw(7, 1), draw(7, 2));
        assert_ne!(draw(7, 1), draw(8, 1));
        assert!(draw(3, 3).iter().all(|v| (-1.0..1.0).contains(v)));
    }
}
