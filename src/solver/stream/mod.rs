//! A stream of frames (`docs/spec-stream.md`): every plan's period when its
//! rounds are pipelined over the link and the processors, and the exact planner that
//! minimises that period instead of one picture's completion time.

mod blocks;
mod bounds;
mod first_fit;
mod pareto;
mod schedule;
mod simulate;

use std::sync::atomic::AtomicU64;

use serde::Serialize;

pub use pareto::StreamPartition;
pub use schedule::{period, schedule, RoundSlot, Stream};
pub use simulate::{simulate, Simulated};

use super::admit::{admit, Workload, MAX_STEPS};
use super::dp::{Algorithm, Partition};
use super::each_k::{each, partitions};
use super::plan::{assemble, Plan};
use crate::cost::{block_loads, Environment};
use crate::model::Network;

/// What a plan minimises: one picture's completion time, or a stream's period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    #[default]
    Latency,
    Throughput,
}

impl Objective {
    pub fn name(self) -> &'static str {
        match self {
            Objective::Latency => "latency",
            Objective::Throughput => "throughput",
        }
    }

    /// Parses `latency` or `throughput` (any case).
    pub fn parse(text: &str) -> Option<Objective> {
        match text.to_ascii_lowercase().as_str() {
            "latency" => Some(Objective::Latency),
            "throughput" => Some(Objective::Throughput),
            _ => None,
        }
    }
}

/// The best partition for a stream at every `k` in `1..=D`: each `k`'s exact optimum
/// (its period at most that of the latency plan for the same `k`).
pub fn stream_partitions(
    net: &Network,
    env: &Environment,
    algorithm: Algorithm,
) -> Result<Vec<StreamPartition>, String> {
    let admitted = Admitted::check(net, env, algorithm)?;
    admitted.plan(net, env, algorithm, &partitions(net, env, algorithm))
}

/// The plan with the least period over `k = 1..D` (ties: the least `ΣC + ΣT`, then the
/// smallest `k`) whose frames in flight fit every device's memory.
pub fn solve_throughput(
    net: &Network,
    env: &Environment,
    algorithm: Algorithm,
) -> Result<Plan, String> {
    let planned = stream_partitions(net, env, algorithm)?;
    least_period(net, env, algorithm, planned)
}

/// A throughput solve let in by the work limit, checked in one place: the latency DP
/// that gives each `k` its ceiling is a solve ([`admit`]), the stream DP offers the same
/// candidates again, and what is left of [`MAX_STEPS`] bounds the blocks it collects
/// and the Pareto sets' pair extensions, counted over every `k`; a model that needs
/// more is refused with a message, never cut short.
pub(crate) struct Admitted {
    /// The steps of one latency solve (how `each` shares the `k`s between threads).
    solve: u64,
    /// The blocks and pair extensions left to the Pareto sets.
    limit: u64,
}

impl Admitted {
    pub(crate) fn check(
        net: &Network,
        env: &Environment,
        algorithm: Algorithm,
    ) -> Result<Admitted, String> {
        let solve = admit(net, env, Workload::Solve(algorithm)).map_err(|e| e.0)?;
        let priced = solve.saturating_mul(2);
        if priced > MAX_STEPS {
            return Err(format!(
                "a throughput solve with {} devices on a {}-layer model would take about \
                 {priced} block-evaluation steps (twice a latency solve's), more than the \
                 limit of {MAX_STEPS}; use fewer devices or fewer layers",
                env.devices,
                net.len()
            ));
        }
        Ok(Admitted {
            solve,
            limit: MAX_STEPS - priced,
        })
    }

    /// Each `k`'s stream partition, given each `k`'s latency partition (a cold solve's,
    /// or the page's [`crate::solver::Planner`]'s, the same bit for bit).
    pub(crate) fn plan(
        &self,
        net: &Network,
        env: &Environment,
        algorithm: Algorithm,
        latency: &[Partition],
    ) -> Result<Vec<StreamPartition>, String> {
        let work = AtomicU64::new(0);
        let ks: Vec<u32> = (1..=env.devices).collect();
        let planned = each(&ks, self.solve, |k| {
            let ceiling = latency[k as usize - 1].period_s();
            pareto::plan_k(net, &env.team(k), algorithm, ceiling, (&work, self.limit))
        });
        planned
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                format!(
                    "the throughput planner's Pareto sets needed more than {} blocks and \
                     pair extensions (what the work limit of {MAX_STEPS} leaves after the DP \
                     itself); use fewer devices or fewer layers, or plan for latency",
                    self.limit
                )
            })
    }
}

/// The plan of `planned` with the least period whose frames in flight fit (see
/// [`solve_throughput`]).
pub(crate) fn least_period(
    net: &Network,
    env: &Environment,
    algorithm: Algorithm,
    planned: Vec<StreamPartition>,
) -> Result<Plan, String> {
    let mut best: Option<usize> = None;
    for (i, s) in planned.iter().enumerate() {
        if !s.period_s().is_finite() || !fits_in_flight(net, env, s) {
            continue;
        }
        let better = best.is_none_or(|b| {
            let b = &planned[b];
            let (p, q) = (s.period_s(), b.period_s());
            p < q || (p == q && s.busy_s() < b.busy_s())
        });
        if better {
            best = Some(i);
        }
    }
    let best = best.ok_or_else(|| {
        "no plan for a stream fits the devices' memory with its frames in flight; plan \
         for latency, or give the devices more memory"
            .to_string()
    })?;
    let parts: Vec<Partition> = planned.into_iter().map(|s| s.partition).collect();
    Ok(assemble(
        net,
        env,
        algorithm,
        Objective::Throughput,
        &parts,
        best,
    ))
}

/// Whether every device holds what its rounds need once per frame in flight
/// (`docs/spec-stream.md` §4).
fn fits_in_flight(net: &Network, env: &Environment, s: &StreamPartition) -> bool {
    let team = env.team(s.partition.k);
    if !team.has_memory_limits() {
        return true;
    }
    let frames = u64::from(schedule(&s.partition.rounds()).frames_in_flight);
    s.partition.blocks.iter().all(|b| {
        let loads = block_loads(net, &team, b.first, b.last, b.case)
            .expect("a partition holds feasible blocks");
        loads
            .iter()
            .zip(&team.memory)
            .all(|(l, m)| m.is_none_or(|m| l.memory_bytes.saturating_mul(frames) <= m))
    })
}
