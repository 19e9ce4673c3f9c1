//! The bindings, run in headless Chromium: results arrive as plain JS objects (numbers,
//! not BigInts; `null` where the core has `None`) equal to the core's, and bad input
//! throws an `Error` carrying the core's message. They live in the library rather than
//! in `tests/` because an integration test would also build the CLI binary for wasm32.

use crate::cost::Environment;
use crate::model;
use crate::solver::{self, Algorithm};
use crate::wasm;
use js_sys::{Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::{JsError, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn json(v: JsValue) -> Value {
    serde_json::from_str(&String::from(JSON::stringify(&v).unwrap())).expect("JSON")
}

pub(super) fn message(e: JsError) -> String {
    js_sys::Error::from(JsValue::from(e)).message().into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).expect("an object")
}

#[wasm_bindgen_test]
fn zoo_names_list_the_zoo_in_page_order() {
    assert_eq!(
        wasm::zoo_names(),
        [
            "tiny",
            "alexnet",
            "vgg16",
            "vgg19",
            "yolov2",
            "tinyres",
            "resnet18",
            "resnet50",
            "mobilenetv2"
        ]
    );
}

/// Both through JS, so integers (and infinite times, `null`) compare alike.
pub(super) fn same(js: &JsValue, core: &impl serde::Serialize) {
    let expected = JSON::parse(&serde_json::to_string(core).unwrap()).unwrap();
    assert_eq!(
        JSON::stringify(js).unwrap(),
        JSON::stringify(&expected).unwrap()
    );
}

/// The session's cache changes nothing: after other settings, each plan and sweep equals
/// the core's cold solve of the same setting.
#[wasm_bindgen_test]
fn a_session_answers_as_a_cold_solve() {
    let net = model::load("resnet18").unwrap();
    let mut session = wasm::Session::new("resnet18").unwrap();
    for (devices, bandwidth, gflops) in [(10.0, 100.0, 13.6), (10.0, 37.0, 13.6), (4.0, 37.0, 2.5)]
    {
        let env = Environment::new(devices as u32, bandwidth, gflops).unwrap();
        for (name, algorithm) in [("mls", Algorithm::Mls), ("sls", Algorithm::Sls)] {
            let plan = session
                .solve(devices, bandwidth, gflops, "", name, "latency")
                .unwrap();
            same(&plan, &solver::solve(&net, &env, algorithm));
            let stream = session.solve(devices, bandwidth, gflops, "", name, "throughput");
            same(
                &stream.unwrap(),
                &solver::solve_throughput(&net, &env, algorithm).unwrap(),
            );
        }
    }
    let sweep = session
        .sweep_bandwidth(10.0, 13.6, "", vec![40.0, 400.0])
        .unwrap();
    let env = Environment::new(10, 1.0, 13.6).unwrap();
    same(&sweep, &solver::sweep_bandwidth(&net, &env, &[40.0, 400.0]));
}

#[wasm_bindgen_test]
fn solve_matches_the_core_and_the_paper() {
    let plan = wasm::Session::new("vgg16")
        .unwrap()
        .solve(10.0, 100.0, 13.6, "", "mls", "latency")
        .unwrap();
    let flops = get(&get(&plan, "model"), "flops");
    assert!(
        flops.as_f64().is_some(),
        "FLOPs must be a number, not a BigInt"
    );
    let net = model::load("vgg16").unwrap();
    let core = solver::solve(&net, &Environment::raspberry_pi4(10), Algorithm::Mls);
    same(&plan, &core);
    // Table II of the paper: 7 devices in 4 blocks.
    assert_eq!((core.devices, core.blocks.len()), (7, 4));
}

/// The page's worker prepares one `k` per task, each in its own call, until the session
/// says none is left; the solve after them equals a cold one.
#[wasm_bindgen_test]
fn prepare_walks_one_k_per_call_until_the_solve_is_warm() {
    let mut session = wasm::Session::new("tinyres").unwrap();
    let walked: Vec<u32> = std::iter::from_fn(|| {
        let k = session.prepare(8.0, 1000.0, 2.0, "", "sls").unwrap();
        (k > 0).then_some(k)
    })
    .collect();
    assert_eq!(walked, (2..=8).collect::<Vec<_>>());
    let plan = session
        .solve(8.0, 1000.0, 2.0, "", "sls", "latency")
        .unwrap();
    let net = model::load("tinyres").unwrap();
    let env = Environment::new(8, 1000.0, 2.0).unwrap();
    same(&plan, &solver::solve(&net, &env, Algorithm::Sls));
    // More devices: only the new `k`s.
    assert_eq!(session.prepare(9.0, 1000.0, 2.0, "", "sls").unwrap(), 9);
    assert_eq!(session.prepare(9.0, 1000.0, 2.0, "", "sls").unwrap(), 0);
    // A mixed cluster is solved cold: nothing to prepare.
    assert_eq!(
        session.prepare(0.0, 1000.0, 0.0, "3x2,1x5", "mls").unwrap(),
        0
    );
}

#[wasm_bindgen_test]
fn absent_rows_are_null() {
    let mut session = wasm::Session::new("vgg16").unwrap();
    let plan = json(
        session
            .solve(10.0, 100.0, 13.6, "", "mls", "latency")
            .unwrap(),
    );
    let last = plan["blocks"].as_array().unwrap().last().unwrap().clone();
    assert!(last["case"].as_str().unwrap().starts_with("fc"));
    assert_eq!(last["devices"][0]["out_rows"], Value::Null);
}

#[wasm_bindgen_test]
fn describe_shows_the_yolov2_passthrough() {
    let describe = |name| json(wasm::Session::new(name).unwrap().describe().unwrap());
    let net = describe("yolov2");
    assert_eq!(net["layers"].as_array().unwrap().len(), 22);
    assert_eq!(net["branch"]["shape"]["channels"], 256);
    assert_eq!(describe("alexnet")["branch"], Value::Null);
}

#[wasm_bindgen_test]
fn compare_gives_the_saving_over_sls() {
    let mut session = wasm::Session::new("vgg16").unwrap();
    let c = json(session.compare(10.0, 100.0, 13.6, "").unwrap());
    assert_eq!(c["mls"].as_array().unwrap().len(), 10);
    let saving = c["saving_vs_sls_pct"].as_f64().unwrap();
    assert!((saving - 31.53).abs() < 0.01, "saving {saving}");
}

#[wasm_bindgen_test]
fn sweep_gives_one_point_per_bandwidth() {
    let mut session = wasm::Session::new("alexnet").unwrap();
    let points = json(
        session
            .sweep_bandwidth(10.0, 13.6, "", vec![40.0, 400.0])
            .unwrap(),
    );
    let points = points.as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[1]["bandwidth_mbps"], 400.0);
    let (slow, fast) = (
        &points[0]["mls"]["completion_s"],
        &points[1]["mls"]["completion_s"],
    );
    assert!(fast.as_f64() < slow.as_f64());
}

#[wasm_bindgen_test]
fn bad_input_throws_the_core_message() {
    let model_err = |src: &str| model::load(src).unwrap_err().to_string();
    for source in ["nope", "{"] {
        let e = wasm::Session::new(source).err().unwrap();
        assert_eq!(message(e), model_err(source));
    }
    let env_err = |d, g, f| Environment::new(d, g, f).unwrap_err().to_string();
    let mut session = wasm::Session::new("vgg16").unwrap();
    let cases = [
        (
            session.solve(0.0, 100.0, 13.6, "", "mls", "latency"),
            env_err(0, 100.0, 13.6),
        ),
        (
            session.solve(10.0, f64::NAN, 13.6, "", "mls", "latency"),
            env_err(10, f64::NAN, 13.6),
        ),
        (
            session.solve(10.0, 100.0, -1.0, "", "sls", "latency"),
            env_err(10, 100.0, -1.0),
        ),
        (
            session.sweep_bandwidth(10.0, 13.6, "", vec![100.0, 0.0]),
            env_err(10, 0.0, 13.6),
        ),
        (
            session.compare(10.0, 100.0, 0.0, ""),
            env_err(10, 100.0, 0.0),
        ),
        (
            session.solve(2.5, 100.0, 13.6, "", "mls", "latency"),
            "devices must be a whole number, found 2.5".into(),
        ),
        (
            session.solve(10.0, 100.0, 13.6, "", "best", "latency"),
            "algorithm must be 'mls' or 'sls', found 'best'".into(),
        ),
        (
            session.solve(10.0, 100.0, 13.6, "", "mls", "fps"),
            "objective must be 'latency' or 'throughput', found 'fps'".into(),
        ),
    ];
    for (result, expected) in cases {
        assert_eq!(message(result.expect_err(&expected)), expected);
    }
}

#[cfg(feature = "onnx")]
#[wasm_bindgen_test]
fn import_model_bytes_reads_onnx_and_text() {
    let onnx = include_bytes!("../../tests/onnx/squeezenet.onnx");
    let imported = json(wasm::import_model_bytes(onnx).unwrap());
    assert_eq!(imported["format"], "ONNX");
    let again = model::load(imported["json"].as_str().unwrap()).unwrap();
    assert_eq!(again.model, crate::import::onnx::load(onnx).unwrap().model);
    let cfg = include_str!("../../tests/models/tiny.cfg");
    let text = json(wasm::import_model_bytes(cfg.as_bytes()).unwrap());
    assert_eq!(text, json(wasm::import_model(cfg).unwrap()));
    let truncated = &onnx[..onnx.len() / 2];
    assert_eq!(
        message(wasm::import_model_bytes(truncated).unwrap_err()),
        crate::import::load_bytes(truncated)
            .unwrap_err()
            .to_string()
    );
}

#[wasm_bindgen_test]
fn import_model_names_the_format_and_round_trips_as_project_json() {
    let cases = [
        ("vgg16", "zoo model"),
        (include_str!("../../tests/models/tiny.cfg"), "Darknet cfg"),
        (
            include_str!("../../tests/models/alexnet.keras.json"),
            "Keras JSON",
        ),
        (
            &model::json::to_json(&model::zoo::by_name("tiny").unwrap()),
            "project JSON",
        ),
        (
            &format!(
                r#"{{"format": "layers-model", "modelTopology": {}}}"#,
                include_str!("../../tests/models/tiny.keras.json")
            ),
            "TF.js model.json",
        ),
    ];
    for (source, format) in cases {
        let imported = json(wasm::import_model(source).unwrap());
        assert_eq!(imported["format"], format);
        let again = model::load(imported["json"].as_str().unwrap()).unwrap();
        assert_eq!(again.model, model::load(source).unwrap().model, "{format}");
    }
    let broken = "[net]\nheight=8\nwidth=8\nchannels=3\n[convolutional]\nfilters=-16\n";
    assert_eq!(
        message(wasm::import_model(broken).unwrap_err()),
        model::load(broken).unwrap_err().to_string()
    );
}

#[wasm_bindgen_test]
fn import_model_says_where_the_file_wrote_each_layer() {
    let cfg = include_str!("../../tests/models/tiny.cfg");
    let imported = json(wasm::import_model(cfg).unwrap());
    let sources = imported["sources"].as_array().unwrap();
    assert_eq!(sources.len(), model::load(cfg).unwrap().layers.len());
    let line = cfg
        .lines()
        .position(|l| l.trim() == "[convolutional]")
        .unwrap()
        + 1;
    assert_eq!(sources[0], format!("line {line} [convolutional]"));
    // A zoo name and project JSON say nothing of a file.
    assert_eq!(
        json(wasm::import_model("vgg16").unwrap())["sources"],
        serde_json::json!([])
    );
}

#[wasm_bindgen_test]
fn model_json_is_what_import_model_writes() {
    for name in model::zoo::NAMES {
        let session = wasm::Session::new(name).unwrap();
        let imported = json(wasm::import_model(name).unwrap());
        assert_eq!(session.model_json().unwrap(), imported["json"], "{name}");
    }
    let custom = model::json::to_json(&model::zoo::by_name("tinyres").unwrap());
    let session = wasm::Session::new(&custom).unwrap();
    let again = model::load(&session.model_json().unwrap()).unwrap();
    assert_eq!(again.model, model::load(&custom).unwrap().model);
}

#[wasm_bindgen_test]
fn dp_table_matches_the_core_and_refuses_a_bad_k() {
    let session = wasm::Session::new("tinyres").unwrap();
    let table = session.dp_table(8.0, 1000.0, 2.0, "", "mls", 6.0).unwrap();
    let net = model::load("tinyres").unwrap();
    let env = Environment::new(8, 1000.0, 2.0).unwrap();
    let core = solver::dp_table(&net, &env, 6, Algorithm::Mls);
    same(&table, &core);
    for k in [0.0, 9.0, 2.5] {
        let e = session
            .dp_table(8.0, 1000.0, 2.0, "", "mls", k)
            .unwrap_err();
        assert!(message(e).starts_with("k must be a whole number from 1 to 8"));
    }
}

/// The Fig. 9 sweep is counted as the ten comparisons it runs, so a model the
/// page can solve is refused for the sweep, at once, with the reason.
#[wasm_bindgen_test]
fn the_sweep_is_refused_when_ten_comparisons_are_over_the_limit() {
    let layers = vec![r#"{"type": "conv", "filters": 1, "kernel": 1}"#; 435].join(",");
    let text =
        format!(r#"{{"input": {{"height": 4, "width": 4, "channels": 1}}, "layers": [{layers}]}}"#);
    let net = model::load(&text).unwrap();
    let env = Environment::new(32, 100.0, 13.6).unwrap();
    assert!(solver::admit(&net, &env, solver::Workload::Compare).is_ok());
    let ten = vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];
    let mut session = wasm::Session::new(&text).unwrap();
    let refused = |e: JsError| {
        message(e).starts_with(
            "the bandwidth sweep (10 comparisons) with 32 devices on a 435-layer model",
        )
    };
    assert!(refused(
        session.check_sweep(32.0, 13.6, "", ten.len()).unwrap_err()
    ));
    assert!(refused(
        session.sweep_bandwidth(32.0, 13.6, "", ten).unwrap_err()
    ));
}

mod cluster;
