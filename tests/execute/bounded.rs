//! The executor's estimate against its meter, for the budget tests of chains and
//! branching models.

use coopai::execute::budget::estimate;
use coopai::execute::verify;
use coopai::model::Network;
use coopai::solver::Plan;

/// Runs `plan` (a clean run) and checks the meter against the estimate; returns the
/// two ratios measured / estimated (work, bytes).
pub fn bounded(net: &Network, plan: &Plan, what: &str) -> (f64, f64) {
    let report = verify(net, plan, 3).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(report.ok, "{what}: {report:?}");
    let (m, e) = (report.measured, report.estimate);
    assert_eq!(e, estimate(net, plan), "{what}");
    assert!(m.work > 0 && m.peak_bytes > 0, "{what}: nothing measured");
    assert!(
        m.work <= e.work,
        "{what}: measured work {} above the estimate {}",
        m.work,
        e.work
    );
    assert!(
        m.peak_bytes <= e.peak_bytes,
        "{what}: measured peak {} bytes above the estimate {}",
        m.peak_bytes,
        e.peak_bytes
    );
    (
        m.work as f64 / e.work as f64,
        m.peak_bytes as f64 / e.peak_bytes as f64,
    )
}
