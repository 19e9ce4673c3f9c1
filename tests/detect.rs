//! The one format detector the CLI, the page and the importers share: each format is
//! named for what it is, and reading a file's bytes or its text gives the same answer.
#![cfg(feature = "onnx")]

use coopai::import::{read_bytes, read_text, Format};
use coopai::model::{json, zoo};

fn format_of(text: &str) -> Format {
    let (format, _) = read_text(text).unwrap_or_else(|e| panic!("{e}"));
    let (from_bytes, _) = read_bytes(text.as_bytes()).unwrap();
    assert_eq!(from_bytes, format);
    format
}

#[test]
fn every_text_format_is_named_for_what_it_is() {
    let keras = include_str!("models/tiny.keras.json");
    let cases = [
        ("vgg16".to_string(), Format::Zoo, "zoo model"),
        (
            json::to_json(&zoo::by_name("tiny").unwrap()),
            Format::Project,
            "project JSON",
        ),
        (keras.to_string(), Format::Keras, "Keras JSON"),
        (
            format!(r#"{{"model_config": {keras}}}"#),
            Format::Keras,
            "Keras JSON",
        ),
        // A TF.js model.json, as the page once labelled "project JSON".
        (
            format!(r#"{{"format": "layers-model", "modelTopology": {keras}}}"#),
            Format::TfJs,
            "TF.js model.json",
        ),
        (
            include_str!("corpus_real/tfjs/mobilenet_v2.model.json").to_string(),
            Format::TfJs,
            "TF.js model.json",
        ),
        (
            include_str!("models/tiny.cfg").to_string(),
            Format::Darknet,
            "Darknet cfg",
        ),
        (
            format!("# a comment first\n{}", include_str!("models/tiny.cfg")),
            Format::Darknet,
            "Darknet cfg",
        ),
    ];
    for (text, format, name) in cases {
        assert_eq!(format_of(&text), format, "{name}");
        assert_eq!(format.name(), name);
    }
}

#[test]
fn onnx_bytes_are_onnx() {
    let (format, _) = read_bytes(include_bytes!("onnx/squeezenet.onnx")).unwrap();
    assert_eq!(format, Format::Onnx);
    assert_eq!(format.name(), "ONNX");
}
