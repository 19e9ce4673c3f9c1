//! Admission: the one check every solver entry point (the CLI's `solve` and `verify`,
//! the page's session and cluster bindings) calls before it runs, refusing above one
//! limit, [`MAX_STEPS`] device-steps (a few seconds natively, see the README).
//!
//! The count follows what the DP of `dp::candidates` walks. For one `k`, each
//! spatial layer `j` starts a sweep that adds the layers of its conv run one by one
//! (MLS; SLS adds `j` alone), and adding a layer costs, per device, one step per
//! distinct tensor it reads (`dag_sweep` hulls each device's rows of each one; a
//! chain layer reads one) plus one for every repeated read it skips; an FL costs two
//! steps (data and model) and, in MLS, the `conv+fc` sweep over the run before it. So
//! one DP costs `k · per_device + repeats` steps ([`Work`]), a solve over
//! `k = 1..D` the sum of those, and detailing the best plan one DP more. On a chain
//! this is the count of every prefix of a conv run; on a model whose joins read many
//! tensors it grows with their fan-in, which is what the sweep's time does.

use super::dp::Algorithm;
use crate::cost::{Environment, EnvironmentError};
use crate::model::Network;

/// Most device-steps one entry point may take. Natively a device-step costs 5–25 ns
/// (a branching model's, which carries every device, up to about 60 ns) and the `k`s
/// run on every core, so a solve at the limit takes a few seconds; the page's wasm is
/// single-threaded and slower, and solves in a worker that shows its progress. A
/// 1,000-layer chain of 1×1 convs runs at D = 26 (1.9e8 steps) and is refused with a
/// message from D = 27 (2.0e8).
pub const MAX_STEPS: u64 = 200_000_000;

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

/// The device-steps of one DP of an algorithm on a network: `k · per_device + repeats`
/// for `k` devices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    per_device: u64,
    repeats: u64,
}

impl Work {
    /// Counts what the DP's sweeps add, layer by layer (see the module's comment).
    pub fn of(net: &Network, algorithm: Algorithm) -> Work {
        let mls = algorithm == Algorithm::Mls;
        let reads = Reads::new(net);
        let mut work = Work::default();
        // The steps of a sweep down the conv run ending at the layer before.
        let mut run = Work::default();
        for j in 1..=net.len() {
            if net.is_spatial(j) {
                let layer = reads.of(j);
                run = run.plus(layer);
                // One more step: the sweep's start and the step that finds the run's end.
                work = work.plus(if mls { run } else { layer }).plus(Work::STEP);
            } else {
                work = work.plus(Work::STEP).plus(Work::STEP);
                if mls && j >= 2 {
                    work = work.plus(run).plus(Work::STEP);
                }
                run = Work::default();
            }
        }
        work
    }

    const STEP: Work = Work {
        per_device: 1,
        repeats: 0,
    };

    fn plus(self, other: Work) -> Work {
        Work {
            per_device: self.per_device.saturating_add(other.per_device),
            repeats: self.repeats.saturating_add(other.repeats),
        }
    }

    /// Device-steps of the DP for `k` devices (saturating).
    pub fn at(self, k: u32) -> u64 {
        self.per_device
            .saturating_mul(u64::from(k))
            .saturating_add(self.repeats)
    }

    /// Device-steps of the DPs for every `k` in `1..=devices` (saturating).
    pub fn up_to(self, devices: u32) -> u64 {
        let d = u64::from(devices);
        self.per_device
            .saturating_mul(d * (d + 1) / 2)
            .saturating_add(self.repeats.saturating_mul(d))
    }
}

/// Distinct tensors each layer reads, counted once per network.
struct Reads {
    /// `(distinct, repeated)` reads of each layer of a branching model; empty for a
    /// chain, whose layers read one tensor each.
    per_layer: Vec<(u64, u64)>,
}

impl Reads {
    fn new(net: &Network) -> Reads {
        if !net.dag {
            return Reads {
                per_layer: Vec::new(),
            };
        }
        // The last layer seen reading each tensor, as `dag_sweep` skips repeats.
        let mut read_by = vec![0; net.len() + 1];
        let per_layer = (1..=net.len())
            .map(|j| {
                let inputs = &net.inputs[j - 1];
                let mut distinct = 0u64;
                for &t in inputs {
                    if read_by[t] != j {
                        read_by[t] = j;
                        distinct += 1;
                    }
                }
                (distinct, inputs.len() as u64 - distinct)
            })
            .collect();
        Reads { per_layer }
    }

    fn of(&self, j: usize) -> Work {
        match self.per_layer.get(j - 1) {
            Some(&(distinct, repeats)) => Work {
                per_device: distinct.max(1),
                repeats,
            },
            None => Work::STEP,
        }
    }
}

/// Device-steps of `workload` on `net` with up to `devices` devices (saturating).
pub fn steps(net: &Network, devices: u32, workload: Workload) -> u64 {
    let dp = |a| Work::of(net, a).up_to(devices);
    match workload {
        Workload::Solve(a) => dp(a).saturating_add(Work::of(net, a).at(devices)),
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

/// Refuses `workload` when it would take more than [`MAX_STEPS`] device-steps, with a
/// message that says what to reduce; else its steps.
pub fn admit(
    net: &Network,
    env: &Environment,
    workload: Workload,
) -> Result<u64, EnvironmentError> {
    let work = steps(net, env.devices, workload);
    if work <= MAX_STEPS {
        return Ok(work);
    }
    let fan_in = if net.dag {
        ", fewer tensors read by each join"
    } else {
        ""
    };
    let advice = match workload {
        Workload::Solve(Algorithm::Mls) => {
            format!("use fewer devices, fewer layers{fan_in}, or SLS")
        }
        _ => format!("use fewer devices or fewer layers{fan_in}"),
    };
    Err(EnvironmentError(format!(
        "{} with {} devices on a {}-layer model would take about {work} block-evaluation \
         steps, more than the limit of {MAX_STEPS}; {advice}",
        what(workload),
        env.devices,
        net.len()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Conv, Fc, Layer, Model, Shape};

    fn model(layers: Vec<Layer>, inputs: Vec<Vec<usize>>) -> Network {
        Network::new(&Model {
            name: "c".into(),
            input: Shape::new(4, 4, 1),
            layers,
            passthrough: None,
            inputs,
            gateway_head: None,
        })
        .unwrap()
    }

    fn chain(convs: usize, fcs: usize) -> Network {
        let mut layers: Vec<Layer> = (0..convs).map(|_| Layer::Conv(Conv::same(1, 1))).collect();
        layers.extend((0..fcs).map(|_| Layer::Fc(Fc { outputs: 2 })));
        model(layers, Vec::new())
    }

    /// A conv, then `adds` adds each reading every tensor before it (the model input
    /// included): the fan-in that made a 690-layer model take minutes.
    fn fan_in(adds: usize) -> Network {
        let mut layers = vec![Layer::Conv(Conv::same(1, 1))];
        let mut inputs = vec![vec![0]];
        for j in 2..=adds + 1 {
            layers.push(Layer::Add);
            inputs.push((0..j).collect());
        }
        model(layers, inputs)
    }

    #[test]
    fn sls_is_linear_in_layers_and_mls_quadratic_in_conv_runs() {
        let net = chain(1000, 0);
        assert_eq!(Work::of(&net, Algorithm::Sls).at(1), 2000);
        // Every prefix of the run, plus one step per sweep: 1000·1001/2 + 1000.
        assert_eq!(Work::of(&net, Algorithm::Mls).at(1), 501_500);
        let env = Environment::new(32, 100.0, 13.6).unwrap();
        // The case: SLS on a long chain is cheap and accepted; MLS is not.
        assert!(admit(&net, &env, Workload::Solve(Algorithm::Sls)).is_ok());
        let err = admit(&net, &env, Workload::Solve(Algorithm::Mls)).unwrap_err();
        assert!(
            err.0.contains("use fewer devices, fewer layers, or SLS"),
            "{err}"
        );
    }

    #[test]
    fn a_join_costs_what_it_reads() {
        // Layer j reads j distinct tensors: the MLS sweep ending at j adds Σ_{i≤j} i.
        let net = fan_in(9);
        let mls: u64 = (1..=10u64).map(|j| (1..=j).sum::<u64>() + 1).sum();
        let sls: u64 = (1..=10u64).map(|j| j + 1).sum();
        assert_eq!(Work::of(&net, Algorithm::Mls).at(1), mls);
        assert_eq!(Work::of(&net, Algorithm::Sls).at(1), sls);
        // The largest such model the core reads (631 layers): refused from two devices
        // on, as the sweep adds 4.2e7 reads per device and DP.
        let big = fan_in(630);
        let one = Environment::new(1, 100.0, 13.6).unwrap();
        let two = Environment::new(2, 100.0, 13.6).unwrap();
        assert!(admit(&big, &one, Workload::Solve(Algorithm::Mls)).is_ok());
        let err = admit(&big, &two, Workload::Solve(Algorithm::Mls)).unwrap_err();
        assert!(err.0.contains("fewer tensors read by each join"), "{err}");
    }

    #[test]
    fn a_repeated_read_costs_one_step_not_one_per_device() {
        let mut layers = vec![Layer::Conv(Conv::same(1, 1))];
        layers.push(Layer::Add);
        let net = model(layers, vec![vec![0], vec![1; 1000]]);
        let work = Work::of(&net, Algorithm::Sls);
        assert_eq!(work.at(1), 2 + 2 + 999);
        assert_eq!(work.at(10), 20 + 20 + 999);
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
                admit(n, &env, Workload::Compare).is_ok()
                    && admit(n, &env, Workload::Sweep { points: 10 }).is_err()
            })
            .expect("some chain is accepted once but not ten times");
        assert!(admit(&n, &env, Workload::Solve(Algorithm::Mls)).is_ok());
        assert!(steps(&net, u32::MAX, Workload::Sweep { points: usize::MAX }) == u64::MAX);
    }
}
