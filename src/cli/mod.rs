//! The `coopai` command line (native only): `solve`, `reproduce`, `bench`, `verify`.
//! Every failure is a one-line [`CliError`] and exit code 2, never a panic.

mod args;
mod bench;
mod reproduce;
mod setting;
mod solve;
mod table;
mod verify;

use std::fmt;

/// A message for the user; the binary prints it after `coopai: ` and exits with 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const USAGE: &str = "\
coopai — plan cooperative DNN inference on edge devices (MLS / SLS of the CoopAI paper)

usage:
  coopai solve --model <zoo name | file> [--devices D] [--bandwidth MBPS] [--gflops GF]
               [--algorithm mls|sls] [--json]
  coopai reproduce [--json | --markdown]
  coopai bench [--markdown]
  coopai verify --model <zoo name | file> [--devices D] [--bandwidth MBPS] [--gflops GF]
                [--algorithm mls|sls] [--scale S] [--seed N] [--json]

zoo models: tiny, alexnet, vgg16, vgg19, yolov2
defaults: --devices 10 --bandwidth 100 --gflops 13.6 --algorithm mls (the paper's RP4 setting)
";

/// Runs the command line `args` (without the program name) and returns what to print.
pub fn run(args: &[String]) -> Result<String, CliError> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(USAGE.to_string());
    };
    match command.as_str() {
        "solve" => solve::run(rest),
        "reproduce" => reproduce::run(rest),
        "bench" => bench::run(rest),
        "verify" => verify::run(rest),
        "help" | "--help" | "-h" => Ok(USAGE.to_string()),
        other => Err(CliError(format!(
            "unknown command '{other}' (try: solve, reproduce, bench, verify)"
        ))),
    }
}
