//! The window of a Keras conv or pool as its config writes it — size, strides, dilation
//! and padding ("same" split as TensorFlow splits it, a folded `ZeroPadding2D` added) —
//! and the planner's optional fields that say it.

use super::layers::Pad;
use super::node::Node;
use crate::model::{ModelError, Shape};

/// Whose window [`read`] reads.
#[derive(Clone, Copy)]
pub enum Of {
    Conv,
    Pool,
}

/// `(height, width)` size and strides, the dilation (1 for pools), and the padding of
/// each side (top, bottom, left, right).
pub struct Window {
    pub size: (u32, u32),
    pub stride: (u32, u32),
    pub dilation: u32,
    pub pad: [u32; 4],
}

/// The window a conv (`kernel_size`, strides 1 by default, `dilation_rate`) or a pool
/// (`pool_size`, 2 by default; strides default to the size) of config `cfg` reads on an
/// `input` tensor with `pad` still to fold in.
pub fn read(cfg: &Node<'_>, input: Shape, pad: Option<&Pad>, of: Of) -> Result<Window, ModelError> {
    let size = match of {
        Of::Conv => cfg.field("kernel_size")?.pair(1)?,
        Of::Pool => cfg.get("pool_size").map_or(Ok((2, 2)), |s| s.pair(1))?,
    };
    let default_stride = match of {
        Of::Conv => (1, 1),
        Of::Pool => size,
    };
    let stride = cfg
        .get("strides")
        .map_or(Ok(default_stride), |s| s.pair(1))?;
    let dilation = match of {
        Of::Conv => dilation(cfg)?,
        Of::Pool => 1,
    };
    let span = |k: u32| dilation.saturating_mul(k - 1).saturating_add(1);
    let zero = pad.map_or([0; 4], |p| p.sides);
    let pad = padding(cfg, input, zero, (span(size.0), span(size.1)), stride)?;
    Ok(Window {
        size,
        stride,
        dilation,
        pad,
    })
}

/// `dilation_rate`, which the planner takes equal along both axes.
fn dilation(cfg: &Node<'_>) -> Result<u32, ModelError> {
    let (dh, dw) = cfg.get("dilation_rate").map_or(Ok((1, 1)), |d| d.pair(1))?;
    if dh != dw {
        return Err(cfg
            .field("dilation_rate")?
            .expected("equal dilation along height and width"));
    }
    Ok(dh)
}

/// Whether the `padding` option is "same" (else "valid", also when absent).
fn same(cfg: &Node<'_>) -> Result<bool, ModelError> {
    match cfg.get("padding") {
        None => Ok(false),
        Some(node) => match node.str()? {
            "valid" => Ok(false),
            "same" => Ok(true),
            _ => Err(node.expected("\"valid\" or \"same\"")),
        },
    }
}

/// Padding on each side: the folded `ZeroPadding2D` `zp` plus "same" padding resolved
/// on the padded input, the odd row at the bottom (right).
fn padding(
    cfg: &Node<'_>,
    input: Shape,
    zp: [u32; 4],
    span: (u32, u32),
    stride: (u32, u32),
) -> Result<[u32; 4], ModelError> {
    let (h, w) = (input.height + zp[0] + zp[1], input.width + zp[2] + zp[3]);
    let (top, bottom, left, right) = if same(cfg)? {
        let (t, b) = same_split(h, span.0, stride.0);
        let (l, r) = same_split(w, span.1, stride.1);
        (t, b, l, r)
    } else {
        (0, 0, 0, 0)
    };
    Ok([zp[0] + top, zp[1] + bottom, zp[2] + left, zp[3] + right])
}

/// "same" padding along a side of `n` for a window spanning `span` (dilation included)
/// with stride `s`, split as Keras/TensorFlow split it: `⌈n/s⌉` outputs, padded
/// `max((⌈n/s⌉−1)·s + span − n, 0)` in total, `(before, after)` with the odd one after.
fn same_split(n: u32, span: u32, s: u32) -> (u32, u32) {
    let (n, k, s) = (u64::from(n), u64::from(span), u64::from(s));
    let total = ((n.div_ceil(s).saturating_sub(1) * s + k).saturating_sub(n)) as u32;
    (total / 2, total - total / 2)
}
