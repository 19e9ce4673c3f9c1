//! The best partition the slow way: every cut of the model into blocks, every case.

use coopai::cost::{block_loads, block_time, Case, Environment, Load, Team};
use coopai::model::Network;
use coopai::solver::Algorithm;

/// Every feasible case of block `first..=last`, with its loads from the library.
pub fn cases(
    net: &Network,
    team: &Team,
    first: usize,
    last: usize,
    algorithm: Algorithm,
) -> Vec<(Case, Vec<Load>)> {
    let candidates: &[Case] = match algorithm {
        Algorithm::Mls => &[
            Case::Conv,
            Case::ConvFc,
            Case::FcData,
            Case::FcModel,
            Case::FcHybrid,
        ],
        Algorithm::Sls if first == last => &[Case::Conv, Case::FcData, Case::FcModel],
        Algorithm::Sls => &[],
    };
    candidates
        .iter()
        .filter_map(|&c| block_loads(net, team, first, last, c).map(|l| (c, l)))
        .collect()
}

/// The best total over every way to cut `1..=L` into feasible blocks that fit the
/// devices' memory, summed in round order like the DP.
pub fn brute_force(net: &Network, env: &Environment, k: u32, algorithm: Algorithm) -> f64 {
    let team = env.team(k);
    let l = net.len();
    let mut best = f64::INFINITY;
    // Bit i of `cuts` set: a block ends after layer i + 1.
    for cuts in 0u32..(1 << (l - 1)) {
        let mut total = 0.0;
        let mut first = 1;
        let mut feasible = true;
        for last in 1..=l {
            if last < l && cuts & (1 << (last - 1)) == 0 {
                continue;
            }
            let options = cases(net, &team, first, last, algorithm);
            let Some(e) = options
                .iter()
                .filter(|(_, loads)| team.fits(loads))
                .map(|(_, loads)| block_time(loads, &team).0.total())
                .reduce(f64::min)
            else {
                feasible = false;
                break;
            };
            total += e;
            first = last + 1;
        }
        if feasible && total < best {
            best = total;
        }
    }
    best
}
