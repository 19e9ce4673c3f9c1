//! Executing plans of branching models (docs/spec-dag.md). Every plan must
//! reproduce the unsliced model (bit for bit in spatial rounds, within the
//! summation-order bound where the gateway adds partial sums) and move exactly the
//! elements the cost model prices, per device and round; a plan that moves a row too
//! few is caught by the device that needed it.

mod common;
#[path = "execute/plans.rs"]
mod plans;
#[path = "execute/runs.rs"]
mod runs;

use common::{random_dag, Rng};
use coopai::cost::{Case, Environment};
use coopai::execute::{scaled, verify, ExecError, VerifyReport};
use coopai::model::{Conv, Layer, Model, Network, PoolLayer, PoolMode, Shape, Upsample};
use coopai::solver::{Algorithm, Plan};
use plans::{every_partition, of_blocks, optimal};
use runs::env;

/// Asserts a clean run and returns its report.
fn check(net: &Network, plan: &Plan, what: &str) -> VerifyReport {
    let report = verify(net, plan, 7).unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut exact = true;
    for r in &report.rounds {
        assert!(r.ok, "{what}: round {r:?}");
        // Until the gateway adds partial sums, every value is the unsliced pass's.
        if exact && matches!(r.case, Case::Conv | Case::FcModel | Case::Single) {
            assert_eq!(r.max_abs_diff, 0.0, "{what}: round {}", r.round);
        }
        exact &= matches!(r.case, Case::Conv | Case::Single);
        assert!(
            r.max_abs_diff <= 1e-5 * (1.0 + r.max_abs_value),
            "{what}: round {r:?}"
        );
    }
    report
}

/// What a random DAG exercises, to show the draw covers the layer kinds.
#[derive(Default, Debug)]
struct Seen {
    skips: usize,
    concats: usize,
    upsamples: usize,
    strides: usize,
    groups: usize,
    dilations: usize,
    padded_pools: usize,
    /// Rounds that read a tensor from the gateway besides layer `first − 1`.
    gateway_reads: usize,
    /// Rounds in which a device uploaded a kept share (`τo`).
    postponed: usize,
    /// Rounds that upload a tensor needed later (or a model output) besides their last.
    exported: usize,
    sums: usize,
    products: usize,
}

impl Seen {
    fn model(&mut self, net: &Network) {
        for l in &net.layers {
            let ins = &net.inputs[l.index - 1];
            self.products += usize::from(l.kind == Layer::Mul);
            match l.kind {
                Layer::Add | Layer::Mul if ins.iter().any(|&t| t + 1 < l.index) => self.skips += 1,
                Layer::Concat if ins.len() > 1 => self.concats += 1,
                Layer::Upsample(_) => self.upsamples += 1,
                Layer::Conv(c) => {
                    self.strides += usize::from(c.stride > 1);
                    self.groups += usize::from(c.group_count() > 1);
                    self.dilations += usize::from(c.rows().dilation > 1);
                }
                Layer::Pool(p) if p.padding > 0 || p.ceil => self.padded_pools += 1,
                _ => {}
            }
        }
    }

    fn plan(&mut self, net: &Network, plan: &Plan, report: &VerifyReport) {
        for (b, r) in plan.blocks.iter().zip(&report.rounds) {
            let far = |t: usize| t + 1 < b.first;
            self.gateway_reads += usize::from(
                b.devices
                    .iter()
                    .any(|d| d.reads.iter().any(|x| far(x.tensor) && x.rows.is_some())),
            );
            self.postponed += usize::from(r.devices.iter().any(|d| d.counted.tau > 0));
            let inner = b.first..b.last;
            self.exported += usize::from(
                matches!(b.case, Case::Conv | Case::ConvFc)
                    && inner.clone().any(|m| {
                        let c = &net.consumers[m - 1];
                        c.is_empty() || c.iter().any(|&c| c > b.last)
                    }),
            );
            self.sums += usize::from(r.local_diff > 0.0);
        }
    }
}

#[test]
fn random_dags_for_several_k_mls_and_sls() {
    let mut rng = Rng(2027);
    let mut seen = Seen::default();
    let mut plans = 0;
    for n in 0..80 {
        let net = random_dag(&mut rng, 10);
        seen.model(&net);
        for k in [1, 2, 3, 5] {
            for algorithm in [Algorithm::Mls, Algorithm::Sls] {
                for g in [0.01, 100.0, 1e6] {
                    let plan = optimal(&net, &env(5, g), k, algorithm);
                    let what = format!(
                        "dag {n}, k {k}, {algorithm:?}, {g} Mbps: {}",
                        coopai::model::json::to_json(&net.model)
                    );
                    let report = check(&net, &plan, &what);
                    seen.plan(&net, &plan, &report);
                    plans += 1;
                }
            }
        }
    }
    let s = &seen;
    assert!(
        s.skips > 10
            && s.concats > 10
            && s.upsamples > 5
            && s.strides > 10
            && s.groups > 5
            && s.dilations > 5
            && s.padded_pools > 5
            && s.products > 5,
        "{s:?}"
    );
    assert!(
        s.gateway_reads > 200 && s.postponed > 200 && s.exported > 100 && s.sums > 20,
        "{s:?}"
    );
    eprintln!("{plans} plans: {s:?}");
}

#[test]
fn every_partition_of_small_random_dags() {
    let mut rng = Rng(31);
    let (mut plans, mut seen) = (0, Seen::default());
    for n in 0..25 {
        let net = random_dag(&mut rng, 7);
        for k in 2..=4 {
            for blocks in every_partition(&net, k) {
                let plan = of_blocks(&net, &env(k, 100.0), k, &blocks);
                let report = check(&net, &plan, &format!("dag {n}, k {k}, {blocks:?}"));
                seen.plan(&net, &plan, &report);
                plans += 1;
            }
        }
    }
    assert!(plans > 1000, "{plans}");
    assert!(
        seen.gateway_reads > 100 && seen.postponed > 100 && seen.exported > 100,
        "{seen:?}"
    );
}

/// Spatial attention (Darknet's `[sam]`): a map times its attention map, and a product
/// of three tensors, one held since the first layer. In every partition, each device's
/// product rows equal the unsliced pass's and its traffic the plan's.
#[test]
fn products_in_every_partition() {
    let conv = |filters, kernel| Layer::Conv(Conv::same(filters, kernel));
    let model = Model {
        name: "attention".into(),
        input: Shape::new(16, 16, 3),
        layers: vec![
            conv(8, 3),
            conv(8, 3),
            conv(8, 1),
            Layer::Mul,
            conv(8, 3),
            Layer::Mul,
            Layer::Conv(Conv::same(4, 3).with_stride(2, 1)),
            Layer::Pool(PoolLayer::global(PoolMode::Avg)),
            Layer::Fc(coopai::model::Fc { outputs: 10 }),
        ],
        passthrough: None,
        inputs: vec![
            vec![0],
            vec![1],
            vec![2],
            vec![3, 2],
            vec![4],
            vec![5, 1, 4],
            vec![6],
            vec![7],
            vec![8],
        ],
        gateway_head: None,
    };
    let net = Network::new(&model).unwrap();
    let mut plans = 0;
    for k in [2, 3] {
        for blocks in every_partition(&net, k) {
            let plan = of_blocks(&net, &env(k, 100.0), k, &blocks);
            check(&net, &plan, &format!("k {k}, {blocks:?}"));
            plans += 1;
        }
    }
    assert!(plans > 300, "{plans}");
}

/// Every way to drop one edge row from a device's reads of a spatial round is caught:
/// the device stops with a missing row, or (when that row of the hull is not read by
/// any tap, e.g. between dilated taps) the counted traffic differs from the plan.
fn drop_each_read_row(net: &Network, plan: &Plan) -> usize {
    let mut missing = 0;
    for (b, block) in plan.blocks.iter().enumerate() {
        for (d, dev) in block.devices.iter().enumerate() {
            for (x, read) in dev.reads.iter().enumerate() {
                let Some(rows) = read.rows else { continue };
                for top in [true, false] {
                    let edge = if top { rows.first } else { rows.last };
                    // The previous round's share of its last layer stayed on the device.
                    let kept = b > 0
                        && read.tensor + 1 == block.first
                        && plan.blocks[b - 1].devices[d]
                            .layers
                            .iter()
                            .find(|l| l.layer == read.tensor)
                            .and_then(|l| l.own)
                            .is_some_and(|own| own.contains(edge));
                    let mut short = plan.clone();
                    let r = short.blocks[b].devices[d].reads[x].rows.as_mut().unwrap();
                    if rows.first == rows.last {
                        short.blocks[b].devices[d].reads[x].rows = None;
                    } else if top {
                        r.first += 1;
                    } else {
                        r.last -= 1;
                    }
                    match verify(net, &short, 7) {
                        Err(ExecError::Missing { round, holder, .. }) => {
                            assert_eq!((round, holder), (b + 1, format!("device {d}")));
                            missing += 1;
                        }
                        // A row the device kept is not downloaded anyway.
                        Ok(report) if kept => assert!(report.ok),
                        Ok(report) => assert!(
                            !report.ok && !report.rounds[b].traffic_ok,
                            "round {} device {d} tensor {} without row {edge} passed",
                            b + 1,
                            read.tensor
                        ),
                        Err(e) => panic!("{e}"),
                    }
                }
            }
        }
    }
    missing
}

#[test]
fn a_read_one_row_short_is_caught() {
    let net = scaled(&coopai::model::load("tinyres").unwrap(), 3).unwrap();
    let mut missing = 0;
    for algorithm in [Algorithm::Mls, Algorithm::Sls] {
        let plan = optimal(&net, &env(3, 100.0), 3, algorithm);
        check(&net, &plan, "intact");
        missing += drop_each_read_row(&net, &plan);
    }
    let mut rng = Rng(4);
    for _ in 0..10 {
        let net = random_dag(&mut rng, 8);
        let plan = optimal(&net, &env(3, 1e6), 3, Algorithm::Mls);
        missing += drop_each_read_row(&net, &plan);
    }
    assert!(missing > 20, "{missing}");
}

#[test]
fn plans_that_compute_too_little_or_misstate_the_gateway_are_refused() {
    let net = scaled(&coopai::model::load("tinyres").unwrap(), 3).unwrap();
    let k = 3;
    // Layers 1..4 hold a residual block: the add reads layer 1 again.
    let blocks = [
        (1, 4, Case::Conv),
        (5, 10, Case::Conv),
        (11, 11, Case::Conv),
        (12, 12, Case::FcData),
    ];
    let plan = of_blocks(&net, &env(k, 100.0), k, &blocks);
    check(&net, &plan, "intact");
    // One row less of layer 1 on a device whose conv of layer 2 needs it.
    let mut short = plan.clone();
    let rows = short.blocks[0].devices[1].layers[0].rows.as_mut().unwrap();
    rows.last -= 1;
    let err = verify(&net, &short, 7).unwrap_err();
    assert!(
        matches!(err, ExecError::Missing { round: 1, ref holder, .. } if holder == "device 1"),
        "{err}"
    );
    // The gateway holds what it was sent, not what the plan claims.
    let mut claims = plan.clone();
    claims.blocks[1].gateway_holds.push(3);
    assert!(matches!(verify(&net, &claims, 7), Err(ExecError::Plan(_))));
    // Priced traffic that does not move is reported, and only in its round.
    let mut priced = plan.clone();
    priced.blocks[1].devices[2].ti_bits += 32;
    let report = verify(&net, &priced, 7).unwrap();
    assert!(!report.ok && !report.rounds[1].traffic_ok && report.rounds[1].within_bound);
    assert!(report.rounds[0].ok && report.rounds[2].ok);
}

/// Blocks that hold a whole residual block or a whole two-way branch, and blocks that
/// start or end inside one: an evenly spaced sample of every partition.
#[test]
fn tinyres_in_many_partitions() {
    let net = scaled(&coopai::model::load("tinyres").unwrap(), 4).unwrap();
    let mut plans = 0;
    for k in [2, 4] {
        let all = every_partition(&net, k);
        assert!(all.len() > 500, "{}", all.len());
        for blocks in all.iter().step_by(all.len() / 40) {
            let plan = of_blocks(&net, &env(k, 100.0), k, blocks);
            check(&net, &plan, &format!("k {k}, {blocks:?}"));
            plans += 1;
        }
    }
    assert!(plans >= 80, "{plans}");
}

/// A mixed cluster splits every tensor by speed (docs/spec-cluster.md C2): the shares
/// the devices keep and upload are the plan's, not equal ones.
#[test]
fn random_dags_on_mixed_clusters() {
    let mut rng = Rng(9);
    let mut multi = 0;
    for n in 0..30 {
        let net = random_dag(&mut rng, 10);
        for spec in ["1x50,2x13.6", "1x40,1x20,1x7"] {
            for g in [0.01, 100.0, 1e6] {
                let cluster = coopai::cost::cluster_spec::parse_short(spec).unwrap();
                let e = Environment::with_cluster(cluster, g).unwrap();
                for k in [2, 3] {
                    for algorithm in [Algorithm::Mls, Algorithm::Sls] {
                        let plan = optimal(&net, &e, k, algorithm);
                        check(&net, &plan, &format!("dag {n}, {spec}, k {k}, {g} Mbps"));
                        multi += usize::from(plan.blocks.len() > 1);
                    }
                }
            }
        }
    }
    assert!(multi > 200, "{multi}");
}

fn with_input(model: Model, side: u32) -> Network {
    let mut m = model;
    m.input = Shape::new(side, side, m.input.channels);
    Network::new(&m).unwrap()
}

#[test]
fn resnet18_at_64x64() {
    let net = with_input(coopai::model::zoo::resnet18(), 64);
    // A fast gateway, so that both algorithms use all four devices over many rounds.
    let e = env(4, 1e4);
    let mls = optimal(&net, &e, 4, Algorithm::Mls);
    let rounds = check(&net, &mls, "resnet18, MLS").rounds.len();
    assert!(rounds > 1 && rounds < net.len(), "{rounds}");
    // SLS runs a round per layer.
    let sls = optimal(&net, &e, 4, Algorithm::Sls);
    assert_eq!(check(&net, &sls, "resnet18, SLS").rounds.len(), net.len());
}

#[test]
fn mobilenetv2_depthwise_at_48x48() {
    let net = with_input(coopai::model::zoo::mobilenetv2(), 48);
    let plan = optimal(&net, &env(3, 100.0), 3, Algorithm::Mls);
    check(&net, &plan, "mobilenetv2");
}

/// YOLOv3-tiny as pjreddie/darknet's `cfg/yolov3-tiny.cfg` describes it, the `[yolo]`
/// heads (free) left out: layer n here is Darknet's layer n − 1 up to 16; Darknet's
/// `[route] layers = -4` is layer 17's input 14, and `[route] layers = -1, 8` the
/// concat of 18 and 9. The stride-1 max-pool is padded as Darknet pads it (size − 1,
/// all after).
fn yolov3_tiny() -> Model {
    let conv = |filters, kernel| Layer::Conv(Conv::same(filters, kernel));
    let pool = |stride| Layer::Pool(PoolLayer::new(PoolMode::Max, 2, stride));
    let mut last_pool = PoolLayer::new(PoolMode::Max, 2, 1);
    last_pool.pad_bottom = Some(1);
    last_pool.pad_right = Some(1);
    let mut layers = Vec::new();
    for filters in [16, 32, 64, 128, 256] {
        layers.extend([conv(filters, 3), pool(2)]);
    }
    layers.extend([
        conv(512, 3),
        Layer::Pool(last_pool),
        conv(1024, 3),
        conv(256, 1),
        conv(512, 3),
        conv(255, 1),
        conv(128, 1),
        Layer::Upsample(Upsample { factor: 2 }),
        Layer::Concat,
        conv(256, 3),
        conv(255, 1),
    ]);
    // Empty: the layer before.
    let mut inputs = vec![Vec::new(); layers.len()];
    inputs[16] = vec![14];
    inputs[18] = vec![18, 9];
    Model {
        name: "yolov3-tiny".into(),
        input: Shape::new(416, 416, 3),
        layers,
        passthrough: None,
        inputs,
        gateway_head: None,
    }
}

#[test]
fn the_yolov3_tiny_file_is_the_cfg() {
    let text = std::fs::read_to_string("tests/models/yolov3-tiny.json").unwrap();
    let file = coopai::model::json::parse_network(&text).unwrap();
    let built = Network::new(&yolov3_tiny()).unwrap();
    assert_eq!(file.model, built.model);
    // pjreddie.com/darknet/yolo lists YOLOv3-tiny at 5.56 Bn FLOPs for 416×416.
    let gflops = built.flops() as f64 / 1e9;
    assert!((gflops / 5.56 - 1.0).abs() < 0.01, "{gflops}");
    assert_eq!(built.outputs().collect::<Vec<_>>(), vec![16, 21]);
}

#[test]
fn yolov3_tiny_at_a_quarter_of_its_input() {
    let net = scaled(&Network::new(&yolov3_tiny()).unwrap(), 4).unwrap();
    for (k, algorithm) in [(2, Algorithm::Mls), (4, Algorithm::Sls)] {
        let plan = optimal(&net, &env(4, 100.0), k, algorithm);
        check(&net, &plan, &format!("yolov3-tiny, k {k}, {algorithm:?}"));
    }
}

#[test]
fn the_verify_command_runs_a_branching_model() {
    let args: Vec<std::ffi::OsString> = [
        "verify",
        "--model",
        "tinyres",
        "--devices",
        "4",
        "--scale",
        "2",
    ]
    .iter()
    .map(|a| a.into())
    .collect();
    let out = coopai::cli::run(&args).unwrap();
    assert!(
        out.contains("ok: largest difference") && out.contains("= plan"),
        "{out}"
    );
}

/// The README's branching runs, timed (RP4 setting, D = 10):
/// `cargo test --release --test execute_dag -- --ignored --nocapture`.
#[test]
#[ignore = "about 30 s in release; far longer in debug"]
fn full_size_branching_models_in_release() {
    use coopai::model::zoo;
    let yolo = Network::new(&yolov3_tiny()).unwrap();
    for (net, scale) in [
        (Network::new(&zoo::resnet18()).unwrap(), 1),
        (Network::new(&zoo::resnet50()).unwrap(), 2),
        (Network::new(&zoo::resnet50()).unwrap(), 1),
        (Network::new(&zoo::mobilenetv2()).unwrap(), 1),
        (yolo, 1),
    ] {
        let net = scaled(&net, scale).unwrap();
        for algorithm in [Algorithm::Mls, Algorithm::Sls] {
            for bandwidth in [100.0, 1000.0] {
                let plan = coopai::solver::solve(&net, &env(10, bandwidth), algorithm);
                let start = std::time::Instant::now();
                let report = check(&net, &plan, &net.name);
                let seconds = start.elapsed().as_secs_f64();
                let what = format!("{bandwidth} Mbps, {algorithm:?}");
                eprintln!("{}", runs::run_line(&net, &plan, &what, seconds, &report));
            }
        }
    }
}
