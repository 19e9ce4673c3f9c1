//! Conv blocks (`conv`, and `conv+fc` whose CLs are sliced the same way), evaluated for
//! every first layer in one walk.
//!
//! A block's grids are the equal split of its last CL's output (the *grid layer* `g`).
//! Fixing `k` and `g`, the sweep starts from those grids and adds one layer at the
//! bottom per [`ConvSweep::step`]: it back-propagates each device's rows through that
//! layer, accumulates FLOPs, and then knows the whole cost of the block `r..g` (or
//! `r..g+1` with the FL). So every block ending at `g` costs `O(k)` more than the one
//! above it, and a full solve takes `O(D·L²)` block evaluations of `O(k)` each.
//!
//! Deep in a long sweep every busy device computes the same rows (whole layers, once
//! the halos have grown over the map); from then on the devices differ by constants
//! and the DP needs only those that can be the slowest, so the walk collapses to them
//! ([`ConvSweep::only_slowest`]).
//!
//! This is the solver's hot loop, so rows are kept as plain `first`/`last` arrays over
//! the busy devices (those with a grid: a prefix, since splits give the larger shares
//! first — equal splits, and splits by speed over the fastest-first team — and
//! back-propagation never empties a range).

use super::block::Load;
use super::block_sweep::{Blocks, Cursor};
use super::cluster::RowSplits;
use super::environment::BITS_PER_ELEMENT as B;
use super::front::undominated;
use crate::model::{Branch, Conv, Layer, LayerInfo, Network};
use crate::slicing::Rows;

/// The rows of one conv layer of a block, per device (for the plan and the viewer).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerTrace {
    pub layer: usize,
    /// Rows of the layer's output each device produces (its grid plus halo).
    pub rows: Vec<Option<Rows>>,
    /// Conv-output rows (before the pool) each device computes.
    pub computed: Vec<Option<Rows>>,
}

/// Inclusive row ranges of the busy devices, as two arrays.
#[derive(Clone, Default)]
struct Ranges {
    first: Vec<u32>,
    last: Vec<u32>,
}

impl Ranges {
    fn get(&self, d: usize) -> Option<Rows> {
        (d < self.first.len()).then(|| Rows::new(self.first[d], self.last[d]))
    }

    fn all(&self, k: usize) -> Vec<Option<Rows>> {
        (0..k).map(|d| self.get(d)).collect()
    }

    fn len(&self, d: usize) -> u64 {
        u64::from(self.last[d] - self.first[d]) + 1
    }
}

/// The vectors of a sweep, one entry per busy device (`shared` and `loads`: per
/// device), handed from one sweep to the next of a DP so that the hot loop does not
/// allocate (allocation was a fifth of a cold VGG19 solve).
#[derive(Default)]
pub struct Buffers {
    /// Rows of layer `next`'s output each busy device must produce.
    rows: Ranges,
    /// Rows of the input of the layer just added (scratch, swapped with `rows`).
    need: Ranges,
    conv_flops: Vec<u64>,
    fc_flops: Vec<u64>,
    final_to: Vec<u64>,
    skip_in: Vec<u64>,
    branch_up: Vec<u64>,
    shared: Vec<u64>,
    /// Each busy device's largest input plus output rows of one layer, in elements.
    peak: Vec<u64>,
    /// The closing FL's weights and activations each busy device holds (`conv+fc`).
    fc_memory: Vec<(u64, u64)>,
    union: Vec<Rows>,
    /// The loads of the block found by the last successful [`ConvSweep::step`].
    loads: Vec<Load>,
}

/// `v` emptied and refilled with `n` copies of `x`, keeping its allocation.
fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    v.clear();
    v.resize(n, x);
}

/// Walks conv blocks ending at a fixed grid layer, one first layer at a time.
pub struct ConvSweep<'a> {
    net: &'a Network,
    splits: &'a RowSplits,
    k: u32,
    grid_layer: usize,
    next: Cursor,
    v: Buffers,
    /// Elements of weights every busy device holds (the block's layers).
    weights: u64,
    trace: Option<Vec<LayerTrace>>,
    /// Whether [`ConvSweep::only_slowest`] allows the collapsed walk, and once every
    /// busy device needs the same rows, the devices that can still be the slowest with
    /// their loads (see [`ConvSweep::collapse`]).
    may_collapse: bool,
    front: Option<(Vec<usize>, Vec<Load>)>,
}

impl<'a> ConvSweep<'a> {
    /// A sweep over `blocks` (whose grid layer is a CL; with an `fc`, the FL right after
    /// it closes every block in data parallelism, the `conv+fc` case). It fills the
    /// vectors of an earlier sweep ([`ConvSweep::into_buffers`]), or new ones.
    pub(super) fn new(blocks: Blocks<'a>, buffers: Buffers) -> Self {
        let Blocks { net, splits, .. } = blocks;
        let (k, grid_layer, fc) = (blocks.k, blocks.grid_layer, blocks.fc);
        let g = net.layer(grid_layer);
        let split = splits.of(grid_layer);
        let mut v = buffers;
        v.rows.first.clear();
        v.rows.last.clear();
        for grid in (0..k).map_while(|d| split.share(d)) {
            v.rows.first.push(grid.first);
            v.rows.last.push(grid.last);
        }
        let busy = v.rows.first.len();
        let n = k as usize;
        for x in [&mut v.need.first, &mut v.need.last] {
            refill(x, busy, 0);
        }
        for x in [
            &mut v.conv_flops,
            &mut v.fc_flops,
            &mut v.final_to,
            &mut v.skip_in,
            &mut v.branch_up,
            &mut v.peak,
        ] {
            refill(x, busy, 0);
        }
        refill(&mut v.fc_memory, busy, (0, 0));
        refill(&mut v.shared, n, 0);
        refill(&mut v.loads, n, Load::default());
        let row_elements = u64::from(g.output.width) * u64::from(g.output.channels);
        let grid_len = |d: usize| u64::from(v.rows.last[d] - v.rows.first[d]) + 1;
        match fc.map(|j| net.layer(j)) {
            Some(fl) => {
                let no = u64::from(fl.output.channels);
                for d in 0..busy {
                    let n = grid_len(d) * row_elements;
                    v.fc_flops[d] = 2 * n * no;
                    v.final_to[d] = no * B;
                    v.fc_memory[d] = (n * no + no, n + no);
                }
            }
            None => {
                let uploads = grid_layer == net.len() || !net.is_spatial(grid_layer + 1);
                if uploads {
                    for d in 0..busy {
                        v.final_to[d] = grid_len(d) * row_elements * B;
                    }
                }
            }
        }
        ConvSweep {
            net,
            splits,
            k,
            grid_layer,
            next: Cursor::at(grid_layer),
            v,
            weights: 0,
            trace: None,
            may_collapse: false,
            front: None,
        }
    }

    /// Gives the sweep's vectors back, for the next [`ConvSweep::new`].
    pub fn into_buffers(self) -> Buffers {
        self.v
    }

    /// Lets [`ConvSweep::loads`] hold only the devices that can be the slowest (by
    /// [`super::Timing::slower_than`], in device order), which makes long sweeps a few
    /// devices per layer instead of `k`.
    /// For equal devices without links or memory limits, and callers that need only
    /// the block's time (the DP, the planner); not for a trace or the DP table.
    pub fn only_slowest(mut self) -> Self {
        self.may_collapse = self.trace.is_none() && self.net.branch.is_none();
        self
    }

    /// The loads of the block found by the last successful step: one per device, or
    /// after [`ConvSweep::only_slowest`] possibly only those that can be the slowest.
    pub fn loads(&self) -> &[Load] {
        match &self.front {
            Some((_, loads)) => loads,
            None => &self.v.loads,
        }
    }

    /// Records the rows of every layer the sweep adds (for plan reconstruction).
    pub fn with_trace(mut self) -> Self {
        self.trace = Some(Vec::new());
        // A trace records every device's rows, which the collapsed walk does not keep.
        self.may_collapse = false;
        self
    }

    /// The recorded layers, last layer first.
    pub fn trace(&self) -> &[LayerTrace] {
        self.trace.as_deref().unwrap_or(&[])
    }

    /// Rows of the current first layer's input each device needs (`need_d`).
    pub fn input_rows(&self) -> Vec<Option<Rows>> {
        self.v.rows.all(self.k as usize)
    }

    /// Adds the layer below the current block. Returns its index `r` when the block
    /// `r..g` is feasible (its loads are then in [`ConvSweep::loads`]), or `None` when
    /// no block can start further down (an FL, the model's start, or a passthrough whose
    /// source and target would share the block).
    pub fn step(&mut self) -> Option<usize> {
        let net = self.net;
        let (r, layer) = self.next.take(net)?;
        let Layer::Conv(conv) = layer.kind else {
            unreachable!("a chain's spatial layers are convs")
        };
        if self.front.is_some() {
            self.collapsed_step(r, layer, conv);
            return Some(r);
        }
        let branch = net
            .branch
            .filter(|b| b.spec.source == r || b.spec.target == r);
        if branch.is_some_and(|b| b.spec.source == r && b.spec.target <= self.grid_layer) {
            self.next.stop();
            return None;
        }

        let window = Window::of(layer, conv);
        let per_row = layer.flops_per_conv_row();
        let busy = self.v.rows.first.len();
        let in_row = u64::from(layer.input.width) * u64::from(layer.input_channels());
        let out_row = u64::from(layer.output.width) * u64::from(layer.output.channels);
        for d in 0..busy {
            let (first, last) = (self.v.rows.first[d], self.v.rows.last[d]);
            let (computed, need) = window.back(first, last);
            self.v.conv_flops[d] += computed * per_row;
            (self.v.need.first[d], self.v.need.last[d]) = need;
            let held =
                (u64::from(need.1 - need.0) + 1) * in_row + (u64::from(last - first) + 1) * out_row;
            self.v.peak[d] = self.v.peak[d].max(held);
        }
        self.weights += layer.params;
        if let Some(b) = branch {
            self.passthrough(r, b);
        }
        if self.trace.is_some() {
            self.record(r, layer, conv);
        }
        self.set_loads(r);
        std::mem::swap(&mut self.v.rows, &mut self.v.need);
        if self.may_collapse {
            self.collapse();
        }
        Some(r)
    }

    /// YOLOv2's passthrough at its source `r` (each branch row computed and uploaded
    /// once) or at its target (the stored rows read from the gateway).
    fn passthrough(&mut self, r: usize, b: Branch) {
        let busy = self.v.rows.first.len();
        let row_bits = u64::from(b.shape.width) * u64::from(b.shape.channels) * B;
        if b.spec.source == r {
            // Each branch row is computed and uploaded once, by the first device
            // that produces the matching output row of the source layer; output
            // ranges are monotone, so the rows before `d`'s end at `last[d − 1]`.
            for d in 0..busy {
                let (f, l) = (self.v.rows.first[d], self.v.rows.last[d]);
                let first = if d == 0 {
                    f
                } else {
                    f.max(self.v.rows.last[d - 1] + 1)
                };
                let n = if first <= l {
                    u64::from(l - first) + 1
                } else {
                    0
                };
                self.v.conv_flops[d] += n * b.flops_per_row;
                self.v.branch_up[d] = n * row_bits;
            }
        } else {
            // The target reads the stored branch rows from the gateway.
            for d in 0..busy {
                self.v.skip_in[d] = self.v.need.len(d) * row_bits;
            }
        }
    }

    /// Adds layer `r`'s rows to the trace.
    fn record(&mut self, r: usize, layer: &LayerInfo, conv: Conv) {
        let k = self.k as usize;
        let computed = (0..k)
            .map(|d| {
                self.v
                    .rows
                    .get(d)
                    .map(|x| crate::slicing::conv_rows_for_output(x, conv, layer.conv_out.height))
            })
            .collect();
        let rows = self.v.rows.all(k);
        if let Some(trace) = &mut self.trace {
            trace.push(LayerTrace {
                layer: r,
                rows,
                computed,
            });
        }
    }

    /// Every device's load for the block `r..g`, once the step put the rows each busy
    /// device needs of layer `r`'s input in `need`.
    fn set_loads(&mut self, r: usize) {
        let net = self.net;
        let layer = net.layer(r);
        let busy = self.v.rows.first.len();
        let row_bits = u64::from(layer.input.width) * u64::from(layer.input.channels) * B;
        let held = (r > 1 && net.is_spatial(r - 1)).then(|| self.splits.table(r - 1));
        match held {
            Some(held) => {
                rows_needed_by_others(&self.v.need, held, &mut self.v.union, &mut self.v.shared)
            }
            None => self.v.shared.fill(0),
        }
        for (d, load) in self.v.loads.iter_mut().enumerate() {
            let tau_bits = self.v.shared[d] * row_bits;
            *load = if d < busy {
                let need = (self.v.need.first[d], self.v.need.last[d]);
                let kept = held.map_or(0, |held| overlap(held[d], need));
                let (fc_weights, fc_held) = self.v.fc_memory[d];
                Load {
                    flops: self.v.conv_flops[d] + self.v.fc_flops[d],
                    ti_bits: (self.v.need.len(d) - kept) * row_bits + self.v.skip_in[d],
                    tau_bits,
                    to_bits: self.v.final_to[d] + self.v.branch_up[d],
                    memory_bytes: (self.weights + fc_weights + self.v.peak[d].max(fc_held))
                        * (B / 8),
                }
            } else {
                Load {
                    tau_bits,
                    ..Load::default()
                }
            };
        }
    }

    /// Enters the collapsed walk once every busy device (two or more) needs the same
    /// rows. From then on they stay the same (the same rows back-propagate to the same
    /// rows), so each device's FLOPs grow by the same amount per layer and its
    /// transfer is the layer's whole need plus its own final upload: devices differ by
    /// constants only. A device dominated (`≤` in FLOPs and bits) by another, or equal
    /// to an earlier one, stays so and is never the slowest; idle devices, which only
    /// upload rows they hold, are dominated by device 0. The rest is the front, on
    /// `chain300` one or two devices of up to 64.
    fn collapse(&mut self) {
        let busy = self.v.rows.first.len();
        let same = |v: &[u32]| v.iter().all(|&x| x == v[0]);
        if busy < 2 || !same(&self.v.rows.first) || !same(&self.v.rows.last) {
            return;
        }
        let front = undominated(&self.v.loads);
        let loads = front.iter().map(|&d| self.v.loads[d]).collect();
        self.front = Some((front, loads));
    }

    /// [`ConvSweep::step`] in the collapsed walk: the common rows back-propagated once,
    /// and the loads of the front devices only (the same values the full step gives).
    fn collapsed_step(&mut self, r: usize, layer: &LayerInfo, conv: Conv) {
        let net = self.net;
        let (computed, need) =
            Window::of(layer, conv).back(self.v.rows.first[0], self.v.rows.last[0]);
        let added = computed * layer.flops_per_conv_row();
        let need_len = u64::from(need.1 - need.0) + 1;
        let rows_len = u64::from(self.v.rows.last[0] - self.v.rows.first[0]) + 1;
        self.weights += layer.params;
        let in_row = u64::from(layer.input.width) * u64::from(layer.input_channels());
        let out_row = u64::from(layer.output.width) * u64::from(layer.output.channels);
        let held_now = need_len * in_row + rows_len * out_row;
        let row_bits = u64::from(layer.input.width) * u64::from(layer.input.channels) * B;
        let held = (r > 1 && net.is_spatial(r - 1)).then(|| self.splits.table(r - 1));
        let (front, loads) = self.front.as_mut().expect("collapsed");
        for (&d, load) in front.iter().zip(loads.iter_mut()) {
            self.v.conv_flops[d] += added;
            self.v.peak[d] = self.v.peak[d].max(held_now);
            // Every other busy device needs the same rows, so all of `d`'s held rows
            // that lie in them are sent up (τo) and the rest of the need comes down (ti).
            let kept = held.map_or(0, |held| overlap(held[d], need));
            let (fc_weights, fc_held) = self.v.fc_memory[d];
            *load = Load {
                flops: self.v.conv_flops[d] + self.v.fc_flops[d],
                ti_bits: (need_len - kept) * row_bits + self.v.skip_in[d],
                tau_bits: kept * row_bits,
                to_bits: self.v.final_to[d] + self.v.branch_up[d],
                memory_bytes: (self.weights + fc_weights + self.v.peak[d].max(fc_held)) * (B / 8),
            };
        }
        // All busy devices' rows are device 0's now; only its entry is kept.
        (self.v.rows.first[0], self.v.rows.last[0]) = need;
    }
}

/// Rows in both inclusive ranges (`first > last` is empty).
fn overlap(a: (u32, u32), b: (u32, u32)) -> u64 {
    let (first, last) = (a.0.max(b.0), a.1.min(b.1));
    if first <= last {
        u64::from(last - first) + 1
    } else {
        0
    }
}

/// For every device `d`, how many rows of its share of the block's input (`held[d]`)
/// lie in the need of some other device (the τo rows), in `O(k)`.
///
/// The needs come from back-propagating ordered grids through monotone maps, so the
/// busy devices form a prefix and both ends of their ranges never decrease. Hence a row
/// of `need[d]` needed by any other device is needed by `d − 1` or `d + 1`, the rows
/// only `d` needs form one range, and the answer is `|held ∩ ⋃ need| − |held ∩ only(d)|`.
fn rows_needed_by_others(
    need: &Ranges,
    held: &[(u32, u32)],
    union: &mut Vec<Rows>,
    out: &mut [u64],
) {
    let busy = need.first.len();
    union.clear();
    for d in 0..busy {
        let (f, l) = (need.first[d], need.last[d]);
        match union.last_mut() {
            Some(u) if f <= u.last + 1 => u.last = u.last.max(l),
            _ => union.push(Rows::new(f, l)),
        }
    }
    let mut u = 0;
    for (d, slot) in out.iter_mut().enumerate() {
        let h = held[d];
        if h.0 > h.1 {
            *slot = 0;
            continue;
        }
        while u < union.len() && union[u].last < h.0 {
            u += 1;
        }
        let mut covered = 0;
        let mut v = u;
        while v < union.len() && union[v].first <= h.1 {
            covered += overlap((union[v].first, union[v].last), h);
            v += 1;
        }
        let only = if d < busy {
            let first = if d == 0 {
                need.first[d]
            } else {
                need.first[d].max(need.last[d - 1] + 1)
            };
            // Rows before the next device's first (none when it starts at row 0).
            let last = if d + 1 == busy {
                need.last[d]
            } else {
                need.last[d].min(need.first[d + 1].wrapping_sub(1))
            };
            let none = d + 1 < busy && need.first[d + 1] == 0;
            if none {
                0
            } else {
                overlap((first, last), h)
            }
        } else {
            0
        };
        *slot = covered - only;
    }
}

/// A conv layer's rows seen from its output: through the pool (size 1, stride 1 when
/// there is none), then the conv, padding rows clipped (spec §2). This is
/// `slicing::back_through_pool` and `back_through_conv` on plain integers, for speed;
/// tests/brute_force.rs checks the two against each other. Validation guarantees
/// padding < kernel.
struct Window {
    pool_size: u64,
    pool_stride: u64,
    stride: u64,
    pad: u64,
    kernel: u64,
    conv_last: u64,
    input_last: u64,
}

impl Window {
    fn of(layer: &LayerInfo, conv: Conv) -> Self {
        let (pool_size, pool_stride) = conv.pool.map_or((1, 1), |p| (p.size, p.stride));
        Window {
            pool_size: u64::from(pool_size),
            pool_stride: u64::from(pool_stride),
            stride: u64::from(conv.stride),
            pad: u64::from(conv.padding),
            kernel: u64::from(conv.kernel),
            conv_last: u64::from(layer.conv_out.height) - 1,
            input_last: u64::from(layer.input.height) - 1,
        }
    }

    /// For output rows `first..=last`: how many conv-output rows are computed, and the
    /// input rows read.
    #[inline]
    fn back(&self, first: u32, last: u32) -> (u64, (u32, u32)) {
        let cf = u64::from(first) * self.pool_stride;
        let cl = (u64::from(last) * self.pool_stride + self.pool_size - 1).min(self.conv_last);
        let need = (
            (cf * self.stride).saturating_sub(self.pad) as u32,
            (cl * self.stride + self.kernel - 1 - self.pad).min(self.input_last) as u32,
        );
        (cl - cf + 1, need)
    }
}
