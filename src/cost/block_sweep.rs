//! The sweep the solver uses for a network: the chain's ([`ConvSweep`], spec §3–4,
//! with YOLOv2's passthrough rule) or the general one for branching models
//! ([`DagSweep`], `docs/spec-dag.md`). On a chain both give the same loads
//! (`tests/dag.rs` checks it), and both collapse to the devices that can be the slowest
//! once every device needs the same rows; the chain's is kept because it is still about
//! twice as fast on the chain zoo (cold solves of VGG16 and VGG19 at D = 64, 5–18 ms
//! against 15–30 ms with the DAG sweep on chains; chain300 about even; `coopai bench`,
//! two back-to-back runs on a loaded two-core machine), and because only it knows the
//! passthrough. What they share (the walk down, what a sweep covers) is here.

use super::block::Load;
use super::cluster::RowSplits;
use super::conv_sweep::{Buffers, ConvSweep, LayerTrace};
use super::dag_sweep::DagSweep;
use crate::model::{LayerInfo, Network};
use crate::slicing::Rows;

/// What a sweep walks: the blocks of `net` over `k` devices (shares from `splits`)
/// whose last spatial layer is `grid_layer`, closed by the FL `fc` if any.
#[derive(Clone, Copy)]
pub(crate) struct Blocks<'a> {
    pub net: &'a Network,
    pub splits: &'a RowSplits,
    pub k: u32,
    pub grid_layer: usize,
    pub fc: Option<usize>,
}

/// The layer a sweep adds next at the bottom of its blocks, the same walk for both
/// sweeps: down from the grid layer, ending at the model's start or at an FL (a block
/// of spatial layers cannot start below one).
pub(super) struct Cursor(usize);

impl Cursor {
    pub(super) fn at(grid_layer: usize) -> Self {
        Cursor(grid_layer)
    }

    /// The next layer and its index, moving past it; `None` from the end of the walk on.
    pub(super) fn take<'n>(&mut self, net: &'n Network) -> Option<(usize, &'n LayerInfo)> {
        let r = self.0;
        if r == 0 {
            return None;
        }
        let layer = net.layer(r);
        if !layer.is_spatial() {
            self.0 = 0;
            return None;
        }
        self.0 = r - 1;
        Some((r, layer))
    }

    /// The layer the next [`Cursor::take`] adds (0 once the walk is over).
    pub(super) fn next(&self) -> usize {
        self.0
    }

    /// Ends the walk.
    pub(super) fn stop(&mut self) {
        self.0 = 0;
    }
}

pub enum BlockSweep<'a> {
    Chain(ConvSweep<'a>),
    Dag(DagSweep<'a>),
}

impl<'a> BlockSweep<'a> {
    /// Blocks whose last spatial layer is `grid_layer`, closed by the FL `fc` if any.
    pub fn new(
        net: &'a Network,
        splits: &'a RowSplits,
        k: u32,
        grid_layer: usize,
        fc: Option<usize>,
    ) -> Self {
        Self::reusing(net, splits, k, grid_layer, fc, Buffers::default())
    }

    /// [`BlockSweep::new`] reusing the vectors of an earlier chain sweep.
    pub fn reusing(
        net: &'a Network,
        splits: &'a RowSplits,
        k: u32,
        grid_layer: usize,
        fc: Option<usize>,
        buffers: Buffers,
    ) -> Self {
        let blocks = Blocks {
            net,
            splits,
            k,
            grid_layer,
            fc,
        };
        if net.dag {
            BlockSweep::Dag(DagSweep::new(blocks))
        } else {
            BlockSweep::Chain(ConvSweep::new(blocks, buffers))
        }
    }

    /// The vectors of a chain sweep, for [`BlockSweep::reusing`] (none for a DAG's).
    pub fn into_buffers(self) -> Buffers {
        match self {
            BlockSweep::Chain(s) => s.into_buffers(),
            BlockSweep::Dag(_) => Buffers::default(),
        }
    }

    pub fn with_trace(self) -> Self {
        match self {
            BlockSweep::Chain(s) => BlockSweep::Chain(s.with_trace()),
            BlockSweep::Dag(s) => BlockSweep::Dag(s.with_trace()),
        }
    }

    /// See [`ConvSweep::only_slowest`] and [`DagSweep::only_slowest`].
    pub fn only_slowest(self) -> Self {
        match self {
            BlockSweep::Chain(s) => BlockSweep::Chain(s.only_slowest()),
            BlockSweep::Dag(s) => BlockSweep::Dag(s.only_slowest()),
        }
    }

    /// See [`ConvSweep::step`].
    pub fn step(&mut self) -> Option<usize> {
        match self {
            BlockSweep::Chain(s) => s.step(),
            BlockSweep::Dag(s) => s.step(),
        }
    }

    /// The loads of the block found by the last successful step (see
    /// [`BlockSweep::only_slowest`]).
    pub fn loads(&self) -> &[Load] {
        match self {
            BlockSweep::Chain(s) => s.loads(),
            BlockSweep::Dag(s) => s.loads(),
        }
    }

    /// The recorded layers, last layer first.
    pub fn trace(&self) -> &[LayerTrace] {
        match self {
            BlockSweep::Chain(s) => s.trace(),
            BlockSweep::Dag(s) => s.trace(),
        }
    }

    /// Branching models: each tensor made before the block that it reads, with the rows
    /// each device needs of it; empty for chains.
    pub fn reads(&self) -> Vec<(usize, Vec<Option<Rows>>)> {
        match self {
            BlockSweep::Chain(_) => Vec::new(),
            BlockSweep::Dag(s) => s
                .block_inputs()
                .into_iter()
                .map(|t| (t, s.needed_rows(t)))
                .collect(),
        }
    }

    /// Rows of the first layer's (first) input each device needs.
    pub fn input_rows(&self, net: &Network, first: usize) -> Vec<Option<Rows>> {
        match self {
            BlockSweep::Chain(s) => s.input_rows(),
            BlockSweep::Dag(s) => s.needed_rows(net.inputs[first - 1][0]),
        }
    }
}
