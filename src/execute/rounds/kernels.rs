//! The row kernels' trait, what they share, and the one call the round engine makes.
//! Each kind's kernel is in its file in `crate::layers`. The unsliced pass and the
//! devices call the same kernel for the same output row, so each element is computed
//! by the same operations in the same order and sliced == whole bit for bit.
//! Inputs are read only through [`RowStore::row`]; padding is skipped, never read.

use super::super::budget::kernels::{mul, row_len, Cost};
use super::super::meter;
use super::super::tensor::{Missing, RowStore};
use super::super::weights::LayerWeights;
use crate::model::{Axis, LayerInfo, Network, Shape};
use crate::slicing::Rows;

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

/// Work of one output row of a layer made element by element from `inputs` input rows
/// (joins, reshapes, upsampling, space-to-depth): each element zeroed, then one unit
/// per input it is made from, and one per input row looked up.
pub(crate) fn per_row_work(out: Shape, inputs: usize) -> u64 {
    let row = u64::from(out.width) * u64::from(out.channels);
    row.saturating_mul(inputs as u64 + 1)
        .saturating_add(inputs as u64)
}

/// What a layer kind is to the executor.
pub(crate) trait Kernel {
    /// Output rows `c.rows` of the layer from its inputs.
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing>;

    /// What [`Kernel::rows`] costs, in the meter's units: an upper bound, made with the
    /// very formulas the kernel counts with. By default each output row is made for
    /// [`Kernel::row_work`] and stored.
    fn cost(&self, c: &CostCall) -> Cost {
        let (out, n) = (c.layer.output, c.out.len());
        let mut cost = Cost::default();
        cost.store(out.height);
        cost.work(mul(n, self.row_work(c)));
        cost.elements(mul(n, row_len(out)));
        cost
    }

    /// The work of one output row, for the default [`Kernel::cost`]: a layer made
    /// element by element from each of its inputs' rows ([`per_row`]).
    fn row_work(&self, c: &CostCall) -> u64 {
        per_row_work(c.layer.output, c.net.inputs[c.m - 1].len())
    }

    /// `(fan in, weights, biases)` of a kind with weights.
    fn weights(&self, _layer: &LayerInfo) -> Option<(u64, u64, u64)> {
        None
    }

    /// Real column taps of one output row (a conv's), which the estimate computes once.
    fn column_taps(&self, _layer: &LayerInfo) -> u64 {
        0
    }
}

/// One call of a row kernel: output rows `rows` of `layer` from `inputs` (in the order
/// the layer names them); for a conv, `computed` are the conv-output rows to compute
/// before its fused pool, and `act` applies ReLU.
pub(crate) struct RowCall<'a> {
    pub layer: &'a LayerInfo,
    pub lw: &'a LayerWeights,
    pub inputs: &'a [&'a RowStore],
    pub rows: Rows,
    pub computed: Rows,
    pub act: bool,
    pub name: String,
}

/// What the estimate asks of a kernel: output rows `out` (conv-output rows `computed`)
/// of layer `m`, whose conv reads `col_taps` real column taps per row.
pub(crate) struct CostCall<'a> {
    pub net: &'a Network,
    pub m: usize,
    pub layer: &'a LayerInfo,
    pub out: Rows,
    pub computed: Rows,
    pub col_taps: u64,
}

/// Output rows `c.rows` of a layer whose every output row is made by `make(inputs'
/// rows, row)`, reading input row `source(y, input height)` of each input.
pub(crate) fn per_row(
    c: RowCall,
    source: impl Fn(u32, u32) -> u32,
    make: impl Fn(&[&[f32]], &mut [f32]),
) -> Result<RowStore, Missing> {
    let out = c.layer.output;
    let row_len = (out.width * out.channels) as usize;
    let mut store = RowStore::empty(c.name, out.height, row_len);
    for y in clipped(c.rows, out.height) {
        meter::work(per_row_work(out, c.inputs.len()));
        let lines = c
            .inputs
            .iter()
            .map(|x| x.row(source(y, x.height())))
            .collect::<Result<Vec<_>, _>>()?;
        let mut row = vec![0f32; row_len];
        make(&lines, &mut row);
        store.put(y, row);
    }
    Ok(store)
}

/// Row `y` of every input (clipped to a 1-row input such as a scale's factors).
pub(crate) fn same_row(y: u32, height: u32) -> u32 {
    y.min(height.saturating_sub(1))
}

/// The factor a product applies: a logistic of the gate's value. Real networks squash
/// an SE block's or an attention map's gate (sigmoid, hard sigmoid) before the product,
/// and the importers drop that as cost-free; without it the products of random weights
/// grow without bound (LR-ASPP's SE blocks reach f32's infinity by layer 96).
pub(crate) fn gate(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}

/// Inputs of one shape combined element by element by `op`, in the order listed.
pub(crate) fn elementwise(c: RowCall, op: impl Fn(&mut f32, f32)) -> Result<RowStore, Missing> {
    per_row(c, same_row, |lines, row| {
        row.copy_from_slice(lines[0]);
        for line in &lines[1..] {
            row.iter_mut().zip(line.iter()).for_each(|(a, &v)| op(a, v));
        }
    })
}

/// The output rows `rows` of spatial layer `layer` from its inputs (in the order the
/// layer names them), by its kind's kernel; for a conv, `computed` are the conv-output
/// rows to compute before its fused pool. `act` applies ReLU to a conv's output.
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
    layer.kind.kernel().rows(RowCall {
        layer,
        lw,
        inputs,
        rows,
        computed,
        act,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Bilinear, Conv, Layer, Model, PoolLayer, PoolMode, Reorg, Shuffle, Split, Upsample,
    };

    fn net(input: Shape, layers: Vec<Layer>, inputs: Vec<Vec<usize>>) -> Network {
        Network::new(&Model {
            name: "t".into(),
            input,
            layers,
            passthrough: None,
            inputs,
            gateway_head: None,
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
            net(Shape::new(3, 3, 1), vec![Layer::Conv(c)], Vec::new())
        };
        let conv = |x: &RowStore, n: &Network, rows, act| {
            layer_rows(n.layer(1), &lw, &[x], rows, rows, act, "o".into())
        };
        // No padding: one output, Σ w[ky][kx]·x[ky][kx] = Σ i·(i + 1) = 240, plus the bias.
        let n = one(1, 0);
        let out = conv(&x, &n, Rows::new(0, 0), false).unwrap();
        assert_eq!(out.row(0).unwrap(), &[240.5]);
        // Stride 2, padding 1: a 2×2 output whose corner taps see the padding.
        let n = one(2, 1);
        let out = conv(&x, &n, Rows::new(0, 1), true).unwrap();
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
        assert!(conv(&part, &n, Rows::new(0, 0), true).is_ok());
        let err = conv(&part, &n, Rows::new(1, 1), true);
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
    fn a_product_gates_its_first_input_by_the_others_element_by_element() {
        // Two 2×1×2 inputs and the first again: x·σ(y)·σ(x), pixel by pixel and channel
        // by channel (no broadcasting, no per-channel factor).
        let x = RowStore::full("x", 2, &[1., 2., 3., 4.]);
        let y = RowStore::full("y", 2, &[-1., 0.5, 10., 0.]);
        let n = net(
            Shape::new(2, 1, 2),
            vec![Layer::Conv(Conv::same(2, 1)), Layer::Mul],
            vec![vec![0], vec![0, 1, 0]],
        );
        let sigmoid = |v: f32| 1.0 / (1.0 + (-v).exp());
        let want: Vec<f32> = [(1., -1.), (2., 0.5), (3., 10.), (4., 0.)]
            .iter()
            .map(|&(a, b)| a * sigmoid(b) * sigmoid(a))
            .collect();
        assert_eq!(whole(&n, 2, &none(), &[&x, &y, &x]), want);
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

    #[test]
    fn bilinear_upsampling_is_torchs_with_half_pixel_centres() {
        // 3×2 input; the expected outputs are torch 2.15's F.interpolate(x, scale_factor=f,
        // mode='bilinear', align_corners=False), to f32 precision.
        let x = RowStore::full("x", 2, &[1., 2., 3., 5., 4., 0.]);
        let up = |f: u32| {
            let n = net(
                Shape::new(3, 2, 1),
                vec![Layer::Bilinear(Bilinear { factor: f })],
                Vec::new(),
            );
            whole(&n, 1, &none(), &[&x])
        };
        let torch2 = [
            1.0, 1.25, 1.75, 2.0, 1.5, 1.8125, 2.4375, 2.75, 2.5, 2.9375, 3.8125, 4.25, 3.25,
            3.375, 3.625, 3.75, 3.75, 3.125, 1.875, 1.25, 4.0, 3.0, 1.0, 0.0,
        ];
        assert_eq!(up(2), torch2);
        // Factor 3: torch's values, to f32 precision, are these ninths (by output row).
        let ninths = [
            [9, 9, 12, 15, 18, 18],
            [9, 9, 12, 15, 18, 18],
            [15, 15, 19, 23, 27, 27],
            [21, 21, 26, 31, 36, 36],
            [27, 27, 33, 39, 45, 45],
            [30, 30, 30, 30, 30, 30],
            [33, 33, 27, 21, 15, 15],
            [36, 36, 24, 12, 0, 0],
            [36, 36, 24, 12, 0, 0],
        ];
        let torch3: Vec<f32> = ninths.concat().iter().map(|&n| n as f32 / 9.0).collect();
        for (got, want) in up(3).iter().zip(&torch3) {
            assert!((got - want).abs() < 1e-6, "{got} against torch's {want}");
        }
        assert_eq!(up(3).len(), torch3.len());
    }
}
