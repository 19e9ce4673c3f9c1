use coopai::cost::Environment;
use coopai::model::Network;
use coopai::solver::{Algorithm, Planner};
fn main() {
    let text = std::fs::read_to_string("/tmp/chain300.cfg").unwrap();
    let net: Network = coopai::model::load(&text).unwrap();
    let mut p = Planner::with_cache_limit(net, usize::MAX);
    let t = std::time::Instant::now();
    p.solve(&Environment::raspberry_pi4(64), Algorithm::Mls);
    println!("fill+solve {:?} pairs {}", t.elapsed(), p.cached_pairs());
    let t = std::time::Instant::now();
    p.solve(&Environment { bandwidth_mbps: 150.0, ..Environment::raspberry_pi4(64) }, Algorithm::Mls);
    println!("warm {:?}", t.elapsed());
}
