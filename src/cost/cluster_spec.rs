//! Reading a cluster: the short form `4x13.6,1x50@2048` (COUNT x GFLOPS, optionally
//! @ MEMORY in MB) shared by the CLI and the page's URL, or a JSON file with named
//! devices and every field.

use serde::Deserialize;

use super::cluster::{Cluster, Device};
use super::environment::{EnvironmentError, MAX_DEVICES};
use crate::model::names::escaped;

fn bad(message: String) -> EnvironmentError {
    EnvironmentError(message)
}

/// A plain decimal number (`13.6`, `2e3`), as the CLI reads numbers: no sign, hex,
/// `inf` or `nan`.
fn number(text: &str, what: &str, group: &str) -> Result<f64, EnvironmentError> {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && text.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    match text.parse::<f64>() {
        Ok(v) if plain && v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(bad(format!(
            "cluster group '{group}': {what} must be a number above 0, found '{text}'"
        ))),
    }
}

/// Parses `COUNTxGFLOPS[@MEMORY_MB]` groups separated by commas.
pub fn parse_short(spec: &str) -> Result<Cluster, EnvironmentError> {
    let mut devices = Vec::new();
    for group in spec.split(',').map(str::trim) {
        let (count, rest) = group.split_once(['x', 'X']).ok_or_else(|| {
            bad(format!(
                "cluster group '{group}' is not COUNTxGFLOPS[@MEMORY_MB] (e.g. 4x13.6@2048)"
            ))
        })?;
        let count: u32 = count
            .trim()
            .parse()
            .ok()
            .filter(|c| (1..=MAX_DEVICES).contains(c))
            .ok_or_else(|| {
                bad(format!(
                    "cluster group '{group}': the count must be a whole number from 1 to {MAX_DEVICES}"
                ))
            })?;
        let (gflops, memory) = match rest.split_once('@') {
            Some((g, m)) => (g, Some(m)),
            None => (rest, None),
        };
        let gflops = number(gflops.trim(), "the speed (GFLOPS)", group)?;
        let memory_mb = memory
            .map(|m| number(m.trim(), "the memory (MB)", group))
            .transpose()?;
        if devices.len() + count as usize > MAX_DEVICES as usize {
            return Err(bad(format!(
                "the cluster has more than {MAX_DEVICES} devices"
            )));
        }
        for _ in 0..count {
            devices.push(Device {
                name: format!("device {}", devices.len() + 1),
                gflops,
                memory_mb,
                link_mbps: None,
            });
        }
    }
    Ok(Cluster { devices })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCluster {
    devices: Vec<FileDevice>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDevice {
    #[serde(default)]
    name: Option<String>,
    #[serde(default = "one")]
    count: u32,
    gflops: f64,
    #[serde(default)]
    memory_mb: Option<f64>,
    #[serde(default)]
    link_mbps: Option<f64>,
}

fn one() -> u32 {
    1
}

/// Parses a cluster file: `{"devices": [{"name": "pi5", "gflops": 30, "memory_mb":
/// 8192, "link_mbps": 300, "count": 2}, …]}` (only `gflops` is required).
pub fn parse_json(text: &str) -> Result<Cluster, EnvironmentError> {
    let file: FileCluster =
        serde_json::from_str(text).map_err(|e| bad(format!("cluster file: {e}")))?;
    let mut devices = Vec::new();
    for d in file.devices {
        if d.count == 0 || devices.len() + d.count as usize > MAX_DEVICES as usize {
            return Err(bad(format!(
                "the cluster must have between 1 and {MAX_DEVICES} devices"
            )));
        }
        for n in 1..=d.count {
            let base = d
                .name
                .clone()
                .unwrap_or_else(|| format!("device {}", devices.len() + 1));
            let name = if d.count > 1 {
                format!("{base} {n}")
            } else {
                base
            };
            if name.chars().count() > 60 {
                return Err(bad("a device name has at most 60 characters".into()));
            }
            crate::model::names::check(&name)
                .map_err(|e| bad(format!("device name \"{}\": {e}", escaped(&name))))?;
            devices.push(Device {
                name,
                gflops: d.gflops,
                memory_mb: d.memory_mb,
                link_mbps: d.link_mbps,
            });
        }
    }
    Ok(Cluster { devices })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_form_reads_counts_speeds_and_memory() {
        let c = parse_short("4x13.6,1x50@2048").unwrap();
        assert_eq!(c.devices.len(), 5);
        assert_eq!(c.devices[4].gflops, 50.0);
        assert_eq!(c.devices[4].memory_mb, Some(2048.0));
        assert_eq!(c.devices[0].memory_mb, None);
        assert_eq!(c.devices[2].name, "device 3");
        for bad in [
            "", "4", "0x13", "4x", "4x-1", "4x0x1", "4xnan", "4xinf", "4x0x10", "4x1@", "300x1",
            "4x13@0",
        ] {
            assert!(parse_short(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_file_names_its_devices() {
        let c = parse_json(
            r#"{"devices": [{"name": "pi4", "count": 2, "gflops": 13.6, "memory_mb": 4096},
                            {"name": "jetson", "gflops": 470, "link_mbps": 1000}]}"#,
        )
        .unwrap();
        let names: Vec<&str> = c.devices.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["pi4 1", "pi4 2", "jetson"]);
        assert_eq!(c.devices[2].link_mbps, Some(1000.0));
        assert!(parse_json(r#"{"devices": [{"gflops": 1, "speed": 2}]}"#).is_err());
    }
}
