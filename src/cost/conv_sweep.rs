//! Conv blocks (`conv`, and `conv+fc` whose CLs are sliced the same way), evaluated for
//! every first layer in one walk.
//!
//! A block's grids are the equal split of its last CL's output (the *grid layer* `g`).
//! Fixing `k` and `g`, the sweep starts from those grids and adds one layer at the
//! bottom per [`ConvSweep::step`]: it back-propagates each device's rows through that
//! layer, accumulates FLOPs, and then knows the whole cost of the block `r..g` (or
//! `r..g+1` with the FL). So every block ending at `g` costs `O(k)` more than the one
//! above it, and a full solve takes `O(D·L²)` block evaluations of `O(k)` each.

use super::block::Load;
use super::environment::BITS_PER_ELEMENT as B;
use crate::model::{Kind, Network};
use crate::slicing::{back_through_conv, conv_rows_for_output, equal_split, len, overlap, Rows};

/// The rows of one conv layer of a block, per device (for the plan and the viewer).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerTrace {
    pub layer: usize,
    /// Rows of the layer's output each device produces (its grid plus halo).
    pub rows: Vec<Option<Rows>>,
    /// Conv-output rows (before the pool) each device computes.
    pub computed: Vec<Option<Rows>>,
}

/// Walks conv blocks ending at a fixed grid layer, one first layer at a time.
pub struct ConvSweep<'a> {
    net: &'a Network,
    k: u32,
    grid_layer: usize,
    /// The next layer to add at the bottom; 0 once the sweep is over.
    next: usize,
    /// Rows of layer `next`'s output each device must produce.
    rows: Vec<Option<Rows>>,
    /// Devices with a grid; the rest (a suffix) stay idle through the whole block.
    busy: usize,
    conv_flops: Vec<u64>,
    fc_flops: Vec<u64>,
    final_to: Vec<u64>,
    skip_in: Vec<u64>,
    branch_up: Vec<u64>,
    computed: Vec<Option<Rows>>,
    need: Vec<Option<Rows>>,
    /// What each device holds of the block's input (the previous block's grids).
    held: Vec<Option<Rows>>,
    shared: Vec<u64>,
    union: Vec<Rows>,
    /// The loads of the block found by the last successful [`ConvSweep::step`].
    pub loads: Vec<Load>,
    trace: Option<Vec<LayerTrace>>,
}

impl<'a> ConvSweep<'a> {
    /// A sweep over blocks whose last CL is `grid_layer`; with `fc`, the FL right after
    /// it closes every block in data parallelism (the `conv+fc` case).
    pub fn new(net: &'a Network, k: u32, grid_layer: usize, fc: Option<usize>) -> Self {
        let g = net.layer(grid_layer);
        let n = k as usize;
        let grid: Vec<Option<Rows>> = (0..k).map(|d| equal_split(g.output.height, k, d)).collect();
        let row_elements = u64::from(g.output.width) * u64::from(g.output.channels);
        let mut fc_flops = vec![0; n];
        let mut final_to = vec![0; n];
        match fc.map(|j| net.layer(j).kind) {
            Some(Kind::Fc { outputs }) => {
                let no = u64::from(outputs);
                for (d, rows) in grid.iter().enumerate() {
                    fc_flops[d] = 2 * len(*rows) * row_elements * no;
                    final_to[d] = if rows.is_some() { no * B } else { 0 };
                }
            }
            Some(Kind::Conv(_)) => unreachable!("conv+fc closes with an FL"),
            None => {
                let uploads = grid_layer == net.len() || !net.is_conv(grid_layer + 1);
                if uploads {
                    for (d, rows) in grid.iter().enumerate() {
                        final_to[d] = len(*rows) * row_elements * B;
                    }
                }
            }
        }
        ConvSweep {
            net,
            k,
            grid_layer,
            next: grid_layer,
            busy: grid.iter().filter(|r| r.is_some()).count(),
            rows: grid,
            conv_flops: vec![0; n],
            fc_flops,
            final_to,
            skip_in: vec![0; n],
            branch_up: vec![0; n],
            computed: vec![None; n],
            need: vec![None; n],
            held: vec![None; n],
            shared: vec![0; n],
            union: Vec::with_capacity(n),
            loads: vec![Load::default(); n],
            trace: None,
        }
    }

    /// Records the rows of every layer the sweep adds (for plan reconstruction).
    pub fn with_trace(mut self) -> Self {
        self.trace = Some(Vec::new());
        self
    }

    /// The recorded layers, last layer first.
    pub fn trace(&self) -> &[LayerTrace] {
        self.trace.as_deref().unwrap_or(&[])
    }

    /// Rows of the current first layer's input each device needs (`need_d`).
    pub fn input_rows(&self) -> &[Option<Rows>] {
        &self.rows
    }

    /// Adds the layer below the current block. Returns its index `r` when the block
    /// `r..g` is feasible (its loads are then in [`ConvSweep::loads`]), or `None` when
    /// no block can start further down (an FL, the model's start, or a passthrough whose
    /// source and target would share the block).
    pub fn step(&mut self) -> Option<usize> {
        let r = self.next;
        if r == 0 {
            return None;
        }
        let net = self.net;
        let layer = net.layer(r);
        let Kind::Conv(conv) = layer.kind else {
            self.next = 0;
            return None;
        };
        let branch = net
            .branch
            .filter(|b| b.spec.source == r || b.spec.target == r);
        if let Some(b) = branch.filter(|b| b.spec.source == r && b.spec.target <= self.grid_layer) {
            debug_assert!(b.spec.target > r);
            self.next = 0;
            return None;
        }

        let per_row = layer.flops_per_conv_row();
        for d in 0..self.busy {
            self.computed[d] =
                self.rows[d].map(|x| conv_rows_for_output(x, conv, layer.conv_out.height));
            self.conv_flops[d] += len(self.computed[d]) * per_row;
            self.need[d] = self.computed[d].map(|c| back_through_conv(c, conv, layer.input.height));
        }
        if let Some(b) = branch {
            let row_bits = u64::from(b.shape.width) * u64::from(b.shape.channels) * B;
            if b.spec.source == r {
                // Each branch row is computed and uploaded once, by the first device
                // that produces the matching output row of the source layer.
                let mut done: Option<u32> = None;
                for d in 0..self.busy {
                    let Some(x) = self.rows[d] else { continue };
                    let first = done.map_or(x.first, |p| x.first.max(p + 1));
                    let n = if first <= x.last {
                        u64::from(x.last - first) + 1
                    } else {
                        0
                    };
                    self.conv_flops[d] += n * b.flops_per_row;
                    self.branch_up[d] = n * row_bits;
                    done = Some(done.map_or(x.last, |p| p.max(x.last)));
                }
            } else {
                // The target reads the stored branch rows from the gateway.
                for d in 0..self.busy {
                    self.skip_in[d] = len(self.need[d]) * row_bits;
                }
            }
        }
        if let Some(trace) = &mut self.trace {
            trace.push(LayerTrace {
                layer: r,
                rows: self.rows.clone(),
                computed: self.computed.clone(),
            });
        }

        let row_bits = u64::from(layer.input.width) * u64::from(layer.input.channels) * B;
        if r > 1 && net.is_conv(r - 1) {
            let h = layer.input.height;
            for (d, held) in self.held.iter_mut().enumerate() {
                *held = equal_split(h, self.k, d as u32);
            }
            rows_needed_by_others(&self.need, &self.held, &mut self.union, &mut self.shared);
        } else {
            self.held.fill(None);
            self.shared.fill(0);
        }
        for d in 0..self.rows.len() {
            let need = self.need[d];
            self.loads[d] = Load {
                flops: self.conv_flops[d] + self.fc_flops[d],
                ti_bits: (len(need) - overlap(need, self.held[d])) * row_bits + self.skip_in[d],
                tau_bits: self.shared[d] * row_bits,
                to_bits: self.final_to[d] + self.branch_up[d],
            };
        }
        std::mem::swap(&mut self.rows, &mut self.need);
        self.next = r - 1;
        Some(r)
    }

    /// The last CL of the blocks this sweep walks.
    pub fn grid_layer(&self) -> usize {
        self.grid_layer
    }
}

/// For every device `d`, how many rows of `held[d]` lie in `need[e]` for some `e ≠ d`
/// (the τo rows), in `O(k)`.
///
/// `need` comes from back-propagating ordered grids through monotone maps, so the busy
/// devices form a prefix and both ends of their ranges never decrease. Hence a row of
/// `need[d]` needed by any other device is needed by `d − 1` or `d + 1`, the rows only `d`
/// needs form one range, and the answer is `|held[d] ∩ ⋃ need| − |held[d] ∩ only(d)|`.
pub(crate) fn rows_needed_by_others(
    need: &[Option<Rows>],
    held: &[Option<Rows>],
    union: &mut Vec<Rows>,
    out: &mut [u64],
) {
    union.clear();
    for r in need.iter().flatten() {
        match union.last_mut() {
            Some(u) if r.first <= u.last + 1 => u.last = u.last.max(r.last),
            _ => union.push(*r),
        }
    }
    let mut u = 0;
    for (d, slot) in out.iter_mut().enumerate() {
        let Some(h) = held[d] else {
            *slot = 0;
            continue;
        };
        while u < union.len() && union[u].last < h.first {
            u += 1;
        }
        let mut covered = 0;
        let mut v = u;
        while v < union.len() && union[v].first <= h.last {
            covered += overlap(Some(union[v]), Some(h));
            v += 1;
        }
        let only = need[d].and_then(|n| {
            let above = d.checked_sub(1).and_then(|e| need[e]);
            let below = need.get(d + 1).copied().flatten();
            let first = above.map_or(n.first, |a| n.first.max(a.last.saturating_add(1)));
            let last = below.map_or(n.last, |b| n.last.min(b.first.wrapping_sub(1)));
            (below.is_none_or(|b| b.first > 0) && first <= last).then(|| Rows::new(first, last))
        });
        *slot = covered - overlap(only, Some(h));
    }
}
