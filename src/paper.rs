//! The figures the paper publishes (RP4: 13.6 GFLOPS, 100 Mbps, D = 1..10), so that
//! `coopai reproduce` and the tests can set ours beside them.

/// One model's published figures.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Published {
    pub model: &'static str,
    /// Table I, input side.
    pub input: u32,
    /// Table I, parameters in millions.
    pub params_m: f64,
    /// Table I, GFLOPs.
    pub gflops: f64,
    /// Table II: MLS blocks for k = 1..10.
    pub blocks: [usize; 10],
    /// §V-A: devices chosen by MLS and by the best SLS.
    pub devices_mls: u32,
    pub devices_sls: u32,
    /// §V-A: MLS saving over the best SLS, and over one device, in percent.
    pub saving_vs_sls_pct: f64,
    pub saving_vs_one_pct: f64,
    /// §V-B: largest saving over SLS for G = 40..400 Mbps, D = 10, in percent.
    pub max_bandwidth_saving_pct: f64,
}

/// The four models of the evaluation, in the paper's order.
pub const PUBLISHED: [Published; 4] = [
    Published {
        model: "alexnet",
        input: 224,
        params_m: 62.0,
        gflops: 2.27,
        blocks: [1, 5, 4, 4, 4, 4, 4, 4, 4, 4],
        devices_mls: 2,
        devices_sls: 2,
        saving_vs_sls_pct: 4.91,
        saving_vs_one_pct: 18.43,
        max_bandwidth_saving_pct: 5.71,
    },
    Published {
        model: "vgg16",
        input: 224,
        params_m: 138.0,
        gflops: 31.0,
        blocks: [1, 8, 7, 6, 5, 4, 4, 4, 4, 4],
        devices_mls: 7,
        devices_sls: 3,
        saving_vs_sls_pct: 31.49,
        saving_vs_one_pct: 60.46,
        max_bandwidth_saving_pct: 31.10,
    },
    Published {
        model: "vgg19",
        input: 224,
        params_m: 144.0,
        gflops: 39.3,
        blocks: [1, 11, 9, 8, 5, 4, 5, 5, 4, 4],
        devices_mls: 7,
        devices_sls: 3,
        saving_vs_sls_pct: 28.53,
        saving_vs_one_pct: 58.94,
        max_bandwidth_saving_pct: 27.69,
    },
    Published {
        model: "yolov2",
        input: 608,
        params_m: 51.0,
        gflops: 62.9,
        blocks: [1, 12, 10, 9, 8, 7, 7, 7, 5, 5],
        devices_mls: 6,
        devices_sls: 4,
        saving_vs_sls_pct: 17.75,
        saving_vs_one_pct: 55.91,
        max_bandwidth_saving_pct: 18.09,
    },
];

/// The paper's evaluation setting: RP4 devices, a 100 Mbps gateway, up to 10 devices.
pub const DEVICES: u32 = 10;
pub const GFLOPS: f64 = 13.6;
pub const BANDWIDTH_MBPS: f64 = 100.0;
/// The bandwidths of Fig. 9, in Mbps.
pub const BANDWIDTHS_MBPS: [f64; 10] = [
    40.0, 80.0, 120.0, 160.0, 200.0, 240.0, 280.0, 320.0, 360.0, 400.0,
];
