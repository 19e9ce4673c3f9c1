//! Malformed and hostile inputs: every file of tests/corpus/ is refused with the error
//! listed for it in tests/corpus/EXPECTED.tsv (exact location, distinctive part of the
//! message), and inputs too big to commit are generated here. Nothing may panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use coopai::import::{darknet, detect_and_load, keras, limits};
use coopai::model::ModelError;

fn corpus_dir() -> String {
    format!("{}/tests/corpus", env!("CARGO_MANIFEST_DIR"))
}

/// `None` when `text` is refused at `location` with a message containing `fragment`,
/// otherwise what happened instead.
fn mismatch(
    load: fn(&str) -> Result<coopai::model::Network, ModelError>,
    text: &str,
    location: &str,
    fragment: &str,
) -> Option<String> {
    match catch_unwind(AssertUnwindSafe(|| load(text))) {
        Err(_) => Some("panicked".into()),
        Ok(Ok(net)) => Some(format!("was accepted as {} layers", net.len())),
        Ok(Err(e)) if e.location == location && e.message.contains(fragment) => None,
        Ok(Err(e)) => Some(format!(
            "location {:?}, message {:?}",
            e.location, e.message
        )),
    }
}

#[test]
fn every_corpus_file_is_refused_with_its_expected_error() {
    let dir = corpus_dir();
    let manifest = std::fs::read_to_string(format!("{dir}/EXPECTED.tsv")).unwrap();
    let mut listed = Vec::new();
    let mut failures = Vec::new();
    for line in manifest.lines().filter(|l| !l.starts_with('#')) {
        let [file, location, fragment] = line.splitn(3, '\t').collect::<Vec<_>>()[..] else {
            panic!("bad manifest line {line:?}");
        };
        let text = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
        if let Some(m) = mismatch(detect_and_load, &text, location, fragment) {
            failures.push(format!(
                "{file}: expected {location:?} / {fragment:?}, got {m}"
            ));
        }
        listed.push(file.to_string());
    }
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f != "EXPECTED.tsv")
        .collect();
    files.sort();
    listed.sort();
    assert_eq!(
        files, listed,
        "every corpus file has exactly one expectation"
    );
    assert!(listed.len() >= 40, "the corpus has {} inputs", listed.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn expect(
    load: fn(&str) -> Result<coopai::model::Network, ModelError>,
    text: &str,
    location: &str,
    fragment: &str,
) {
    if let Some(m) = mismatch(load, text, location, fragment) {
        panic!("expected {location:?} / {fragment:?}, got {m}");
    }
}

#[test]
fn ten_megabytes_of_garbage_are_refused_before_parsing() {
    let mut state = 0x1234_5678u32;
    let garbage: String = (0..10 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            char::from(b' ' + (state % 95) as u8)
        })
        .collect();
    let limit = format!("more than the limit of {}", limits::MAX_TEXT_BYTES);
    expect(detect_and_load, &garbage, "", &limit);
    expect(darknet::load, &garbage, "", &limit);
    expect(keras::load, &garbage, "", &limit);
    let text = format!("{{{}", "[".repeat(10 << 20));
    expect(detect_and_load, &text, "", &limit);
}

#[test]
fn deep_nesting_is_refused_at_its_position() {
    let deep = format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    expect(
        detect_and_load,
        &deep,
        "line 1 column 70",
        "nests deeper than 64 levels",
    );
    expect(
        keras::load,
        &deep,
        "line 1 column 70",
        "nests deeper than 64",
    );
}

#[test]
fn too_many_json_values_are_refused() {
    let text = format!("{{\"a\": [{}0]}}", "0,".repeat(300_000));
    expect(
        detect_and_load,
        &text,
        "line 1 column 500001",
        "more than 250000 values",
    );
}

#[test]
fn too_many_layers_are_refused() {
    let cfg = format!(
        "[net]\nheight=8\nwidth=8\nchannels=1\n{}",
        "[convolutional]\nfilters=1\nsize=1\n".repeat(1001)
    );
    expect(
        darknet::load,
        &cfg,
        "line 1",
        "the model has 1001 layers, more than the limit of 1000",
    );
    let dense = r#"{"class_name": "Dense", "config": {"units": 1}},"#.repeat(1001);
    let keras_text = format!(
        r#"{{"class_name": "Sequential", "config": {{"layers": [{{"class_name": "InputLayer",
        "config": {{"batch_input_shape": [null, 1, 1, 1]}}}}, {{"class_name": "Flatten",
        "config": {{}}}}, {}{{"class_name": "Dropout", "config": {{}}}}]}}}}"#,
        dense.trim_end_matches(',').to_owned() + ","
    );
    expect(
        keras::load,
        &keras_text,
        "$.config",
        "1001 layers, more than the limit of 1000",
    );
}

#[test]
fn too_many_sections_are_refused_while_reading() {
    let cfg = format!(
        "[net]\nheight=8\nwidth=8\nchannels=1\n{}",
        "[dropout]\n".repeat(20_000)
    );
    expect(
        darknet::load,
        &cfg,
        "line 10004",
        "more than 10000 sections",
    );
}

#[test]
fn too_many_options_in_a_section_are_refused() {
    let keys: String = (0..300_000).map(|i| format!("k{i}=1\n")).collect();
    let cfg = format!("[net]\n{keys}");
    expect(
        darknet::load,
        &cfg,
        "line 102",
        "[net] has more than 100 options",
    );
}

#[test]
fn messages_stay_short_whatever_the_names() {
    let huge = "ü".repeat(1 << 20);
    let net = "[net]\nheight=8\nwidth=8\nchannels=1\n";
    let pad = r#"{"class_name": "ZeroPadding2D", "config": {"padding": 1}}"#;
    let input = r#"{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 8, 8, 1]}}"#;
    let keras_with = |layers: String| {
        format!(
            r#"{{"class_name": "Sequential", "config": {{"name": "{huge}", "layers": [{input}, {layers}]}}}}"#
        )
    };
    let texts = [
        format!("{net}[{huge}]\n"),
        format!("{net}[convolutional]\n{huge}=1\n{huge}=2\n"),
        format!("{net}[convolutional]\nfilters={huge}\n"),
        keras_with(format!(
            r#"{pad}, {{"class_name": "{huge}", "config": {{}}}}"#
        )),
        keras_with(format!(
            r#"{{"class_name": "MaxPooling2D", "config": {{"name": "{huge}"}}}}"#
        )),
        keras_with(format!(
            r#"{{"class_name": "Dense", "config": {{"units": "{huge}"}}}}"#
        )),
        keras_with(r#"{"class_name": "Dense", "config": {"units": 3}}"#.into()),
    ];
    for text in texts {
        let e = detect_and_load(&text).unwrap_err().to_string();
        assert!(
            e.chars().count() < 400,
            "{} characters: {}",
            e.len(),
            &e[..200]
        );
    }
}

#[test]
fn the_wrong_importer_says_what_it_expected() {
    expect(
        darknet::load,
        "{\"input\": {}}",
        "line 1",
        "expected key=value",
    );
    expect(
        keras::load,
        "[net]\nheight=1",
        "line 1 column 3",
        "invalid JSON",
    );
    expect(
        keras::load,
        "{\"layers\": []}",
        "$",
        "found no 'class_name'",
    );
}
