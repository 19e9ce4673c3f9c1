//! The crop layer (Keras `Cropping2D`, an ONNX `Slice` of the height and width) run by
//! the executor: in every partition of small random DAGs holding crops, and in their optimal plans, each device's
//! rows equal the unsliced pass's and its traffic the plan's — which shows that the
//! crop's row mapping (row `y` reads row `y + top`) is the one the cost model prices.

mod common;
#[path = "execute/plans.rs"]
mod plans;

use common::{random_dag_with, Rng, CROP};
use coopai::cost::Environment;
use coopai::execute::verify;
use coopai::model::Layer;
use coopai::solver::Algorithm;
use plans::{every_partition, of_blocks, optimal};

#[test]
fn crops_run_as_planned_in_every_partition() {
    let mut rng = Rng(41);
    let (mut plans, mut crops) = (0, 0);
    for n in 0..100 {
        let net = random_dag_with(&mut rng, 7, &[CROP; 4]);
        crops += net
            .layers
            .iter()
            .filter(|l| matches!(l.kind, Layer::Crop(_)))
            .count();
        for k in 2..=3 {
            let env = Environment::new(k, 100.0, 13.6).unwrap();
            let chosen = [Algorithm::Mls, Algorithm::Sls].map(|a| optimal(&net, &env, k, a));
            let every = every_partition(&net, k)
                .into_iter()
                .map(|blocks| (format!("{blocks:?}"), of_blocks(&net, &env, k, &blocks)));
            for (blocks, plan) in every.chain(chosen.map(|p| ("the optimum".into(), p))) {
                let what = format!("dag {n}, k {k}, {blocks}");
                let report = verify(&net, &plan, 7).unwrap_or_else(|e| panic!("{what}: {e}"));
                for r in &report.rounds {
                    assert!(r.ok, "{what}: round {r:?}");
                }
                plans += 1;
            }
        }
    }
    assert!(crops > 10 && plans > 1000, "{crops} crops, {plans} plans");
}
