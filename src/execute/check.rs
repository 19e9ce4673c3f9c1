//! How a sliced result is judged against an unsliced one.
//!
//! The devices and the reference run the same kernels, so every element is summed in
//! the same order, and conv results must agree bit for bit. The only sums whose order
//! changes are those the gateway completes: a data-parallel FL (`conv+fc`, `fc` data,
//! `fc-hybrid`) adds per-device partial sums instead of one running sum. Both orders
//! add the same `n` rounded products (and the bias); by the standard bound for
//! recursive summation (Higham, *Accuracy and Stability*, §4.2) each differs from the
//! exact sum by at most `γ_{n−1}·Σ|p_i|`, `γ_m = m·u/(1 − m·u)`, `u = 2⁻²⁴`, so the
//! two differ by at most twice that. ReLU does not increase a difference.

use super::meter;

/// Unit roundoff of f32.
const U: f64 = f32::EPSILON as f64 / 2.0;

/// `2·γ_{n−1}·magnitude`: how far two summation orders of `n` terms whose absolute
/// values add up to `magnitude` can be apart (infinite when `n·u ≥ 1`).
pub fn order_bound(n: u64, magnitude: f64) -> f64 {
    let nu = n.saturating_sub(1) as f64 * U;
    if nu >= 1.0 {
        f64::INFINITY
    } else {
        2.0 * nu / (1.0 - nu) * magnitude
    }
}

/// Largest `|a − b|` (infinite when the lengths differ).
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    meter::work(a.len() as u64);
    if a.len() != b.len() {
        return f32::INFINITY;
    }
    a.iter()
        .zip(b)
        .map(|(x, y)| magnitude(x - y))
        .fold(0.0, f32::max)
}

pub fn max_abs(a: &[f32]) -> f32 {
    meter::work(a.len() as u64);
    a.iter().map(|&x| magnitude(x)).fold(0.0, f32::max)
}

/// `|x|`, and infinite for NaN, which `f32::max` would otherwise pass over (a run whose
/// values overflowed must not report a difference of 0).
fn magnitude(x: f32) -> f32 {
    if x.is_nan() {
        f32::INFINITY
    } else {
        x.abs()
    }
}

/// Whether every element of `a` is within its bound of `b`: exactly equal without
/// bounds, else `|a − b| ≤ bound`.
pub fn within(a: &[f32], b: &[f32], bounds: Option<&[f64]>) -> bool {
    meter::work(a.len() as u64);
    a.len() == b.len()
        && match bounds {
            None => a == b,
            Some(bounds) => a
                .iter()
                .zip(b)
                .zip(bounds)
                .all(|((x, y), &m)| f64::from((x - y).abs()) <= m),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reordering_a_sum_stays_within_the_bound() {
        let terms: Vec<f32> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f32 / 997.0 - 0.5)
            .collect();
        let forward: f32 = terms.iter().sum();
        let halves: f32 = terms[..500].iter().sum::<f32>() + terms[500..].iter().sum::<f32>();
        let magnitude: f64 = terms.iter().map(|t| f64::from(t.abs())).sum();
        let bound = order_bound(1000, magnitude);
        assert!(f64::from((forward - halves).abs()) <= bound);
        assert!(within(&[forward], &[halves], Some(&[bound])));
        assert!(!within(&[1.0], &[1.0 + 1e-3], Some(&[1e-4])));
        assert!(!within(&[1.0], &[1.0 + f32::EPSILON], None));
        assert_eq!(order_bound(1 << 30, 1.0), f64::INFINITY);
    }
}
