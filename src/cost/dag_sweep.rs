//! Spatial blocks of a branching (DAG) model, evaluated for every first layer in one
//! walk: the rules of `docs/spec-dag.md`, which reduce to spec §3–4 on a chain.
//!
//! As in [`super::conv_sweep`], `k` and the block's last spatial layer `g` are fixed and
//! each [`DagSweep::step`] adds one layer `r` at the bottom. What makes this work on a
//! DAG is that a layer's consumers all come after it: when `r` is added, every consumer
//! of `r` inside the block `r..g` is already there, so the rows each device must produce
//! of `r` (the hull of what its consumers read, plus its own equal share when the tensor
//! is needed after the block) are final. Rows needed of tensors made before `r` are
//! accumulated as ranges per device; they are the block's inputs, downloaded from the
//! gateway (`ti`) except the equal share of layer `r − 1` that each device kept from the
//! previous round.
//!
//! Ranges are `(first, last)` with `(u32::MAX, 0)` for "none", so a hull is a min and a
//! max. Unlike a chain's, a DAG's ranges need not be monotone in the device index, so
//! the τo rows are counted with a sweep over range ends ([`rows_needed_by_others`]).
//!
//! Deep in a sweep the halos grow over the whole map and every device needs the same
//! rows of every tensor; from then on, as long as no layer is exported or uploaded,
//! devices differ by constants, so the walk carries one state for all of them and
//! prices only those that can be the slowest ([`DagSweep::only_slowest`]).

use std::cell::RefCell;

use super::block::Load;
use super::block_sweep::{Blocks, Cursor};
use super::cluster::{RowSplits, Split};
use super::conv_sweep::LayerTrace;
use super::environment::BITS_PER_ELEMENT as B;
use super::front::{keep_undominated, undominated};
use crate::model::{Layer, Network, RowMap};
use crate::slicing::Rows;

const NONE: (u32, u32) = (u32::MAX, 0);

fn size(r: (u32, u32)) -> u64 {
    if r.0 <= r.1 {
        u64::from(r.1 - r.0) + 1
    } else {
        0
    }
}

fn hull(a: (u32, u32), b: (u32, u32)) -> (u32, u32) {
    (a.0.min(b.0), a.1.max(b.1))
}

fn meet(a: (u32, u32), b: (u32, u32)) -> (u32, u32) {
    (a.0.max(b.0), a.1.min(b.1))
}

fn share(split: &Split, d: usize) -> (u32, u32) {
    split.share(d as u32).map_or(NONE, |r| (r.first, r.last))
}

fn as_rows(r: (u32, u32)) -> Option<Rows> {
    (r.0 <= r.1).then(|| Rows::new(r.0, r.1))
}

/// Input rows (of `n`) that a layer reads through `map` to produce output rows `r`.
fn back(map: RowMap, r: (u32, u32), n: u32, conv_rows: u32) -> (u32, u32) {
    if r.0 > r.1 {
        return NONE;
    }
    match map {
        RowMap::Same => (r.0.min(n - 1), r.1.min(n - 1)),
        RowMap::Window(axis) => axis.back(r.0, r.1, n),
        RowMap::Conv { pool, conv } => {
            let c = pool.map_or(r, |p| p.back(r.0, r.1, conv_rows));
            conv.back(c.0, c.1, n)
        }
        RowMap::Up(f) => ((r.0 / f).min(n - 1), (r.1 / f).min(n - 1)),
        RowMap::Bilinear(f) => crate::layers::bilinear_rows(f, r.0, r.1, n),
        RowMap::Shift(t) => ((r.0 + t).min(n - 1), (r.1 + t).min(n - 1)),
    }
}

/// Walks the spatial blocks ending at a fixed last spatial layer, one first layer at a time.
pub struct DagSweep<'a> {
    net: &'a Network,
    splits: &'a RowSplits,
    k: usize,
    /// Slots per tensor in `need`, and length of the per-device vectors: `k`, or more
    /// when the sweep may be [forked](DagSweep::fork) to a team of up to `stride` devices.
    stride: usize,
    grid_layer: usize,
    next: Cursor,
    /// Rows each device must produce of each tensor (index 0 is the model input),
    /// accumulated from the consumers added so far: `need[t * stride + d]`.
    need: Vec<(u32, u32)>,
    /// Σ over tensors made before the current first layer of the rows each device
    /// needs, in bits (what it would download if nothing were held).
    outside_bits: Vec<u64>,
    flops: Vec<u64>,
    to_bits: Vec<u64>,
    /// Elements of weights every device computing in the block holds, each device's
    /// largest input plus output rows of one layer, and the closing FL's weights and
    /// activations per device (`conv+fc`), all in elements.
    weights: u64,
    peak: Vec<u64>,
    held_now: Vec<u64>,
    fc_memory: Vec<(u64, u64)>,
    /// Rows of each layer added so far, for the trace and `input_rows`.
    produced: Vec<(u32, u32)>,
    /// The last layer added that reads each tensor, so that a layer reading `n`
    /// tensors costs `O(n)` to add, not `O(n²)`.
    read_by: Vec<usize>,
    /// Scratch for [`rows_needed_by_others`].
    starts: Vec<(u32, usize)>,
    ends: Vec<(u32, usize)>,
    /// Bits of the block's input each device kept from the previous round, and of its
    /// held share that others need (τo).
    kept: Vec<u64>,
    shared: Vec<u64>,
    /// Devices `active..k` hold no rows of any layer added so far and need none: they
    /// only send up rows they hold (τo). Shares are given from device 0, so this grows
    /// as layers whose shares reach further are added (the grid, exported tensors).
    active: usize,
    /// See [`DagSweep::only_slowest`].
    slowest_only: bool,
    /// Tensors made before the current first layer that some layer of the block reads.
    pending: Vec<usize>,
    /// Set while the walk is collapsed (see [`Collapsed`]).
    collapsed: Option<Collapsed>,
    /// The loads of the block found by the last successful [`DagSweep::step`].
    loads: Vec<Load>,
    trace: Option<Vec<LayerTrace>>,
}

/// The collapsed walk: every active device needs the same rows of every pending tensor,
/// so device 0's slots of `need`, `outside_bits`, `produced` and `held_now` stand for all
/// of them, and its `flops` and `peak` slots count what every device adds from the
/// collapse on (the others' slots keep their values at the collapse).
#[derive(Clone)]
struct Collapsed {
    /// The active devices that can be the slowest (by FLOPs and final upload: every
    /// device's other bits are the same, `ti + τo` = all it needs).
    front: Vec<usize>,
    /// Device 0's FLOPs and peak at the collapse.
    flops: u64,
    peak: u64,
}

thread_local! {
    /// The row tables of finished sweeps, kept by each thread for its next sweeps. A table
    /// is `(layers + 1) × devices` row ranges (156 KB for DenseNet-201 at 64 devices) and a
    /// solve starts thousands of sweeps: allocated afresh, the allocator gave the pages back
    /// to the system and each sweep faulted them in again (a quarter of that solve's time).
    static SPARE_TABLES: RefCell<Vec<Vec<(u32, u32)>>> = const { RefCell::new(Vec::new()) };
}

/// A row table of `len` entries, all [`NONE`], reusing a spare one when the thread has it.
fn row_table(len: usize) -> Vec<(u32, u32)> {
    let mut table = SPARE_TABLES
        .with(|spare| spare.borrow_mut().pop())
        .unwrap_or_default();
    table.clear();
    table.resize(len, NONE);
    table
}

impl Drop for DagSweep<'_> {
    fn drop(&mut self) {
        let table = std::mem::take(&mut self.need);
        SPARE_TABLES.with(|spare| {
            let mut spare = spare.borrow_mut();
            // A thread runs a few sweeps at once (lock-step forks); more are not kept.
            if spare.len() < 16 {
                spare.push(table);
            }
        });
    }
}

impl<'a> DagSweep<'a> {
    /// A sweep over `blocks` (with an `fc`, the FL right after the grid layer closes
    /// every block in data parallelism, the `conv+fc` case).
    pub(super) fn new(blocks: Blocks<'a>) -> Self {
        Self::spanning(blocks, blocks.k as usize)
    }

    /// [`DagSweep::new`], laid out for teams of up to `stride` devices (at least `k`).
    pub(crate) fn spanning(blocks: Blocks<'a>, stride: usize) -> Self {
        let Blocks { net, splits, .. } = blocks;
        let (k, grid_layer, fc) = (blocks.k, blocks.grid_layer, blocks.fc);
        let k = k as usize;
        let n = stride.max(k);
        let g = net.layer(grid_layer);
        let grid = splits.of(grid_layer);
        let row_elements = u64::from(g.output.width) * u64::from(g.output.channels);
        let mut flops = vec![0; n];
        let mut to_bits = vec![0; n];
        let mut fc_memory = vec![(0, 0); n];
        for d in 0..k {
            let rows = size(share(grid, d));
            match fc {
                Some(j) => {
                    let no = u64::from(net.layer(j).output.channels);
                    if rows > 0 {
                        let inputs = rows * row_elements;
                        flops[d] = 2 * inputs * no;
                        to_bits[d] = no * B;
                        fc_memory[d] = (inputs * no + no, inputs + no);
                    }
                }
                None if uploaded(net, grid_layer) => to_bits[d] = rows * row_elements * B,
                None => {}
            }
        }
        DagSweep {
            net,
            splits,
            k,
            stride: n,
            grid_layer,
            next: Cursor::at(grid_layer),
            need: row_table((grid_layer + 1) * n),
            outside_bits: vec![0; n],
            flops,
            to_bits,
            weights: 0,
            peak: vec![0; n],
            held_now: vec![0; n],
            fc_memory,
            produced: vec![NONE; n],
            read_by: vec![0; grid_layer + 1],
            starts: Vec::with_capacity(n),
            ends: Vec::with_capacity(n),
            kept: vec![0; n],
            shared: vec![0; n],
            active: splits.holders(grid_layer),
            slowest_only: false,
            pending: Vec::new(),
            collapsed: None,
            loads: vec![Load::default(); n],
            trace: None,
        }
    }

    /// Records the rows of every layer the sweep adds (for plan reconstruction).
    pub fn with_trace(mut self) -> Self {
        self.trace = Some(Vec::new());
        self.slowest_only = false;
        self
    }

    /// Lets [`DagSweep::loads`] leave out devices that cannot be the slowest (by
    /// [`super::Timing::slower_than`], in device order): of the devices that hold no
    /// rows of the block, which only send up rows they hold, all but one that sends
    /// the most; and in the collapsed walk, every device but the front (see
    /// [`Collapsed`]). For equal devices without links or memory limits, and callers
    /// that need only the block's time (the DP, the planner); not for a trace.
    pub fn only_slowest(mut self) -> Self {
        self.slowest_only = self.trace.is_none();
        self
    }

    /// The loads of the block found by the last successful step: one per device, or
    /// after [`DagSweep::only_slowest`] possibly only those that can be the slowest.
    pub fn loads(&self) -> &[Load] {
        &self.loads
    }

    /// The recorded layers, last layer first.
    pub fn trace(&self) -> &[LayerTrace] {
        self.trace.as_deref().unwrap_or(&[])
    }

    /// The layer the next [`DagSweep::step`] adds (0 once the walk is over).
    pub(crate) fn next_layer(&self) -> usize {
        self.next.next()
    }

    /// This sweep, walked on from here with the splits of another team of `k ≤ stride`
    /// equal devices. Its loads are this sweep's would have been when the teams split
    /// every tensor walked so far alike, with an idle device beyond the rows each held
    /// (what `solver::lockstep` checks): a step reads the splits of only the layer it
    /// adds and the one below. Rows needed of the layers already added are not kept
    /// (no trace, no [`DagSweep::needed_rows`] of them).
    pub(crate) fn fork(&self, splits: &'a RowSplits, k: usize) -> Self {
        assert!(self.trace.is_none(), "a fork keeps no trace");
        let next = self.next.next();
        // Of the tensors not yet added, only the pending ones have rows needed, and
        // only by the active devices.
        let (stride, a) = (self.stride, self.active);
        let mut need = row_table((next + 1) * stride);
        for &t in &self.pending {
            let at = t * stride;
            need[at..at + a].copy_from_slice(&self.need[at..at + a]);
        }
        DagSweep {
            net: self.net,
            splits: self.splits,
            k: self.k,
            stride,
            grid_layer: self.grid_layer,
            next: Cursor::at(next),
            need,
            outside_bits: self.outside_bits.clone(),
            flops: self.flops.clone(),
            to_bits: self.to_bits.clone(),
            weights: self.weights,
            peak: self.peak.clone(),
            held_now: self.held_now.clone(),
            fc_memory: self.fc_memory.clone(),
            produced: self.produced.clone(),
            read_by: self.read_by[..=next].to_vec(),
            starts: Vec::with_capacity(k),
            ends: Vec::with_capacity(k),
            kept: self.kept.clone(),
            shared: self.shared.clone(),
            active: a,
            slowest_only: self.slowest_only,
            pending: self.pending.clone(),
            collapsed: self.collapsed.clone(),
            loads: self.loads.clone(),
            trace: None,
        }
        .rebind(splits, k)
    }

    /// This sweep walked on with the splits of another team of `k ≤ stride` equal
    /// devices, under the conditions of [`DagSweep::fork`].
    pub(crate) fn rebind(mut self, splits: &'a RowSplits, k: usize) -> Self {
        assert!(self.trace.is_none() && k <= self.stride);
        self.splits = splits;
        self.k = k;
        self
    }

    /// Rows of tensor `t` (a layer made before the block, or 0 for the model input)
    /// each device needs in the block found by the last step.
    pub fn needed_rows(&self, t: usize) -> Vec<Option<Rows>> {
        (0..self.k)
            .map(|d| as_rows(self.need[t * self.stride + d]))
            .collect()
    }

    /// Tensors made before the block that it reads, in increasing order.
    pub fn block_inputs(&self) -> Vec<usize> {
        let first = self.next.next() + 1;
        (0..first)
            .filter(|&t| (0..self.k).any(|d| size(self.need[t * self.stride + d]) > 0))
            .collect()
    }

    /// Adds the layer below the current block. Returns its index `r` when the block
    /// `r..g` is feasible (its loads are then in [`DagSweep::loads`]), or `None` when no
    /// block can start further down (an FL, or the model's start).
    pub fn step(&mut self) -> Option<usize> {
        let net = self.net;
        let (r, layer) = self.next.take(net)?;
        if self.collapsed.is_some() && !self.regular(r) {
            self.expand();
        }
        if let Some(i) = self.pending.iter().position(|&t| t == r) {
            self.pending.swap_remove(i);
        }
        let k = self.stride;
        let out = layer.output;
        let out_bits = u64::from(out.width) * u64::from(out.channels) * B;
        let own = self.splits.table(r);
        let grid = r == self.grid_layer;
        let exported = !grid && needed_after(net, r, self.grid_layer);
        if exported {
            self.active = self.active.max(self.splits.holders(r));
        }
        // The device slots walked: device 0's alone stands for all in the collapsed walk.
        let a = if self.collapsed.is_some() {
            1
        } else {
            self.active
        };
        let map = layer.row_map();
        let conv_rows = layer.conv_out.height;
        // A conv's FLOPs per row it computes, through its pooling if any.
        let conv = match (&layer.kind, map) {
            (Layer::Conv(_), RowMap::Conv { pool, .. }) => Some((layer.flops_per_conv_row(), pool)),
            (Layer::Conv(_), _) => unreachable!("a conv maps rows through its window"),
            _ => None,
        };
        let row_elements = out_bits / B;
        // One pass over the device slots, on slices of length `a` (no bounds checks).
        let need = &mut self.need[r * k..r * k + a];
        let outside = &mut self.outside_bits[..a];
        let (to_bits, produced) = (&mut self.to_bits[..a], &mut self.produced[..a]);
        let (flops, held_now) = (&mut self.flops[..a], &mut self.held_now[..a]);
        for (d, &mine) in own[..a].iter().enumerate() {
            let mut rows = need[d];
            // `r` was an input of the block until now; it is made inside from here on.
            outside[d] -= size(rows) * out_bits;
            if grid {
                rows = mine;
            }
            if exported {
                rows = hull(rows, mine);
                to_bits[d] += size(mine) * out_bits;
            }
            need[d] = rows;
            produced[d] = rows;
            if let Some((per_row, pool)) = conv {
                let computed = match pool {
                    Some(p) if rows.0 <= rows.1 => p.back(rows.0, rows.1, conv_rows),
                    Some(_) => NONE,
                    None => rows,
                };
                flops[d] += size(computed) * per_row;
            }
            // Elements each device holds at this layer: the rows it makes, plus those it
            // reads (below).
            held_now[d] = size(rows) * row_elements;
        }
        if let Some(trace) = &mut self.trace {
            let computed = (0..self.k)
                .map(|d| {
                    let rows = self.produced[d];
                    match map {
                        RowMap::Conv { pool: Some(p), .. } if rows.0 <= rows.1 => {
                            as_rows(p.back(rows.0, rows.1, conv_rows))
                        }
                        _ => as_rows(rows),
                    }
                })
                .collect();
            trace.push(LayerTrace {
                layer: r,
                rows: self.produced[..self.k]
                    .iter()
                    .map(|&x| as_rows(x))
                    .collect(),
                computed,
            });
        }

        self.weights += layer.params;
        // Deep in a sweep every active device makes the same rows: read them back once.
        let same = self.produced[..a].iter().all(|&p| p == self.produced[0]);
        for &t in &net.inputs[r - 1] {
            // A tensor read twice (`add` of x and x) is held once.
            if self.read_by[t] == r {
                continue;
            }
            if self.read_by[t] == 0 {
                self.pending.push(t);
            }
            self.read_by[t] = r;
            let shape = if t == 0 {
                net.input
            } else {
                net.layer(t).output
            };
            let in_bits = u64::from(shape.width) * u64::from(shape.channels) * B;
            let produced = &self.produced[..a];
            let common = same.then(|| back(map, produced[0], shape.height, conv_rows));
            let need = &mut self.need[t * k..t * k + a];
            let (outside, held_now) = (&mut self.outside_bits[..a], &mut self.held_now[..a]);
            for d in 0..a {
                let wanted =
                    common.unwrap_or_else(|| back(map, produced[d], shape.height, conv_rows));
                held_now[d] += size(wanted) * (in_bits / B);
                let old = need[d];
                let new = hull(old, wanted);
                need[d] = new;
                outside[d] += (size(new) - size(old)) * in_bits;
            }
        }

        for (peak, &held) in self.peak[..a].iter_mut().zip(&self.held_now) {
            *peak = (*peak).max(held);
        }
        if self.collapsed.is_some() {
            self.front_cost(r);
        } else {
            self.cost(r);
        }
        if self.slowest_only && self.collapsed.is_none() {
            self.collapse();
        }
        Some(r)
    }

    /// Whether adding `r` keeps every device's rows and bits moving alike: `r` is not
    /// the grid nor exported (those add each device's own share), and the layer below
    /// it, held on the devices, is neither uploaded nor exported (τo would then differ
    /// from the rows kept).
    fn regular(&self, r: usize) -> bool {
        let (net, g) = (self.net, self.grid_layer);
        let held = r - 1;
        r != g
            && !needed_after(net, r, g)
            && (held == 0
                || !net.layer(held).is_spatial()
                || !(uploaded(net, held) || needed_after(net, held, g)))
    }

    /// Enters the collapsed walk when two or more devices are active, all need the
    /// same rows of every pending tensor, and the next layer is regular.
    fn collapse(&mut self) {
        let (k, a, r) = (self.stride, self.active, self.next.next());
        if a < 2 || r == 0 || !self.net.layer(r).is_spatial() {
            return;
        }
        let alike = |t: usize| {
            let n = &self.need[t * k..t * k + a];
            n.iter().all(|&x| x == n[0])
        };
        if !self.pending.iter().all(|&t| alike(t)) || !self.regular(r) {
            return;
        }
        let floors: Vec<Load> = (0..a)
            .map(|d| Load {
                flops: self.flops[d],
                to_bits: self.to_bits[d],
                ..Load::default()
            })
            .collect();
        self.collapsed = Some(Collapsed {
            front: undominated(&floors),
            flops: self.flops[0],
            peak: self.peak[0],
        });
        self.flops[0] = 0;
        self.peak[0] = 0;
    }

    /// Leaves the collapsed walk: every active device's slots get the common state.
    fn expand(&mut self) {
        let Some(c) = self.collapsed.take() else {
            return;
        };
        let (k, a) = (self.stride, self.active);
        let (added, peak) = (self.flops[0], self.peak[0]);
        self.flops[0] = c.flops;
        self.peak[0] = c.peak;
        for d in 0..a {
            self.flops[d] += added;
            self.peak[d] = self.peak[d].max(peak);
            self.outside_bits[d] = self.outside_bits[0];
        }
        for &t in &self.pending {
            let common = self.need[t * k];
            self.need[t * k..t * k + a].fill(common);
        }
    }

    /// [`DagSweep::cost`] in the collapsed walk, for the front devices only: each
    /// needs all the pending rows, of which it kept its share of layer `r − 1` and
    /// sends that share up too, since the others need the same rows (`r` is regular).
    fn front_cost(&mut self, r: usize) {
        let net = self.net;
        let c = self.collapsed.as_ref().expect("collapsed");
        let held = r - 1;
        let held_on_devices = held > 0 && net.layer(held).is_spatial();
        let (split, bits): (&[(u32, u32)], u64) = if held_on_devices {
            let shape = net.layer(held).output;
            let bits = u64::from(shape.width) * u64::from(shape.channels) * B;
            (self.splits.table(held), bits)
        } else {
            (&[], 0)
        };
        let common = self.need[held * self.stride];
        self.loads.clear();
        for &d in &c.front {
            let kept = split
                .get(d)
                .map_or(0, |&share| size(meet(common, share)) * bits);
            let (flops, peak) = if d == 0 {
                (c.flops, c.peak)
            } else {
                (self.flops[d], self.peak[d])
            };
            let (fc_weights, fc_held) = self.fc_memory[d];
            self.loads.push(Load {
                flops: flops + self.flops[0],
                ti_bits: self.outside_bits[0] - kept,
                tau_bits: kept,
                to_bits: self.to_bits[d],
                memory_bytes: (self.weights + fc_weights + peak.max(self.peak[0]).max(fc_held))
                    * (B / 8),
            });
        }
    }

    /// The loads of the block `r..g`, from what the sweep has accumulated.
    fn cost(&mut self, r: usize) {
        let net = self.net;
        let (k, stride) = (self.k, self.stride);
        let a = self.active;
        let held = r - 1;
        let held_on_devices = held > 0 && net.layer(held).is_spatial();
        // The devices that may send rows up (the others hold none); every device when
        // every load is read.
        let reach = match (self.slowest_only, held_on_devices) {
            (false, _) => k,
            (true, true) => a.max(self.splits.holders(held)),
            (true, false) => a,
        };
        let shared = &mut self.shared[..reach];
        shared.fill(0);
        self.kept[..a].fill(0);
        if held_on_devices {
            let shape = net.layer(held).output;
            let bits = u64::from(shape.width) * u64::from(shape.channels) * B;
            let split = &self.splits.table(held)[..reach];
            let needs = &self.need[held * stride..held * stride + a];
            for (slot, (&need, &share)) in self.kept.iter_mut().zip(needs.iter().zip(split)) {
                *slot = size(meet(need, share)) * bits;
            }
            if !uploaded(net, held) {
                if needed_after(net, held, self.grid_layer) {
                    for (slot, &share) in shared.iter_mut().zip(split) {
                        *slot = size(share) * bits;
                    }
                } else {
                    rows_needed_by_others(needs, split, &mut self.starts, &mut self.ends, shared);
                    for s in shared.iter_mut() {
                        *s *= bits;
                    }
                }
            }
        }
        // Every device's load, or the active ones' and one more (see below).
        let len = if self.slowest_only { a } else { k };
        self.loads.resize(len, Load::default());
        for d in 0..a {
            let (fc_weights, fc_held) = self.fc_memory[d];
            let busy = self.peak[d] > 0 || fc_held > 0;
            self.loads[d] = Load {
                flops: self.flops[d],
                ti_bits: self.outside_bits[d] - self.kept[d],
                tau_bits: self.shared[d],
                to_bits: self.to_bits[d],
                memory_bytes: if busy {
                    (self.weights + fc_weights + self.peak[d].max(fc_held)) * (B / 8)
                } else {
                    0
                },
            };
        }
        // The devices that hold no rows of the block only send up rows they hold.
        let sender = |tau_bits: u64| Load {
            tau_bits,
            ..Load::default()
        };
        if self.slowest_only {
            // One that sends the most (none past `reach`); the others are never slower.
            if a < k {
                let most = self.shared[a..reach].iter().max();
                self.loads.push(sender(most.copied().unwrap_or(0)));
            }
            keep_undominated(&mut self.loads);
        } else {
            for d in a..k {
                self.loads[d] = sender(self.shared[d]);
            }
        }
    }
}

/// True when the gateway receives tensor `t` in full in the round that makes it: it is
/// a model output, or an FL reads it (FL blocks read only from the gateway).
pub fn uploaded(net: &Network, t: usize) -> bool {
    let consumers = &net.consumers[t - 1];
    consumers.is_empty() || consumers.iter().any(|&c| !net.is_spatial(c))
}

/// True when tensor `t` is read after layer `g`, or is a model output.
fn needed_after(net: &Network, t: usize, g: usize) -> bool {
    let consumers = &net.consumers[t - 1];
    consumers.last().is_none_or(|&c| c > g)
}

/// For every device `d`, how many rows of its share of the held tensor (`held[d]`, a
/// row split: shares in device order, `NONE` for the idle ones at the end) lie in the
/// need of some other device (the τo rows), for needs in any order.
///
/// On most blocks the needs are ordered like the devices (starts and ends) and each
/// overlaps or touches the next, halos around equal shares (all alike, deep in a sweep,
/// is a case of it): the rows others need around device `d` are then two intervals,
/// those of the devices before it and after it. Otherwise a sweep over the needs' ends
/// keeps, between two ends, how many devices need the rows and the sum of their
/// indices: with one device, that sum names it. The starts and the ends are sorted
/// apart, a sorted list being recognised in one pass.
fn rows_needed_by_others(
    needs: &[(u32, u32)],
    held: &[(u32, u32)],
    starts: &mut Vec<(u32, usize)>,
    ends: &mut Vec<(u32, usize)>,
    out: &mut [u64],
) {
    let chained = needs.first().is_some_and(|n| n.0 <= n.1)
        && needs.windows(2).all(|w| {
            let (a, b) = (w[0], w[1]);
            a.0 <= b.0 && a.1 <= b.1 && b.0 <= b.1 && b.0 <= a.1.saturating_add(1)
        });
    if chained {
        let last = needs.len() - 1;
        let all = (needs[0].0, needs[last].1);
        for (d, (slot, &share)) in out.iter_mut().zip(held).enumerate() {
            *slot = if d > last {
                size(meet(all, share))
            } else {
                let before = if d > 0 { (all.0, needs[d - 1].1) } else { NONE };
                let after = if d < last {
                    (needs[d + 1].0, all.1)
                } else {
                    NONE
                };
                let both = meet(before, after);
                size(meet(before, share)) + size(meet(after, share)) - size(meet(both, share))
            };
        }
        return;
    }
    starts.clear();
    ends.clear();
    for (d, &r) in needs.iter().enumerate() {
        if r.0 <= r.1 {
            starts.push((r.0, d));
            ends.push((r.1 + 1, d));
        }
    }
    starts.sort_unstable_by_key(|e| e.0);
    ends.sort_unstable_by_key(|e| e.0);
    let (mut count, mut ids) = (0i64, 0i64);
    let (mut s, mut e) = (0, 0);
    // Segments come in row order, and so do the shares: the owner only moves forward.
    let mut owner = 0;
    while e < ends.len() {
        let at = match starts.get(s) {
            Some(&(first, _)) if first < ends[e].0 => first,
            _ => ends[e].0,
        };
        while s < starts.len() && starts[s].0 == at {
            count += 1;
            ids += starts[s].1 as i64;
            s += 1;
        }
        while e < ends.len() && ends[e].0 == at {
            count -= 1;
            ids -= ends[e].1 as i64;
            e += 1;
        }
        if count == 0 || e == ends.len() {
            continue;
        }
        let next = starts
            .get(s)
            .map_or(ends[e].0, |&(first, _)| first.min(ends[e].0));
        let segment = (at, next - 1);
        let mut row = segment.0;
        while row <= segment.1 {
            while owner < held.len() && held[owner].1 < row {
                owner += 1;
            }
            let Some(&share) = held.get(owner).filter(|h| h.0 <= row) else {
                break;
            };
            let mine = meet(segment, share);
            if count >= 2 || ids != owner as i64 {
                out[owner] += size(mine);
            }
            row = mine.1 + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_needed_by_others_counts_each_row_once_in_any_order() {
        // 12 rows held as 3 × 4; needs out of order and overlapping.
        let needs = [(6, 11), (0, 5), (3, 4)];
        let held = [(0, 3), (4, 7), (8, 11)];
        let (mut starts, mut ends) = (Vec::new(), Vec::new());
        let mut out = vec![0; 3];
        rows_needed_by_others(&needs, &held, &mut starts, &mut ends, &mut out);
        // Device 0 holds 0..3: rows 0..3 needed by device 1 → 4.
        // Device 1 holds 4..7: row 4 by device 2, row 5 by itself only, 6 and 7 by
        // device 0 → 3. Device 2 holds 8..11: needed by device 0 → 4.
        assert_eq!(out, vec![4, 3, 4]);
        let needs = [(0, 3), (4, 7), NONE];
        let mut out = vec![0; 3];
        rows_needed_by_others(&needs, &held, &mut starts, &mut ends, &mut out);
        assert_eq!(out, vec![0, 0, 0]);
    }

    /// The definition, row by row: a held row counts when a device other than its
    /// holder needs it. Random needs in any order, some empty, on equal splits with
    /// idle devices too.
    #[test]
    fn rows_needed_by_others_matches_the_definition() {
        use crate::execute::rng::SplitMix;
        use crate::slicing::EqualSplit;
        let mut g = SplitMix::stream(7, 0);
        let mut below = |n: u64| g.next_u64() % n;
        let (mut starts, mut ends) = (Vec::new(), Vec::new());
        for _ in 0..2000 {
            let rows = 1 + below(40) as u32;
            let k = 1 + below(9) as usize;
            let split = EqualSplit::new(rows, k as u32);
            let held: Vec<(u32, u32)> = (0..k as u32)
                .map(|d| split.share(d).map_or(NONE, |r| (r.first, r.last)))
                .collect();
            // Some on fewer devices than hold rows, some all alike (the fast path).
            let n = if below(3) == 0 {
                1 + below(k as u64) as usize
            } else {
                k
            };
            let alike = below(3) == 0;
            // Some chained: each device's share widened by the same halo.
            let halo = (below(3) == 0).then(|| below(4) as u32);
            let mut needs: Vec<(u32, u32)> = (0..n)
                .map(|_| {
                    let (a, b) = (below(u64::from(rows)) as u32, below(u64::from(rows)) as u32);
                    if below(5) == 0 {
                        NONE
                    } else {
                        (a.min(b), a.max(b))
                    }
                })
                .collect();
            if alike {
                let first = needs[0];
                needs.fill(first);
            }
            if let Some(h) = halo {
                for (need, share) in needs.iter_mut().zip(&held) {
                    if share.0 <= share.1 {
                        *need = (share.0.saturating_sub(h), (share.1 + h).min(rows - 1));
                    }
                }
            }
            let mut out = vec![0; k];
            rows_needed_by_others(&needs, &held, &mut starts, &mut ends, &mut out);
            let expected: Vec<u64> = (0..k)
                .map(|d| {
                    (0..rows)
                        .filter(|&row| held[d].0 <= row && row <= held[d].1)
                        .filter(|&row| {
                            (0..n).any(|e| e != d && needs[e].0 <= row && row <= needs[e].1)
                        })
                        .count() as u64
                })
                .collect();
            assert_eq!(out, expected, "rows {rows}, needs {needs:?}");
        }
    }
}
