//! CoopAI planner: the CODE cost model and the MLS / SLS solvers of *Cooperative
//! Distributed Deep Neural Network Deployment with Edge Computing* (Yang, Kuo, Sheu,
//! Zheng). See `ARCHITECTURE.md` for where everything lives.

pub mod cost;
pub mod model;
pub mod slicing;
pub mod solver;
