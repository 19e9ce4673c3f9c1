//! The solvers (spec §5): MLS and SLS for every `k`, the best `k`, and the sweeps
//! behind the paper's Fig. 8 (by `k`) and Fig. 9 (by bandwidth).

pub mod budget;
mod dp;
mod plan;
mod sweep;

pub use budget::{check as check_work, Workload};
pub use dp::{partition, Algorithm, Chosen, Partition};
pub use plan::{
    detail, solve, BlockPlan, DevicePlan, KSummary, LayerRows, ModelSummary, Neurons, Plan,
};
pub use sweep::{compare, sweep_bandwidth, BandwidthPoint, Best, Comparison};
