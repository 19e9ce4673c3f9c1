//! The environment of a solve: how many devices may be used, how fast they are, and
//! how much bandwidth the gateway shares among them (spec §1).

use std::fmt;

use serde::Serialize;

use super::cluster::{Cluster, Team};

/// Bits of one tensor element (`b` in the spec).
pub const BITS_PER_ELEMENT: u64 = 32;
/// Most candidate devices `D`.
pub const MAX_DEVICES: u32 = 256;
/// Largest bandwidth in Mbps and largest device speed in GFLOPS.
pub const MAX_RATE: f64 = 1e9;
/// Smallest bandwidth in Mbps: 1 bit/s. With at most 2^64 bits per block, 256 devices
/// and 1,000 blocks, every time stays below 1e25 s: finite, where `1e-300` gave `inf`.
pub const MIN_RATE: f64 = 1e-6;
/// Smallest device speed in GFLOPS: 1 FLOP/s (the hand-worked cases use it), for the
/// same reason.
pub const MIN_GFLOPS: f64 = 1e-9;

/// `D`, `G` and `F` of the paper, or a cluster of different devices.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Environment {
    /// Candidate devices `D`; the solver picks `k` in `1..=D`.
    pub devices: u32,
    /// Gateway bandwidth `G` in Mbps (1 Mbps = 1e6 bit/s), shared evenly by the `k` devices.
    pub bandwidth_mbps: f64,
    /// Speed `F` of one device in GFLOPS (1 GFLOPS = 1e9 FLOP/s); of the fastest device
    /// of a mixed cluster.
    pub gflops: f64,
    /// The devices, when they are not `D` equal devices of `F` without limits.
    #[serde(skip)]
    pub cluster: Option<Cluster>,
}

/// Why an environment was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvironmentError(pub String);

impl fmt::Display for EnvironmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EnvironmentError {}

impl Environment {
    /// The paper's Raspberry Pi 4 setting: 13.6 GFLOPS, 100 Mbps.
    pub fn raspberry_pi4(devices: u32) -> Environment {
        Environment {
            devices,
            bandwidth_mbps: 100.0,
            gflops: 13.6,
            cluster: None,
        }
    }

    /// Checks ranges: `1 ≤ D ≤ 256`, `1e-6 ≤ G ≤ 1e9` Mbps, `1e-9 ≤ F ≤ 1e9` GFLOPS (at
    /// least 1 bit/s and 1 FLOP/s, so that every time is finite).
    pub fn new(devices: u32, bandwidth_mbps: f64, gflops: f64) -> Result<Self, EnvironmentError> {
        if devices == 0 || devices > MAX_DEVICES {
            return Err(EnvironmentError(format!(
                "devices must be between 1 and {MAX_DEVICES}, found {devices}"
            )));
        }
        check_rate("bandwidth", "Mbps", bandwidth_mbps)?;
        check_rate("gflops", "GFLOPS", gflops)?;
        Ok(Environment {
            devices,
            bandwidth_mbps,
            gflops,
            cluster: None,
        })
    }

    /// A cluster of devices (at most [`MAX_DEVICES`], rates and sizes in range) behind a
    /// gateway of `bandwidth_mbps`. A uniform cluster is the paper's `D × F`.
    pub fn with_cluster(cluster: Cluster, bandwidth_mbps: f64) -> Result<Self, EnvironmentError> {
        let n = cluster.devices.len();
        if n == 0 || n > MAX_DEVICES as usize {
            return Err(EnvironmentError(format!(
                "a cluster has between 1 and {MAX_DEVICES} devices, found {n}"
            )));
        }
        for d in &cluster.devices {
            check_rate(&format!("{}: gflops", d.name), "GFLOPS", d.gflops)?;
            if let Some(m) = d.memory_mb {
                check_rate(&format!("{}: memory", d.name), "MB", m)?;
            }
            if let Some(l) = d.link_mbps {
                check_rate(&format!("{}: link", d.name), "Mbps", l)?;
            }
        }
        let fastest = cluster.devices[cluster.fastest_first()[0]].gflops;
        let mut env = Environment::new(n as u32, bandwidth_mbps, fastest)?;
        if !cluster.is_uniform() {
            env.cluster = Some(cluster);
        }
        Ok(env)
    }

    /// The same devices behind a gateway of `g` Mbps (a point of Fig. 9; `g` checked by
    /// the caller).
    pub fn at_bandwidth(&self, g: f64) -> Environment {
        Environment {
            bandwidth_mbps: g,
            ..self.clone()
        }
    }

    /// The devices: the cluster, or `D` equal devices of `F`.
    pub fn cluster(&self) -> Cluster {
        self.cluster
            .clone()
            .unwrap_or_else(|| Cluster::uniform(self.devices, self.gflops))
    }

    /// The `k` devices a plan with `k` devices uses (the fastest; see [`Team`]).
    pub fn team(&self, k: u32) -> Team {
        match &self.cluster {
            Some(c) => Team::new(c, k, self.bits_per_second()),
            None => Team::uniform(k, self.flops_per_second(), self.bits_per_second()),
        }
    }

    /// `F` in FLOP/s.
    pub fn flops_per_second(&self) -> f64 {
        self.gflops * 1e9
    }

    /// `G` in bit/s.
    pub fn bits_per_second(&self) -> f64 {
        self.bandwidth_mbps * 1e6
    }
}

fn check_rate(name: &str, unit: &str, value: f64) -> Result<(), EnvironmentError> {
    let min = if unit == "GFLOPS" {
        MIN_GFLOPS
    } else {
        MIN_RATE
    };
    if !(min..=MAX_RATE).contains(&value) {
        return Err(EnvironmentError(format!(
            "{name} must be a number from {min:e} to {MAX_RATE:e} {unit} (the limits \
             that keep every time finite), found {value:e}"
        )));
    }
    Ok(())
}
