//! Keras functional models and the layers only DAG models have, one construct each, in
//! the node formats of Keras 2 (and TF.js) and Keras 3; and the one-line errors of
//! broken graphs.

use coopai::import::{detect_and_load, keras};
use coopai::model::{
    Bilinear, Conv, Fc, Layer, ModelError, Network, PoolLayer, PoolMode, Shape, Upsample,
};

/// A Keras 2 functional model: `(class, name, config, inputs)` per layer after the input.
fn functional(input: &str, layers: &[(&str, &str, &str, &[&str])]) -> String {
    let mut items = vec![format!(
        r#"{{"class_name": "InputLayer", "name": "in", "config": {{"name": "in", "batch_input_shape": {input}}}, "inbound_nodes": []}}"#
    )];
    for (class, name, config, inputs) in layers {
        let node: Vec<String> = inputs
            .iter()
            .map(|i| format!(r#"["{i}", 0, 0, {{}}]"#))
            .collect();
        items.push(format!(
            r#"{{"class_name": "{class}", "name": "{name}", "config": {{"name": "{name}"{config}}}, "inbound_nodes": [[{}]]}}"#,
            node.join(", ")
        ));
    }
    format!(
        r#"{{"class_name": "Functional", "config": {{"name": "f", "layers": [{}]}}}}"#,
        items.join(",\n")
    )
}

fn load(text: &str) -> Network {
    keras::load(text).unwrap_or_else(|e| panic!("{e}"))
}

fn refuse(text: &str) -> ModelError {
    match keras::load(text) {
        Ok(n) => panic!("accepted as {:?}", n.model.layers),
        Err(e) => e,
    }
}

const CONV: &str = r#", "filters": 8, "kernel_size": [3, 3], "padding": "same""#;

#[test]
fn a_residual_block_adds_the_block_input() {
    let net = load(&functional(
        "[null, 16, 16, 8]",
        &[
            ("Conv2D", "a", CONV, &["in"]),
            ("ReLU", "r", "", &["a"]),
            ("Conv2D", "b", CONV, &["r"]),
            ("Add", "add", "", &["b", "in"]),
        ],
    ));
    assert_eq!(net.model.layers[2], Layer::Add);
    assert_eq!(net.model.inputs_of(3), [2, 0]);
    assert_eq!(net.name, "f");
}

/// A Keras 3 functional model: input `x` (8×8×4), a 1×1 conv `c` of 4 filters, and a
/// merge layer `class` (config fields `config`) of `[c, x]`, which Keras 3 passes as one
/// list of tensors.
fn keras3_merge(class: &str, config: &str) -> String {
    let tensor = |name: &str| {
        format!(
            r#"{{"class_name": "__keras_tensor__", "config": {{"shape": [null, 8, 8, 4], "dtype": "float32", "keras_history": ["{name}", 0, 0]}}}}"#
        )
    };
    format!(
        r#"{{"module": "keras", "class_name": "Functional", "config": {{"name": "k3", "layers": [
        {{"module": "keras.layers", "class_name": "InputLayer", "name": "x", "config": {{"name": "x", "batch_shape": [null, 8, 8, 4]}}, "inbound_nodes": []}},
        {{"module": "keras.layers", "class_name": "Conv2D", "name": "c", "config": {{"name": "c", "filters": 4, "kernel_size": [1, 1]}}, "inbound_nodes": [{{"args": [{}], "kwargs": {{}}}}]}},
        {{"module": "keras.layers", "class_name": "{class}", "name": "m", "config": {{"name": "m"{config}}}, "inbound_nodes": [{{"args": [[{}, {}]], "kwargs": {{}}}}]}}
        ]}}}}"#,
        tensor("x"),
        tensor("c"),
        tensor("x")
    )
}

#[test]
fn keras_3_nodes_and_a_concatenate_of_a_list() {
    let net = load(&keras3_merge("Concatenate", r#", "axis": -1"#));
    assert_eq!(net.model.layers[1], Layer::Concat);
    assert_eq!(net.model.inputs_of(2), [1, 0]);
    assert_eq!(net.output(), Shape::new(8, 8, 8));
}

#[test]
fn a_tfjs_model_json_is_read_through_detection() {
    let inner = functional("[null, 8, 8, 3]", &[("Conv2D", "c", CONV, &["in"])]);
    for wrapped in [
        format!(r#"{{"format": "layers-model", "modelTopology": {inner}, "weightsManifest": []}}"#),
        format!(
            r#"{{"format": "layers-model", "modelTopology": {{"keras_version": "2.4.0", "model_config": {inner}}}}}"#
        ),
    ] {
        let net = detect_and_load(&wrapped).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(net.model.layers, [Layer::Conv(Conv::same(8, 3))]);
    }
}

#[test]
fn a_squeeze_and_excite_block_is_a_per_channel_scale() {
    let net = load(&functional(
        "[null, 8, 8, 16]",
        &[
            ("GlobalAveragePooling2D", "gap", "", &["in"]),
            ("Reshape", "rs", r#", "target_shape": [1, 1, 16]"#, &["gap"]),
            ("Dense", "sq", r#", "units": 4"#, &["rs"]),
            ("Dense", "ex", r#", "units": 16"#, &["sq"]),
            ("Multiply", "mul", "", &["in", "ex"]),
            ("GlobalAveragePooling2D", "gap2", "", &["mul"]),
            ("Dense", "fc", r#", "units": 10"#, &["gap2"]),
        ],
    ));
    assert_eq!(
        net.model.layers,
        [
            Layer::Pool(PoolLayer::global(PoolMode::Avg)),
            Layer::Conv(Conv::same(4, 1)),
            Layer::Conv(Conv::same(16, 1)),
            Layer::Scale,
            Layer::Pool(PoolLayer::global(PoolMode::Avg)),
            Layer::Fc(Fc { outputs: 10 }),
        ]
    );
    assert_eq!(net.model.inputs_of(4), [0, 3]);
}

#[test]
fn a_multiply_of_maps_of_one_shape_is_an_elementwise_product() {
    // Spatial attention: a sigmoid 1×1 conv of the map, times the map (Keras 2 nodes);
    // then a product of three tensors, the input among them.
    let net = load(&functional(
        "[null, 8, 8, 4]",
        &[
            (
                "Conv2D",
                "att",
                r#", "filters": 4, "kernel_size": 1"#,
                &["in"],
            ),
            (
                "Activation",
                "sig",
                r#", "activation": "sigmoid""#,
                &["att"],
            ),
            ("Multiply", "sam", "", &["in", "sig"]),
            ("Multiply", "three", "", &["sam", "in", "att"]),
        ],
    ));
    assert_eq!(
        net.model.layers,
        [Layer::Conv(Conv::same(4, 1)), Layer::Mul, Layer::Mul]
    );
    assert_eq!(net.model.inputs_of(2), [0, 1]);
    assert_eq!(net.model.inputs_of(3), [2, 0, 1]);
    assert_eq!(net.output(), Shape::new(8, 8, 4));
    // Only the conv costs: 2·1·1·4·4·8·8.
    assert_eq!(net.flops(), 2048);
    // Keras 3 passes a merge layer's inputs as one list of tensors.
    let net = load(&keras3_merge("Multiply", ""));
    assert_eq!(net.model.layers[1], Layer::Mul);
    assert_eq!(net.model.inputs_of(2), [1, 0]);
}

#[test]
fn asymmetric_zero_padding_and_depthwise_and_separable_convs() {
    // MobileNetV2's stem: pad bottom/right by one, then a valid 3×3 conv of stride 2.
    let net = load(&functional(
        "[null, 224, 224, 3]",
        &[
            (
                "ZeroPadding2D",
                "pad",
                r#", "padding": [[0, 1], [0, 1]]"#,
                &["in"],
            ),
            (
                "Conv2D",
                "c",
                r#", "filters": 32, "kernel_size": 3, "strides": 2, "padding": "valid""#,
                &["pad"],
            ),
            (
                "DepthwiseConv2D",
                "dw",
                r#", "kernel_size": [3, 3], "padding": "same", "depth_multiplier": 1"#,
                &["c"],
            ),
            (
                "SeparableConv2D",
                "sep",
                r#", "filters": 64, "kernel_size": 3, "strides": [2, 2], "padding": "same""#,
                &["dw"],
            ),
        ],
    ));
    let mut stem = Conv::same(32, 3).with_stride(2, 0);
    stem.pad_bottom = Some(1);
    stem.pad_right = Some(1);
    // 112 with "same", kernel 3, stride 2: TensorFlow pads 0 above, 1 below.
    let mut depthwise = Conv::same(32, 3).with_stride(2, 0).with_groups(32);
    depthwise.pad_bottom = Some(1);
    depthwise.pad_right = Some(1);
    assert_eq!(
        net.model.layers,
        [
            Layer::Conv(stem),
            Layer::Conv(Conv::same(32, 3).with_groups(32)),
            Layer::Conv(depthwise),
            Layer::Conv(Conv::same(64, 1)),
        ]
    );
    assert_eq!(net.output(), Shape::new(56, 56, 64));
    // Depthwise FLOPs: 2·3·3·(32/32)·32·112·112.
    assert_eq!(net.layer(2).flops, 2 * 9 * 32 * 112 * 112);
}

#[test]
fn a_dense_only_model_with_a_flat_input_is_a_chain_of_fcs() {
    let text = r#"{"class_name": "Sequential", "config": {"name": "mlp", "layers": [
        {"class_name": "Dense", "config": {"units": 22, "batch_input_shape": [null, 23]}},
        {"class_name": "Dense", "config": {"units": 3}}]}}"#;
    let net = load(text);
    assert_eq!(net.input, Shape::new(1, 1, 23));
    assert_eq!(
        net.model.layers,
        [Layer::Fc(Fc { outputs: 22 }), Layer::Fc(Fc { outputs: 3 })]
    );
    assert_eq!(net.flops(), 2 * 23 * 22 + 2 * 22 * 3);
}

#[test]
fn same_pooling_and_upsampling() {
    let net = load(&functional(
        "[null, 15, 15, 4]",
        &[
            (
                "MaxPooling2D",
                "p",
                r#", "pool_size": [2, 2], "strides": [2, 2], "padding": "same""#,
                &["in"],
            ),
            (
                "UpSampling2D",
                "u",
                r#", "size": [2, 2], "interpolation": "nearest""#,
                &["p"],
            ),
        ],
    ));
    assert_eq!(net.layer(1).output, Shape::new(8, 8, 4));
    assert_eq!(net.output(), Shape::new(16, 16, 4));
    assert_eq!(net.layer(2).kind, Layer::Upsample(Upsample { factor: 2 }));
    // TF2 blends with half-pixel centres, as the planner's bilinear upsampling.
    let bilinear = load(&functional(
        "[null, 8, 8, 4]",
        &[(
            "UpSampling2D",
            "u",
            r#", "size": [3, 3], "interpolation": "bilinear""#,
            &["in"],
        )],
    ));
    assert_eq!(
        bilinear.layer(1).kind,
        Layer::Bilinear(Bilinear { factor: 3 })
    );
    assert_eq!(bilinear.output(), Shape::new(24, 24, 4));
}

#[test]
fn broken_graphs_are_refused_in_one_line_at_their_path() {
    let cases = [
        (
            functional("[null, 8, 8, 3]", &[("Conv2D", "c", CONV, &["nowhere"])]),
            "$.config.layers[1].inbound_nodes[0][0]",
            "reads call 0 of layer \"nowhere\", which no layer of the model makes",
        ),
        (
            functional(
                "[null, 8, 8, 3]",
                &[("Conv2D", "a", CONV, &["b"]), ("Conv2D", "b", CONV, &["a"])],
            ),
            "$.config.layers[1].inbound_nodes[0][0]",
            "the layers form a cycle",
        ),
        (
            // CBAM's spatial attention broadcasts an 8×8×1 map over the channels.
            functional(
                "[null, 8, 8, 3]",
                &[
                    (
                        "Conv2D",
                        "a",
                        r#", "filters": 1, "kernel_size": 1"#,
                        &["in"],
                    ),
                    ("Multiply", "m", "", &["in", "a"]),
                ],
            ),
            "$.config.layers[2]",
            "multiplies 8×8×3 by 8×8×1; expected maps of one shape",
        ),
        (
            functional("[null, 8, 8, 3]", &[("Lambda", "l", "", &["in"])]),
            "$.config.layers[1].class_name",
            "found \"Lambda\" (a string), expected one of InputLayer",
        ),
        (
            functional("[null, 8, 8, 3]", &[("Functional", "base", "", &["in"])]),
            "$.config.layers[1].config",
            "found no 'layers', expected one",
        ),
        (
            functional(
                "[null, 8, 8, 3]",
                &[(
                    "UpSampling2D",
                    "u",
                    r#", "interpolation": "bicubic""#,
                    &["in"],
                )],
            ),
            "$.config.layers[1].config.interpolation",
            "expected \"nearest\" or \"bilinear\"",
        ),
        (
            functional(
                "[null, 8, 8, 3]",
                &[("UpSampling2D", "u", r#", "size": [2, 3]"#, &["in"])],
            ),
            "$.config.layers[1].config.size",
            "found [2,3] (an array), expected equal factors",
        ),
        (
            functional(
                "[null, 8, 8, 3]",
                &[("Concatenate", "c", r#", "axis": 1"#, &["in", "in"])],
            ),
            "$.config.layers[1].config.axis",
            "expected -1 or 3",
        ),
        (
            functional(
                "[null, 8, 8, 3]",
                &[
                    ("Conv2D", "c", CONV, &["in"]),
                    ("Conv2D", "c", CONV, &["c"]),
                ],
            ),
            "$.config.layers[2]",
            "the layer name \"c\" is used again (first at $.config.layers[1])",
        ),
        (
            functional("[null, 8, 3]", &[("Conv2D", "c", CONV, &["in"])]),
            "$.config.layers[0].config.batch_input_shape",
            "expected [batch, height, width, channels] (an image) or [batch, features]",
        ),
    ];
    for (text, location, fragment) in cases {
        let e = refuse(&text);
        assert_eq!(e.location, location, "{e}");
        assert!(e.message.contains(fragment), "{e}");
        assert!(!e.to_string().contains('\n'));
    }
}

#[test]
fn a_second_input_and_a_multi_output_tensor_are_refused() {
    let text = functional("[null, 8, 8, 3]", &[("Conv2D", "c", CONV, &["in"])])
        .replace(r#"["in", 0, 0, {}]"#, r#"["in", 0, 1, {}]"#);
    let e = refuse(&text);
    assert!(e.message.contains("reads output 1 of layer \"in\""), "{e}");
    let two = functional("[null, 8, 8, 3]", &[("Conv2D", "c", CONV, &["in"])]).replace(
        r#"{"class_name": "Conv2D""#,
        r#"{"class_name": "InputLayer", "name": "in2", "config": {"batch_input_shape": [null, 8, 8, 3]}, "inbound_nodes": []}, {"class_name": "Conv2D""#,
    );
    let e = refuse(&two);
    assert!(e.message.contains("found 2 InputLayers"), "{e}");
}

#[test]
fn nested_models_that_multiply_out_are_stopped_in_one_line() {
    // A model nesting a model called 300 times, itself called 300 times: 90 000 calls
    // from a few hundred node entries.
    let node = r#"[["in", 0, 0, {}]]"#;
    let calls = |n: usize| vec![node; n].join(", ");
    let inner = format!(
        r#"{{"class_name": "Functional", "name": "b", "config": {{"name": "b", "layers": [
            {{"class_name": "InputLayer", "name": "in", "config": {{"batch_input_shape": [null, 8, 8, 3]}}, "inbound_nodes": []}},
            {{"class_name": "ReLU", "name": "r", "config": {{}}, "inbound_nodes": [{node}]}}],
            "input_layers": [["in", 0, 0]], "output_layers": [["r", 0, 0]]}},
            "inbound_nodes": [{}]}}"#,
        calls(300)
    );
    let outer = format!(
        r#"{{"class_name": "Functional", "name": "a", "config": {{"name": "a", "layers": [
            {{"class_name": "InputLayer", "name": "in", "config": {{"batch_input_shape": [null, 8, 8, 3]}}, "inbound_nodes": []}},
            {inner}],
            "input_layers": [["in", 0, 0]], "output_layers": [["b", 0, 0]]}},
            "inbound_nodes": [{}]}}"#,
        calls(300)
    );
    let text = functional("[null, 8, 8, 3]", &[]).replace(
        r#"}, "inbound_nodes": []}]"#,
        &format!(r#"}}, "inbound_nodes": []}}, {outer}]"#),
    );
    let start = std::time::Instant::now();
    let e = refuse(&text);
    assert!(
        e.message.contains("expands to more than 50000 layer calls"),
        "{e}"
    );
    assert!(start.elapsed().as_secs() < 10);
}
