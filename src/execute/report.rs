//! What `verify` reports: per round, how far the sliced output is from the unsliced
//! one and whether the traffic the executor counted is the traffic the plan priced.

use serde::Serialize;

use super::link::{Elements, Traffic};
use crate::cost::{Case, BITS_PER_ELEMENT};
use crate::solver::{Algorithm, BlockPlan, DevicePlan, Plan};

#[derive(Clone, Debug, Serialize)]
pub struct DeviceTraffic {
    /// 0-based, as in the plan.
    pub device: usize,
    /// The plan's `ti`, `τo`, `to` in elements (bits / 32).
    pub planned: Elements,
    /// Elements that crossed the gateway in the run.
    pub counted: Elements,
    /// Elements of `ti` that this device computed itself in the previous round and
    /// uploaded. The plan prices them (spec §4 treats an uploaded output as gone from
    /// the device); the paper says a device only requests data it did not compute.
    pub resent: u64,
    pub ok: bool,
}

impl DeviceTraffic {
    pub fn new(device: usize, plan: &DevicePlan, counted: Elements, resent: u64) -> Self {
        let bits = [plan.ti_bits, plan.tau_bits, plan.to_bits];
        let planned = Elements {
            ti: bits[0] / BITS_PER_ELEMENT,
            tau: bits[1] / BITS_PER_ELEMENT,
            to: bits[2] / BITS_PER_ELEMENT,
        };
        let counted_bits = [counted.ti, counted.tau, counted.to].map(|e| e * BITS_PER_ELEMENT);
        DeviceTraffic {
            device,
            planned,
            counted,
            resent,
            ok: bits == counted_bits,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct RoundReport {
    pub round: usize,
    pub first: usize,
    pub last: usize,
    pub case: Case,
    /// Largest `|sliced − unsliced|` over the round's output (and the passthrough rows
    /// it produces), against the unsliced forward pass of the whole model.
    pub max_abs_diff: f32,
    /// Largest `|unsliced|` over the same elements, for scale.
    pub max_abs_value: f32,
    /// Largest difference from the unsliced computation of this block on the same
    /// input the round started from.
    pub local_diff: f32,
    /// Every element equal to that computation, or within its summation-order bound
    /// when the gateway added partial sums (see `execute::check`).
    pub within_bound: bool,
    pub traffic_ok: bool,
    pub ok: bool,
    pub devices: Vec<DeviceTraffic>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VerifyReport {
    pub model: String,
    pub algorithm: Algorithm,
    /// `k` of the plan.
    pub devices: u32,
    pub seed: u64,
    /// Every round within bound and with the planned traffic.
    pub ok: bool,
    /// `max_abs_diff` of the model's final output.
    pub max_abs_diff: f32,
    pub rounds: Vec<RoundReport>,
    /// The a-priori estimate the run was admitted with.
    pub estimate: super::budget::Estimate,
    /// What the run counted (the same units): never above the estimate.
    pub measured: super::meter::Measured,
}

/// How a round's results compare with the unsliced pass (see [`RoundReport`]).
pub struct Differences {
    pub max_abs_diff: f32,
    pub max_abs_value: f32,
    pub local_diff: f32,
    pub within_bound: bool,
}

impl RoundReport {
    /// The report of round `round` (the plan's `block`): its differences, and its
    /// counted traffic beside the plan's, device by device.
    pub fn new(round: usize, block: &BlockPlan, diff: Differences, traffic: &Traffic) -> Self {
        let devices: Vec<DeviceTraffic> = block
            .devices
            .iter()
            .zip(traffic.elements.iter().zip(&traffic.resent))
            .enumerate()
            .map(|(d, (plan, (&counted, &resent)))| DeviceTraffic::new(d, plan, counted, resent))
            .collect();
        let traffic_ok = devices.len() == traffic.elements.len() && devices.iter().all(|d| d.ok);
        RoundReport {
            round,
            first: block.first,
            last: block.last,
            case: block.case,
            max_abs_diff: diff.max_abs_diff,
            max_abs_value: diff.max_abs_value,
            local_diff: diff.local_diff,
            within_bound: diff.within_bound,
            traffic_ok,
            ok: diff.within_bound && traffic_ok,
            devices,
        }
    }
}

impl VerifyReport {
    /// The report of a run of `plan` on model `model` (the estimate and the meter's
    /// counts are filled in by `verify`).
    pub fn new(model: &str, plan: &Plan, seed: u64, rounds: Vec<RoundReport>) -> Self {
        VerifyReport {
            model: model.to_string(),
            algorithm: plan.algorithm,
            devices: plan.devices,
            seed,
            ok: rounds.iter().all(|r| r.ok),
            max_abs_diff: rounds.last().map_or(0.0, |r| r.max_abs_diff),
            rounds,
            estimate: Default::default(),
            measured: Default::default(),
        }
    }
}
