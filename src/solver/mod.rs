//! The solvers (spec §5): MLS and SLS for every `k`, the best `k`, and the sweeps
//! behind the paper's Fig. 8 (by `k`) and Fig. 9 (by bandwidth).

pub mod admit;
mod dp;
mod dp_table;
mod each_k;
mod lockstep;
mod plan;
mod planner;
pub mod stream;
mod sweep;

pub use admit::{admit, Work, Workload, MAX_STEPS};
pub use dp::{
    check_memory, partition, partition_observed, Algorithm, Chosen, Observer, Offer, Partition,
};
pub use dp_table::{dp_table, DpBlock, DpCandidate, DpRow, DpTable};
pub use each_k::partitions;
pub use plan::{
    detail, solve, BlockPlan, DevicePlan, KSummary, LayerRows, ModelSummary, Neurons, Plan,
    TensorRows,
};
pub use planner::Planner;
pub use stream::{solve_throughput, Objective};
pub use sweep::{compare, sweep_bandwidth, BandwidthPoint, Best, Comparison};
