//! A session's mixed clusters in headless Chromium: the same plans as the core (and so
//! as `coopai solve --cluster`), a uniform cluster equal to the paper's `D × F`, and the
//! core's one-line messages for a spec that does not read or a cluster that fits nothing.

use super::{message, same};
use crate::cost::{cluster_spec, Environment};
use crate::model;
use crate::solver::{self, check_memory, Algorithm};
use crate::wasm::Session;
use js_sys::JSON;
use wasm_bindgen::{JsError, JsValue};
use wasm_bindgen_test::*;

/// What the page's cluster editor asks: `spec` behind a gateway of `mbps`.
fn solve_cluster(spec: &str, mbps: f64, algorithm: &str) -> Result<JsValue, JsError> {
    Session::new("vgg16")?.solve(0.0, mbps, 0.0, spec, algorithm, "latency")
}

#[wasm_bindgen_test]
fn a_mixed_cluster_solves_as_the_core_does() {
    let net = model::load("vgg16").unwrap();
    for spec in [
        "3x13.6,1x50",
        "4x13.6@4096,2x30@8192,1x53@8192",
        "31x13.6@1,1x1000",
    ] {
        let env =
            Environment::with_cluster(cluster_spec::parse_short(spec).unwrap(), 300.0).unwrap();
        for (name, algorithm) in [("mls", Algorithm::Mls), ("sls", Algorithm::Sls)] {
            let plan = solve_cluster(spec, 300.0, name).unwrap();
            same(&plan, &solver::solve(&net, &env, algorithm));
        }
        let sweep = Session::new("vgg16")
            .unwrap()
            .sweep_bandwidth(0.0, 0.0, spec, vec![10.0, 1000.0])
            .unwrap();
        same(
            &sweep,
            &solver::sweep_bandwidth(&net, &env, &[10.0, 1000.0]),
        );
    }
}

/// The DP view of a mixed plan reads the table of the cluster's own devices.
#[wasm_bindgen_test]
fn a_mixed_clusters_dp_table_is_the_cores() {
    let net = model::load("vgg16").unwrap();
    let spec = "3x13.6,1x50";
    let env = Environment::with_cluster(cluster_spec::parse_short(spec).unwrap(), 300.0).unwrap();
    let session = Session::new("vgg16").unwrap();
    for k in 1..=4 {
        let table = session
            .dp_table(0.0, 300.0, 0.0, spec, "mls", f64::from(k))
            .unwrap();
        same(&table, &solver::dp_table(&net, &env, k, Algorithm::Mls));
    }
    let e = session
        .dp_table(0.0, 300.0, 0.0, spec, "mls", 5.0)
        .unwrap_err();
    assert!(message(e).starts_with("k must be a whole number from 1 to 4"));
}

#[wasm_bindgen_test]
fn a_uniform_cluster_is_the_papers_setting() {
    // One session for both: a cluster between two equal-device solves changes neither.
    let mut session = Session::new("vgg16").unwrap();
    let paper = session
        .solve(10.0, 100.0, 13.6, "", "mls", "latency")
        .unwrap();
    let cluster = session
        .solve(0.0, 100.0, 0.0, "10x13.6", "mls", "latency")
        .unwrap();
    let again = session
        .solve(10.0, 100.0, 13.6, "", "mls", "latency")
        .unwrap();
    for plan in [&cluster, &again] {
        assert_eq!(
            JSON::stringify(plan).unwrap(),
            JSON::stringify(&paper).unwrap()
        );
    }
}

#[wasm_bindgen_test]
fn a_refused_cluster_throws_the_core_message() {
    let spec_err = |s: &str| cluster_spec::parse_short(s).unwrap_err().0;
    for spec in ["4x", "0x13.6", "4xnan", "300x1", "4x13@0"] {
        let e = solve_cluster(spec, 100.0, "mls").unwrap_err();
        assert_eq!(message(e), spec_err(spec), "{spec}");
    }
    let net = model::load("vgg16").unwrap();
    let env =
        Environment::with_cluster(cluster_spec::parse_short("10x13.6@1").unwrap(), 100.0).unwrap();
    let memory = check_memory(&net, &env, Algorithm::Mls).unwrap_err();
    assert!(memory.contains("memory"), "{memory}");
    let e = solve_cluster("10x13.6@1", 100.0, "mls").unwrap_err();
    assert_eq!(message(e), memory);
    let e = Session::new("vgg16")
        .unwrap()
        .sweep_bandwidth(0.0, 0.0, "2x13.6", vec![100.0, 0.0])
        .unwrap_err();
    assert!(message(e).contains("bandwidth must be a number from"));
    let e = solve_cluster("2x13.6", 100.0, "best").unwrap_err();
    assert_eq!(message(e), "algorithm must be 'mls' or 'sls', found 'best'");
}
