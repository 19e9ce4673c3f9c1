//! The best partition for a stream the slow way: every cut of the model into blocks and
//! every case of every block, judged by `(max(ΣC, ΣT), ΣC + ΣT)` with the sums taken in
//! round order like the planner (`docs/spec-stream.md` §3).

use coopai::cost::{round_cost, Environment, Team};
use coopai::model::Network;
use coopai::solver::Algorithm;

use super::brute::cases;

/// `(P, ΣC + ΣT)` of the best partition for `k ≥ 2` devices; infinite when none fits.
pub fn brute_force_stream(
    net: &Network,
    env: &Environment,
    k: u32,
    algorithm: Algorithm,
) -> (f64, f64) {
    let team = env.team(k);
    let mut best = (f64::INFINITY, f64::INFINITY);
    extend(net, &team, algorithm, 1, (0.0, 0.0), &mut best);
    best
}

fn extend(
    net: &Network,
    team: &Team,
    algorithm: Algorithm,
    first: usize,
    sums: (f64, f64),
    best: &mut (f64, f64),
) {
    if first > net.len() {
        let candidate = (sums.0.max(sums.1), sums.0 + sums.1);
        if candidate.0 < best.0 || (candidate.0 == best.0 && candidate.1 < best.1) {
            *best = candidate;
        }
        return;
    }
    for last in first..=net.len() {
        for (_, loads) in cases(net, team, first, last, algorithm) {
            if !team.fits(&loads) {
                continue;
            }
            let round = round_cost(&loads, team);
            let next = (sums.0 + round.compute_s, sums.1 + round.transfer_s);
            extend(net, team, algorithm, last + 1, next, best);
        }
    }
}
