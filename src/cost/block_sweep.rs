//! The sweep the solver uses for a network: the chain's ([`ConvSweep`], spec §3–4,
//! with YOLOv2's passthrough rule) or the general one for branching models
//! ([`DagSweep`], `docs/spec-dag.md`). On a chain both give the same loads
//! (`tests/dag.rs` checks it); the chain's is kept because it is faster on long conv
//! runs, where its walk collapses to the devices that can be the slowest: every sweep
//! of a 300-layer chain took 0.28 s against the DAG sweep's 2.8 s at D = 32, and 2.1 s
//! against 9.7 s at D = 64 (measured on a loaded two-core machine).

use super::block::Load;
use super::cluster::RowSplits;
use super::conv_sweep::{Buffers, ConvSweep, LayerTrace};
use super::dag_sweep::DagSweep;
use crate::model::Network;
use crate::slicing::Rows;

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
        if net.dag {
            BlockSweep::Dag(DagSweep::new(net, splits, k, grid_layer, fc))
        } else {
            BlockSweep::Chain(ConvSweep::new(net, splits, k, grid_layer, fc, buffers))
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
