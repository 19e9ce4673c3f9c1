//! The `coopai` binary as a user meets it: JSON output, errors, and the README's
//! reproduction table staying what `coopai reproduce --markdown` prints.

mod common;

use std::ffi::OsStr;

use common::cli::{coopai, json};

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

/// Runs `args` and checks the error is one line, exit code 2, nothing on stdout;
/// returns the line.
fn fails<S: AsRef<OsStr> + std::fmt::Debug>(args: &[S]) -> String {
    let out = coopai(args);
    let err = String::from_utf8(out.stderr).expect("messages are UTF-8");
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("coopai: "), "{err}");
    assert!(
        !err.trim_end().chars().any(char::is_control),
        "control characters: {err:?}"
    );
    err
}

fn fails_with<S: AsRef<OsStr> + std::fmt::Debug>(args: &[S], message: &str) {
    let err = fails(args);
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
        "bandwidth must be a number from 1e-6 to 1e9 Mbps",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--gflops", "inf"],
        "gflops must be a number from 1e-9 to 1e9 GFLOPS",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--algorithm", "best"],
        "expects mls, sls or both",
    );
    fails_with(
        &["solve", "--model", "vgg16", "--devise", "3"],
        "unknown option '--devise' (did you mean '--devices'?)",
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

#[test]
fn help_version_and_typo_suggestions() {
    for args in [&["--help"][..], &["help"], &[]] {
        let out = coopai(args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        for command in ["solve", "reproduce", "bench", "verify"] {
            assert!(text.contains(command), "{args:?}: {text}");
        }
    }
    let out = coopai(&["solve", "--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for option in [
        "--model",
        "--devices",
        "--bandwidth",
        "--gflops",
        "--algorithm",
        "--json",
    ] {
        assert!(text.contains(option), "{text}");
    }
    let out = coopai(&["verify", "--help"]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("--scale"));
    let out = coopai(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("coopai {}\n", env!("CARGO_PKG_VERSION"))
    );
    fails_with(&["solv"], "unknown command 'solv' (did you mean 'solve'?)");
    fails_with(&["reproduce", "--markdwn"], "did you mean '--markdown'?");
    fails_with(
        &["solve", "--model", "tiny", "extra"],
        "unexpected argument 'extra'",
    );
}

/// Hostile arguments: not UTF-8, holding control characters, or huge.
#[test]
fn hostile_arguments_are_escaped_and_shortened() {
    #[cfg(unix)]
    {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        let bad = OsString::from_vec(vec![0xff, 0xfe]);
        let args = [OsString::from("solve"), "--model".into(), bad.clone()];
        fails_with(&args, "--model '\u{FFFD}\u{FFFD}' is neither a zoo model");
        let args = [
            OsString::from("solve"),
            "--model".into(),
            "tiny".into(),
            "--devices".into(),
            bad.clone(),
        ];
        fails_with(
            &args,
            "--devices expects a whole number from 1 to 256, found '\u{FFFD}\u{FFFD}'",
        );
        fails(&[OsString::from("solve"), bad.clone()]);
        fails(&[bad]);
    }
    fails_with(
        &["solve", "--model", "a\u{1b}[2J\nforged"],
        "--model 'a\\u{1b}[2J\\nforged' is neither",
    );
    fails_with(
        &["solve", "--model", "tiny", "--algorithm", "\u{202E}lsm"],
        "found '\\u{202e}lsm'",
    );
    let huge = "x".repeat(100_000);
    let err = fails(&["solve", "--model", &huge]);
    assert!(err.len() < 300, "{} bytes", err.len());
    assert!(err.contains("xxx…'"), "{err}");
    let err = fails(&["solve", &format!("--{huge}")]);
    assert!(err.len() < 300, "{} bytes", err.len());
    let err = fails(&[&huge[..]]);
    assert!(err.len() < 300, "{} bytes", err.len());
}

/// A file whose size reads as 0 but whose content never ends is not read (a kernel
/// file; `tests/hostile.rs` has `/proc/kmsg`, which blocks); a file's size over the
/// limit is refused, and one that fits is read whole.
#[cfg(target_os = "linux")]
#[test]
fn a_file_is_read_up_to_the_limit_whatever_its_size_says() {
    let size = std::fs::metadata("/proc/self/pagemap").unwrap().len();
    assert_eq!(size, 0, "the case needs a file that reports 0 bytes");
    fails_with(
        &["solve", "--model", "/proc/self/pagemap"],
        "/proc/self/pagemap: the file reports a size of 0 bytes",
    );
    let dir = std::env::temp_dir().join(format!("coopai-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.json");
    std::fs::write(&path, " ".repeat((4 << 20) + 1)).unwrap();
    fails_with(
        &["solve", "--model", path.to_str().unwrap()],
        "more than 4194304 bytes",
    );
    std::fs::write(&path, " ".repeat(4 << 20)).unwrap();
    // Exactly the limit is read, and refused by the parser for what it holds.
    let err = fails(&["solve", "--model", path.to_str().unwrap()]);
    assert!(!err.contains("more than 4194304 bytes"), "{err}");
}

/// Rates so small that the times overflow are refused, naming the limit;
/// the smallest accepted ones give finite times.
#[test]
fn rates_whose_times_overflow_are_refused() {
    fails_with(
        &["solve", "--model", "yolov2", "--bandwidth", "1e-300"],
        "bandwidth must be a number from 1e-6 to 1e9 Mbps (the limits that keep every time finite), found 1e-300",
    );
    fails_with(
        &["solve", "--model", "yolov2", "--gflops", "1e-310"],
        "gflops must be a number from 1e-9",
    );
    fails_with(
        &["solve", "--model", "yolov2", "--gflops", "0"],
        "found 0e0",
    );
    let v = json(&[
        "solve",
        "--model",
        "yolov2",
        "--bandwidth",
        "1e-6",
        "--gflops",
        "1e-9",
        "--devices",
        "32",
        "--json",
    ]);
    let t = v["completion_s"]
        .as_f64()
        .expect("a finite number, not null");
    // 6.3e10 FLOPs at 1 FLOP/s shared by at most 32 devices: decades, but a number.
    assert!(t.is_finite() && t > 6.3e10 / 32.0, "{t}");
    for k in v["per_k"].as_array().unwrap() {
        assert!(k["completion_s"].as_f64().unwrap().is_finite());
    }
}

/// A 1,000-layer chain of 1×1 convs as project JSON.
fn long_chain(dir: &std::path::Path) -> String {
    let layer = r#"{"type": "conv", "filters": 1, "kernel": 1}"#;
    let layers = vec![layer; 1000].join(",");
    let path = dir.join("chain1000.json");
    std::fs::write(
        &path,
        format!(r#"{{"input": {{"height": 4, "width": 4, "channels": 1}}, "layers": [{layers}]}}"#),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

/// The work limit knows the algorithm; SLS is accepted where MLS is not.
#[test]
fn the_work_limit_depends_on_the_algorithm() {
    let dir = std::env::temp_dir().join(format!("coopai-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = long_chain(&dir);
    fails_with(
        &["solve", "--model", &path, "--devices", "32"],
        "an MLS solve with 32 devices on a 1000-layer model would take about",
    );
    fails_with(&["solve", "--model", &path, "--devices", "32"], "or SLS");
    let v = json(&[
        "solve",
        "--model",
        &path,
        "--devices",
        "32",
        "--algorithm",
        "sls",
        "--json",
    ]);
    assert_eq!(v["model"]["layers"], 1000);
}

/// Values that overflow f32 are said to, not compared as equal: 140 layers each adding
/// the previous output to itself double it past f32's range whatever the seed.
#[test]
fn verify_says_when_the_values_overflowed() {
    let dir = std::env::temp_dir().join(format!("coopai-overflow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conv = r#"{"type": "conv", "filters": 4, "kernel": 3, "padding": 1}"#;
    let adds: Vec<String> = (1..=140)
        .map(|n| format!(r#"{{"type": "add", "inputs": [{n}, {n}]}}"#))
        .collect();
    let path = dir.join("overflow.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"input": {{"height": 16, "width": 16, "channels": 3}}, "layers": [{conv}, {}, {conv}]}}"#,
            adds.join(", ")
        ),
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let out = coopai(&[
        "verify",
        "--model",
        path,
        "--devices",
        "2",
        "--bandwidth",
        "10000",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("MISMATCH: largest difference of the final output inf\nthe values overflowed f32 in round 1 (max |value| inf)"),
        "{text}"
    );
}
