//! The options every planning subcommand shares: model, devices, bandwidth, FLOPS.

use std::fs;
use std::path::Path;

use super::args::Args;
use super::CliError;
use std::io::Read;

use crate::cost::{cluster_spec, Cluster, Environment, MAX_DEVICES};
use crate::import::{self, limits::MAX_ONNX_BYTES};
use crate::model::{self, json::MAX_JSON_BYTES, Network};
use crate::paper;
use crate::solver::{check_memory, Algorithm};

pub const OPTIONS: [&str; 6] = [
    "model",
    "devices",
    "bandwidth",
    "gflops",
    "algorithm",
    "cluster",
];

/// A model and an environment, checked.
pub struct Setting {
    pub net: Network,
    pub env: Environment,
    pub algorithm: Algorithm,
}

impl Setting {
    pub fn from_args(args: &Args) -> Result<Setting, CliError> {
        let source = args
            .value("model")
            .ok_or_else(|| CliError("--model is required (a zoo name or a model file)".into()))?;
        let net = load_model(source)?;
        let bandwidth = args.parsed("bandwidth", paper::BANDWIDTH_MBPS, "a number of Mbps")?;
        let env = match args.value("cluster") {
            Some(spec) => {
                if args.value("devices").is_some() || args.value("gflops").is_some() {
                    return Err(CliError(
                        "--cluster describes the devices: give it without --devices and --gflops"
                            .into(),
                    ));
                }
                Environment::with_cluster(load_cluster(spec)?, bandwidth)
            }
            None => {
                let devices = args.parsed(
                    "devices",
                    paper::DEVICES,
                    &format!("a whole number from 1 to {MAX_DEVICES}"),
                )?;
                let gflops = args.parsed("gflops", paper::GFLOPS, "a number of GFLOPS")?;
                Environment::new(devices, bandwidth, gflops)
            }
        }
        .map_err(|e| CliError(e.0))?;
        env.check_work(&net).map_err(|e| CliError(e.0))?;
        let algorithm = match args.value("algorithm") {
            None => Algorithm::Mls,
            Some(a) => Algorithm::parse(a)
                .ok_or_else(|| CliError(format!("--algorithm expects mls or sls, found '{a}'")))?,
        };
        check_memory(&net, &env, algorithm).map_err(CliError)?;
        Ok(Setting {
            net,
            env,
            algorithm,
        })
    }
}

/// A cluster from a JSON file when `spec` names one, else from the short form.
fn load_cluster(spec: &str) -> Result<Cluster, CliError> {
    let path = Path::new(spec);
    if !path.is_file() {
        return cluster_spec::parse_short(spec).map_err(|e| CliError(e.0));
    }
    let mut text = String::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_CLUSTER_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| CliError(format!("{spec}: {e}")))?;
    if text.len() as u64 > MAX_CLUSTER_BYTES {
        return Err(CliError(format!(
            "{spec}: a cluster file has at most {MAX_CLUSTER_BYTES} bytes"
        )));
    }
    cluster_spec::parse_json(&text).map_err(|e| CliError(format!("{spec}: {}", e.0)))
}

/// Largest cluster file read, in bytes (256 devices with long names fit easily).
const MAX_CLUSTER_BYTES: u64 = 1 << 20;

/// A model file (ONNX or text, by content) when `source` is a path, else a zoo name.
fn load_model(source: &str) -> Result<Network, CliError> {
    let path = Path::new(source);
    if path.is_file() {
        // ONNX files may be large; text is refused past its own limit by the importer.
        let size = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if size > MAX_ONNX_BYTES as u64 {
            return Err(CliError(format!(
                "{source}: the file has {size} bytes, more than the limit of {MAX_ONNX_BYTES}"
            )));
        }
        let bytes = fs::read(path).map_err(|e| CliError(format!("{source}: {e}")))?;
        if size > MAX_JSON_BYTES as u64 && !import::looks_like_onnx(&bytes) {
            return Err(CliError(format!(
                "{source}: the file has {size} bytes, more than the limit of {MAX_JSON_BYTES}"
            )));
        }
        return import::load_bytes(&bytes).map_err(|e| CliError(format!("{source}: {e}")));
    }
    if model::zoo::by_name(source).is_none() {
        return Err(CliError(format!(
            "--model '{source}' is neither a zoo model ({}) nor a readable file",
            model::zoo::NAMES.join(", ")
        )));
    }
    model::load(source).map_err(|e| CliError(e.to_string()))
}
