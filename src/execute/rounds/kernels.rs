//! Row kernels for every spatial layer kind. The unsliced pass and the devices call
//! the same function for the same output row, so each element is computed by the same
//! operations in the same order and sliced == whole bit for bit.
//! Inputs are read only through [`RowStore::row`]; padding is skipped, never read.

use super::super::meter;
use super::super::ops::{concat_rows, output_rows};
use super::super::pool::pool;
use super::super::tensor::{Missing, RowStore};
use super::super::weights::LayerWeights;
use crate::model::{Axis, Conv, Layer, LayerInfo, Shape};
use crate::slicing::{back_through_conv, Rows};

/// Rows `first..=last` clipped to a tensor of `height` rows.
pub(crate) fn clipped(rows: Rows, height: u32) -> std::ops::RangeInclusive<u32> {
    rows.first..=rows.last.min(height.saturating_sub(1))
}

/// The taps `t` of window output `o` along `axis` (of `n` real positions) that read a
/// real position `o·S − P_before + t·δ`: a contiguous range, as positions only grow with
/// `t`. Its length is what a kernel reads and the budget counts.
pub(crate) fn real_taps(axis: Axis, o: u32, n: u32) -> std::ops::Range<u32> {
    let start = i64::from(o) * i64::from(axis.stride) - i64::from(axis.pad_before);
    let (d, k, n) = (
        i64::from(axis.dilation),
        i64::from(axis.kernel),
        i64::from(n),
    );
    let lo = if start >= 0 { 0 } else { (-start + d - 1) / d };
    let hi = if start >= n {
        0
    } else {
        (n - 1 - start) / d + 1
    };
    let (lo, hi) = (lo.min(k), hi.min(k));
    lo as u32..hi.max(lo) as u32
}

/// The real input positions a window output `o` reads along `axis` (of `n`), in order:
/// `o·S − P_before + t·δ` for every tap `t` that is not padding.
fn taps(axis: Axis, o: u32, n: u32) -> impl Iterator<Item = (usize, u32)> {
    let start = i64::from(o) * i64::from(axis.stride) - i64::from(axis.pad_before);
    real_taps(axis, o, n).map(move |t| {
        (
            t as usize,
            (start + i64::from(t) * i64::from(axis.dilation)) as u32,
        )
    })
}

/// Real taps summed over every output column: the column work of one output row.
pub(crate) fn column_taps(axis: Axis, outputs: u32, n: u32) -> u64 {
    (0..outputs)
        .map(|x| real_taps(axis, x, n).len() as u64)
        .sum()
}

/// Work of one conv-output row that reads `row_taps` input rows, whose columns read
/// `col_taps` real taps in all (`column_taps`): per tap and pixel `ci·(co/G)`
/// multiply-adds, a loop per input channel and the tap itself; per row its taps, and
/// zeroing, bias and ReLU of each element.
pub(crate) fn conv_row_work(layer: &LayerInfo, groups: u32, row_taps: u64, col_taps: u64) -> u64 {
    let ci = u64::from(layer.input_channels());
    let cog = u64::from(layer.conv_out.channels / groups.max(1));
    let per_tap = ci.saturating_mul(cog + 1).saturating_add(1);
    let row = u64::from(layer.conv_out.width) * u64::from(layer.conv_out.channels);
    row_taps
        .saturating_add(row_taps.saturating_mul(col_taps).saturating_mul(per_tap))
        .saturating_add(row.saturating_mul(3))
}

/// Work of one output row of a layer made element by element from `inputs` input rows
/// (joins, reshapes, upsampling, space-to-depth): each element zeroed, then one unit
/// per input it is made from, and one per input row looked up.
pub(crate) fn per_row_work(out: Shape, inputs: usize) -> u64 {
    let row = u64::from(out.width) * u64::from(out.channels);
    row.saturating_mul(inputs as u64 + 1)
        .saturating_add(inputs as u64)
}

/// Conv-output rows `rows` (before any fused pool), ReLU when `act`. Weights are
/// `[ky][kx][ci / groups][co]`; group `g` makes filters `g·Co/G ..` from channels
/// `g·Ci/G ..`. Each element is `Σ_{ky, kx, c} w·x` in that order, then `+ bias`.
pub fn conv(
    input: &RowStore,
    layer: &LayerInfo,
    c: Conv,
    lw: &LayerWeights,
    rows: Rows,
    act: bool,
    name: String,
) -> Result<RowStore, Missing> {
    let (h, w) = (layer.input.height, layer.input.width);
    let ci = layer.input_channels() as usize;
    let out = layer.conv_out;
    let (wc, co) = (out.width as usize, out.channels as usize);
    let (ra, ca) = (c.rows(), c.cols());
    let kw = ca.kernel as usize;
    let groups = c.group_count() as usize;
    let (cig, cog) = (ci / groups, co / groups);
    let mut store = RowStore::empty(name, out.height, wc * co);
    let columns: Vec<Vec<(usize, u32)>> =
        (0..wc as u32).map(|x| taps(ca, x, w).collect()).collect();
    let col_taps = columns.iter().map(|c| c.len() as u64).sum();
    for yc in clipped(rows, out.height) {
        let lines = taps(ra, yc, h)
            .map(|(ky, yi)| input.row(yi).map(|r| (ky, r)))
            .collect::<Result<Vec<_>, _>>()?;
        meter::work(conv_row_work(
            layer,
            c.group_count(),
            lines.len() as u64,
            col_taps,
        ));
        let mut row = vec![0f32; wc * co];
        for (px_out, cols) in row.chunks_exact_mut(co).zip(&columns) {
            for g in 0..groups {
                let acc = &mut px_out[g * cog..(g + 1) * cog];
                for &(ky, line) in &lines {
                    for &(kx, xi) in cols {
                        let px = &line[xi as usize * ci + g * cig..][..cig];
                        let base = (ky * kw + kx) * cig * co + g * cog;
                        for (ch, &v) in px.iter().enumerate() {
                            let wr = &lw.w[base + ch * co..][..cog];
                            for (a, &wv) in acc.iter_mut().zip(wr) {
                                *a += wv * v;
                            }
                        }
                    }
                }
            }
            for (a, &b) in px_out.iter_mut().zip(&lw.b) {
                *a += b;
                if act {
                    *a = a.max(0.0);
                }
            }
        }
        store.put(yc, row);
    }
    Ok(store)
}

/// A conv layer's conv-output rows `computed` (before its fused pool). At a
/// passthrough's target `inputs` are the main input and the passthrough, joined
/// channel-wise on the rows the conv reads.
pub fn conv_out(
    layer: &LayerInfo,
    lw: &LayerWeights,
    inputs: &[&RowStore],
    computed: Rows,
    act: bool,
) -> Result<RowStore, Missing> {
    let Layer::Conv(cv) = layer.kind else {
        unreachable!("conv_out is called on conv layers")
    };
    let joined;
    let input = match inputs {
        [main, skip] => {
            let need = back_through_conv(computed, cv, layer.input.height);
            let name = format!("input of layer {}", layer.index);
            joined = concat_rows(main, skip, layer.input.width, need, name)?;
            &joined
        }
        _ => inputs[0],
    };
    let name = format!("conv output of layer {}", layer.index);
    conv(input, layer, cv, lw, computed, act, name)
}

/// A conv layer's output rows `rows` from its conv-output rows: max-pooled, or copied.
pub fn pooled(
    layer: &LayerInfo,
    conv_out: &RowStore,
    rows: Rows,
    name: String,
) -> Result<RowStore, Missing> {
    let pool = match layer.kind {
        Layer::Conv(c) => c.pool,
        _ => None,
    };
    output_rows(conv_out, layer.output, layer.conv_out, pool, rows, name)
}

/// Output rows `rows` of a layer whose every output pixel is made from input pixels
/// by `pixel(inputs' rows, x, out)`, reading input row `source(y)` of each input.
fn per_row(
    inputs: &[&RowStore],
    out: Shape,
    rows: Rows,
    name: String,
    source: impl Fn(u32, u32) -> u32,
    make: impl Fn(&[&[f32]], &mut [f32]),
) -> Result<RowStore, Missing> {
    let row_len = (out.width * out.channels) as usize;
    let mut store = RowStore::empty(name, out.height, row_len);
    for y in clipped(rows, out.height) {
        meter::work(per_row_work(out, inputs.len()));
        let lines = inputs
            .iter()
            .map(|x| x.row(source(y, x.height())))
            .collect::<Result<Vec<_>, _>>()?;
        let mut row = vec![0f32; row_len];
        make(&lines, &mut row);
        store.put(y, row);
    }
    Ok(store)
}

/// The output rows `rows` of spatial layer `layer` from its inputs (in the order the
/// layer names them); for a conv, `computed` are the conv-output rows to compute before
/// its fused pool. `act` applies ReLU to a conv's output.
#[allow(clippy::too_many_arguments)]
pub fn layer_rows(
    layer: &LayerInfo,
    lw: &LayerWeights,
    inputs: &[&RowStore],
    rows: Rows,
    computed: Rows,
    act: bool,
    name: String,
) -> Result<RowStore, Missing> {
    let out = layer.output;
    let c = out.channels as usize;
    let same = |y: u32, h: u32| y.min(h.saturating_sub(1));
    match layer.kind {
        Layer::Conv(_) => pooled(
            layer,
            &conv_out(layer, lw, inputs, computed, act)?,
            rows,
            name,
        ),
        Layer::Pool(p) => pool(inputs[0], layer, p, rows, name),
        Layer::Add => per_row(inputs, out, rows, name, same, |lines, row| {
            row.copy_from_slice(lines[0]);
            for line in &lines[1..] {
                for (a, &v) in row.iter_mut().zip(line.iter()) {
                    *a += v;
                }
            }
        }),
        Layer::Mul => per_row(inputs, out, rows, name, same, |lines, row| {
            row.copy_from_slice(lines[0]);
            for line in &lines[1..] {
                for (a, &v) in row.iter_mut().zip(line.iter()) {
                    *a *= v;
                }
            }
        }),
        Layer::Scale => per_row(inputs, out, rows, name, same, |lines, row| {
            let factors = &lines[1][..c];
            for (px, src) in row.chunks_exact_mut(c).zip(lines[0].chunks_exact(c)) {
                for ((a, &v), &f) in px.iter_mut().zip(src).zip(factors) {
                    *a = v * f;
                }
            }
        }),
        Layer::Concat => per_row(inputs, out, rows, name, same, |lines, row| {
            let w = out.width as usize;
            let mut at = 0;
            for x in 0..w {
                for line in lines {
                    let ci = line.len() / w;
                    row[at..at + ci].copy_from_slice(&line[x * ci..(x + 1) * ci]);
                    at += ci;
                }
            }
        }),
        Layer::Split(s) => per_row(inputs, out, rows, name, same, |lines, row| {
            let ci = c * s.groups as usize;
            let from = c * s.group_id as usize;
            for (px, src) in row.chunks_exact_mut(c).zip(lines[0].chunks_exact(ci)) {
                px.copy_from_slice(&src[from..from + c]);
            }
        }),
        Layer::Shuffle(s) => per_row(inputs, out, rows, name, same, |lines, row| {
            // Reshape to groups × n, transpose, flatten: channel j·G + i is i·n + j.
            let (g, n) = (s.groups as usize, c / s.groups as usize);
            for (px, src) in row.chunks_exact_mut(c).zip(lines[0].chunks_exact(c)) {
                for i in 0..g {
                    for j in 0..n {
                        px[j * g + i] = src[i * n + j];
                    }
                }
            }
        }),
        Layer::Upsample(u) => {
            let f = u.factor;
            per_row(
                inputs,
                out,
                rows,
                name,
                move |y, _| y / f,
                |lines, row| {
                    for (x, px) in row.chunks_exact_mut(c).enumerate() {
                        let xi = x / f as usize;
                        px.copy_from_slice(&lines[0][xi * c..(xi + 1) * c]);
                    }
                },
            )
        }
        Layer::Reorg(r) => reorg(inputs[0], layer, r.stride, rows, name),
        Layer::Crop(k) => crop(inputs, out, rows, name, k, c),
        Layer::Fc(_) => unreachable!("an FL is not computed by rows"),
    }
}

/// A crop: output pixel `(y, x)` is input pixel `(y + top, x + left)`.
fn crop(
    inputs: &[&RowStore],
    out: Shape,
    rows: Rows,
    name: String,
    k: crate::model::Crop,
    c: usize,
) -> Result<RowStore, Missing> {
    let from = k.left as usize * c;
    per_row(
        inputs,
        out,
        rows,
        name,
        move |y, _| y + k.top,
        |lines, row| {
            let n = row.len();
            row.copy_from_slice(&lines[0][from..from + n]);
        },
    )
}

/// Space-to-depth: output channel `(dy·r + dx)·C + c` of pixel `(y, x)` is channel `c`
/// of input pixel `(y·r + dy, x·r + dx)` (the passthrough's convention, `ops::branch_row`).
fn reorg(
    input: &RowStore,
    layer: &LayerInfo,
    r: u32,
    rows: Rows,
    name: String,
) -> Result<RowStore, Missing> {
    let out = layer.output;
    let (ci, r) = (layer.input.channels as usize, r as usize);
    let row_len = (out.width * out.channels) as usize;
    let mut store = RowStore::empty(name, out.height, row_len);
    for y in clipped(rows, out.height) {
        meter::work(per_row_work(out, 1));
        let mut row = vec![0f32; row_len];
        for dy in 0..r {
            let line = input.row(y * r as u32 + dy as u32)?;
            for (x, px) in row.chunks_exact_mut(ci * r * r).enumerate() {
                for dx in 0..r {
                    let src = &line[(x * r + dx) * ci..][..ci];
                    px[(dy * r + dx) * ci..][..ci].copy_from_slice(src);
                }
            }
        }
        store.put(y, row);
    }
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Layer, Model, Network, PoolLayer, PoolMode, Reorg, Shuffle, Split, Upsample,
    };

    fn net(input: Shape, layers: Vec<Layer>, inputs: Vec<Vec<usize>>) -> Network {
        Network::new(&Model {
            name: "t".into(),
            input,
            layers,
            passthrough: None,
            inputs,
        })
        .unwrap()
    }

    fn none() -> LayerWeights {
        LayerWeights {
            w: Vec::new(),
            b: Vec::new(),
        }
    }

    fn whole(n: &Network, m: usize, lw: &LayerWeights, x: &[&RowStore]) -> Vec<f32> {
        let l = n.layer(m);
        let rows = Rows::new(0, l.output.height - 1);
        let computed = Rows::new(0, l.conv_out.height - 1);
        layer_rows(l, lw, x, rows, computed, false, "o".into())
            .unwrap()
            .flat()
            .unwrap()
            .into_vec()
    }

    #[test]
    fn conv_is_a_correlation_with_stride_padding_and_bias() {
        let x = RowStore::full("x", 3, &[1., 2., 3., 4., 5., 6., 7., 8., 9.]);
        let lw = LayerWeights {
            w: (0..9).map(|i| i as f32).collect(),
            b: vec![0.5],
        };
        // One 3×3 filter over the 3×3 input, with `stride` and `padding`.
        let one = |stride, padding| {
            let c = Conv::same(1, 3).with_stride(stride, padding);
            let n = net(Shape::new(3, 3, 1), vec![Layer::Conv(c)], Vec::new());
            let Layer::Conv(c) = n.layer(1).kind else {
                unreachable!("a conv layer")
            };
            (n, c)
        };
        // No padding: one output, Σ w[ky][kx]·x[ky][kx] = Σ i·(i + 1) = 240, plus the bias.
        let (n, c) = one(1, 0);
        let out = conv(&x, n.layer(1), c, &lw, Rows::new(0, 0), false, "o".into()).unwrap();
        assert_eq!(out.row(0).unwrap(), &[240.5]);
        // Stride 2, padding 1: a 2×2 output whose corner taps see the padding.
        let (n, c) = one(2, 1);
        let out = conv(&x, n.layer(1), c, &lw, Rows::new(0, 1), true, "o".into()).unwrap();
        // Output (0,0) sees x[0..2][0..2] through w[1..3][1..3]: 4·1 + 5·2 + 7·4 + 8·5.
        assert_eq!(out.row(0).unwrap()[0], 82.5);
        assert_eq!(
            out.row(1).unwrap()[1],
            5. * 0. + 6. * 1. + 8. * 3. + 9. * 4. + 0.5
        );
        // Without row 2 of the input, output row 1 cannot be computed.
        let mut part = RowStore::empty("x", 3, 3);
        part.put(0, vec![1., 2., 3.]);
        part.put(1, vec![4., 5., 6.]);
        assert!(conv(&part, n.layer(1), c, &lw, Rows::new(0, 0), true, "o".into()).is_ok());
        let err = conv(&part, n.layer(1), c, &lw, Rows::new(1, 1), true, "o".into());
        assert_eq!(err.unwrap_err().row, 2);
    }

    #[test]
    fn grouped_dilated_rectangular_conv_with_asymmetric_padding() {
        // 3×3 input, 2 channels (channel 1 = 10 × channel 0); 2 groups of one filter,
        // kernel 1×2 dilated by 2, no top padding, left padding 1: output column x reads
        // input columns x − 1 and x + 1.
        let x: Vec<f32> = (0..9).flat_map(|i| [i as f32, 10.0 * i as f32]).collect();
        let x = RowStore::full("x", 6, &x);
        let c = Conv {
            kernel: 1,
            kernel_w: Some(2),
            padding: 0,
            pad_left: Some(1),
            pad_right: Some(1),
            dilation: Some(2),
            ..Conv::same(2, 1).with_groups(2)
        };
        let n = net(Shape::new(3, 3, 2), vec![Layer::Conv(c)], Vec::new());
        assert_eq!(n.layer(1).conv_out, Shape::new(3, 3, 2));
        // w[kx][c][co]: group 0 uses w[kx][0][0] = 1, 2; group 1 w[kx][0][1] = 3, 4.
        let lw = LayerWeights {
            w: vec![1., 3., 2., 4.],
            b: vec![0.5, -0.5],
        };
        let out = whole(&n, 1, &lw, &[&x]);
        // Row 0, column 0: only input column 1 (tap kx = 1) is real: 2·1 + 0.5, 4·10 − 0.5.
        assert_eq!(&out[0..2], &[2.5, 39.5]);
        // Column 1 reads columns 0 and 2: 1·0 + 2·2 + 0.5, 3·0 + 4·20 − 0.5.
        assert_eq!(&out[2..4], &[4.5, 79.5]);
    }

    #[test]
    fn pools_skip_padding_and_average_only_real_elements() {
        let x = RowStore::full("x", 3, &[1., 2., 3., 4., 5., 6., 7., 8., 9.]);
        let mut p = PoolLayer::new(PoolMode::Avg, 2, 2);
        p.padding = 1;
        let n = net(Shape::new(3, 3, 1), vec![Layer::Pool(p)], Vec::new());
        // Windows start at −1 and 1: the corner window holds one real element.
        assert_eq!(whole(&n, 1, &none(), &[&x]), vec![1., 2.5, 5.5, 7.]);
        p.mode = PoolMode::Max;
        p.ceil = true;
        p.padding = 0;
        let n = net(Shape::new(3, 3, 1), vec![Layer::Pool(p)], Vec::new());
        assert_eq!(whole(&n, 1, &none(), &[&x]), vec![5., 6., 8., 9.]);
        let g = PoolLayer::global(PoolMode::Avg);
        let n = net(Shape::new(3, 3, 1), vec![Layer::Pool(g)], Vec::new());
        assert_eq!(whole(&n, 1, &none(), &[&x]), vec![5.]);
    }

    #[test]
    fn a_product_multiplies_element_by_element_in_the_order_listed() {
        // Two 2×1×2 inputs and the first again: x·y·x, pixel by pixel and channel by
        // channel (no broadcasting, no per-channel factor).
        let x = RowStore::full("x", 2, &[1., 2., 3., 4.]);
        let y = RowStore::full("y", 2, &[-1., 0.5, 10., 0.]);
        let n = net(
            Shape::new(2, 1, 2),
            vec![Layer::Conv(Conv::same(2, 1)), Layer::Mul],
            vec![vec![0], vec![0, 1, 0]],
        );
        assert_eq!(whole(&n, 2, &none(), &[&x, &y, &x]), vec![-1., 2., 90., 0.]);
    }

    #[test]
    fn joins_and_reshapes() {
        // 2×2×2 input, values 0..8 (pixel-major).
        let x = RowStore::full("x", 4, &[0., 1., 2., 3., 4., 5., 6., 7.]);
        let s = Shape::new(2, 2, 2);
        let n = net(
            s,
            vec![
                Layer::Add,
                Layer::Concat,
                Layer::Split(Split {
                    groups: 2,
                    group_id: 1,
                }),
                Layer::Shuffle(Shuffle { groups: 2 }),
                Layer::Upsample(Upsample { factor: 2 }),
                Layer::Reorg(Reorg { stride: 2 }),
            ],
            vec![vec![0, 0], vec![0, 1], vec![0], vec![2], vec![0], vec![0]],
        );
        let w = none();
        assert_eq!(
            whole(&n, 1, &w, &[&x, &x]),
            vec![0., 2., 4., 6., 8., 10., 12., 14.]
        );
        let sum = RowStore::full("s", 4, &whole(&n, 1, &w, &[&x, &x]));
        assert_eq!(
            whole(&n, 2, &w, &[&x, &sum])[..8],
            [0., 1., 0., 2., 2., 3., 4., 6.]
        );
        assert_eq!(whole(&n, 3, &w, &[&x]), vec![1., 3., 5., 7.]);
        assert_eq!(
            whole(&n, 5, &w, &[&x])[..8],
            [0., 1., 0., 1., 2., 3., 2., 3.]
        );
        assert_eq!(
            whole(&n, 6, &w, &[&x]),
            vec![0., 1., 2., 3., 4., 5., 6., 7.]
        );
        let four = RowStore::full("x", 4, &[0., 1., 2., 3.]);
        let n4 = net(
            Shape::new(1, 1, 4),
            vec![Layer::Shuffle(Shuffle { groups: 2 })],
            Vec::new(),
        );
        assert_eq!(whole(&n4, 1, &w, &[&four]), vec![0., 2., 1., 3.]);
    }
}
