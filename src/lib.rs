//! CoopAI planner: the CODE cost model and the MLS / SLS solvers of *Cooperative
//! Distributed Deep Neural Network Deployment with Edge Computing* (Yang, Kuo, Sheu,
//! Zheng). See `ARCHITECTURE.md` for where everything lives.

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod cost;
pub mod execute;
pub mod import;
pub mod layers;
pub mod model;
pub mod paper;
pub mod reproduce;
pub mod slicing;
pub mod solver;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
