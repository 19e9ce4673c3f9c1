//! The work of every solver entry point, estimated before it runs and refused above
//! one limit, [`MAX_WORK`] device-steps (a few seconds natively, see the README).
//!
//! A device-step is one device's share of evaluating one candidate block: `O(1)` per
//! device for every first layer the DP offers (spec §5). For `k` devices the DP offers
//! `pairs` candidates, each costing `k` steps, so a solve over `k = 1..D` costs
//! `pairs · D(D+1)/2` steps, and detailing the best plan at most `pairs · D` more.
//! MLS offers every conv run's prefixes (`pairs` grows with the square of a conv run,
//! [`estimated_work`]); SLS offers at most two candidates per layer (`fc` data and
//! model), so it is refused much later. What the page and the CLI run is named by a
//! [`Workload`], so the Fig. 9 sweep (ten comparisons) is counted as what it is.

use super::dp::Algorithm;
use crate::cost::{estimated_work, Environment, EnvironmentError, MAX_WORK};
use crate::model::Network;

/// What a caller is about to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// [`super::solve`]: one algorithm for every `k`, the best plan detailed.
    Solve(Algorithm),
    /// [`super::compare`]: MLS and SLS for every `k`.
    Compare,
    /// [`super::sweep_bandwidth`]: one comparison per bandwidth.
    Sweep { points: usize },
}

/// Candidate blocks the DP offers for one `k` (each costs `k` device-steps).
pub fn candidates(net: &Network, algorithm: Algorithm) -> u64 {
    match algorithm {
        Algorithm::Mls => estimated_work(net, 1),
        Algorithm::Sls => 2 * net.len() as u64,
    }
}

/// Device-steps of `workload` on `net` with up to `devices` devices (saturating).
pub fn steps(net: &Network, devices: u32, workload: Workload) -> u64 {
    let d = u64::from(devices);
    let all_k = d * (d + 1) / 2;
    let dp = |a| candidates(net, a).saturating_mul(all_k);
    match workload {
        Workload::Solve(a) => dp(a).saturating_add(candidates(net, a).saturating_mul(d)),
        Workload::Compare => dp(Algorithm::Mls).saturating_add(dp(Algorithm::Sls)),
        Workload::Sweep { points } => {
            (points as u64).saturating_mul(dp(Algorithm::Mls).saturating_add(dp(Algorithm::Sls)))
        }
    }
}

fn what(workload: Workload) -> String {
    match workload {
        Workload::Solve(a) => format!("an {} solve", a.name().to_ascii_uppercase()),
        Workload::Compare => "comparing MLS and SLS".into(),
        Workload::Sweep { points } => format!("the bandwidth sweep ({points} comparisons)"),
    }
}

/// Refuses `workload` when it would take more than [`MAX_WORK`] device-steps, with a
/// message that says what to reduce.
pub fn check(
    net: &Network,
    env: &Environment,
    workload: Workload,
) -> Result<u64, EnvironmentError> {
    let work = steps(net, env.devices, workload);
    if work <= MAX_WORK {
        return Ok(work);
    }
    let advice = match workload {
        Workload::Solve(Algorithm::Mls) => "use fewer devices, fewer layers, or SLS",
        _ => "use fewer devices or fewer layers",
    };
    Err(EnvironmentError(format!(
        "{} with {} devices on a {}-layer model would take about {work} block-evaluation \
         steps, more than the limit of {MAX_WORK}; {advice}",
        what(workload),
        env.devices,
        net.len()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Conv, Fc, Layer, Model, Shape};

    fn chain(convs: usize, fcs: usize) -> Network {
        let mut layers: Vec<Layer> = (0..convs).map(|_| Layer::Conv(Conv::same(1, 1))).collect();
        layers.extend((0..fcs).map(|_| Layer::Fc(Fc { outputs: 2 })));
        Network::new(&Model {
            name: "c".into(),
            input: Shape::new(4, 4, 1),
            layers,
            passthrough: None,
            inputs: Vec::new(),
        })
        .unwrap()
    }

    #[test]
    fn sls_is_linear_in_layers_and_mls_quadratic_in_conv_runs() {
        let net = chain(1000, 0);
        assert_eq!(candidates(&net, Algorithm::Sls), 2000);
        assert!(candidates(&net, Algorithm::Mls) > 500_000);
        let env = Environment::new(32, 100.0, 13.6).unwrap();
        // The case: SLS on a long chain is cheap and accepted; MLS is not.
        assert!(check(&net, &env, Workload::Solve(Algorithm::Sls)).is_ok());
        let err = check(&net, &env, Workload::Solve(Algorithm::Mls)).unwrap_err();
        assert!(
            err.0.contains("use fewer devices, fewer layers, or SLS"),
            "{err}"
        );
    }

    #[test]
    fn the_sweep_counts_every_comparison() {
        let net = chain(40, 2);
        let env = Environment::new(32, 100.0, 13.6).unwrap();
        let compare = steps(&net, 32, Workload::Compare);
        assert_eq!(
            steps(&net, 32, Workload::Sweep { points: 10 }),
            10 * compare
        );
        // Accepted once, refused ten times over: the page's Fig. 9 case.
        let n = (1..1000)
            .map(|c| chain(c, 2))
            .find(|n| {
                check(n, &env, Workload::Compare).is_ok()
                    && check(n, &env, Workload::Sweep { points: 10 }).is_err()
            })
            .expect("some chain is accepted once but not ten times");
        assert!(check(&n, &env, Workload::Solve(Algorithm::Mls)).is_ok());
        assert!(steps(&net, u32::MAX, Workload::Sweep { points: usize::MAX }) == u64::MAX);
    }
}
