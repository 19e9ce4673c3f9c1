//! Ops with a sliding window or a change of size: Conv, pools, Pad (folded into the
//! conv or pool after it) and nearest upsampling.

use super::graph::Graph;
use super::node::Node;
use super::value::{list, Act, Value, View};
use crate::import::origins::step;
use crate::model::{Bilinear, Conv, Layer, ModelError, PoolLayer, PoolMode, Upsample};

/// Padding `[top, left, bottom, right]` of a window op on input `a`, from `auto_pad`
/// or `pads`, plus a pending `Pad`.
fn pads(
    n: &Node,
    a: &Act,
    kernel: [u32; 2],
    stride: [u32; 2],
    dil: u32,
) -> Result<[u32; 4], ModelError> {
    let auto = n.attrs.string("auto_pad").unwrap_or_default();
    let mut p = match auto.as_str() {
        "" | "NOTSET" => {
            let v = n.attrs.sizes("pads", 4, 0, 0).map_err(|m| n.err(m))?;
            [v[0], v[1], v[2], v[3]]
        }
        "VALID" => [0; 4],
        "SAME_UPPER" | "SAME_LOWER" => {
            let mut p = [0; 4];
            for (axis, size) in [(0, a.shape.height), (1, a.shape.width)] {
                let (s, k) = (u64::from(stride[axis]), u64::from(kernel[axis]));
                let span = u64::from(dil) * (k - 1) + 1;
                let total =
                    ((u64::from(size).div_ceil(s) - 1) * s + span).saturating_sub(u64::from(size));
                let small = total / 2;
                let (before, after) = if auto == "SAME_UPPER" {
                    (small, total - small)
                } else {
                    (total - small, small)
                };
                p[axis] = n.size("auto_pad padding", before as i64, 0)?;
                p[axis + 2] = n.size("auto_pad padding", after as i64, 0)?;
            }
            p
        }
        other => {
            return Err(n.err(format!(
                "auto_pad '{}' is not NOTSET, VALID, SAME_UPPER or SAME_LOWER",
                crate::import::preview(other)
            )))
        }
    };
    for (q, extra) in p.iter_mut().zip(a.pad) {
        *q = n.size("padding", i64::from(*q) + i64::from(extra), 0)?;
    }
    Ok(p)
}

pub fn conv(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    let x = n.act(0)?;
    n.check_image(&x, 0)?;
    let w = n.konst(1)?;
    if w.dims.len() != 4 {
        return Err(n.err(format!(
            "the weights have dims {}; the planner's convs are 2-D (weights [M, C/group, kH, kW])",
            list(&w.dims)
        )));
    }
    let filters = n.size("the number of filters", w.dims[0], 1)?;
    let (kh, kw) = (
        n.size("the kernel height", w.dims[2], 1)?,
        n.size("the kernel width", w.dims[3], 1)?,
    );
    if let Some(ks) = n.attrs.ints("kernel_shape") {
        if ks != [i64::from(kh), i64::from(kw)] {
            return Err(n.err(format!(
                "kernel_shape {} does not match the weights' dims {}",
                list(ks),
                list(&w.dims)
            )));
        }
    }
    let group = n.size("group", n.attrs.int_or("group", 1), 1)?;
    if w.dims[1].checked_mul(i64::from(group)) != Some(i64::from(x.shape.channels)) {
        return Err(n.err(format!(
            "the weights have dims {} for {} input channels in {group} group(s), but the input has {}",
            list(&w.dims),
            w.dims[1].saturating_mul(i64::from(group)),
            x.shape.channels
        )));
    }
    let strides = n.attrs.sizes("strides", 2, 1, 1).map_err(|m| n.err(m))?;
    let dil = n.attrs.sizes("dilations", 2, 1, 1).map_err(|m| n.err(m))?;
    if dil[0] != dil[1] {
        return Err(n.err(format!(
            "dilations {}: the planner's convs have one dilation for both axes",
            list(&dil)
        )));
    }
    n.constants(2..3)?;
    let p = pads(n, &x, [kh, kw], [strides[0], strides[1]], dil[0])?;
    let mut conv = Conv::same(filters, 1).with_window(
        (kh, kw),
        (strides[0], strides[1]),
        [p[0], p[2], p[1], p[3]],
    );
    conv.dilation = (dil[0] > 1).then_some(dil[0]);
    conv.groups = (group > 1).then_some(group);
    let mut a = g.push(Layer::Conv(conv), vec![x.layer], &n.origin)?;
    a.fusable = true;
    Ok(Value::Act(a))
}

/// MaxPool or AveragePool; fused into the conv before it when that is exact (square,
/// unpadded, the conv's output read by nothing else), which keeps chain models chains.
pub fn pool(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    let x = n.act(0)?;
    n.check_image(&x, 0)?;
    let kernel = n
        .attrs
        .ints("kernel_shape")
        .ok_or_else(|| n.err("the kernel_shape attribute is missing"))?;
    let k = super::attrs::sizes("kernel_shape", kernel, 2, 1).map_err(|m| n.err(m))?;
    let s = n.attrs.sizes("strides", 2, 1, 1).map_err(|m| n.err(m))?;
    if n.attrs.sizes("dilations", 2, 1, 1).map_err(|m| n.err(m))? != [1, 1] {
        return Err(n.err("dilated pools are not supported"));
    }
    let p = pads(n, &x, [k[0], k[1]], [s[0], s[1]], 1)?;
    let mut pool = PoolLayer::new(mode(n), 1, 1).with_window(
        (k[0], k[1]),
        (s[0], s[1]),
        [p[0], p[2], p[1], p[3]],
    );
    pool.ceil = n.attrs.int_or("ceil_mode", 0) != 0;
    let out = step(x.shape, Layer::Pool(pool))
        .map_err(|m| n.err(m))?
        .output;
    let square = k[0] == k[1] && s[0] == s[1] && p == [0; 4];
    if square
        && x.fusable
        && g.consumers(&n.proto.input[0]) == 1
        && g.fuse(x.layer, k[0], s[0], out)
    {
        return Ok(Value::Act(Act::new(x.layer, out)));
    }
    Ok(Value::Act(g.push(
        Layer::Pool(pool),
        vec![x.layer],
        &n.origin,
    )?))
}

/// Max for MaxPool, GlobalMaxPool and ReduceMax; else average.
fn mode(n: &Node) -> PoolMode {
    if n.op().contains("Max") {
        PoolMode::Max
    } else {
        PoolMode::Avg
    }
}

/// GlobalAveragePool, GlobalMaxPool, and ReduceMean/ReduceMax over height and width.
pub fn global_pool(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    // A reduction over axes 1 and 2 of a channels-last map (tf2onnx's SE blocks) too.
    let channels_last = n.op().starts_with("Reduce")
        && matches!(n.input(0), Some(Value::Act(a)) if a.view == View::ChannelsLast && a.pad == [0; 4]);
    let x = if channels_last {
        n.act(0)?
    } else {
        n.image(0)?
    };
    let mut flat = false;
    if n.op().starts_with("Reduce") {
        let axes: Vec<i64> = (n.ints_or_input("axes", 1)?)
            .unwrap_or_default()
            .into_iter()
            .map(|a| if a < 0 { a + 4 } else { a })
            .collect();
        let spatial = if channels_last { [1, 2] } else { [2, 3] };
        if axes != spatial && axes != [spatial[1], spatial[0]] {
            return Err(n.err(format!(
                "axes {}: the planner reduces over height and width only (axes [2, 3], a global pool)",
                list(&axes)
            )));
        }
        flat = n.attrs.int_or("keepdims", 1) == 0;
    }
    let mut a = if x.shape.height == 1 && x.shape.width == 1 {
        x
    } else {
        g.push(
            Layer::Pool(PoolLayer::global(mode(n))),
            vec![x.layer],
            &n.origin,
        )?
    };
    if flat {
        a.view = View::Flat;
    } else if channels_last {
        a.view = View::ChannelsLast;
    }
    Ok(Value::Act(a))
}

/// Pad: kept on the tensor until the conv or pool that reads it folds it in.
pub fn pad(n: &Node) -> Result<Value, ModelError> {
    let mut x = n.act(0)?;
    let pads = (n.ints_or_input("pads", 1)?).ok_or_else(|| n.err("the pads are missing"))?;
    // Torchvision's detection transform pads to a multiple of 32, often by nothing.
    if pads.iter().all(|&p| p == 0) {
        return Ok(Value::Act(x));
    }
    // The height and width axes: 2 and 3, or 1 and 2 of a channels-last map (tf2onnx's
    // ZeroPadding2D, between transposes).
    let (h, w) = match x.view {
        View::ChannelsLast => (1, 2),
        _ => {
            n.check_image(&x, 0)?;
            (2, 3)
        }
    };
    if n.input(3).is_some() {
        return Err(n.err("the axes input is not supported (give pads for all four axes)"));
    }
    let spatial_only =
        pads.len() == 8 && (0..4).all(|a| a == h || a == w || (pads[a] == 0 && pads[a + 4] == 0));
    if !spatial_only {
        return Err(n.err(format!(
            "pads {}: the planner pads height and width only ([0, 0, top, left, 0, 0, bottom, right])",
            list(&pads)
        )));
    }
    for (slot, &v) in [pads[h], pads[w], pads[h + 4], pads[w + 4]]
        .iter()
        .enumerate()
    {
        let v = n.size("padding", v, 0)?;
        x.pad[slot] = n.size("padding", i64::from(x.pad[slot]) + i64::from(v), 0)?;
    }
    x.fusable = false;
    Ok(Value::Act(x))
}

/// Resize or Upsample by one whole factor for height and width: nearest, or linear with
/// half-pixel centres (torch's `align_corners=False`).
pub fn upsample(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    let x = n.image(0)?;
    let mode = n.attrs.string("mode").unwrap_or_else(|| "nearest".into());
    let linear = match mode.as_str() {
        "nearest" => false,
        "linear" | "bilinear" => true,
        _ => {
            return Err(n.err(format!(
                "mode '{}': the planner upsamples by repeating rows (nearest) or blending \
                 two (linear)",
                crate::import::preview(&mode)
            )))
        }
    };
    // Where an output pixel's centre falls in the input: Resize-11+ says it (half_pixel
    // unless set); Upsample and Resize-10 always place it asymmetrically.
    let centres = match n.op() == "Resize" && g.opset >= 11 {
        true => n.attrs.string("coordinate_transformation_mode"),
        false => Some("asymmetric".into()),
    };
    if let Some(c) = centres.filter(|c| linear && c != "half_pixel" && c != "pytorch_half_pixel") {
        return Err(n.err(format!(
            "linear mode with '{}' coordinates: the planner blends with half-pixel centres \
             (half_pixel or pytorch_half_pixel: torch's align_corners=False)",
            crate::import::preview(&c)
        )));
    }
    let scales = match n.attrs.floats("scales") {
        Some(s) => Some(s.iter().map(|&f| f64::from(f)).collect()),
        // Upsample-9 and Resize-10: (X, scales); Resize-11+: (X, roi, scales, sizes).
        None if n.op() == "Upsample" || g.opset < 11 => n.float_input(1)?,
        None => n.float_input(2)?.filter(|s| !s.is_empty()),
    };
    let factors: Vec<f64> = match scales {
        Some(s) => s,
        None => {
            let sizes = n
                .int_input(3)?
                .ok_or_else(|| n.err("neither scales nor sizes are given"))?;
            let dims = x.dims();
            if sizes.len() != 4 {
                return Err(n.err(format!("sizes {}, expected 4 values", list(&sizes))));
            }
            sizes
                .iter()
                .zip(&dims)
                .map(|(&s, &d)| s as f64 / d as f64)
                .collect()
        }
    };
    let whole = |f: f64| f.fract() == 0.0 && (1.0..=65536.0).contains(&f);
    if factors.len() != 4
        || factors[0] != 1.0
        || factors[1] != 1.0
        || factors[2] != factors[3]
        || !whole(factors[2])
    {
        return Err(n.err(format!(
            "scales {}: the planner upsamples height and width by one whole factor ([1, 1, f, f])",
            list(&factors)
        )));
    }
    let factor = factors[2] as u32;
    if factor == 1 {
        return Ok(Value::Act(x));
    }
    let layer = match linear {
        false => Layer::Upsample(Upsample { factor }),
        true => Layer::Bilinear(Bilinear { factor }),
    };
    Ok(Value::Act(g.push(layer, vec![x.layer], &n.origin)?))
}
