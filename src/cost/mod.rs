//! The CODE cost model (spec §3–5): what every device computes and transfers in a
//! block, and how long the block takes.

mod block;
mod block_loads;
pub mod block_sweep;
pub mod cluster;
pub mod cluster_spec;
pub mod conv_sweep;
pub mod dag_sweep;
mod environment;
pub mod fc;
mod front;
mod round;
pub mod single;

pub(crate) use block::block_and_round;
pub use block::{block_time, Case, Load, Timing};
pub use block_loads::block_loads;
pub use cluster::{Cluster, Device, Team};
pub use environment::{
    Environment, EnvironmentError, BITS_PER_ELEMENT, MAX_DEVICES, MAX_RATE, MIN_GFLOPS, MIN_RATE,
};
pub use round::{round_cost, round_floor};
