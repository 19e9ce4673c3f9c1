//! The `coopai` binary run as a user runs it (for the tests of the command line).

use std::ffi::OsStr;
use std::process::{Command, Output};

pub fn coopai<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coopai"))
        .args(args)
        .output()
        .unwrap()
}

/// The JSON a successful command prints.
pub fn json(args: &[&str]) -> serde_json::Value {
    let out = coopai(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
