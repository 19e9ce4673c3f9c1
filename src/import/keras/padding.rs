//! Keras/TensorFlow "same" padding against the planner's symmetric padding.
//!
//! "same" gives `⌈n/s⌉` outputs and pads `max((⌈n/s⌉−1)·s + k − n, 0)` in total, the odd
//! extra row at the bottom (right). The planner pads `P` on every side, so "same" is
//! exact only when that total is even, and the same along height and width.

/// Total "same" padding along a side of `n` for kernel `k` and stride `s`.
pub fn same_total(n: u32, k: u32, s: u32) -> u32 {
    let (n, k, s) = (u64::from(n), u64::from(k), u64::from(s));
    let out = n.div_ceil(s);
    ((out.saturating_sub(1) * s + k).saturating_sub(n)) as u32
}

/// The symmetric padding equal to "same" on an `h × w` input, if there is one.
pub fn symmetric_same(h: u32, w: u32, k: u32, s: u32) -> Option<u32> {
    let (th, tw) = (same_total(h, k, s), same_total(w, k, s));
    (th == tw && th % 2 == 0).then_some(th / 2)
}

/// "same" padding along a side of `n` for a window spanning `span` (dilation included)
/// with stride `s`, split as Keras/TensorFlow split it: `(before, after)`, the odd one
/// after.
pub fn same_split(n: u32, span: u32, s: u32) -> (u32, u32) {
    let total = same_total(n, span, s);
    (total / 2, total - total / 2)
}
