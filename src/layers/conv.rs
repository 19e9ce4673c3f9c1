//! A convolutional layer (CL), the paper's; with a fused max-pool in chain models:
//! its rules, its JSON form, and its row kernel with its work.

use super::prelude::*;
use crate::execute::meter;
use crate::execute::pool::slide_cost;
use crate::execute::ops::{concat_rows, output_rows};
use crate::execute::rounds::kernels::{clipped, real_taps};
use crate::execute::weights::LayerWeights;
use crate::model::Pool;
use crate::slicing::{back_through_conv, Rows};

kind_struct! {
    /// A convolutional layer (CL). The chain models of the paper use square kernels and
    /// symmetric padding; DAG models may also set a rectangular kernel or stride,
    /// asymmetric padding, dilation and groups (each `None` means "as the square case").
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    pub struct Conv {
        pub filters: u32,
        /// Kernel height (and width unless `kernel_w`).
        pub kernel: u32,
        /// Vertical stride (and horizontal unless `stride_w`).
        pub stride: u32,
        /// Top padding (and every other side unless set).
        pub padding: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pool: Option<Pool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub kernel_w: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub stride_w: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pad_bottom: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pad_left: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pad_right: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub dilation: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub groups: Option<u32>,
    }
}

impl Conv {
    /// A conv with stride 1 and "same" padding (`⌊kernel/2⌋`), the common case.
    pub const fn same(filters: u32, kernel: u32) -> Self {
        Conv {
            filters,
            kernel,
            stride: 1,
            padding: kernel / 2,
            pool: None,
            kernel_w: None,
            stride_w: None,
            pad_bottom: None,
            pad_left: None,
            pad_right: None,
            dilation: None,
            groups: None,
        }
    }

    pub const fn with_stride(mut self, stride: u32, padding: u32) -> Self {
        self.stride = stride;
        self.padding = padding;
        self
    }

    pub const fn with_pool(mut self, size: u32, stride: u32) -> Self {
        self.pool = Some(Pool { size, stride });
        self
    }

    /// The window `kernel` by `stride` (height, width) padded `[top, bottom, left, right]`.
    pub fn with_window(mut self, kernel: (u32, u32), stride: (u32, u32), pad: [u32; 4]) -> Self {
        (self.kernel, self.stride, self.padding) = (kernel.0, stride.0, pad[0]);
        let fields = super::window_fields(kernel, stride, pad);
        [self.kernel_w, self.stride_w, self.pad_bottom, self.pad_left, self.pad_right] = fields;
        self
    }

    pub const fn with_groups(mut self, groups: u32) -> Self {
        self.groups = Some(groups);
        self
    }

    /// True when only the paper's square, symmetric, ungrouped fields are used (the
    /// case the chain solver and the executor handle).
    pub fn is_square(&self) -> bool {
        self.kernel_w.is_none()
            && self.stride_w.is_none()
            && self.pad_bottom.is_none()
            && self.pad_left.is_none()
            && self.pad_right.is_none()
            && self.dilation.is_none()
            && self.groups.is_none()
    }

    /// The window along the rows.
    pub fn rows(&self) -> Axis {
        Axis {
            kernel: self.kernel,
            stride: self.stride,
            pad_before: self.padding,
            pad_after: self.pad_bottom.unwrap_or(self.padding),
            dilation: self.dilation.unwrap_or(1),
            ceil: false,
        }
    }

    /// The window along the columns.
    pub fn cols(&self) -> Axis {
        Axis {
            kernel: self.kernel_w.unwrap_or(self.kernel),
            stride: self.stride_w.unwrap_or(self.stride),
            pad_before: self.pad_left.unwrap_or(self.padding),
            pad_after: self.pad_right.unwrap_or(self.padding),
            dilation: self.dilation.unwrap_or(1),
            ceil: false,
        }
    }

    pub fn group_count(&self) -> u32 {
        self.groups.unwrap_or(1)
    }

    /// FLOPs of one conv-output row (`Wc · Co · 2 · Kh · Kw · Ci / groups`) of a
    /// `conv_out` made from `input_channels`.
    pub(crate) fn flops_per_row(&self, conv_out: Shape, input_channels: u32) -> u64 {
        u64::from(conv_out.width)
            * u64::from(conv_out.channels)
            * 2
            * u64::from(self.kernel)
            * u64::from(self.cols().kernel)
            * (u64::from(input_channels) / u64::from(self.group_count()))
    }

    /// The square case keeps the spec's wording; the general case names the axis.
    fn window_error(&self, at: &Inputs, input: Shape, axis: &str, m: String) -> ModelError {
        if !self.is_square() {
            return at.error(format!("conv {axis}: {m}"));
        }
        let padded_h = u64::from(input.height) + 2 * u64::from(self.padding);
        let padded_w = u64::from(input.width) + 2 * u64::from(self.padding);
        at.error(format!(
            "kernel {} is larger than its padded input {}×{}",
            self.kernel, padded_h, padded_w
        ))
    }

    /// Every size in range, and no row of pure padding in the square case.
    fn check_sizes(&self, index: usize) -> Result<(), ModelError> {
        let (rows, cols) = (self.rows(), self.cols());
        for (field, value) in [
            ("filters", self.filters),
            ("kernel", self.kernel),
            ("stride", self.stride),
            ("kernel width", cols.kernel),
            ("stride width", cols.stride),
            ("dilation", rows.dilation),
            ("groups", self.group_count()),
        ] {
            limits::check_size(Some(index), field, value)?;
        }
        for value in [
            self.padding,
            rows.pad_after,
            cols.pad_before,
            cols.pad_after,
        ] {
            limits::check_size_or_zero(Some(index), "padding", value)?;
        }
        if self.is_square() && self.padding >= self.kernel {
            return Err(ModelError::layer(
                index,
                format!(
                    "padding {} must be smaller than kernel {} (a row of pure padding would be computed)",
                    self.padding, self.kernel
                ),
            ));
        }
        Ok(())
    }
}

/// The output of the fused max-pool `pool` over a conv output of `hc × wc`.
fn pool_shape(index: usize, pool: Pool, hc: u32, wc: u32, filters: u32) -> Result<Shape, ModelError> {
    limits::check_size(Some(index), "pool size", pool.size)?;
    limits::check_size(Some(index), "pool stride", pool.stride)?;
    if pool.size > hc || pool.size > wc {
        return Err(ModelError::layer(
            index,
            format!("pool {} is larger than its input {}×{}", pool.size, hc, wc),
        ));
    }
    Ok(Shape::new(
        (hc - pool.size) / pool.stride + 1,
        (wc - pool.size) / pool.stride + 1,
        filters,
    ))
}

impl Op for Conv {
    fn text(&self, layer: &LayerInfo) -> String {
        let groups = match self.groups.unwrap_or(1) {
            1 => String::new(),
            g if g == layer.input.channels => ", depthwise".into(),
            g => format!(", {g} groups"),
        };
        let dilation = match self.dilation.unwrap_or(1) {
            1 => String::new(),
            d => format!(", dilation {d}"),
        };
        let pool = self.pool.map_or(String::new(), |p| format!(", pool {}/{}", p.size, p.stride));
        let (k, w) = (self.kernel, self.kernel_w.unwrap_or(self.kernel));
        format!("conv {k}×{w}/{}, {} filters{groups}{dilation}{pool}", self.stride, self.filters)
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        let input = at.one()?;
        self.check_sizes(at.index)?;
        let (rows, cols) = (self.rows(), self.cols());
        let hc = rows
            .output(input.height)
            .map_err(|m| self.window_error(at, input, "rows", m))?;
        let wc = cols
            .output(input.width)
            .map_err(|m| self.window_error(at, input, "columns", m))?;
        let ci = u64::from(input.channels) + u64::from(at.skip_channels);
        let groups = u64::from(self.group_count());
        if ci % groups != 0 || u64::from(self.filters) % groups != 0 {
            return Err(at.error(format!(
                "{} groups must divide both the {ci} input channels and the {} filters",
                groups, self.filters
            )));
        }
        let conv_out = Shape::new(hc, wc, self.filters);
        let output = match self.pool {
            None => conv_out,
            Some(pool) => pool_shape(at.index, pool, hc, wc, self.filters)?,
        };
        let co = u64::from(self.filters);
        let (kh, kw) = (u64::from(rows.kernel), u64::from(cols.kernel));
        let params = limits::checked(at.index, "parameters", &[kh, kw, ci / groups, co])? + co;
        let per_row = self.flops_per_row(conv_out, input.channels + at.skip_channels);
        let flops = limits::checked(at.index, "FLOPs", &[per_row, u64::from(hc)])?;
        Ok(at.made(conv_out, output, flops, params))
    }

    fn row_map(&self, _layer: &LayerInfo) -> RowMap {
        RowMap::Conv {
            pool: self.pool.map(|p| Axis::plain(p.size, p.stride, 0)),
            conv: self.rows(),
        }
    }

    fn is_dag_only(&self) -> bool {
        !self.is_square()
    }
}

impl Kernel for Conv {
    fn rows(&self, c: RowCall) -> Result<RowStore, Missing> {
        let made = conv_out(c.layer, c.lw, c.inputs, c.computed, c.act)?;
        pooled(c.layer, &made, c.rows, c.name)
    }

    /// The passthrough joined at its target, the conv rows (each window's row taps
    /// bounded by the whole window), then the fused pool or the copy.
    fn cost(&self, c: &CostCall) -> Cost {
        let layer = c.layer;
        let mut all = Cost::default();
        if c.net.branch.is_some_and(|b| b.spec.target == c.m) {
            let need = back_through_conv(c.computed, *self, layer.input.height);
            all.add(joined_cost(layer, need.len()));
        }
        let row_taps = u64::from(self.kernel.min(layer.input.height));
        let per = conv_row_work(layer, self.group_count(), row_taps, c.col_taps);
        all.store(layer.conv_out.height);
        all.work(mul(c.computed.len(), per));
        all.elements(mul(c.computed.len(), row_len(layer.conv_out)));
        all.add(self.output_cost(layer, c.out.len()));
        all
    }

    /// Kh·Kw taps of `Ci / groups` channels (main and skip) per filter.
    fn weights(&self, layer: &LayerInfo) -> Option<(u64, u64, u64)> {
        let taps = u64::from(self.kernel) * u64::from(self.cols().kernel);
        let fan_in = taps * u64::from(layer.input_channels() / self.group_count());
        let co = u64::from(self.filters);
        Some((fan_in, mul(fan_in, co), co))
    }

    fn column_taps(&self, layer: &LayerInfo) -> u64 {
        column_taps(self.cols(), layer.conv_out.width, layer.input.width)
    }
}

impl Conv {
    /// `n` output rows from the conv output: a copy, or the max-pool's sliding window
    /// (each conv-output row its windows read reduced once).
    fn output_cost(&self, layer: &LayerInfo, n: u64) -> Cost {
        let (conv, out) = (layer.conv_out, layer.output);
        let Some(p) = self.pool else {
            let mut cost = Cost::default();
            cost.store(out.height);
            cost.elements(mul(n, row_len(out)));
            cost.work(mul(n, row_len(out)));
            return cost;
        };
        let reduced = mul(n.saturating_sub(1), u64::from(p.stride))
            .saturating_add(u64::from(p.size))
            .min(u64::from(conv.height));
        slide_cost(conv, out, reduced, u64::from(p.size), n)
    }
}

/// The input of the passthrough's target: `n` rows of main and skip concatenated.
fn joined_cost(layer: &LayerInfo, n: u64) -> Cost {
    let row = u64::from(layer.input.width) * u64::from(layer.input_channels());
    let mut cost = Cost::default();
    cost.store(layer.input.height);
    cost.work(mul(n, row + 2 * u64::from(layer.input.width)));
    cost.elements(mul(n, row));
    cost
}

/// Real taps summed over every output column: the column work of one output row.
pub(crate) fn column_taps(axis: Axis, outputs: u32, n: u32) -> u64 {
    (0..outputs)
        .map(|x| real_taps(axis, x, n).len() as u64)
        .sum()
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

/// Work of one conv-output row that reads `row_taps` input rows, whose columns read
/// `col_taps` real taps in all (`column_taps`): per tap and pixel `ci·(co/G)`
/// multiply-adds, a loop per input channel and the tap itself; per row its taps, and
/// zeroing, bias and ReLU of each element.
fn conv_row_work(layer: &LayerInfo, groups: u32, row_taps: u64, col_taps: u64) -> u64 {
    let ci = u64::from(layer.input_channels());
    let cog = u64::from(layer.conv_out.channels / groups.max(1));
    let per_tap = ci.saturating_mul(cog + 1).saturating_add(1);
    let row = u64::from(layer.conv_out.width) * u64::from(layer.conv_out.channels);
    row_taps
        .saturating_add(row_taps.saturating_mul(col_taps).saturating_mul(per_tap))
        .saturating_add(row.saturating_mul(3))
}

/// Conv-output rows `rows` (before any fused pool), ReLU when `act`. Weights are
/// `[ky][kx][ci / groups][co]`; group `g` makes filters `g·Co/G ..` from channels
/// `g·Ci/G ..`. Each element is `Σ_{ky, kx, c} w·x` in that order, then `+ bias`.
fn conv(
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
pub(crate) fn conv_out(
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
pub(crate) fn pooled(
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

/// `stride` defaults to 1, `padding` to ⌊kernel/2⌋.
pub(super) fn parse(e: &Fields, index: usize) -> Result<Layer, ModelError> {
    let kernel = need(index, e.kernel, "kernel")?;
    Ok(Layer::Conv(Conv {
        filters: need(index, e.filters, "filters")?,
        kernel,
        stride: e.stride.unwrap_or(1),
        padding: e.padding.unwrap_or(kernel / 2),
        pool: e.pool,
        kernel_w: e.kernel_w,
        stride_w: e.stride_w,
        pad_bottom: e.pad_bottom,
        pad_left: e.pad_left,
        pad_right: e.pad_right,
        dilation: e.dilation,
        groups: e.groups,
    }))
}
