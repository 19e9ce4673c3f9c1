//! Fuzzing the command line's argument parser in-process, with hostile input: random
//! words, OS strings that are not UTF-8, control and bidi characters, huge values, typos,
//! repeated and `--name=value` options, fed to `coopai::cli::run`. Whatever comes in,
//! the answer is output or a one-line message: no panic, no control character, no
//! newline, at most `MAX_MESSAGE_CHARS` characters (plus the ellipsis).
//!
//! The words stay on cheap commands (`solve`, `verify` of `tiny` and of a small file),
//! so the always-on run is quick. The long run is ignored:
//! `FUZZ_SECONDS=60 cargo test --release --test cli_fuzz -- --ignored --nocapture`.

mod common;

use std::ffi::OsString;
use std::time::{Duration, Instant};

use common::Rng;
use coopai::cli::{run, shown::MAX_MESSAGE_CHARS};

/// Words that reach every branch of the parser.
const WORDS: [&str; 40] = [
    "solve",
    "verify",
    "help",
    "solv",
    "verfy",
    "",
    "-",
    "--",
    "-h",
    "--help",
    "--version",
    "-V",
    "--model",
    "--devices",
    "--bandwidth",
    "--gflops",
    "--algorithm",
    "--json",
    "--scale",
    "--seed",
    "--devise",
    "--modle",
    "--markdown",
    "tiny",
    "TINY",
    "vgg",
    "mls",
    "sls",
    "SLS",
    "1",
    "2",
    "0",
    "-3",
    "2.5",
    "1e-300",
    "NaN",
    "0x10",
    "256",
    "257",
    "--devices=3",
];

/// A word that is not in the list: random bytes (often not UTF-8), control and bidi
/// characters, or a long run.
fn odd(rng: &mut Rng) -> OsString {
    match rng.range(0, 3) {
        0 => {
            #[cfg(unix)]
            {
                use std::os::unix::ffi::OsStringExt;
                let bytes = (0..rng.range(1, 12))
                    .map(|_| rng.range(1, 255) as u8)
                    .collect();
                OsString::from_vec(bytes)
            }
            #[cfg(not(unix))]
            OsString::from("\u{FFFD}")
        }
        1 => ["\u{1b}[2J", "a\nb", "\r", "\u{202E}x", "\t", "\u{0}", "é🚀"][rng.below(7)].into(),
        2 => "9".repeat(rng.range(20, 5000) as usize).into(),
        _ => format!("--{}", "x".repeat(rng.range(1, 100_000) as usize)).into(),
    }
}

fn model_file() -> OsString {
    let dir = std::env::temp_dir().join(format!("coopai-cli-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.json");
    std::fs::write(
        &path,
        r#"{"input": {"height": 12, "width": 12, "channels": 2},
            "layers": [{"type": "conv", "filters": 3, "kernel": 3}, {"type": "fc", "outputs": 4}]}"#,
    )
    .unwrap();
    path.into_os_string()
}

/// One random command line: usually a command, then options, values and odd words.
fn command_line(rng: &mut Rng, file: &OsString) -> Vec<OsString> {
    let mut words: Vec<OsString> = Vec::new();
    if rng.chance(90) {
        // `verify` runs tensors (slow in a debug build): one line in ten.
        words.push(if rng.chance(10) { "verify" } else { "solve" }.into());
        if rng.chance(80) {
            words.push("--model".into());
            words.push(if rng.chance(50) {
                "tiny".into()
            } else {
                file.clone()
            });
        }
    }
    for _ in 0..rng.range(0, 6) {
        let word: OsString = if rng.chance(15) {
            odd(rng)
        } else {
            (*rng.pick(&WORDS)).into()
        };
        words.push(word);
    }
    words
}

/// Runs `n` command lines; returns how many gave output and how many a message.
fn fuzz(rng: &mut Rng, n: u64, file: &OsString) -> (u64, u64) {
    let (mut ok, mut err) = (0, 0);
    for _ in 0..n {
        let words = command_line(rng, file);
        match run(&words) {
            Ok(out) => {
                assert!(!out.is_empty(), "{words:?}");
                ok += 1;
            }
            Err(e) => {
                let m = &e.0;
                assert!(!m.is_empty(), "{words:?}");
                assert!(!m.chars().any(char::is_control), "{words:?}: {m:?}");
                assert!(m.chars().count() <= MAX_MESSAGE_CHARS + 1, "{words:?}: {m}");
                err += 1;
            }
        }
    }
    (ok, err)
}

#[test]
fn random_command_lines_give_output_or_one_line() {
    let file = model_file();
    let (ok, err) = fuzz(&mut Rng(12), 600, &file);
    // Both sides are reached, or the checks on them never ran.
    assert!(ok > 20 && err > 200, "{ok} outputs, {err} messages");
}

#[test]
#[ignore]
fn long_cli_fuzz_run() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let file = model_file();
    let mut rng = Rng(0xC11);
    let start = Instant::now();
    let (mut ok, mut err) = (0, 0);
    while start.elapsed() < Duration::from_secs(seconds) {
        let (o, e) = fuzz(&mut rng, 200, &file);
        ok += o;
        err += e;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "cli: {} command lines ({ok} outputs, {err} messages) in {secs:.1} s ({:.0}/s), 0 failures",
        ok + err,
        (ok + err) as f64 / secs
    );
}
