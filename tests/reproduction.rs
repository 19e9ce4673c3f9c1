//! The paper's evaluation (RP4, 100 Mbps, D = 1..10): what we reproduce, and how close.

use coopai::reproduce::{reproduce, ModelReproduction};

fn models() -> Vec<ModelReproduction> {
    reproduce()
}

fn get<'a>(all: &'a [ModelReproduction], name: &str) -> &'a ModelReproduction {
    all.iter().find(|m| m.model == name).unwrap()
}

#[test]
fn table_one_sizes() {
    for m in models() {
        let p = m.published;
        assert_eq!(m.params_m.round(), p.params_m, "{} parameters", m.model);
        let diff = (m.gflops - p.gflops).abs() / p.gflops;
        assert!(
            diff < 0.003,
            "{} GFLOPs {} vs {}",
            m.model,
            m.gflops,
            p.gflops
        );
    }
}

#[test]
fn table_two_vgg_rows_exactly() {
    let all = models();
    for name in ["vgg16", "vgg19"] {
        let m = get(&all, name);
        assert_eq!(m.blocks(), m.published.blocks.to_vec(), "{name}");
    }
    // AlexNet: identical but k = 4, where the spec's rules give 3 blocks (spec §6).
    let a = get(&all, "alexnet");
    let mut expected = a.published.blocks.to_vec();
    expected[3] = 3;
    assert_eq!(a.blocks(), expected);
}

#[test]
fn devices_chosen_as_in_the_paper() {
    for m in models() {
        let c = &m.by_devices;
        assert_eq!(
            c.best_mls.devices, m.published.devices_mls,
            "{} MLS",
            m.model
        );
        if m.model == "yolov2" {
            // Our SLS picks 5 devices, the paper 4: the two are a near tie (0.15 %) that
            // the undocumented passthrough handling decides. Assert that it is a tie,
            // so a real regression here still fails.
            let (k4, k5) = (c.sls[3].completion_s, c.sls[4].completion_s);
            assert!((k4 - k5).abs() / k4 < 0.005, "SLS k=4 {k4} vs k=5 {k5}");
        } else {
            assert_eq!(
                c.best_sls.devices, m.published.devices_sls,
                "{} SLS",
                m.model
            );
        }
    }
}

#[test]
fn savings_within_one_point_for_alexnet_and_the_vggs() {
    for m in models().iter().filter(|m| m.model != "yolov2") {
        let c = &m.by_devices;
        let p = m.published;
        assert!(
            (c.saving_vs_sls_pct - p.saving_vs_sls_pct).abs() < 1.0,
            "{} vs SLS: {}",
            m.model,
            c.saving_vs_sls_pct
        );
        assert!(
            (c.saving_vs_one_device_pct - p.saving_vs_one_pct).abs() < 1.0,
            "{} vs one: {}",
            m.model,
            c.saving_vs_one_device_pct
        );
        assert!(
            (m.max_bandwidth_saving_pct - p.max_bandwidth_saving_pct).abs() < 1.0,
            "{} Fig. 9: {}",
            m.model,
            m.max_bandwidth_saving_pct
        );
    }
}

#[test]
fn mls_never_loses_and_the_vgg_gap_shrinks_with_bandwidth() {
    for m in models() {
        for (a, b) in m.by_devices.mls.iter().zip(&m.by_devices.sls) {
            assert!(
                a.completion_s <= b.completion_s,
                "{} k={}",
                m.model,
                a.devices
            );
        }
        for p in &m.by_bandwidth {
            assert!(p.saving_pct >= 0.0);
        }
        if m.model.starts_with("vgg") {
            // Past its peak, the saving falls as the gateway gets faster (Fig. 9).
            let s: Vec<f64> = m.by_bandwidth.iter().map(|p| p.saving_pct).collect();
            let peak = s.iter().cloned().fold(0.0, f64::max);
            let at = s.iter().position(|&x| x == peak).unwrap();
            assert!(
                s[at..].windows(2).all(|w| w[1] <= w[0]),
                "{}: {s:?}",
                m.model
            );
        }
    }
}
