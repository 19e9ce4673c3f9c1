//! The `coopai` binary as a user meets it: JSON output, errors, and the README's
//! reproduction table staying what `coopai reproduce --markdown` prints.

use std::process::{Command, Output};

fn coopai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coopai"))
        .args(args)
        .output()
        .unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = coopai(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn solve_json_has_the_documented_fields() {
    let v = json(&[
        "solve",
        "--model",
        "vgg16",
        "--devices",
        "10",
        "--bandwidth",
        "100",
        "--gflops",
        "13.6",
        "--json",
    ]);
    assert_eq!(v["model"]["name"], "vgg16");
    assert_eq!(v["model"]["layers"], 16);
    assert_eq!(v["algorithm"], "mls");
    assert_eq!(v["devices"], 7);
    assert_eq!(v["per_k"].as_array().unwrap().len(), 10);
    assert_eq!(v["per_k"][6]["blocks"], 4);
    let blocks = v["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 4);
    assert_eq!(blocks[0]["first"], 1);
    assert_eq!(blocks.last().unwrap()["last"], 16);
    let total: f64 = blocks
        .iter()
        .map(|b| b["completion_s"].as_f64().unwrap())
        .sum();
    assert!((total - v["completion_s"].as_f64().unwrap()).abs() < 1e-12);
    let conv = blocks.iter().find(|b| b["case"] == "conv").unwrap();
    let d0 = &conv["devices"][0];
    for key in ["flops", "ti_bits", "tau_bits", "to_bits"] {
        assert!(d0[key].is_u64(), "{key}");
    }
    // Rows are 0-based inclusive pairs, the input rows contain the grid's halo.
    assert_eq!(d0["out_rows"][0], 0);
    assert!(d0["in_rows"][1].as_u64().unwrap() >= d0["out_rows"][1].as_u64().unwrap());
    let fc = blocks
        .iter()
        .find(|b| b["case"].as_str().unwrap().starts_with("fc"))
        .unwrap();
    assert!(fc["devices"][0]["out_rows"].is_null());
}

#[test]
fn sls_and_a_model_file() {
    let dir = std::env::temp_dir().join(format!("coopai-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tiny.json");
    std::fs::write(
        &path,
        r#"{"name": "mine", "input": {"height": 32, "width": 32, "channels": 3},
            "layers": [{"type": "conv", "filters": 16, "kernel": 3, "pool": {"size": 2, "stride": 2}},
                       {"type": "fc", "outputs": 10}]}"#,
    )
    .unwrap();
    let v = json(&[
        "solve",
        "--model",
        path.to_str().unwrap(),
        "--algorithm",
        "sls",
        "--devices",
        "4",
        "--json",
    ]);
    assert_eq!(v["model"]["name"], "mine");
    assert_eq!(v["algorithm"], "sls");
    for b in v["blocks"].as_array().unwrap() {
        assert!(b["first"] == b["last"] || b["case"] == "single");
    }
}

fn fails_with(args: &[&str], message: &str) {
    let out = coopai(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("coopai: "), "{err}");
    assert!(
        err.contains(message),
        "{args:?}: expected '{message}' in {err}"
    );
}

#[test]
fn bad_arguments_are_one_line_errors() {
    fails_with(&["frobnicate"], "unknown command 'frobnicate'");
    fails_with(&["solve"], "--model is required");
    fails_with(&["solve", "--model", "resnet"], "neither a zoo model");
    fails_with(
        &["solve", "--model", "vgg16", "--devices", "0"],
        "devices must be between 1 and 256, found 0",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--devices", "-3"],
        "--devices expects a whole number",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--bandwidth", "NaN"],
        "bandwidth must be a number above 0",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--gflops", "inf"],
        "gflops must be a number above 0",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--algorithm", "best"],
        "expects mls or sls",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--devise", "3"],
        "unknown option '--devise'",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--devices"],
        "--devices needs a value",
    );
    fails_with(
        &[
            "solve",
            "--model",
            "vgg16",
            "--devices",
            "2",
            "--devices",
            "3",
        ],
        "given twice",
    );
}

#[test]
fn bad_model_files_are_one_line_errors() {
    let dir = std::env::temp_dir().join(format!("coopai-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("{\"input\": {\"height\": 8, \"width\": 8, \"channels\": 1}, \"layers\": []}", "no layers"),
        ("{\"input\": {\"height\": 8, \"width\": 8, \"channels\": 1}, \"layers\": [{\"type\": \"conv\", \"filters\": 4, \"kernel\": 3, \"colour\": 1}]}", "unknown field `colour`"),
        ("{\"input\": {\"height\": 2, \"width\": 2, \"channels\": 1}, \"layers\": [{\"type\": \"conv\", \"filters\": 4, \"kernel\": 7, \"padding\": 1}]}", "layer 1: kernel 7 is larger than its padded input"),
        ("{\"input\": {\"height\": 8, \"width\": 8, \"channels\": 1}, \"layers\": [{\"type\": \"fc\", \"outputs\": 4}, {\"type\": \"conv\", \"filters\": 4, \"kernel\": 3}]}", "layer 2: a conv layer cannot follow"),
        ("{\"input\": {\"height\": 8, \"width\": 8, \"channels\": 0}, \"layers\": [{\"type\": \"fc\", \"outputs\": 4}]}", "input channels must be at least 1"),
        ("{\"input\": {\"height\": 8", "line 1"),
    ];
    for (n, (text, message)) in cases.iter().enumerate() {
        let path = dir.join(format!("bad{n}.json"));
        std::fs::write(&path, text).unwrap();
        fails_with(&["solve", "--model", path.to_str().unwrap()], message);
    }
}

#[test]
fn readme_reproduction_table_is_current() {
    let out = coopai(&["reproduce", "--markdown"]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- reproduce:start -->\n")
        .expect("start marker")
        + "<!-- reproduce:start -->\n".len();
    let end = readme.find("<!-- reproduce:end -->").expect("end marker");
    assert_eq!(
        &readme[start..end],
        table,
        "README.md is stale: paste the output of `cargo run --release -- reproduce --markdown` between the markers"
    );
}

#[test]
fn a_cluster_on_the_command_line() {
    let uniform = json(&[
        "solve",
        "--model",
        "vgg16",
        "--cluster",
        "10x13.6",
        "--json",
    ]);
    let paper = json(&[
        "solve",
        "--model",
        "vgg16",
        "--devices",
        "10",
        "--gflops",
        "13.6",
        "--json",
    ]);
    assert_eq!(uniform["completion_s"], paper["completion_s"]);
    assert_eq!(uniform["blocks"], paper["blocks"]);
    let mixed = json(&[
        "solve",
        "--model",
        "vgg16",
        "--cluster",
        "3x13.6,1x50@2048",
        "--json",
    ]);
    assert_eq!(mixed["cluster"].as_array().unwrap().len(), 4);
    assert_eq!(mixed["cluster"][3]["memory_mb"], 2048.0);
    assert_eq!(mixed["blocks"][0]["devices"][0]["device"], 3);
    let text = String::from_utf8(
        coopai(&["solve", "--model", "vgg16", "--cluster", "3x13.6,1x50"]).stdout,
    )
    .unwrap();
    assert!(
        text.contains("devices used, fastest first: device 4 (50 GFLOPS)"),
        "{text}"
    );
    fails_with(
        &["solve", "--model", "vgg16", "--cluster", "10x13.6@1"],
        "no plan fits the devices' memory: layer",
    );
    fails_with(
        &[
            "solve",
            "--model",
            "vgg16",
            "--cluster",
            "4x13.6",
            "--gflops",
            "2",
        ],
        "--cluster describes the devices",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--cluster", "4x0x10"],
        "cluster group '4x0x10'",
    );
}
