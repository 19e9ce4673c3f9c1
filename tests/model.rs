//! Shapes, FLOPs and parameters of the zoo, the slicing primitives, and the specific
//! errors for impossible models and environments.

use coopai::cost::{Environment, MIN_GFLOPS, MIN_RATE};
use coopai::model::{
    zoo, Conv, Fc, GatewayHead, HeadOp, Layer, Model, Network, Passthrough, Pool, Shape,
};
use coopai::slicing::{back_through_conv, back_through_pool, equal_split, Rows};
use coopai::solver::{admit, solve, Algorithm, Workload, MAX_STEPS};

fn network(name: &str) -> Network {
    Network::new(&zoo::by_name(name).unwrap()).unwrap()
}

#[test]
fn alexnet_shapes_follow_the_spec_formulas() {
    let n = network("alexnet");
    // conv1: ⌊(224 + 4 − 11)/4⌋ + 1 = 55, pool 3/2: ⌊(55 − 3)/2⌋ + 1 = 27.
    assert_eq!(n.layer(1).conv_out, Shape::new(55, 55, 96));
    assert_eq!(n.layer(1).output, Shape::new(27, 27, 96));
    assert_eq!(n.layer(1).flops, 2 * 11 * 11 * 3 * 96 * 55 * 55);
    assert_eq!(n.layer(1).params, 11 * 11 * 3 * 96 + 96);
    assert_eq!(n.layer(5).output, Shape::new(6, 6, 256));
    // fc6 reads the flattened 6·6·256 = 9216 elements.
    assert_eq!(n.layer(6).input.elements(), 9216);
    assert_eq!(n.layer(6).flops, 2 * 9216 * 4096);
    assert_eq!(n.layer(6).params, 9216 * 4096 + 4096);
}

#[test]
fn yolov2_passthrough_is_counted() {
    let n = network("yolov2");
    assert_eq!(n.len(), 22);
    let b = n.branch.unwrap();
    assert_eq!(b.shape, Shape::new(19, 19, 256));
    assert_eq!(n.layer(13).conv_out, Shape::new(38, 38, 512));
    assert_eq!(n.layer(21).input_channels(), 1280);
    // The branch's 1×1 conv: 2·512·64·38·38 FLOPs, 512·64 + 64 parameters, in layer 13.
    assert_eq!(b.flops, 2 * 512 * 64 * 38 * 38);
    assert_eq!(b.params, 512 * 64 + 64);
    let conv13 = 2 * 9 * 256 * 512 * 38 * 38;
    assert_eq!(n.layer(13).flops, conv13 + b.flops);
    assert_eq!(n.output(), Shape::new(19, 19, 425));
}

#[test]
fn equal_split_puts_the_larger_shares_first() {
    let shares: Vec<_> = (0..3).map(|d| equal_split(8, 3, d)).collect();
    assert_eq!(
        shares,
        vec![
            Some(Rows::new(0, 2)),
            Some(Rows::new(3, 5)),
            Some(Rows::new(6, 7))
        ]
    );
    assert_eq!(equal_split(2, 3, 2), None, "a device with no rows is idle");
    assert_eq!(equal_split(2, 3, 1), Some(Rows::new(1, 1)));
}

#[test]
fn back_propagation_clips_padding() {
    let c = Conv::same(1, 3);
    // Rows [0,3] of a 3×3 padding-1 conv read input rows [−1, 4] → [0, 4].
    assert_eq!(back_through_conv(Rows::new(0, 3), c, 8), Rows::new(0, 4));
    assert_eq!(back_through_conv(Rows::new(4, 7), c, 8), Rows::new(3, 7));
    let strided = Conv::same(1, 3).with_stride(2, 1);
    assert_eq!(
        back_through_conv(Rows::new(1, 2), strided, 9),
        Rows::new(1, 5)
    );
    let pool = Pool { size: 3, stride: 2 };
    // Pooled rows [1,2] read conv rows [2, 2·2 + 2] = [2, 6], clipped to Hc − 1.
    assert_eq!(back_through_pool(Rows::new(1, 2), pool, 6), Rows::new(2, 5));
}

fn refused(model: Model, message: &str) {
    let err = Network::new(&model).unwrap_err().to_string();
    assert!(err.contains(message), "expected '{message}' in '{err}'");
}

fn chain(input: Shape, layers: Vec<Layer>) -> Model {
    Model {
        name: "bad".into(),
        input,
        layers,
        passthrough: None,
        inputs: Vec::new(),
        gateway_head: None,
    }
}

#[test]
fn impossible_models_get_specific_errors() {
    let conv = |c: Conv| Layer::Conv(c);
    let fc = |o| Layer::Fc(Fc { outputs: o });
    let img = Shape::new(8, 8, 1);
    refused(chain(img, vec![]), "the model has no layers");
    refused(
        chain(img, vec![fc(4); 1001]),
        "1001 layers, more than the limit of 1000",
    );
    refused(
        chain(Shape::new(0, 8, 1), vec![fc(4)]),
        "input height must be at least 1, found 0",
    );
    refused(
        chain(Shape::new(70_000, 8, 1), vec![fc(4)]),
        "input height 70000 is larger than the limit of 65536",
    );
    refused(
        chain(img, vec![conv(Conv::same(0, 3))]),
        "layer 1: filters must be at least 1",
    );
    refused(
        chain(img, vec![conv(Conv::same(4, 3).with_stride(0, 1))]),
        "layer 1: stride must be at least 1",
    );
    refused(
        chain(img, vec![conv(Conv::same(4, 11).with_stride(1, 1))]),
        "layer 1: kernel 11 is larger than its padded input 10×10",
    );
    refused(
        chain(img, vec![conv(Conv::same(4, 3).with_stride(1, 3))]),
        "padding 3 must be smaller than kernel 3",
    );
    refused(
        chain(img, vec![conv(Conv::same(4, 3).with_pool(9, 1))]),
        "layer 1: pool 9 is larger than its input 8×8",
    );
    refused(
        chain(img, vec![conv(Conv::same(4, 3).with_pool(0, 1))]),
        "layer 1: pool size must be at least 1",
    );
    refused(
        chain(img, vec![fc(4), conv(Conv::same(4, 1))]),
        "layer 2: a conv layer cannot follow a fully-connected layer",
    );
    refused(
        chain(img, vec![fc(0)]),
        "layer 1: outputs must be at least 1",
    );
    refused(
        chain(Shape::new(65_536, 65_536, 2), vec![fc(4)]),
        "input has 8589934592 elements, more than the limit",
    );
    refused(
        chain(Shape::new(4096, 4096, 64), vec![conv(Conv::same(64, 99))]),
        "layer 1: its FLOPs exceed the limit of 1000000000000000",
    );
    // Each layer 6.9e14 FLOPs, under the limit; the two together are not.
    refused(
        chain(
            Shape::new(4096, 4096, 64),
            vec![conv(Conv::same(64, 71)); 2],
        ),
        "FLOPs, more than the limit of 1000000000000000",
    );
    refused(
        chain(Shape::new(1, 1, 65_536), vec![fc(65_536); 300]),
        "parameters, more than the limit of 1000000000000",
    );
}

#[test]
fn bad_passthroughs_are_refused() {
    let mut m = zoo::yolov2();
    m.passthrough = Some(Passthrough {
        source: 13,
        target: 13,
        filters: 64,
        reorg: 2,
    });
    refused(
        m.clone(),
        "passthrough: target 13 must be a layer after source 13",
    );
    m.passthrough = Some(Passthrough {
        source: 12,
        target: 21,
        filters: 64,
        reorg: 2,
    });
    refused(
        m.clone(),
        "source layer 12 must have a pool of size and stride 2",
    );
    m.passthrough = Some(Passthrough {
        source: 8,
        target: 21,
        filters: 64,
        reorg: 2,
    });
    refused(
        m.clone(),
        "the branch is 38×38 but target layer 21 reads 19×19",
    );
    m.passthrough = Some(Passthrough {
        source: 0,
        target: 21,
        filters: 64,
        reorg: 2,
    });
    refused(m, "source 0 is not a layer");
}

#[test]
fn a_project_files_gateway_head_reads_model_outputs_and_says_little() {
    let head = |reads: Vec<usize>, ops: usize, name: &str| GatewayHead {
        reads,
        ops: vec![
            HeadOp {
                op: name.into(),
                nodes: 1
            };
            ops
        ],
        flops: 0,
    };
    let with = |h| Model {
        gateway_head: Some(h),
        ..zoo::tiny()
    };
    let layers = zoo::tiny().layers.len();
    assert!(Network::new(&with(head(vec![2, layers], 3, "Concat"))).is_ok());
    let reads = format!("gateway_head: reads must be ascending layer numbers from 1 to {layers}");
    for bad in [vec![], vec![3, 2], vec![2, 2], vec![0, 1], vec![layers + 1]] {
        refused(with(head(bad, 1, "Concat")), &reads);
    }
    let much = "gateway_head: at most 64 ops, of names up to 64 bytes";
    refused(with(head(vec![1], 65, "Concat")), much);
    refused(with(head(vec![1], 1, &"x".repeat(65))), much);
}

#[test]
fn environments_are_checked() {
    assert!(Environment::new(0, 100.0, 13.6)
        .unwrap_err()
        .0
        .contains("devices must be between 1 and 256, found 0"));
    assert!(Environment::new(257, 100.0, 13.6).is_err());
    // Rates so small that times overflow (1e-300 gave `inf s`) are refused.
    for bad in [
        0.0,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        1e10,
        1e-300,
        5e-324,
        9.9e-10,
    ] {
        assert!(Environment::new(4, bad, 13.6)
            .unwrap_err()
            .0
            .contains("bandwidth must be a number from 1e-6 to 1e9 Mbps"));
        assert!(Environment::new(4, 100.0, bad)
            .unwrap_err()
            .0
            .contains("gflops must be a number from 1e-9 to 1e9 GFLOPS"));
    }
    assert!(Environment::new(4, 9.9e-7, 13.6).is_err());
    // At the smallest rates, the heaviest zoo model on every device count has finite
    // times; so has a model at the FLOP limit.
    let slow = Environment::new(256, MIN_RATE, MIN_GFLOPS).unwrap();
    let yolo = Network::new(&coopai::model::zoo::yolov2()).unwrap();
    for algorithm in [Algorithm::Mls, Algorithm::Sls] {
        let eight = Environment::new(8, MIN_RATE, MIN_GFLOPS).unwrap();
        let plan = solve(&yolo, &eight, algorithm);
        for t in plan
            .per_k
            .iter()
            .flat_map(|k| [k.completion_s, k.compute_s, k.transfer_s])
        {
            assert!(t.is_finite() && t > 0.0, "{t}");
        }
    }
    let heavy = chain(
        Shape::new(4000, 4000, 256),
        vec![Layer::Conv(Conv::same(256, 11)); 2],
    );
    let heavy = Network::new(&heavy).unwrap();
    assert!(heavy.flops() > coopai::model::limits::MAX_FLOPS / 10);
    let plan = solve(&heavy, &slow, Algorithm::Mls);
    assert!(plan.completion_s.is_finite() && plan.per_k.iter().all(|k| k.completion_s.is_finite()));
    // A long chain with many devices is refused before any work is done.
    let long = chain(
        Shape::new(64, 64, 4),
        vec![Layer::Conv(Conv::same(4, 3)); 1000],
    );
    let net = Network::new(&long).unwrap();
    let mls = Workload::Solve(Algorithm::Mls);
    let err = admit(&net, &Environment::new(32, 100.0, 13.6).unwrap(), mls).unwrap_err();
    assert!(
        err.0
            .contains(&format!("more than the limit of {MAX_STEPS}")),
        "{}",
        err.0
    );
    assert!(admit(&net, &Environment::new(4, 100.0, 13.6).unwrap(), mls).is_ok());
}

/// The elementwise product (`mul`): two or more inputs of one shape, that shape out, no
/// FLOPs and no weights (as `add`: spec-dag D1), rows read one to one; written `"mul"`.
#[test]
fn a_product_reads_inputs_of_one_shape_and_costs_what_an_add_costs() {
    use coopai::model::{json, RowMap};
    let text = r#"{"name": "attention", "input": {"height": 6, "width": 5, "channels": 3},
        "layers": [{"type": "conv", "filters": 4, "kernel": 3},
                   {"type": "conv", "filters": 4, "kernel": 1},
                   {"type": "mul", "inputs": [2, 1]}]}"#;
    let net = json::parse_network(text).unwrap();
    let mul = net.layer(3);
    assert_eq!(mul.kind, Layer::Mul);
    assert_eq!(mul.output, Shape::new(6, 5, 4));
    assert_eq!((mul.flops, mul.params), (0, 0));
    assert_eq!(mul.row_map(), RowMap::Same);
    assert!(net.dag);
    // The two convs alone: 2·3·3·3·4·6·5 + 2·1·1·4·4·6·5.
    assert_eq!(net.flops(), 6480 + 960);
    let back = json::parse_network(&json::to_json(&net.model)).unwrap();
    assert_eq!(back.model, net.model);
    assert!(json::to_json(&net.model).contains(r#""type": "mul""#));

    let dag = |layers: Vec<Layer>, inputs: Vec<Vec<usize>>| Model {
        name: "bad".into(),
        input: Shape::new(8, 8, 2),
        layers,
        passthrough: None,
        inputs,
        gateway_head: None,
    };
    let conv = |filters| Layer::Conv(Conv::same(filters, 3));
    refused(
        dag(vec![conv(2), Layer::Mul], vec![vec![0], vec![1]]),
        "layer 2: a mul layer reads two or more inputs, found 1 input(s)",
    );
    refused(
        dag(vec![conv(3), Layer::Mul], vec![vec![0], vec![1, 0]]),
        "layer 2: multiplies tensors of different shapes: 8×8×3 and 8×8×2",
    );
    // A per-channel product is a scale, not a mul: 1×1×2 factors are refused here.
    let gap = Layer::Pool(coopai::model::PoolLayer::global(
        coopai::model::PoolMode::Avg,
    ));
    refused(
        dag(vec![gap, Layer::Mul], vec![vec![0], vec![0, 1]]),
        "layer 2: multiplies tensors of different shapes: 8×8×2 and 1×1×2",
    );
    let e = json::parse_model(
        r#"{"input": {"height": 4, "width": 4, "channels": 1},
            "layers": [{"type": "mul", "inputs": [0, 0], "factor": 2}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "layer 1: unknown field `factor`, there are no fields"
    );
}
