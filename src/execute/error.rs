//! Why a plan could not be executed.

use std::fmt;

use super::tensor::Missing;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecError {
    /// The model is beyond what the executor runs (see `execute::MAX_PARAMS`).
    TooLarge(String),
    /// The plan does not describe this network (layers, devices or ranges out of place).
    Plan(String),
    /// A device or the gateway needed a row it does not hold: the plan moves too little.
    Missing {
        round: usize,
        /// "device 2" or "gateway".
        holder: String,
        missing: Missing,
    },
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecError::TooLarge(m) | ExecError::Plan(m) => f.write_str(m),
            ExecError::Missing {
                round,
                holder,
                missing,
            } => write!(f, "round {round}, {holder}: {missing}"),
        }
    }
}

impl std::error::Error for ExecError {}

/// Attaches the round and holder to a [`Missing`] read.
pub fn at(round: usize, holder: impl Into<String>) -> impl FnOnce(Missing) -> ExecError {
    let holder = holder.into();
    move |missing| ExecError::Missing {
        round,
        holder,
        missing,
    }
}

/// A device's name in messages (0-based, as in the plan).
pub fn device(d: usize) -> String {
    format!("device {d}")
}
