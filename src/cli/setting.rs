//! The options every planning subcommand shares: model, devices, bandwidth, FLOPS,
//! algorithm. Values arrive as OS strings and are parsed here, so a non-UTF-8 or
//! hostile value is a one-line message that quotes it escaped and shortened.

use std::ffi::OsStr;
use std::path::Path;
use std::str::FromStr;

use super::args::SettingArgs;
use super::read::{read_bytes, read_text};
use super::shown::shown;
use super::CliError;

use crate::cost::{cluster_spec, Cluster, Environment, MAX_DEVICES};
use crate::import::{self, limits::MAX_ONNX_BYTES};
use crate::model::{self, json::MAX_JSON_BYTES, Network};
use crate::paper;
use crate::solver::{check_memory, Algorithm, Objective};

/// A model and an environment, checked.
pub struct Setting {
    pub net: Network,
    pub env: Environment,
    pub algorithm: Algorithm,
    /// `--algorithm both`: MLS and SLS side by side (`algorithm` is then MLS).
    pub both: bool,
    pub objective: Objective,
}

/// `value` parsed as `T` (surrounding spaces ignored), `default` when absent, or an
/// error naming the option, what it expects and what was found.
pub fn parsed<T: FromStr>(
    name: &str,
    value: Option<&OsStr>,
    default: T,
    expected: &str,
) -> Result<T, CliError> {
    let Some(value) = value else {
        return Ok(default);
    };
    value
        .to_str()
        .and_then(|text| text.trim().parse().ok())
        .ok_or_else(|| {
            CliError(format!(
                "--{name} expects {expected}, found '{}'",
                shown(value)
            ))
        })
}

/// `value` (when given) read by `parse`, or an error naming the option, its `choices`
/// and what was found.
fn choice<T>(
    name: &str,
    value: Option<&OsStr>,
    choices: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, CliError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let found = value.to_str().and_then(parse);
    let error = || {
        CliError(format!(
            "--{name} expects {choices}, found '{}'",
            shown(value)
        ))
    };
    found.map(Some).ok_or_else(error)
}

impl Setting {
    /// The model and environment of `args`; the work of the solve itself is checked
    /// by the caller, who knows what it will run.
    pub fn from_args(args: &SettingArgs) -> Result<Setting, CliError> {
        let source = args
            .model
            .as_deref()
            .ok_or_else(|| CliError("--model is required (a zoo name or a model file)".into()))?;
        let net = load_model(source)?;
        let env = environment(args)?;
        let both = args
            .algorithm
            .as_deref()
            .and_then(OsStr::to_str)
            .is_some_and(|a| a.eq_ignore_ascii_case("both"));
        let algorithm = args.algorithm.as_deref().filter(|_| !both);
        let algorithm = choice("algorithm", algorithm, "mls, sls or both", Algorithm::parse)?
            .unwrap_or(Algorithm::Mls);
        let objective = args.objective.as_deref();
        let objective = choice(
            "objective",
            objective,
            "latency or throughput",
            Objective::parse,
        )?
        .unwrap_or(Objective::Latency);
        check_memory(&net, &env, algorithm).map_err(CliError)?;
        Ok(Setting {
            net,
            env,
            algorithm,
            both,
            objective,
        })
    }
}

/// The devices (`--cluster`, or `--devices` of `--gflops` each) and the gateway's
/// bandwidth.
fn environment(args: &SettingArgs) -> Result<Environment, CliError> {
    let bandwidth = parsed(
        "bandwidth",
        args.bandwidth.as_deref(),
        paper::BANDWIDTH_MBPS,
        "a number of Mbps",
    )?;
    let env = if let Some(spec) = args.cluster.as_deref() {
        if args.devices.is_some() || args.gflops.is_some() {
            return Err(CliError(
                "--cluster describes the devices: give it without --devices and --gflops".into(),
            ));
        }
        Environment::with_cluster(load_cluster(spec)?, bandwidth)
    } else {
        let devices = parsed(
            "devices",
            args.devices.as_deref(),
            paper::DEVICES,
            &format!("a whole number from 1 to {MAX_DEVICES}"),
        )?;
        let gflops = parsed(
            "gflops",
            args.gflops.as_deref(),
            paper::GFLOPS,
            "a number of GFLOPS",
        )?;
        Environment::new(devices, bandwidth, gflops)
    };
    env.map_err(|e| CliError(e.0))
}

/// A cluster from a JSON file when `spec` names one, else from the short form
/// (`4x13.6,1x50@2048`).
fn load_cluster(spec: &OsStr) -> Result<Cluster, CliError> {
    let path = Path::new(spec);
    if path.is_file() {
        let text = read_text(path, "a cluster file", MAX_CLUSTER_BYTES)?;
        return cluster_spec::parse_json(&text)
            .map_err(|e| CliError(format!("{}: {}", shown(spec), e.0)));
    }
    let text = spec
        .to_str()
        .ok_or_else(|| CliError(format!("--cluster '{}' is not text", shown(spec))))?;
    cluster_spec::parse_short(text).map_err(|e| CliError(e.0))
}

/// Largest cluster file read, in bytes (256 devices with long names fit easily).
const MAX_CLUSTER_BYTES: usize = 1 << 20;

/// A model file (ONNX or text, by content) when `source` names a file, else a zoo name.
fn load_model(source: &OsStr) -> Result<Network, CliError> {
    let path = Path::new(source);
    if path.is_file() {
        // Text is refused past its limit; only a file that starts like an ONNX model
        // (a protobuf field 1 or 2) may be larger, up to the ONNX limit.
        let bytes = read_bytes(path, "a model", |first| match first {
            0x08 | 0x12 => MAX_ONNX_BYTES,
            _ => MAX_JSON_BYTES,
        })?;
        let (_, net, notes) = import::read_bytes_noting(&bytes)
            .map_err(|e| CliError(format!("{}: {e}", shown(source))))?;
        for note in notes {
            eprintln!("coopai: warning: {}: {note}", shown(source));
        }
        return Ok(net);
    }
    match source.to_str().filter(|s| model::zoo::by_name(s).is_some()) {
        Some(name) => model::load(name).map_err(|e| CliError(e.to_string())),
        None => Err(CliError(format!(
            "--model '{}' is neither a zoo model ({}) nor a readable file",
            shown(source),
            model::zoo::NAMES.join(", ")
        ))),
    }
}
