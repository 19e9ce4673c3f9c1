//! The options every planning subcommand shares: model, devices, bandwidth, FLOPS,
//! algorithm. Values arrive as OS strings and are parsed here, so a non-UTF-8 or
//! hostile value is a one-line message that quotes it escaped and shortened.

use std::ffi::OsStr;
use std::path::Path;
use std::str::FromStr;

use super::args::SettingArgs;
use super::read::read_text;
use super::shown::shown;
use super::CliError;
use crate::cost::{Environment, MAX_DEVICES};
use crate::model::{self, json::MAX_JSON_BYTES, Network};
use crate::paper;
use crate::solver::Algorithm;

/// A model and an environment, checked.
pub struct Setting {
    pub net: Network,
    pub env: Environment,
    pub algorithm: Algorithm,
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

impl Setting {
    /// The model and environment of `args`; the work of the solve itself is checked
    /// by the caller, who knows what it will run.
    pub fn from_args(args: &SettingArgs) -> Result<Setting, CliError> {
        let source = args
            .model
            .as_deref()
            .ok_or_else(|| CliError("--model is required (a zoo name or a model file)".into()))?;
        let net = load_model(source)?;
        let devices = parsed(
            "devices",
            args.devices.as_deref(),
            paper::DEVICES,
            &format!("a whole number from 1 to {MAX_DEVICES}"),
        )?;
        let bandwidth = parsed(
            "bandwidth",
            args.bandwidth.as_deref(),
            paper::BANDWIDTH_MBPS,
            "a number of Mbps",
        )?;
        let gflops = parsed(
            "gflops",
            args.gflops.as_deref(),
            paper::GFLOPS,
            "a number of GFLOPS",
        )?;
        let env = Environment::new(devices, bandwidth, gflops).map_err(|e| CliError(e.0))?;
        let algorithm = match args.algorithm.as_deref() {
            None => Algorithm::Mls,
            Some(a) => a.to_str().and_then(Algorithm::parse).ok_or_else(|| {
                CliError(format!(
                    "--algorithm expects mls or sls, found '{}'",
                    shown(a)
                ))
            })?,
        };
        Ok(Setting {
            net,
            env,
            algorithm,
        })
    }
}

/// The network of a model file when `source` names a file, else of a zoo name.
fn load_model(source: &OsStr) -> Result<Network, CliError> {
    let path = Path::new(source);
    if path.is_file() {
        let text = read_text(path, MAX_JSON_BYTES)?;
        return model::load(&text).map_err(|e| CliError(format!("{}: {e}", shown(source))));
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
