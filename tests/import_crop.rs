//! The crop layer as the importers read it: Keras `Cropping2D` and the ONNX `Slice` of
//! the height and width that torch writes for `x[:, :, 4:-4, 4:-4]`. One U-Net level
//! (unpadded convs, the skip cropped to the upsampled map, concatenated) written both
//! ways (`tests/keras/make_unet_crop.py`, `tests/onnx/make_crop.py`) reads to one model,
//! round-trips through the project's JSON, plans and runs as planned.
#![cfg(feature = "onnx")]

use coopai::cost::Environment;
use coopai::execute::verify;
use coopai::import::{keras, onnx};
use coopai::model::{json, Crop, Layer, Network, Shape};
use coopai::solver::{solve, Algorithm};

fn fixture(path: &str) -> String {
    format!("{}/tests/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn keras_unet() -> Network {
    let text = std::fs::read_to_string(fixture("keras/unet_crop.keras.json")).unwrap();
    keras::load(&text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn cropping2d_and_an_onnx_slice_of_h_and_w_are_one_crop() {
    let net = keras_unet();
    let crop = Layer::Crop(Crop {
        top: 4,
        bottom: 4,
        left: 4,
        right: 4,
    });
    let at = net
        .model
        .layers
        .iter()
        .position(|l| *l == crop)
        .expect("a crop")
        + 1;
    // c1b's 60×60×8 less 4 on every side: the upsampled 26 × 2.
    assert_eq!(net.layer(at).input, Shape::new(60, 60, 8));
    assert_eq!(net.layer(at).output, Shape::new(52, 52, 8));
    assert_eq!(net.layer(at).flops, 0);
    // Unpadded 3×3 convs, 2·Co·H·W·Ci·9 each, and the 1×1 output conv.
    let conv = |co: u64, hw: u64, ci: u64, k: u64| 2 * co * hw * hw * ci * k * k;
    let flops = conv(8, 62, 1, 3)
        + conv(8, 60, 8, 3)
        + conv(16, 28, 8, 3)
        + conv(16, 26, 16, 3)
        + conv(8, 50, 24, 3)
        + conv(8, 48, 8, 3)
        + conv(2, 48, 8, 1);
    assert_eq!(net.flops(), flops);

    let bytes = std::fs::read(fixture("onnx/unet_crop.onnx")).unwrap();
    let from_onnx = onnx::load(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_onnx.model.layers, net.model.layers);
    assert_eq!(from_onnx.inputs, net.inputs);
    // The project's JSON form: `{"type": "crop", "top": 4, …}`, read back the same.
    let text = json::to_json(&net.model);
    assert!(text.contains(r#""type": "crop","#), "{text}");
    assert_eq!(json::parse_network(&text).unwrap().model, net.model);
}

#[test]
fn a_crop_plans_and_runs_as_planned() {
    let net = keras_unet();
    for (bandwidth, algorithm) in [(10_000.0, Algorithm::Mls), (100.0, Algorithm::Sls)] {
        let env = Environment::new(4, bandwidth, 13.6).unwrap();
        let plan = solve(&net, &env, algorithm);
        let report = verify(&net, &plan, 5).unwrap_or_else(|e| panic!("{e}"));
        assert!(report.ok, "{report:?}");
    }
}

#[test]
fn a_crop_that_leaves_nothing_is_refused_where_it_was_written() {
    let text = std::fs::read_to_string(fixture("keras/unet_crop.keras.json")).unwrap();
    let mut model: serde_json::Value = serde_json::from_str(&text).unwrap();
    model["config"]["layers"][7]["config"]["cropping"] = serde_json::json!([[30, 30], [4, 4]]);
    let e = keras::load(&model.to_string())
        .expect_err("refused")
        .to_string();
    assert_eq!(
        e,
        "$.config.layers[7]: Cropping2D \"crop1\": cropping 30 + 30 rows of 60 leaves none (a \
         crop keeps at least one)"
    );
    let e = json::parse_network(
        r#"{"input": {"height": 8, "width": 8, "channels": 1},
            "layers": [{"type": "crop", "top": 0, "bottom": 0, "left": 5, "right": 3}]}"#,
    )
    .expect_err("refused")
    .to_string();
    assert_eq!(
        e,
        "layer 1: cropping 5 + 3 columns of 8 leaves none (a crop keeps at least one)"
    );
}
