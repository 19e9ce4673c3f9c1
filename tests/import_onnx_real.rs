//! Real torch exports: torchvision's ShuffleNetV2, ConvNeXt-T, two segmentation
//! models (LR-ASPP and DeepLabV3 on MobileNetV3-Large) and four single-stage detectors
//! (SSDlite320, SSD300, RetinaNet, FCOS; the classic exporter only), ultralytics'
//! YOLOv5n and YOLOv8n, each written by the classic exporter (opset 17) and the dynamo
//! one, weights removed (`tests/onnx/make_real.py`). Each loads with its conv+linear
//! FLOPs within 0.5 % of 2 × torch's own MAC count (`tests/onnx/REAL.tsv`, counted by
//! forward hooks on torch's modules), plans on several devices, and runs through the
//! executor at a reduced size with every round as planned.
#![cfg(feature = "onnx")]

use coopai::cost::Environment;
use coopai::execute::{scaled, verify};
use coopai::import::onnx;
use coopai::model::{json, Layer, Network};
use coopai::solver::{solve, Algorithm};

fn read(file: &str) -> Vec<u8> {
    let path = format!("{}/tests/onnx/real/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `(file, 2 × torch's MACs)` from REAL.tsv.
fn torch_counts() -> Vec<(String, u64)> {
    let tsv = include_str!("onnx/REAL.tsv");
    tsv.lines()
        .skip(1)
        .map(|l| {
            let (file, count) = l.split_once('\t').unwrap();
            (file.to_string(), count.parse().unwrap())
        })
        .collect()
}

#[test]
fn real_exports_load_with_torchs_flops() {
    let counts = torch_counts();
    assert_eq!(counts.len(), 18);
    for (file, torch) in counts {
        let (net, notes) =
            onnx::load_noting(&read(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        // The dynamo exporter asked for opset 17 keeps opset 18's Split(num_outputs):
        // read, with one warning per Split naming both opsets; the others have none.
        if file.contains("dynamo17") {
            // YOLOv8n's C2f blocks split 8 times, both heads once.
            let splits = if file.starts_with("yolov8n") { 9 } else { 1 };
            assert_eq!(notes.len(), splits, "{file}: {notes:?}");
            for note in &notes {
                assert!(
                    note.contains(
                        ": Split: num_outputs is an attribute of Split from opset 18, but the \
                         file imports opset 17"
                    ),
                    "{note}"
                );
            }
        } else {
            assert_eq!(notes, Vec::<String>::new(), "{file}");
        }
        let ours = net.flops();
        let off = (ours as f64 - torch as f64).abs() / torch as f64;
        println!("{file}: {ours} FLOPs, torch {torch}, {:.4} %", off * 100.0);
        assert!(off <= 0.005, "{file}: {ours} FLOPs against torch's {torch}");
    }
}

#[test]
fn both_exporters_give_one_model() {
    for name in [
        "shufflenet_v2_x1_0",
        "convnext_tiny",
        "yolov5n",
        "yolov8n",
        "lraspp_mobilenet_v3_large",
        "deeplabv3_mobilenet_v3_large",
    ] {
        let classic = onnx::load(&read(&format!("{name}.classic.onnx"))).unwrap();
        for kind in ["dynamo", "dynamo17"] {
            let path = format!("{name}.{kind}.onnx");
            if !name.starts_with("yolo") && kind == "dynamo17" {
                continue;
            }
            let dynamo = onnx::load(&read(&path)).unwrap();
            assert_eq!(classic.flops(), dynamo.flops(), "{path}");
            assert_eq!(classic.layers.len(), dynamo.layers.len(), "{path}");
        }
    }
}

#[test]
fn segmentation_models_upsample_bilinearly_plan_on_several_devices_and_run_as_planned() {
    // Their bilinear Resizes (align_corners=False) bring the maps back to the input
    // size; at fast links the plan partitions them like any DAG.
    let env = Environment::new(4, 10_000.0, 13.6).unwrap();
    for file in [
        "lraspp_mobilenet_v3_large.classic.onnx",
        "deeplabv3_mobilenet_v3_large.dynamo.onnx",
    ] {
        let net = onnx::load(&read(file)).unwrap();
        let bilinears = net
            .layers
            .iter()
            .filter(|l| matches!(l.kind, Layer::Bilinear(_)));
        assert_eq!(bilinears.count(), 2, "{file}");
        assert_eq!(net.output().height, 224, "{file}");
        let plan = solve(&net, &env, Algorithm::Mls);
        assert!(plan.devices > 1, "{file}: k = {}", plan.devices);
    }
    // LR-ASPP at half size (DeepLabV3's pooling branch is resized by a fixed 14 to its
    // 14×14 map, so it has no smaller size; `coopai verify` runs it whole in 2 s).
    let full = onnx::load(&read("lraspp_mobilenet_v3_large.classic.onnx")).unwrap();
    let net = scaled(&full, 2).unwrap();
    let plan = solve(&net, &env, Algorithm::Mls);
    // Seed 3: before the executor gated its SE products, its random values grew
    // through them to f32's infinity by layer 96.
    let report = verify(&net, &plan, 3).unwrap();
    assert!(
        plan.devices > 1 && report.ok,
        "k = {}: {report:?}",
        plan.devices
    );
}

#[test]
fn detectors_plan_their_backbone_on_several_devices_and_run_as_planned() {
    // Fast links: the backbone and neck are partitioned across devices like any DAG;
    // the head's maps are model outputs gathered by the gateway.
    let env = Environment::new(4, 10_000.0, 13.6).unwrap();
    for (file, scale) in [
        ("yolov5n.classic.onnx", 8),
        ("yolov8n.dynamo.onnx", 8),
        ("shufflenet_v2_x1_0.classic.onnx", 4),
        ("convnext_tiny.classic.onnx", 4),
        ("convnext_tiny.dynamo.onnx", 4),
    ] {
        let full = onnx::load(&read(file)).unwrap();
        plans_apart_and_runs_scaled(file, &full, &env, Some(scale));
    }
}

/// `full` plans on several devices at `env` and, at `1/scale` of its input, runs
/// through the executor as planned.
fn plans_apart_and_runs_scaled(file: &str, full: &Network, env: &Environment, scale: Option<u32>) {
    let plan = solve(full, env, Algorithm::Mls);
    assert!(plan.devices > 1, "{file}: k = {}", plan.devices);
    let Some(scale) = scale else { return };
    let net = scaled(full, scale).unwrap_or_else(|e| panic!("{file}: {e}"));
    let plan = solve(&net, env, Algorithm::Mls);
    let report = verify(&net, &plan, 3).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(report.ok, "{file}: {report:?}");
}

#[test]
fn torchvisions_single_stage_detectors_leave_the_selection_of_boxes_to_the_gateway() {
    // They take one [3, H, W] picture; their transform (normalise, resize to the size
    // exported, pad by nothing, batch the one picture) moves no rows; their heads'
    // convs are layers; anchors, decoding, score thresholds, top-k and NMS are the
    // gateway's, on the maps the heads' last convs output.
    let env = Environment::new(4, 10_000.0, 13.6).unwrap();
    for (file, side, maps, scale) in [
        (
            "ssdlite320_mobilenet_v3_large.classic.onnx",
            320,
            12,
            Some(4),
        ),
        // Its extra layers shrink to 1×1 at 300: it has no smaller size.
        ("ssd300_vgg16.classic.onnx", 300, 12, None),
        // Run by `coopai verify --scale 8` too (docs/import.md); here its twin FCOS, whose
        // heads add GroupNorm, keeps the debug-build test short.
        ("retinanet_resnet50_fpn.classic.onnx", 800, 10, None),
        ("fcos_resnet50_fpn.classic.onnx", 800, 15, Some(8)),
    ] {
        let full = onnx::load(&read(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let input = full.model.input;
        assert_eq!((input.height, input.width, input.channels), (side, side, 3));
        let head = full.model.gateway_head.clone().expect(file);
        assert_eq!(head.reads.len(), maps, "{file}: {:?}", head.reads);
        for &l in &head.reads {
            assert!(full.consumers[l - 1].is_empty(), "{file}: layer {l}");
        }
        let ops: Vec<&str> = head.ops.iter().map(|o| o.op.as_str()).collect();
        for op in ["NonZero", "GatherND", "If", "Reshape", "Concat"] {
            assert!(ops.contains(&op), "{file}: {ops:?}");
        }
        assert_eq!(head.flops, 0, "{file}");
        // 24 to 34 kinds of op: said by the commonest six and a count of the others.
        let words = head.describe();
        assert!(
            words.contains(" other kinds) decode the outputs of layers "),
            "{file}: {words}"
        );
        plans_apart_and_runs_scaled(file, &full, &env, scale);
    }
}

#[test]
fn a_two_stage_detector_is_refused_where_its_second_stage_reads_the_maps() {
    let file = "fasterrcnn_mobilenet_v3_large_320_fpn.classic.onnx";
    let e = onnx::load(&read(file)).unwrap_err().to_string();
    assert!(
        e.contains(
            "'/roi_heads/box_roi_pool/RoiAlign': RoiAlign: RoiAlign reads a layer's output \
             together with values the detection head decoded"
        ),
        "{e}"
    );
}

#[test]
fn plans_of_detectors_name_the_head_left_to_the_gateway() {
    let env = Environment::new(4, 1000.0, 13.6).unwrap();
    for (file, reads) in [
        ("yolov5n.classic.onnx", [85, 88, 91, 94, 97, 100]),
        ("yolov5n.dynamo.onnx", [85, 88, 91, 94, 97, 100]),
        ("yolov8n.classic.onnx", [88, 91, 94, 97, 100, 103]),
        ("yolov8n.dynamo17.onnx", [88, 91, 94, 97, 100, 103]),
    ] {
        let net = onnx::load(&read(file)).unwrap();
        let head = net.model.gateway_head.clone().expect(file);
        // Each scale's box and class convs, read by the head alone: model outputs.
        assert_eq!(head.reads, reads, "{file}");
        for &l in &reads {
            assert!(net.consumers[l - 1].is_empty(), "{file}: layer {l}");
        }
        // The DFL: a 1×1 conv of 16 weights over 4 × 8 400 anchors' distributions, the
        // difference between torch's count and ours (REAL.tsv).
        assert_eq!(head.flops, 2 * 16 * 4 * 8400, "{file}");
        let ops: Vec<&str> = head.ops.iter().map(|o| o.op.as_str()).collect();
        for op in ["Concat", "Conv", "Reshape", "Sigmoid", "Softmax"] {
            assert!(ops.contains(&op), "{file}: {ops:?}");
        }
        let plan = serde_json::to_value(solve(&net, &env, Algorithm::Mls)).unwrap();
        assert_eq!(plan["gateway_head"]["reads"], serde_json::json!(reads));
        assert_eq!(plan["gateway_head"]["flops"], 1_075_200);
        // The project JSON keeps the head (the page's links, an exported file): read
        // back, it plans the same, head and all.
        let back = json::parse_network(&json::to_json(&net.model)).unwrap();
        assert_eq!(back.model.gateway_head.as_ref(), Some(&head), "{file}");
        let again = serde_json::to_value(solve(&back, &env, Algorithm::Mls)).unwrap();
        assert_eq!(again, plan, "{file}");
    }
    // A classifier has no head, and its plan no such field.
    for file in [
        "convnext_tiny.dynamo.onnx",
        "shufflenet_v2_x1_0.classic.onnx",
    ] {
        let net = onnx::load(&read(file)).unwrap();
        assert_eq!(net.model.gateway_head, None, "{file}");
        let plan = serde_json::to_value(solve(&net, &env, Algorithm::Mls)).unwrap();
        assert!(plan.get("gateway_head").is_none(), "{file}");
    }
}

#[test]
fn the_cli_prints_the_head_left_to_the_gateway() {
    let file = format!(
        "{}/tests/onnx/real/yolov8n.classic.onnx",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coopai"))
        .args(["solve", "--model", &file, "--bandwidth", "1000"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "\ndetection head left to the gateway: 24 nodes (Add 2, Concat 4, Conv 1, Div 1, \
             Mul 1, Reshape 8, Sigmoid 1, Slice 2, Softmax 1, Sub 2, Transpose 1) decode the \
             outputs of layers 88, 91, 94, 97, 100, 103; priced at zero, as are its convs' \
             1075200 FLOPs\n"
        ),
        "{text}"
    );
}

/// Keras applications converted by tf2onnx (`tests/onnx/make_tf2onnx.py`): TensorFlow's
/// `[1, H, W, C]` input transposed to NCHW first (after EfficientNet's Rescaling and
/// Normalization), MobileNetV3's paddings and SE blocks channels-last between
/// transposes, and VGG16's Dense reading a channels-last map flattened. Each plans
/// as Keras' own JSON of the same architecture (`tests/corpus_real/keras2`, `keras3`):
/// the same FLOPs and parameters, and where both importers build the same layers the
/// same plans. (The ONNX importer fuses a max pool into the conv before it when exact,
/// even in a branching model; the Keras one keeps it a layer there, so DenseNet-121,
/// InceptionV3 and VGG16 have 3, 6 and 5 layers fewer from ONNX.)
#[test]
fn tf2onnx_exports_plan_as_their_keras_json_does() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (file, keras) in [
        ("mobilenetv2", "keras2/mobilenet_v2"),
        ("mobilenetv3small", "keras3/mobilenet_v3_small"),
        ("efficientnetb0", "keras2/efficientnet_b0"),
        ("resnet50", "keras2/resnet50"),
        ("densenet121", "keras2/densenet121"),
        ("inceptionv3", "keras3/inception_v3"),
        ("xception", "keras3/xception"),
        ("vgg16", "keras3/vgg16"),
    ] {
        let path = format!("{root}/tests/onnx/tf2onnx/{file}.onnx");
        let ours =
            onnx::load(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{file}: {e}"));
        let text = std::fs::read_to_string(format!("{root}/tests/corpus_real/{keras}.keras.json"))
            .unwrap();
        let theirs = coopai::import::detect_and_load(&text).unwrap();
        assert_eq!(ours.model.input, theirs.model.input, "{file}");
        assert_eq!(
            (ours.flops(), ours.params()),
            (theirs.flops(), theirs.params()),
            "{file}"
        );
        if ours.layers.len() != theirs.layers.len() {
            continue;
        }
        for (devices, bandwidth) in [(4, 100.0), (10, 1000.0)] {
            let env = Environment::new(devices, bandwidth, 13.6).unwrap();
            let (a, b) = (
                solve(&ours, &env, Algorithm::Mls),
                solve(&theirs, &env, Algorithm::Mls),
            );
            assert_eq!(
                (a.devices, a.completion_s),
                (b.devices, b.completion_s),
                "{file} at {devices} × {bandwidth}"
            );
        }
    }
}
