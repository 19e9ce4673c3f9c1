//! Plans for the executor's tests: the solver's optimum for one `k`, or any partition
//! into feasible blocks, each block detailed by `solver::detail`.

use coopai::cost::{block_loads, block_time, round_cost, Case, Environment, Team};
use coopai::model::Network;
use coopai::solver::{detail, partition, Algorithm, BlockPlan, Chosen, ModelSummary, Plan};

pub const CASES: [Case; 5] = [
    Case::Conv,
    Case::ConvFc,
    Case::FcData,
    Case::FcModel,
    Case::FcHybrid,
];

pub fn plan(
    net: &Network,
    env: &Environment,
    k: u32,
    algorithm: Algorithm,
    blocks: Vec<BlockPlan>,
) -> Plan {
    Plan {
        model: ModelSummary::of(net),
        algorithm,
        environment: env.clone(),
        devices: k,
        completion_s: 0.0,
        compute_s: 0.0,
        transfer_s: 0.0,
        per_k: Vec::new(),
        blocks,
        cluster: env.cluster().devices,
        objective: Default::default(),
        stream: Default::default(),
        stream_memory_bytes: 0,
        gateway_head: None,
    }
}

/// The optimal plan of `algorithm` for exactly `k` devices.
pub fn optimal(net: &Network, env: &Environment, k: u32, algorithm: Algorithm) -> Plan {
    let p = partition(net, env, k, algorithm);
    let blocks = p
        .blocks
        .iter()
        .enumerate()
        .map(|(n, b)| detail(net, env, k, n + 1, b))
        .collect();
    plan(net, env, k, algorithm, blocks)
}

/// The block `first..=last` sliced as `case`, if that is feasible.
pub fn forced(
    net: &Network,
    env: &Environment,
    k: u32,
    round: usize,
    first: usize,
    last: usize,
    case: Case,
) -> Option<BlockPlan> {
    let team = env.team(k);
    let loads = block_loads(net, &team, first, last, case)?;
    let (timing, _) = block_time(&loads, &team);
    let chosen = Chosen {
        first,
        last,
        case,
        timing,
        round: round_cost(&loads, &team),
    };
    Some(detail(net, env, k, round, &chosen))
}

/// Every partition of the layers into feasible blocks, with every feasible case.
pub fn every_partition(net: &Network, k: u32) -> Vec<Vec<(usize, usize, Case)>> {
    fn walk(
        net: &Network,
        k: u32,
        next: usize,
        sofar: &mut Vec<(usize, usize, Case)>,
        out: &mut Vec<Vec<(usize, usize, Case)>>,
    ) {
        if next > net.len() {
            out.push(sofar.clone());
            return;
        }
        for last in next..=net.len() {
            for case in CASES {
                if block_loads(net, &Team::uniform(k, 1e9, 1e6), next, last, case).is_some() {
                    sofar.push((next, last, case));
                    walk(net, k, last + 1, sofar, out);
                    sofar.pop();
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(net, k, 1, &mut Vec::new(), &mut out);
    out
}

/// The plan made of exactly `blocks`.
pub fn of_blocks(
    net: &Network,
    env: &Environment,
    k: u32,
    blocks: &[(usize, usize, Case)],
) -> Plan {
    let detailed = blocks
        .iter()
        .enumerate()
        .map(|(n, &(first, last, case))| {
            forced(net, env, k, n + 1, first, last, case).expect("a feasible block")
        })
        .collect();
    plan(net, env, k, Algorithm::Mls, detailed)
}
