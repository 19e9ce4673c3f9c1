//! The plan: everything a reader or a viewer needs about a solve, serialisable as the
//! CLI's `--json` and the page's data. Layers are 1-based, rows and neurons 0-based
//! inclusive `[first, last]`, FLOPs and bits exact integers, times in seconds.

use serde::Serialize;

use super::dp::{Algorithm, Chosen, Partition};
use super::each_k::partitions;
use super::stream::{schedule, Objective, Stream};
use crate::cost::block_sweep::BlockSweep;
use crate::cost::cluster::{Device, RowSplits, Team};
use crate::cost::dag_sweep;
use crate::cost::{block_loads, block_time, round_cost, Case, Environment, Load, Timing};
use crate::model::{GatewayHead, Network};
use crate::slicing::Rows;

#[derive(Clone, Debug, Serialize)]
pub struct ModelSummary {
    pub name: String,
    pub layers: usize,
    pub flops: u64,
    pub params: u64,
}

impl ModelSummary {
    pub fn of(net: &Network) -> Self {
        ModelSummary {
            name: net.name.clone(),
            layers: net.len(),
            flops: net.flops(),
            params: net.params(),
        }
    }
}

/// The optimum for one device count (a point of the paper's Fig. 8).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct KSummary {
    pub devices: u32,
    pub completion_s: f64,
    pub compute_s: f64,
    pub transfer_s: f64,
    pub blocks: usize,
    /// Its period if streamed (`docs/spec-stream.md`); in a plan's `per_k` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_s: Option<f64>,
}

impl KSummary {
    pub fn of(p: &Partition) -> Self {
        KSummary {
            devices: p.k,
            completion_s: p.completion_s,
            compute_s: p.compute_s(),
            transfer_s: p.transfer_s(),
            blocks: p.blocks.len(),
            period_s: None,
        }
    }
}

/// Rows one device handles at one conv layer of a block.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LayerRows {
    pub layer: usize,
    /// Rows of the layer's output it produces: its own share plus halo.
    pub rows: Option<Rows>,
    /// Conv-output rows (before the layer's pool) it computes.
    pub computed: Option<Rows>,
    /// Its equal share of the layer's output, what layer-by-layer slicing would give it.
    pub own: Option<Rows>,
}

/// Neurons one device handles at one FL of a block.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Neurons {
    pub layer: usize,
    /// Input elements it multiplies (the flattened previous output).
    pub inputs: Option<Rows>,
    /// Outputs it produces: all of them as a partial sum (data), or its slice (model).
    pub outputs: Option<Rows>,
    /// True when `outputs` are partial sums the gateway adds up.
    pub partial_sum: bool,
}

/// Rows of a tensor made before the block that a device reads in it (branching models).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TensorRows {
    /// The layer that made it (0: the model input).
    pub tensor: usize,
    pub rows: Option<Rows>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DevicePlan {
    pub flops: u64,
    pub ti_bits: u64,
    pub tau_bits: u64,
    pub to_bits: u64,
    pub compute_s: f64,
    pub transfer_s: f64,
    /// Its grid of the block's last CL; `None` for FL blocks and idle devices.
    pub out_rows: Option<Rows>,
    /// Rows of the block's input it needs; `None` for FL blocks and idle devices.
    pub in_rows: Option<Rows>,
    /// Conv layers of the block, in order.
    pub layers: Vec<LayerRows>,
    /// FLs of the block, in order.
    pub neurons: Vec<Neurons>,
    /// Its index in the cluster as given (0-based).
    pub device: usize,
    /// Its speed in GFLOPS.
    pub gflops: f64,
    /// Bytes it holds during the round (weights and its largest input plus output rows).
    pub memory_bytes: u64,
    /// Branching models: the rows of every tensor made before the block that it reads
    /// (the one it kept a share of, layer `first − 1`, and those the gateway holds).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<TensorRows>,
}

impl DevicePlan {
    /// Its rows at conv layer `m`, when the block holds it.
    pub fn layer_rows(&self, m: usize) -> Option<&LayerRows> {
        self.layers.iter().find(|l| l.layer == m)
    }

    /// Its neurons at FL `j`, when the block holds it.
    pub fn neurons_of(&self, j: usize) -> Option<&Neurons> {
        self.neurons.iter().find(|n| n.layer == j)
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BlockPlan {
    pub round: usize,
    pub first: usize,
    pub last: usize,
    pub case: Case,
    pub completion_s: f64,
    pub compute_s: f64,
    pub transfer_s: f64,
    /// 0-based index of the device that sets the block time.
    pub critical_device: usize,
    /// `C_r` of a stream: the longest compute of its devices (`docs/spec-stream.md`).
    pub round_compute_s: f64,
    /// `T_r` of a stream: the longest transfer of its devices.
    pub round_transfer_s: f64,
    pub devices: Vec<DevicePlan>,
    /// Branching models: tensors the gateway holds in full after this round, for later
    /// rounds (each device uploaded its equal share of them; 0 is the model input).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gateway_holds: Vec<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    pub model: ModelSummary,
    pub algorithm: Algorithm,
    pub environment: Environment,
    /// The chosen `k`.
    pub devices: u32,
    pub completion_s: f64,
    pub compute_s: f64,
    pub transfer_s: f64,
    pub per_k: Vec<KSummary>,
    pub blocks: Vec<BlockPlan>,
    /// The devices available, as given; each block's devices name their `device` index.
    pub cluster: Vec<Device>,
    /// What the plan minimises; whichever it is, `period_s` and the rest of the stream
    /// say how it performs on a stream of frames.
    pub objective: Objective,
    #[serde(flatten)]
    pub stream: Stream,
    /// The most bytes one device holds in the stream: its largest round's need once
    /// per frame in flight.
    pub stream_memory_bytes: u64,
    /// The detection head the gateway decodes at no charge, when the model has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_head: Option<GatewayHead>,
}

/// Solves for every `k` in `1..=D` and details the best (the smallest `k` on a tie).
/// The work must have been checked with [`super::admit`] (`Workload::Solve`). For a cluster with memory limits,
/// also [`super::check_memory`].
pub fn solve(net: &Network, env: &Environment, algorithm: Algorithm) -> Plan {
    let parts = partitions(net, env, algorithm);
    solve_with(net, env, algorithm, parts)
}

/// The plan from the optimum of every `k` in `1..=D` (however they were computed).
pub(crate) fn solve_with(
    net: &Network,
    env: &Environment,
    algorithm: Algorithm,
    partitions: Vec<Partition>,
) -> Plan {
    let best = (0..partitions.len())
        .reduce(|a, b| {
            if partitions[b].completion_s < partitions[a].completion_s {
                b
            } else {
                a
            }
        })
        .expect("at least one device");
    assemble(net, env, algorithm, Objective::Latency, &partitions, best)
}

/// The plan of `partitions[best]`, chosen for `objective`, with every `k`'s summary.
pub(crate) fn assemble(
    net: &Network,
    env: &Environment,
    algorithm: Algorithm,
    objective: Objective,
    partitions: &[Partition],
    best: usize,
) -> Plan {
    let chosen = &partitions[best];
    let blocks: Vec<BlockPlan> = chosen
        .blocks
        .iter()
        .enumerate()
        .map(|(n, b)| detail(net, env, chosen.k, n + 1, b))
        .collect();
    let rounds: Vec<Timing> = blocks
        .iter()
        .map(|b| Timing {
            compute_s: b.round_compute_s,
            transfer_s: b.round_transfer_s,
        })
        .collect();
    let stream = schedule(&rounds);
    let held = blocks
        .iter()
        .flat_map(|b| b.devices.iter().map(|d| d.memory_bytes))
        .max()
        .unwrap_or(0);
    Plan {
        model: ModelSummary::of(net),
        algorithm,
        environment: env.clone(),
        devices: chosen.k,
        completion_s: chosen.completion_s,
        compute_s: chosen.compute_s(),
        transfer_s: chosen.transfer_s(),
        per_k: partitions
            .iter()
            .map(|p| KSummary {
                period_s: Some(p.period_s()),
                ..KSummary::of(p)
            })
            .collect(),
        blocks,
        cluster: env.cluster().devices,
        objective,
        stream_memory_bytes: held.saturating_mul(u64::from(stream.frames_in_flight)),
        stream,
        gateway_head: net.model.gateway_head.clone(),
    }
}

/// Recomputes one chosen block with every device's rows and neurons.
pub fn detail(net: &Network, env: &Environment, k: u32, round: usize, block: &Chosen) -> BlockPlan {
    // The loads come from the one function that knows every case; this only adds
    // which rows and neurons each device handles.
    let team = env.team(k);
    let splits = RowSplits::new(net, &team);
    let loads = block_loads(net, &team, block.first, block.last, block.case)
        .expect("the solver only chooses feasible blocks");
    let mut devices = vec![Slices::default(); loads.len()];
    match block.case {
        Case::Single => {}
        Case::Conv | Case::ConvFc => conv_slices(net, &splits, k, block, &mut devices),
        Case::FcData | Case::FcModel | Case::FcHybrid => fc_slices(net, &team, block, &mut devices),
    }
    let (timing, critical) = block_time(&loads, &team);
    let costs = round_cost(&loads, &team);
    debug_assert_eq!((timing, costs), (block.timing, block.round));
    BlockPlan {
        round,
        first: block.first,
        last: block.last,
        case: block.case,
        completion_s: timing.total(),
        compute_s: timing.compute_s,
        transfer_s: timing.transfer_s,
        critical_device: critical,
        round_compute_s: costs.compute_s,
        round_transfer_s: costs.transfer_s,
        devices: loads
            .iter()
            .zip(devices)
            .enumerate()
            .map(|(d, (load, s))| {
                let mut plan = device_plan(load, team.timing(d, load), s);
                plan.device = team.index[d];
                plan.gflops = team.flops_per_second[d] / 1e9;
                plan
            })
            .collect(),
        gateway_holds: if net.dag {
            gateway_holds(net, block.last)
        } else {
            Vec::new()
        },
    }
}

/// Which rows each device makes of every layer of a conv block, and which tensors it
/// reads (the sweep the DP walked, with a trace); with `conv+fc`, the FL's neurons.
fn conv_slices(net: &Network, splits: &RowSplits, k: u32, block: &Chosen, devices: &mut [Slices]) {
    let (grid, fc_layer) = match block.case {
        Case::Conv => (block.last, None),
        _ => (block.last - 1, Some(block.last)),
    };
    let mut sweep = BlockSweep::new(net, splits, k, grid, fc_layer).with_trace();
    while let Some(r) = sweep.step() {
        if r == block.first {
            break;
        }
    }
    let inputs = sweep.input_rows(net, block.first);
    let reads = sweep.reads();
    for (d, dev) in devices.iter_mut().enumerate() {
        dev.reads = reads
            .iter()
            .map(|(t, rows)| TensorRows {
                tensor: *t,
                rows: rows[d],
            })
            .collect();
        dev.out_rows = sweep.trace()[0].rows[d];
        dev.in_rows = inputs[d];
        dev.layers = sweep
            .trace()
            .iter()
            .rev()
            .map(|t| LayerRows {
                layer: t.layer,
                rows: t.rows[d],
                computed: t.computed[d],
                own: splits.of(t.layer).share(d as u32),
            })
            .collect();
        if let Some(j) = fc_layer {
            let g = net.layer(grid).output;
            let row = g.width * g.channels;
            let inputs = dev
                .out_rows
                .map(|r| Rows::new(r.first * row, (r.last + 1) * row - 1));
            dev.neurons.push(fc_neurons(net, j, inputs));
        }
    }
}

/// Which neurons each device computes in an FL block.
fn fc_slices(net: &Network, team: &Team, block: &Chosen, devices: &mut [Slices]) {
    match block.case {
        Case::FcData => {
            let layer = net.layer(block.last);
            for (d, dev) in devices.iter_mut().enumerate() {
                let inputs = team.split(layer.input.elements() as u32).share(d as u32);
                dev.neurons.push(fc_neurons(net, block.last, inputs));
            }
        }
        Case::FcModel => {
            let layer = net.layer(block.last);
            for (d, dev) in devices.iter_mut().enumerate() {
                let outputs = team.split(layer.output.channels).share(d as u32);
                let inputs = outputs.and(all(layer.input.elements()));
                dev.neurons.push(Neurons {
                    layer: block.last,
                    inputs,
                    outputs,
                    partial_sum: false,
                });
            }
        }
        Case::FcHybrid => {
            let a = net.layer(block.first);
            for (d, dev) in devices.iter_mut().enumerate() {
                let mid = team.split(a.output.channels).share(d as u32);
                dev.neurons.push(Neurons {
                    layer: block.first,
                    inputs: mid.and(all(a.input.elements())),
                    outputs: mid,
                    partial_sum: false,
                });
                dev.neurons.push(fc_neurons(net, block.last, mid));
            }
        }
        // No neurons: one device's whole layer, or rows.
        Case::Single | Case::Conv | Case::ConvFc => {}
    }
}

/// Tensors made up to layer `j` that a later layer reads and that the gateway holds in
/// full after the round ending at `j` (spec-dag §1): all of them but `j` itself, which
/// the devices keep as equal shares unless it was uploaded whole.
fn gateway_holds(net: &Network, j: usize) -> Vec<usize> {
    (0..=j)
        .filter(|&t| {
            let later = |c: &usize| *c > j;
            if t == 0 {
                net.consumers_of_input().any(|c| later(&c))
            } else {
                net.consumers[t - 1].iter().any(later)
                    && (t < j || !net.is_spatial(t) || dag_sweep::uploaded(net, t))
            }
        })
        .collect()
}

fn all(n: u64) -> Option<Rows> {
    Some(Rows::new(0, (n - 1) as u32))
}

/// A data-parallel FL: its slice of inputs, a partial sum of all outputs when busy.
fn fc_neurons(net: &Network, j: usize, inputs: Option<Rows>) -> Neurons {
    let no = u64::from(net.layer(j).output.channels);
    Neurons {
        layer: j,
        inputs,
        outputs: inputs.and(all(no)),
        partial_sum: true,
    }
}

/// What one device handles in a block, gathered before its loads are known.
#[derive(Clone, Default)]
struct Slices {
    out_rows: Option<Rows>,
    in_rows: Option<Rows>,
    layers: Vec<LayerRows>,
    neurons: Vec<Neurons>,
    reads: Vec<TensorRows>,
}

fn device_plan(load: &Load, t: Timing, s: Slices) -> DevicePlan {
    DevicePlan {
        device: 0,
        gflops: 0.0,
        memory_bytes: load.memory_bytes,
        flops: load.flops,
        ti_bits: load.ti_bits,
        tau_bits: load.tau_bits,
        to_bits: load.to_bits,
        compute_s: t.compute_s,
        transfer_s: t.transfer_s,
        out_rows: s.out_rows,
        in_rows: s.in_rows,
        layers: s.layers,
        neurons: s.neurons,
        reads: s.reads,
    }
}
