//! The loads of the blocks a latency solve chose, kept between solves, so that the
//! period every plan reports (`KSummary::period_s`) costs a warm re-solve no walks.

use std::collections::HashMap;

use super::super::dp::{Chosen, Partition};
use super::period;
use crate::cost::{block_loads, round_cost, Case, Environment, Load};
use crate::model::Network;

/// At most this many device loads are kept (about 50 MB); past it the memo starts over.
const MAX_LOADS: usize = 1 << 20;

/// Each chosen block's device loads by `(k, first, last, case)`. For equal devices a
/// block's loads depend on nothing else: not on bandwidth or speed, so the planner's
/// re-solve after a slider move prices every `k`'s period from here (a mixed cluster's
/// team depends on the cluster, so its periods are always computed afresh).
#[derive(Default)]
pub struct LoadsMemo {
    loads: HashMap<(u32, usize, usize, Case), Vec<Load>>,
    kept: usize,
}

impl LoadsMemo {
    /// The period of partition `p` streamed, as [`super::period_of`] computes it.
    pub fn period_of(&mut self, net: &Network, env: &Environment, p: &Partition) -> f64 {
        if env.cluster.is_some() {
            return super::period_of(net, env, p);
        }
        if p.blocks.is_empty() {
            return f64::INFINITY;
        }
        let team = env.team(p.k);
        let rounds: Vec<_> = p
            .blocks
            .iter()
            .map(|b| round_cost(self.loads(net, env, p.k, b), &team))
            .collect();
        period(&rounds)
    }

    fn loads(&mut self, net: &Network, env: &Environment, k: u32, b: &Chosen) -> &[Load] {
        let key = (k, b.first, b.last, b.case);
        if !self.loads.contains_key(&key) {
            let loads = block_loads(net, &env.team(k), b.first, b.last, b.case)
                .expect("a partition holds feasible blocks");
            if self.kept + loads.len() > MAX_LOADS {
                self.loads.clear();
                self.kept = 0;
            }
            self.kept += loads.len();
            self.loads.insert(key, loads);
        }
        &self.loads[&key]
    }
}
