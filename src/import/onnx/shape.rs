//! Ops that move no data in the planner's view or compute constants: views of a tensor
//! (Flatten, Reshape, Transpose, Squeeze, Unsqueeze — a channel shuffle is the one
//! pattern of them that makes a layer), channel splits and slices, and the constant
//! ops that exports use to build shapes (Shape, Constant, ConstantOfShape; the
//! arithmetic on them is in [`super::fold`]).

use super::graph::Graph;
use super::node::Node;
use super::value::{check_rank, from_tensor, list, Act, Const, Data, Value, View, MAX_RANK};
use super::{fold, head};
use crate::model::{Crop, Layer, ModelError, Shuffle, Split};

/// Flatten, Reshape, Transpose, Squeeze, Unsqueeze.
pub fn reshape(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    let x = match n.input(0) {
        // A weight reshaped, BN statistics unsqueezed: the dims change, the values (if
        // known) do not.
        Some(Value::Const(c)) if n.op() == "Transpose" => {
            let perm = permutation(n, c.dims.len())?;
            let dims = perm.iter().map(|&p| c.dims[p]).collect();
            let strides = strides(&c.dims);
            return Ok(Value::Const(fold::rearranged(c, dims, |index| {
                index.iter().zip(&perm).map(|(&i, &p)| i * strides[p]).sum()
            })));
        }
        Some(Value::Const(c)) => {
            return Ok(Value::Const(Const::new(
                view_dims(n, &c.dims)?,
                c.data.clone(),
            )))
        }
        _ => n.act(0)?,
    };
    // A pending Pad stays on its map through a change of layout (tf2onnx pads
    // channels-last between transposes), and through nothing else.
    if x.pad != [0; 4] && !is_layout_change(n, x.view) {
        return Err(n.err("it reads the output of a Pad, which only a Conv or a pool can fold"));
    }
    let dims = x.dims();
    let out: Vec<i64> = match n.op() {
        "Reshape" => view_dims(n, &dims)?,
        "Transpose" => return transpose(g, n, x),
        "Flatten" => {
            let axis = n.attrs.int_or("axis", 1);
            if !matches!(axis, 0 | 1 | -3 | -4) {
                return Err(n.err(format!(
                    "axis {axis}: the planner flattens everything but the batch (axis 1)"
                )));
            }
            vec![1, x.shape.elements() as i64]
        }
        // Squeeze and Unsqueeze: the batch axis of one picture, or [1, C, 1, 1] ↔ [1, C].
        _ => {
            let (out, image) = (view_dims(n, &dims)?, x.image_dims());
            if matches!(x.view, View::Image | View::Unbatched)
                && (out == image || out[..] == image[1..])
            {
                out
            } else if x.shape.height != 1 || x.shape.width != 1 {
                return Err(n.err(format!(
                    "dims {}: the planner squeezes only [1, C, 1, 1] to [1, C] and back",
                    list(&dims)
                )));
            } else if x.view == View::Flat {
                image.to_vec()
            } else {
                vec![1, i64::from(x.shape.channels)]
            }
        }
    };
    view_as(g, n, x, out)
}

/// Transpose: the channel shuffle's, to channels-last and back, or the start of a
/// detection head.
fn transpose(g: &mut Graph, n: &Node, x: Act) -> Result<Value, ModelError> {
    let dims = x.dims();
    let perm = permutation(n, dims.len())?;
    let identity = perm.iter().enumerate().all(|(i, &p)| p == i);
    let seen_as = |view| {
        Ok(Value::Act(Act {
            view,
            fusable: false,
            ..x
        }))
    };
    match x.view {
        _ if identity => Ok(Value::Act(x)),
        View::Grouped(gr) if perm == [0, 2, 1, 3, 4] => seen_as(View::Transposed(gr)),
        View::Image if perm == [0, 2, 3, 1] => seen_as(View::ChannelsLast),
        View::ChannelsLast if perm == [0, 3, 1, 2] => seen_as(View::Image),
        _ => head_or_refuse(
            g,
            &x,
            Some(perm.iter().map(|&p| dims[p]).collect()),
            n.err(format!(
                "perm {} of dims {}: the planner reads a Transpose only in a channel shuffle \
                 (Reshape to [1, g, C/g, H, W], Transpose [0, 2, 1, 3, 4], Reshape back), to \
                 channels-last and back ([0, 2, 3, 1], [0, 3, 1, 2]) and in a detection head",
                list(&perm),
                list(&dims)
            )),
        ),
    }
}

/// Whether `n` only moves a map between `[1, C, H, W]` and channels-last `[1, H, W, C]`.
fn is_layout_change(n: &Node, view: View) -> bool {
    let perm = n.attrs.ints("perm");
    n.op() == "Transpose"
        && match view {
            View::Image => perm == Some(&[0, 2, 3, 1][..]),
            View::ChannelsLast => perm == Some(&[0, 3, 1, 2][..]),
            _ => false,
        }
}

/// `x` seen with the dims `out` (same elements, same order): a flatten, the channel
/// shuffle's steps, the image again, or the start of a detection head.
fn view_as(g: &mut Graph, n: &Node, x: Act, out: Vec<i64>) -> Result<Value, ModelError> {
    let dims = x.dims();
    let image = x.image_dims();
    let [_, c, h, w] = image;
    let mut a = x;
    a.fusable = false;
    if out == dims {
        return Ok(Value::Act(a));
    }
    // A channels-last map flattens in the planner's own (H, W, C) order (tf2onnx's
    // Flatten before a Dense layer).
    let flat = matches!(
        x.view,
        View::Image | View::Flat | View::Vector | View::ChannelsLast
    );
    if out.len() == 1 && flat {
        a.view = View::Vector;
        return Ok(Value::Act(a));
    }
    if out.len() == 2 && out[0] == 1 && flat {
        a.view = View::Flat;
        return Ok(Value::Act(a));
    }
    if out[..] == image[1..] && matches!(x.view, View::Image | View::Unbatched) {
        a.view = View::Unbatched;
        return Ok(Value::Act(a));
    }
    if out == image {
        return match x.view {
            View::Transposed(groups) => Ok(Value::Act(g.push(
                Layer::Shuffle(Shuffle { groups }),
                vec![x.layer],
                &n.origin,
            )?)),
            _ => {
                a.view = View::Image;
                Ok(Value::Act(a))
            }
        };
    }
    if x.view == View::Image
        && out.len() == 5
        && out[0] == 1
        && out[3] == h
        && out[4] == w
        && out[1] > 1
        && out[1] * out[2] == c
    {
        a.view = View::Grouped(n.size("the shuffle groups", out[1], 1)?);
        return Ok(Value::Act(a));
    }
    let group_norm =
        n.proto.output.len() == 1 && g.read_only_by(&n.proto.output[0], "InstanceNormalization");
    if group_norm && x.view == View::Image && out.len() == 3 && out[0] == 1 && out[1] > 1 {
        a.view = View::GroupNorm(n.size("the norm's groups", out[1], 1)?);
        return Ok(Value::Act(a));
    }
    head_or_refuse(
        g,
        &x,
        Some(out.clone()),
        n.err(format!(
            "dims {} to {}: the planner reads a flatten to [1, N] before Gemm or MatMul, \
             the channel shuffle Reshape [1, g, C/g, H, W], Transpose [0, 2, 1, 3, 4], Reshape \
             [1, C, H, W], and a detection head's rearrangements",
            list(&dims),
            list(&out)
        )),
    )
}

/// Gather of a computed tensor: the picture of a batch of one, or by the indices 0, 1,
/// …, N − 1 along the one axis of a 1-D view, which moves nothing and gives the index's
/// dims — how the dynamo exporter writes `as_strided` (ConvNeXt's pooled map,
/// `[1, C, 1, 1]` → `[C]` → `[1, C, 1, 1]`). Any other index picks channels, which no
/// layer models.
pub fn gather(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    let x = n.act(0)?;
    let index = n.konst(1)?;
    let axis = n.attrs.int_or("axis", 0);
    // The one picture of a batch of one (torchvision's detection transform).
    if x.view == View::Image
        && axis == 0
        && index.dims.is_empty()
        && index.int_values() == Some(vec![0])
    {
        return view_as(g, n, x, x.image_dims()[1..].to_vec());
    }
    if x.view != View::Vector || !matches!(axis, 0 | -1) {
        return Err(n.err(format!(
            "axis {axis} of dims {}: of a computed tensor the planner reads only a Gather \
             along a 1-D view by the indices 0, 1, …, N − 1 (the dynamo exporter's \
             as_strided)",
            list(&x.dims())
        )));
    }
    if index.len() != x.shape.elements() || !index.counts() {
        return Err(n.err(format!(
            "the indices (dims {}) are not known to be 0, 1, …, {}: a Gather that picks \
             elements of a computed tensor is not a layer the planner models",
            list(&index.dims),
            x.shape.elements().saturating_sub(1)
        )));
    }
    view_as(g, n, x, index.dims.clone())
}

/// A rearrangement of a layer's output image that no layer models: the start of a
/// detection head (`super::head`), which keeps `why` for anything but decoding that
/// reads it. Of the model input, or of a flattened view, refused at once.
fn head_or_refuse(
    g: &mut Graph,
    x: &Act,
    dims: Option<Vec<i64>>,
    why: ModelError,
) -> Result<Value, ModelError> {
    if x.layer == 0 || !matches!(x.view, View::Image | View::Grouped(_)) {
        return Err(why);
    }
    Ok(head::start(g, x, dims, why))
}

/// A Reshape target with ONNX's `0` (copy the input's dim, unless `allowzero`) and
/// `-1` (whatever remains) resolved against `dims`.
pub fn resolve(n: &Node, dims: &[i64], target: Vec<i64>) -> Result<Vec<i64>, ModelError> {
    let allowzero = n.attrs.int_or("allowzero", 0) != 0;
    let total = dims
        .iter()
        .try_fold(1i64, |p, &d| p.checked_mul(d.max(0)))
        .ok_or_else(|| n.err(format!("dims {} have too many elements", list(dims))))?;
    let mut out = Vec::with_capacity(target.len());
    let mut infer = None;
    for (i, &t) in target.iter().enumerate() {
        match t {
            0 if !allowzero => out.push(*dims.get(i).ok_or_else(|| {
                n.err(format!(
                    "shape {}: a 0 at {i} copies no dim of {}",
                    list(&target),
                    list(dims)
                ))
            })?),
            -1 if infer.is_none() => {
                infer = Some(i);
                out.push(1);
            }
            t if t >= 0 => out.push(t),
            _ => {
                return Err(n.err(format!(
                    "shape {} is not a valid Reshape target",
                    list(&target)
                )))
            }
        }
    }
    let known = out.iter().try_fold(1i64, |p, &d| p.checked_mul(d));
    match (infer, known) {
        (Some(i), Some(k)) if k > 0 && total % k == 0 => out[i] = total / k,
        (None, Some(k)) if k == total => {}
        _ => {
            return Err(n.err(format!(
                "shape {} does not fit the {total} elements of dims {}",
                list(&target),
                list(dims)
            )))
        }
    }
    Ok(out)
}

/// The dims a view op (Reshape, Flatten, Transpose, Squeeze, Unsqueeze) gives a tensor
/// of `dims` (a constant, or a detection head's values).
pub fn view_dims(n: &Node, dims: &[i64]) -> Result<Vec<i64>, ModelError> {
    let out = match n.op() {
        "Reshape" => match n.int_input(1)? {
            Some(target) => resolve(n, dims, target)?,
            None => return Err(n.err("the shape input is missing")),
        },
        "Flatten" => {
            // Flatten's axis may also be the rank (all dims before it).
            let (axis, rank) = (n.attrs.int_or("axis", 1), dims.len() as i64);
            let a = if axis == rank {
                axis as usize
            } else {
                fold::axis(n, axis, dims.len())?
            };
            let product = |d: &[i64]| d.iter().try_fold(1i64, |p, &v| p.checked_mul(v.max(0)));
            match (product(&dims[..a]), product(&dims[a..])) {
                (Some(outer), Some(inner)) => vec![outer, inner],
                _ => return Err(n.err(format!("dims {} have too many elements", list(dims)))),
            }
        }
        "Transpose" => (permutation(n, dims.len())?.iter())
            .map(|&p| dims[p])
            .collect(),
        _ => squeezed(n, dims)?,
    };
    check_rank(out.len()).map_err(|m| n.err(m))?;
    Ok(out)
}

/// A Transpose's `perm` (reversed axes unless given), each of `rank` axes once.
fn permutation(n: &Node, rank: usize) -> Result<Vec<usize>, ModelError> {
    let Some(p) = n.attrs.ints("perm") else {
        return Ok((0..rank).rev().collect());
    };
    let perm: Vec<usize> = p.iter().filter_map(|&a| usize::try_from(a).ok()).collect();
    let mut seen = vec![false; rank];
    for &a in &perm {
        if a >= rank || std::mem::replace(&mut seen[a], true) {
            break;
        }
    }
    if perm.len() != rank || seen.contains(&false) {
        return Err(n.err(format!(
            "perm {} is not an order of the {rank} axes",
            list(p)
        )));
    }
    Ok(perm)
}

/// Squeeze or Unsqueeze of `dims` (Squeeze without axes: every 1).
fn squeezed(n: &Node, dims: &[i64]) -> Result<Vec<i64>, ModelError> {
    let axes = n.ints_or_input("axes", 1)?.unwrap_or_default();
    // Axes are unique and fit the rank, so more axes than MAX_RANK never fit (and would
    // make the loops below quadratic in a hostile file's list).
    if axes.len() > MAX_RANK {
        return Err(n.err(format!(
            "{} axes {} are more than a tensor's {MAX_RANK} dims",
            axes.len(),
            list(&axes)
        )));
    }
    let mut d = dims.to_vec();
    if n.op() == "Unsqueeze" {
        let rank = (d.len() + axes.len()) as i64;
        // Inserting in increasing order of axis gives ONNX's result.
        for a in 0..rank {
            if axes.iter().any(|&x| x == a || x == a - rank) {
                d.insert((a as usize).min(d.len()), 1);
            }
        }
        if d.len() as i64 != rank || rank > MAX_RANK as i64 {
            return Err(n.err(format!(
                "axes {} do not fit dims {}",
                list(&axes),
                list(dims)
            )));
        }
    } else if axes.is_empty() {
        d.retain(|&x| x != 1);
    } else {
        let rank = d.len() as i64;
        d = (0..rank)
            .filter(|i| !axes.iter().any(|&a| a == *i || a == *i - rank))
            .map(|i| d[i as usize])
            .collect();
    }
    Ok(d)
}

/// A channel range `start..end` of `channels` as the planner's split: equal groups.
fn channel_group(
    n: &Node,
    start: i64,
    end: i64,
    channels: u32,
) -> Result<Option<Split>, ModelError> {
    let c = i64::from(channels);
    let len = end - start;
    if start == 0 && end == c {
        return Ok(None);
    }
    if len > 0 && c % len == 0 && start % len == 0 {
        return Ok(Some(Split {
            groups: n.size("the split groups", c / len, 1)?,
            group_id: n.size("the split group", start / len, 0)?,
        }));
    }
    Err(n.err(format!(
        "channels {start}..{end} of {c}: the planner splits channels into equal groups only"
    )))
}

/// An axis normalised for a 4-D tensor.
fn axis4(a: i64) -> i64 {
    if a < 0 {
        a + 4
    } else {
        a
    }
}

/// Split along the channels into equal groups (each output read becomes a split layer).
pub fn split(g: &mut Graph, n: &Node) -> Result<Vec<Option<Value>>, ModelError> {
    let x = n.image(0)?;
    let axis = axis4(n.attrs.int_or("axis", 0));
    if axis != 1 {
        return Err(n.err(format!(
            "axis {axis}: the planner splits channels only (axis 1)"
        )));
    }
    let sizes = split_sizes(n, i64::from(x.shape.channels))?;
    let mut values = Vec::with_capacity(sizes.len());
    let mut start = 0;
    for (k, &len) in sizes.iter().enumerate() {
        let name = &n.proto.output[k];
        if name.is_empty() || g.consumers(name) == 0 {
            values.push(None);
        } else {
            values.push(Some(Value::Act(
                match channel_group(n, start, start + len, x.shape.channels)? {
                    Some(sp) => g.push(Layer::Split(sp), vec![x.layer], &n.origin)?,
                    None => x,
                },
            )));
        }
        start += len;
    }
    Ok(values)
}

/// The sizes a Split cuts `c` channels (or a detection head's axis) into: `split`,
/// `num_outputs` parts, or equal parts, one per output.
pub fn split_sizes(n: &Node, c: i64) -> Result<Vec<i64>, ModelError> {
    let outs = n.proto.output.len() as i64;
    let sizes = match (n.ints_or_input("split", 1)?, n.attrs.int("num_outputs")) {
        (Some(s), _) => s,
        (None, Some(k)) => num_outputs(n, k, outs, c)?,
        (None, None) if outs == 0 || c % outs != 0 => {
            return Err(n.err(format!("{c} channels do not split into {outs} equal parts")))
        }
        (None, None) => vec![c / outs; outs as usize],
    };
    if sizes.len() as i64 != outs
        || sizes.iter().any(|&s| s < 0)
        || sizes.iter().try_fold(0i64, |a, &b| a.checked_add(b)) != Some(c)
    {
        return Err(n.err(format!(
            "split {} does not cut {c} channels into {outs} outputs",
            list(&sizes)
        )));
    }
    Ok(sizes)
}

/// Opset 18's `num_outputs`: parts of `⌈c/k⌉` channels, the last one smaller (also
/// read in older files, with a note: `super::ops::apply`).
fn num_outputs(n: &Node, k: i64, outs: i64, c: i64) -> Result<Vec<i64>, ModelError> {
    let chunk = if k > 0 { (c + k - 1) / k } else { 0 };
    if k != outs || chunk == 0 || chunk * (k - 1) >= c {
        return Err(n.err(format!(
            "num_outputs {k} does not cut {c} channels into {outs} outputs"
        )));
    }
    let mut sizes = vec![chunk; k as usize - 1];
    sizes.push(c - chunk * (k - 1));
    Ok(sizes)
}

/// Slice: of a constant, its values (shape building: a `torch.nn.functional.pad`
/// reverses its pads with a step of −1); of a tensor, a channel range and a crop of
/// the height and width.
pub fn slice(g: &mut Graph, n: &Node) -> Result<Value, ModelError> {
    let args = slice_args(n)?;
    if let Some(Value::Const(c)) = n.input(0) {
        let ranges = slice_ranges(n, &args, &c.dims)?;
        let dims = ranges.iter().map(|r| r.count).collect();
        let strides = strides(&c.dims);
        return Ok(Value::Const(fold::rearranged(c, dims, |index| {
            (ranges.iter().zip(index).zip(&strides))
                .map(|((r, &i), &stride)| (r.first + i as i64 * r.step) as usize * stride)
                .sum()
        })));
    }
    if args.iter().any(|&(_, _, _, step)| step != 1) {
        return Err(n.err("steps must be 1: a computed tensor is sliced by ranges of rows"));
    }
    slice_image(g, n, &args)
}

/// A Slice's `(start, end, axis, step)` per sliced axis: its inputs (opset 10 on) or
/// its attributes (before), axes `0, 1, …` and steps 1 unless given.
fn slice_args(n: &Node) -> Result<Vec<(i64, i64, i64, i64)>, ModelError> {
    let (starts, ends, axes, steps) = match n.attrs.ints("starts") {
        Some(s) => (
            s.to_vec(),
            n.attrs.ints("ends").unwrap_or_default().to_vec(),
            n.attrs.ints("axes").map(<[i64]>::to_vec),
            None,
        ),
        None => (
            n.int_input(1)?
                .ok_or_else(|| n.err("the starts are missing"))?,
            n.int_input(2)?
                .ok_or_else(|| n.err("the ends are missing"))?,
            n.int_input(3)?,
            n.int_input(4)?,
        ),
    };
    let axes = axes.unwrap_or_else(|| (0..starts.len() as i64).collect());
    let steps = steps.unwrap_or_else(|| vec![1; starts.len()]);
    if ends.len() != starts.len() || axes.len() != starts.len() || steps.len() != starts.len() {
        return Err(n.err("starts, ends, axes and steps must have one value per axis"));
    }
    if steps.contains(&0) {
        return Err(n.err("a step is 0"));
    }
    Ok((starts.into_iter().zip(ends).zip(axes).zip(steps))
        .map(|(((s, e), a), st)| (s, e, a, st))
        .collect())
}

/// One axis of a slice: its first index, step and count.
#[derive(Clone, Copy)]
struct SliceRange {
    first: i64,
    step: i64,
    count: i64,
}

/// Each axis of `dims` sliced by `args`, clamped as ONNX defines it (a negative index
/// counts from the end; a negative step walks down from `start` to past `end`).
fn slice_ranges(
    n: &Node,
    args: &[(i64, i64, i64, i64)],
    dims: &[i64],
) -> Result<Vec<SliceRange>, ModelError> {
    let mut ranges: Vec<SliceRange> = dims
        .iter()
        .map(|&d| SliceRange {
            first: 0,
            step: 1,
            count: d,
        })
        .collect();
    for &(start, end, axis, step) in args {
        let a = fold::axis(n, axis, dims.len())?;
        let len = dims[a];
        let from_end = |v: i64| if v < 0 { v.saturating_add(len) } else { v };
        let (first, count) = if len <= 0 {
            (0, 0)
        } else if step > 0 {
            let (s, e) = (from_end(start).clamp(0, len), from_end(end).clamp(0, len));
            (s, ((e - s).max(0) + step - 1) / step)
        } else {
            let s = from_end(start).clamp(0, len - 1);
            let e = from_end(end).clamp(-1, len - 1);
            (s, ((s - e).max(0) - step - 1) / -step)
        };
        ranges[a] = SliceRange { first, step, count };
    }
    Ok(ranges)
}

/// The dims of a Slice of a tensor of `dims`, when its inputs are known.
pub fn sliced(n: &Node, dims: &[i64]) -> Option<Vec<i64>> {
    let ranges = slice_ranges(n, &slice_args(n).ok()?, dims).ok()?;
    Some(ranges.iter().map(|r| r.count).collect())
}

/// Row-major strides of a tensor of `dims`.
fn strides(dims: &[i64]) -> Vec<usize> {
    let mut s = vec![1usize; dims.len()];
    for a in (0..dims.len().saturating_sub(1)).rev() {
        s[a] = s[a + 1].saturating_mul(dims[a + 1].max(0) as usize);
    }
    s
}

/// Slice of an image by `(start, end, axis, 1)` ranges: a channel range (a split), then
/// what is cut from the height and width (a crop).
fn slice_image(
    g: &mut Graph,
    n: &Node,
    args: &[(i64, i64, i64, i64)],
) -> Result<Value, ModelError> {
    let x = n.image(0)?;
    let dims = x.dims();
    for &(_, _, a, _) in args {
        let a = axis4(a);
        if dims.get(a as usize).is_none() {
            return Err(n.err(format!("axis {a} does not fit dims {}", list(&dims))));
        }
    }
    let [batch, chans, rows, cols] = slice_ranges(n, args, &dims)?[..] else {
        unreachable!("an image has four dims")
    };
    if (batch.first, batch.count) != (0, dims[0]) {
        return Err(n.err(
            "it slices axis 0: the planner slices the channels (axis 1), and the height and \
             width (axes 2 and 3, a crop)",
        ));
    }
    // Top, bottom, left, right: what a slice of the height and width leaves out (all of
    // an axis for an empty range, which the crop refuses).
    let left_out = |r: SliceRange, len: i64| [r.first, len - r.first - r.count];
    let [top, bottom] = left_out(rows, dims[2]);
    let [left, right] = left_out(cols, dims[3]);
    let cut = [top, bottom, left, right];
    let x = match channel_group(n, chans.first, chans.first + chans.count, x.shape.channels)? {
        None => x,
        Some(sp) => g.push(Layer::Split(sp), vec![x.layer], &n.origin)?,
    };
    if cut == [0; 4] {
        return Ok(Value::Act(x));
    }
    let [top, bottom, left, right] = cut.map(|v| v as u32);
    let crop = Crop {
        top,
        bottom,
        left,
        right,
    };
    Ok(Value::Act(g.push(
        Layer::Crop(crop),
        vec![x.layer],
        &n.origin,
    )?))
}

/// Shape, Constant, ConstantOfShape: constants, with values when small.
pub fn constant(n: &Node) -> Result<Value, ModelError> {
    let c = match n.op() {
        "Shape" => shape_of(n)?,
        "Constant" => constant_attr(n)?,
        _ => constant_of_shape(n)?,
    };
    Ok(Value::Const(c))
}

/// Shape: the input's dims from `start` to `end`.
fn shape_of(n: &Node) -> Result<Const, ModelError> {
    let dims = match n.input(0) {
        Some(Value::Act(a)) => a.dims(),
        Some(Value::Const(c)) => c.dims.clone(),
        Some(Value::Head(h)) => h.dims.clone().ok_or_else(|| (*h.why).clone())?,
        None => return Err(n.err("input 1 is missing")),
    };
    let rank = dims.len() as i64;
    let clamp = |v: i64| (if v < 0 { v + rank } else { v }).clamp(0, rank) as usize;
    let (s, e) = (
        clamp(n.attrs.int_or("start", 0)),
        clamp(n.attrs.int_or("end", rank)),
    );
    Ok(Const::ints(dims.get(s..e).unwrap_or_default().to_vec()))
}

/// Constant: its tensor, or its one or several ints or floats.
fn constant_attr(n: &Node) -> Result<Const, ModelError> {
    let a = &n.attrs;
    let vector = |len: usize, data: Data| Const::build(vec![len as i64], |_| Some(data));
    Ok(if let Some(t) = a.tensor("value") {
        from_tensor(t).map_err(|m| n.err(m))?
    } else if let Some(i) = a.int("value_int") {
        Const::new(Vec::new(), Data::Int(vec![i]))
    } else if let Some(v) = a.ints("value_ints") {
        vector(v.len(), Data::Int(v.to_vec()))
    } else if let Some(f) = a.float("value_float") {
        Const::new(Vec::new(), Data::Float(vec![f64::from(f)]))
    } else if let Some(v) = a.floats("value_floats") {
        vector(
            v.len(),
            Data::Float(v.iter().map(|&f| f64::from(f)).collect()),
        )
    } else {
        return Err(n.err(
            "its value is not a tensor, int(s) or float(s) (sparse and string constants are \
             not supported)",
        ));
    })
}

/// ConstantOfShape: the shape input's dims, filled with the one value of `value` (0.0
/// when absent).
fn constant_of_shape(n: &Node) -> Result<Const, ModelError> {
    let dims = n
        .int_input(0)?
        .ok_or_else(|| n.err("the shape input is missing"))?;
    if dims.len() > MAX_RANK || dims.iter().any(|&d| d < 0) {
        return Err(n.err(format!("shape {} is not a tensor shape", list(&dims))));
    }
    let fill = (n.attrs.tensor("value").map(from_tensor))
        .transpose()
        .map_err(|m| n.err(m))?;
    Ok(Const::build(dims, |count| match fill.map(|f| f.data) {
        None => Some(Data::Float(vec![0.0; count])),
        Some(Data::Int(v)) if v.len() == 1 => Some(Data::Int(vec![v[0]; count])),
        Some(Data::Float(v)) if v.len() == 1 => Some(Data::Float(vec![v[0]; count])),
        Some(_) => None,
    }))
}
