//! The ONNX importer on real exports (tests/onnx/, see its README): every file
//! loads, conv+FC FLOPs equal the independent count of `make.py` (ONNX's own shape
//! inference) and the output shape matches.
#![cfg(feature = "onnx")]

use coopai::import::{self, onnx};
use coopai::model::Layer;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/onnx");

fn read(file: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{file}")).unwrap_or_else(|e| panic!("{file}: {e}"))
}

struct Expected {
    file: String,
    convs: usize,
    fcs: usize,
    flops: u64,
    output: Vec<u64>,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(format!("{DIR}/EXPECTED.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Expected {
                file: f[0].into(),
                convs: f[1].parse().unwrap(),
                fcs: f[2].parse().unwrap(),
                flops: f[3].parse().unwrap(),
                output: f[4].split('x').map(|d| d.parse().unwrap()).collect(),
            }
        })
        .collect()
}

#[test]
fn every_fixture_matches_the_independent_count() {
    let all = expected();
    assert_eq!(all.len(), 9);
    for e in all {
        let net = onnx::load(&read(&e.file)).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        let convs = net
            .layers
            .iter()
            .filter(|l| matches!(l.kind, Layer::Conv(_)))
            .count();
        let fcs = net
            .layers
            .iter()
            .filter(|l| matches!(l.kind, Layer::Fc(_)))
            .count();
        assert_eq!((convs, fcs), (e.convs, e.fcs), "{}", e.file);
        // The planner counts FLOPs for convs and FCs only, so the totals compare.
        assert_eq!(net.flops(), e.flops, "{}", e.file);
        let out = net.output();
        let elements: u64 = e.output.iter().product();
        assert_eq!(out.elements(), elements, "{}", e.file);
        if let [1, c, h, w] = e.output[..] {
            assert_eq!(
                (out.channels, out.height, out.width),
                (c as u32, h as u32, w as u32)
            );
        }
        // Detection from bytes reaches the same importer.
        assert_eq!(
            import::load_bytes(&read(&e.file)).unwrap(),
            net,
            "{}",
            e.file
        );
    }
}

mod onnx_support;

use coopai::model::{Bilinear, Conv, Fc, PoolLayer, PoolMode, Shape, Shuffle, Split, Upsample};
use onnx_support::*;

fn layers(m: &coopai::import::onnx::proto::ModelProto) -> Vec<Layer> {
    onnx::load(&bytes(m))
        .unwrap_or_else(|e| panic!("{e}"))
        .model
        .layers
}

/// Channel group `group_id` of `groups`.
fn split(groups: u32, group_id: u32) -> Layer {
    Layer::Split(Split { groups, group_id })
}

fn error(m: &coopai::import::onnx::proto::ModelProto) -> String {
    let e = onnx::load(&bytes(m)).expect_err("refused").to_string();
    assert!(!e.contains('\n') && e.len() < 700, "{e}");
    e
}

#[test]
fn a_chain_fuses_its_pool_and_flattens_into_the_fc() {
    let net = onnx::load(&bytes(&small())).unwrap();
    assert_eq!(net.input, Shape::new(16, 16, 3));
    assert_eq!(
        net.model.layers,
        [
            Layer::Conv(Conv::same(8, 3).with_pool(2, 2)),
            Layer::Pool(PoolLayer::global(PoolMode::Avg)),
            Layer::Fc(Fc { outputs: 10 }),
        ]
    );
    assert!(net.model.inputs.is_empty(), "a chain keeps no inputs");
    assert_eq!(net.model.name, "test");
}

#[test]
fn the_zoo_vgg19_comes_back_from_its_onnx_export() {
    let net = onnx::load(&read("vgg19.onnx")).unwrap();
    assert_eq!(net.model.layers, coopai::model::zoo::vgg(19).layers);
    assert!(!net.dag);
}

#[test]
fn conv_attributes_map_to_the_general_conv() {
    // auto_pad SAME_UPPER with stride 2 on 16: total padding 1, at the end.
    let m = one_node(
        [1, 4, 16, 16],
        "Conv",
        &["x", "w"],
        vec![
            string("auto_pad", "SAME_UPPER"),
            ints("strides", &[2, 2]),
            int("group", 4),
        ],
        vec![weight("w", &[8, 1, 3, 3])],
    );
    let mut c = Conv::same(8, 3).with_stride(2, 0).with_groups(4);
    c.pad_bottom = Some(1);
    c.pad_right = Some(1);
    assert_eq!(layers(&m), [Layer::Conv(c)]);
    // Rectangular kernel, asymmetric pads, dilation.
    let m = one_node(
        [1, 3, 16, 16],
        "Conv",
        &["x", "w"],
        vec![
            ints("pads", &[0, 3, 0, 3]),
            ints("dilations", &[2, 2]),
            ints("strides", &[1, 2]),
        ],
        vec![weight("w", &[5, 3, 1, 7])],
    );
    let [Layer::Conv(c)] = layers(&m)[..] else {
        panic!()
    };
    assert_eq!(
        (c.kernel, c.kernel_w, c.padding, c.pad_left, c.dilation, c.stride_w),
        (1, Some(7), 0, Some(3), Some(2), Some(2))
    );
}

#[test]
fn a_pad_node_folds_into_the_next_conv() {
    let m = model(
        [1, 3, 8, 8],
        vec![
            node("Pad", &["x", "pads"], &["p"], vec![]),
            node("Conv", &["p", "w"], &["y"], vec![]),
        ],
        vec![
            int64s("pads", &[0, 0, 1, 1, 0, 0, 1, 1]),
            weight("w", &[4, 3, 3, 3]),
        ],
        "y",
    );
    assert_eq!(layers(&m), [Layer::Conv(Conv::same(4, 3))]);
}

#[test]
fn residual_add_and_se_scale() {
    // y = conv(x) + x; s = sigmoid(gemm-free 1×1 conv of the global pool); z = y * s.
    let m = model(
        [1, 4, 8, 8],
        vec![
            node(
                "Conv",
                &["x", "w"],
                &["c"],
                vec![ints("pads", &[1, 1, 1, 1])],
            ),
            node("Add", &["c", "x"], &["y"], vec![]),
            node("GlobalAveragePool", &["y"], &["g"], vec![]),
            node("Conv", &["g", "w1"], &["e"], vec![]),
            node("Sigmoid", &["e"], &["s"], vec![]),
            node("Mul", &["y", "s"], &["z"], vec![]),
            node("Add", &["z", "bias"], &["out"], vec![]),
        ],
        vec![
            weight("w", &[4, 4, 3, 3]),
            weight("w1", &[4, 4, 1, 1]),
            weight("bias", &[4, 1, 1]),
        ],
        "out",
    );
    let net = onnx::load(&bytes(&m)).unwrap();
    assert_eq!(net.model.layers[1], Layer::Add);
    assert_eq!(net.model.layers[4], Layer::Scale);
    assert_eq!(
        net.model.inputs,
        [vec![0], vec![1, 0], vec![2], vec![3], vec![2, 4]]
    );
    assert!(net.dag);
}

#[test]
fn a_mul_of_two_maps_is_a_product_and_other_joins_stay_sums() {
    // Spatial attention: a = sigmoid(conv1x1(x)); y = x * a (a product of two 4×8×8
    // maps); z = y - x, a difference of one shape, is planned as an add (its data
    // flow); out = z * (x * 2), a constant factor, is free.
    let m = model(
        [1, 4, 8, 8],
        vec![
            node("Conv", &["x", "w"], &["c"], vec![]),
            node("Sigmoid", &["c"], &["a"], vec![]),
            node("Mul", &["x", "a"], &["y"], vec![]),
            node("Sub", &["y", "x"], &["z"], vec![]),
            node("Mul", &["z", "two"], &["out"], vec![]),
        ],
        vec![weight("w", &[4, 4, 1, 1]), f32s("two", &[2.0])],
        "out",
    );
    let net = onnx::load(&bytes(&m)).unwrap();
    assert_eq!(
        net.model.layers,
        [Layer::Conv(Conv::same(4, 1)), Layer::Mul, Layer::Add]
    );
    assert_eq!(net.model.inputs, [vec![0], vec![0, 1], vec![2, 0]]);
    // Only the conv costs: 2·4·4·8·8.
    assert_eq!(net.flops(), 2048);
    // Maps of different shapes are neither a product nor a per-channel scale.
    let m = model(
        [1, 4, 8, 8],
        vec![
            node("Conv", &["x", "w"], &["c"], vec![]),
            node("Mul", &["x", "c"], &["y"], vec![]),
        ],
        vec![weight("w", &[1, 4, 1, 1])],
        "y",
    );
    let e = error(&m);
    assert!(
        e.contains("Mul: inputs of shapes 8×8×4, 8×8×1 cannot be combined"),
        "{e}"
    );
}

#[test]
fn channel_shuffle_split_slice_and_concat() {
    let m = model(
        [1, 8, 4, 4],
        vec![
            node("Reshape", &["x", "s5"], &["r1"], vec![]),
            node(
                "Transpose",
                &["r1"],
                &["t"],
                vec![ints("perm", &[0, 2, 1, 3, 4])],
            ),
            node("Reshape", &["t", "s4"], &["sh"], vec![]),
            node("Split", &["sh"], &["a", "b"], vec![int("axis", 1)]),
            node("Slice", &["sh", "st", "en", "ax"], &["c"], vec![]),
            node("Concat", &["b", "a", "c"], &["y"], vec![int("axis", 1)]),
        ],
        vec![
            int64s("s5", &[1, 2, 4, 4, 4]),
            int64s("s4", &[1, -1, 4, 4]),
            int64s("st", &[2]),
            int64s("en", &[4]),
            int64s("ax", &[1]),
        ],
        "y",
    );
    let net = onnx::load(&bytes(&m)).unwrap();
    assert_eq!(
        net.model.layers,
        [
            Layer::Shuffle(Shuffle { groups: 2 }),
            split(2, 0),
            split(2, 1),
            split(4, 1),
            Layer::Concat,
        ]
    );
    assert_eq!(net.model.inputs[4], [3, 2, 4]);
    assert_eq!(net.output(), Shape::new(4, 4, 10));
}

#[test]
fn resize_by_a_whole_factor_is_a_nearest_or_bilinear_upsample() {
    let m = one_node(
        [1, 3, 4, 4],
        "Resize",
        &["x", "", "sc"],
        vec![string("mode", "nearest")],
        vec![f32s("sc", &[1.0, 1.0, 2.0, 2.0])],
    );
    assert_eq!(layers(&m), [Layer::Upsample(Upsample { factor: 2 })]);
    let with = |attributes| {
        let mut m = m.clone();
        m.graph.as_mut().unwrap().node[0].attribute = attributes;
        m
    };
    // Linear with half-pixel centres (the default, and torch's align_corners=False).
    let bilinear = [Layer::Bilinear(Bilinear { factor: 2 })];
    assert_eq!(layers(&with(vec![string("mode", "linear")])), bilinear);
    let torch = string("coordinate_transformation_mode", "pytorch_half_pixel");
    assert_eq!(
        layers(&with(vec![string("mode", "linear"), torch])),
        bilinear
    );
    // torch's align_corners=True places the centres otherwise; cubic blends four rows.
    let corners = string("coordinate_transformation_mode", "align_corners");
    let message = error(&with(vec![string("mode", "linear"), corners]));
    assert!(
        message.contains("linear mode with 'align_corners' coordinates"),
        "{message}"
    );
    assert!(error(&with(vec![string("mode", "cubic")])).contains("mode 'cubic'"));
}

#[test]
fn a_pytorch_style_flatten_through_shape_gather_concat() {
    // x.view(x.size(0), -1) exports as Shape, Gather, Unsqueeze, Concat, Reshape.
    let mut m = model(
        [1, 3, 4, 4],
        vec![
            node("Conv", &["x", "w"], &["c"], vec![]),
            node("Shape", &["c"], &["sh"], vec![]),
            node("Gather", &["sh", "zero"], &["n"], vec![int("axis", 0)]),
            node("Unsqueeze", &["n", "ax0"], &["n1"], vec![]),
            node(
                "Concat",
                &["n1", "minus1"],
                &["target"],
                vec![int("axis", 0)],
            ),
            node("Reshape", &["c", "target"], &["f"], vec![]),
            node("MatMul", &["f", "w2"], &["y"], vec![]),
            node("Constant", &[], &["minus1"], vec![]),
        ],
        vec![
            weight("w", &[2, 3, 1, 1]),
            int64s("ax0", &[0]),
            weight("w2", &[32, 5]),
        ],
        "y",
    );
    let mut zero = int64s("zero", &[0]);
    zero.dims.clear();
    let g = m.graph.as_mut().unwrap();
    g.initializer.push(zero);
    // The Constant must come before its reader: move it to the front.
    let constant = g.node.pop().unwrap();
    g.node.insert(0, constant);
    g.node[0].attribute = vec![ints("value_ints", &[-1])];
    assert_eq!(
        layers(&m),
        [Layer::Conv(Conv::same(2, 1)), Layer::Fc(Fc { outputs: 5 })]
    );
}

#[test]
fn ceil_mode_and_padded_pools_stand_alone() {
    let m = model(
        [1, 3, 9, 9],
        vec![
            node("Conv", &["x", "w"], &["c"], vec![]),
            node(
                "MaxPool",
                &["c"],
                &["y"],
                vec![
                    ints("kernel_shape", &[2, 2]),
                    ints("strides", &[2, 2]),
                    int("ceil_mode", 1),
                ],
            ),
        ],
        vec![weight("w", &[4, 3, 1, 1])],
        "y",
    );
    let net = onnx::load(&bytes(&m)).unwrap();
    assert!(matches!(
        net.model.layers[1],
        Layer::Pool(PoolLayer { ceil: true, .. })
    ));
    assert_eq!(net.output(), Shape::new(5, 5, 4));
}

#[test]
fn a_large_weight_is_skipped_but_its_dims_are_kept() {
    let mut m = small();
    let g = m.graph.as_mut().unwrap();
    g.initializer[0].data = None;
    let mut b = bytes(&m);
    // Append a second copy of w1 with 1 MB of raw data in a separate initializer field
    // of the graph (field 5): the importer must read its dims and skip the data.
    let big = coopai::import::onnx::proto::TensorProto {
        dims: vec![8, 3, 3, 3],
        data_type: 1,
        name: "w1".into(),
        data: Some((9, vec![0; 1 << 20])),
        ..Default::default()
    };
    let g2 = coopai::import::onnx::proto::GraphProto {
        initializer: vec![big],
        ..Default::default()
    };
    let mut outer = coopai::import::onnx::proto::ModelProto {
        graph: Some(g2),
        ..Default::default()
    };
    outer.ir_version = 0;
    b.extend(prost::Message::encode_to_vec(&outer));
    // Protobuf merges the two graphs: w1 is now defined twice.
    assert!(onnx::load(&b)
        .unwrap_err()
        .to_string()
        .contains("initializer 'w1': the name is used twice"));
    let mut m = small();
    m.graph.as_mut().unwrap().initializer[0].data = Some((9, vec![0; 1 << 20]));
    let net = onnx::load(&bytes(&m)).unwrap();
    assert_eq!(
        net.model.layers[0],
        Layer::Conv(Conv::same(8, 3).with_pool(2, 2))
    );
}

#[test]
fn the_resnet50_export_is_the_zoos_resnet50() {
    // The zoo's ResNet-50 was written by hand from the paper; the export ends with a
    // 7×7 average pool on the 7×7 map where the zoo has a global one — the same thing.
    use coopai::cost::Environment;
    use coopai::model::{zoo, Network};
    use coopai::solver::{solve, Algorithm};
    let net = onnx::load(&read("resnet50.onnx")).unwrap();
    let mut model = net.model.clone();
    let last_pool = model.layers.len() - 2;
    assert_eq!(
        model.layers[last_pool],
        Layer::Pool(PoolLayer::new(PoolMode::Avg, 7, 1))
    );
    model.layers[last_pool] = Layer::Pool(PoolLayer::global(PoolMode::Avg));
    let zoo = zoo::by_name("resnet50").unwrap();
    assert_eq!((&model.layers, &model.inputs), (&zoo.layers, &zoo.inputs));
    let zoo = Network::new(&zoo).unwrap();
    assert_eq!((net.flops(), net.params()), (zoo.flops(), zoo.params()));
    let env = Environment::new(4, 100.0, 13.6).unwrap();
    for algorithm in [Algorithm::Mls, Algorithm::Sls] {
        let (a, b) = (solve(&net, &env, algorithm), solve(&zoo, &env, algorithm));
        assert_eq!(a.completion_s, b.completion_s);
    }
}

#[test]
fn older_opsets_write_attributes_where_newer_ones_take_inputs() {
    let with_opset = |mut m: coopai::import::onnx::proto::ModelProto, v: i64| {
        m.opset_import[0].version = v;
        m
    };
    // Upsample-7: scales as an attribute; Resize-10: scales as input 2 (index 1).
    let up7 = one_node(
        [1, 3, 4, 4],
        "Upsample",
        &["x"],
        vec![floats("scales", &[1.0, 1.0, 3.0, 3.0])],
        vec![],
    );
    assert_eq!(
        layers(&with_opset(up7, 7)),
        [Layer::Upsample(Upsample { factor: 3 })]
    );
    let resize10 = one_node(
        [1, 3, 4, 4],
        "Resize",
        &["x", "sc"],
        vec![],
        vec![f32s("sc", &[1.0, 1.0, 2.0, 2.0])],
    );
    assert_eq!(
        layers(&with_opset(resize10, 10)),
        [Layer::Upsample(Upsample { factor: 2 })]
    );
    // Resize-13 by sizes.
    let sizes = one_node(
        [1, 3, 4, 4],
        "Resize",
        &["x", "", "", "sz"],
        vec![],
        vec![int64s("sz", &[1, 3, 8, 8])],
    );
    assert_eq!(layers(&sizes), [Layer::Upsample(Upsample { factor: 2 })]);
    // Pad-2 and Slice-1 with attributes; Split-2 with its `split` attribute.
    let old = model(
        [1, 8, 6, 6],
        vec![
            node(
                "Pad",
                &["x"],
                &["p"],
                vec![ints("pads", &[0, 0, 1, 1, 0, 0, 1, 1])],
            ),
            node("Conv", &["p", "w"], &["c"], vec![]),
            node(
                "Slice",
                &["c"],
                &["s"],
                vec![ints("starts", &[4]), ints("ends", &[8]), ints("axes", &[1])],
            ),
            node(
                "Split",
                &["s"],
                &["a", "b"],
                vec![int("axis", 1), ints("split", &[2, 2])],
            ),
            node("Add", &["a", "b"], &["y"], vec![]),
        ],
        vec![weight("w", &[8, 8, 3, 3])],
        "y",
    );
    assert_eq!(
        layers(&with_opset(old, 9)),
        [
            Layer::Conv(Conv::same(8, 3)),
            split(2, 1),
            split(2, 0),
            split(2, 1),
            Layer::Add,
        ]
    );
    // ReduceMean-18 takes its axes as an input; keepdims 0 flattens for the Gemm.
    let reduce = model(
        [1, 4, 5, 5],
        vec![
            node(
                "ReduceMean",
                &["x", "axes"],
                &["r"],
                vec![int("keepdims", 0)],
            ),
            node("Gemm", &["r", "w"], &["y"], vec![]),
        ],
        vec![int64s("axes", &[-1, -2]), weight("w", &[4, 3])],
        "y",
    );
    assert_eq!(
        layers(&with_opset(reduce, 18)),
        [
            Layer::Pool(PoolLayer::global(PoolMode::Avg)),
            Layer::Fc(Fc { outputs: 3 })
        ]
    );
}

#[test]
fn what_the_planner_cannot_model_is_refused_with_the_reason() {
    let one = |op, inputs, attrs, inits| one_node([1, 4, 8, 8], op, inputs, attrs, inits);
    let cases = [
        (one("ConvTranspose", &["x", "w"], vec![], vec![weight("w", &[4, 4, 2, 2])]), "node 1 'y': ConvTranspose: this op is not supported"),
        (one("Gemm", &["x", "w"], vec![], vec![weight("w", &[256, 10])]), "input 1 has dims [1, 4, 8, 8]; the planner's fully-connected layer reads a tensor flattened"),
        (one("Transpose", &["x"], vec![ints("perm", &[0, 3, 2, 1])], vec![]), "perm [0, 3, 2, 1] of dims [1, 4, 8, 8]"),
        (one("Slice", &["x", "s", "e", "a"], vec![], vec![int64s("s", &[1]), int64s("e", &[4]), int64s("a", &[1])]), "channels 1..4 of 4: the planner splits channels into equal groups only"),
        (one("Concat", &["x", "x"], vec![int("axis", 2)], vec![]), "axis 2: the planner concatenates along the channels only"),
        (one("Conv", &["x", "w"], vec![ints("dilations", &[1, 2])], vec![weight("w", &[4, 4, 3, 3])]), "dilations [1, 2]"),
        (one("Conv", &["x", "w"], vec![], vec![weight("w", &[4, 3, 3, 3])]), "the weights have dims [4, 3, 3, 3] for 3 input channels in 1 group(s), but the input has 4"),
        (one("Conv", &["x", "x"], vec![], vec![]), "input 2 'x' is computed from the model input, expected a constant"),
        (one("Resize", &["x", "", "sc"], vec![], vec![f32s("sc", &[1.0, 1.0, 1.5, 1.5])]), "scales [1, 1, 1.5, 1.5]"),
        (one("Reshape", &["x", "s"], vec![], vec![int64s("s", &[1, 4, 64])]), "dims [1, 4, 8, 8] to [1, 4, 64]"),
        (one("MaxPool", &["x"], vec![ints("kernel_shape", &[9, 9])], vec![]), "node 1 'y': MaxPool: pool rows: the window of 9 is larger than its padded input of 8"),
    ];
    for (m, want) in cases {
        let e = error(&m);
        assert!(e.contains(want), "expected '{want}' in: {e}");
    }
    let m = model(
        [1, 4, 8, 8],
        vec![
            node("Conv", &["x", "w"], &["c"], vec![ints("strides", &[2, 2])]),
            node("Concat", &["x", "c"], &["y"], vec![int("axis", 1)]),
        ],
        vec![weight("w", &[4, 4, 1, 1])],
        "y",
    );
    assert!(error(&m)
        .contains("node 2 'y': Concat: concatenates maps of different sizes: 8×8×4 and 4×4×4"));
    // The dropout mask and MaxPool's indices are not modelled.
    let m = model(
        [1, 4, 8, 8],
        vec![
            node("Dropout", &["x"], &["d", "mask"], vec![]),
            node("Add", &["d", "mask"], &["y"], vec![]),
        ],
        vec![],
        "y",
    );
    assert!(error(&m).contains("node 1 'd': Dropout: its output 2 (named 'mask') is read, but the planner only models its first output"));
}

#[test]
fn imported_networks_run_sliced_as_they_run_whole() {
    // The executor runs each plan on tensors: every round within its bound and traffic
    // equal to the cost model. Small inputs keep this quick in debug builds; the full
    // sizes are checked with `coopai verify` (docs/import.md).
    use coopai::cost::Environment;
    use coopai::execute::{scaled, verify};
    use coopai::solver::{solve, Algorithm};
    let env = Environment::new(4, 10_000.0, 13.6).unwrap();
    for (file, scale) in [("squeezenet.onnx", 2), ("bvlc_alexnet.onnx", 4)] {
        let net = scaled(&onnx::load(&read(file)).unwrap(), scale).unwrap();
        for algorithm in [Algorithm::Mls, Algorithm::Sls] {
            let plan = solve(&net, &env, algorithm);
            let report = verify(&net, &plan, 7).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(report.ok, "{file} {algorithm:?}: {report:?}");
        }
    }
}
