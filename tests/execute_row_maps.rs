//! The layers whose rows read other rows than their own, run by the executor: the crop
//! (Keras `Cropping2D`, an ONNX `Slice` of the height and width: row `y` reads row
//! `y + top`) and bilinear upsampling (ONNX `Resize` in linear mode, Keras' `bilinear`:
//! row `y` blends the rows around `(y + ½) / f − ½`). In every partition of small random
//! DAGs holding them, and in their optimal plans, each device's rows equal the unsliced
//! pass's and its traffic the plan's — which shows that the row mapping is the one the
//! cost model prices (a map one row short is caught: `execute_dag.rs`).

mod common;
#[path = "execute/plans.rs"]
mod plans;

use common::{random_dag_with, Rng, CROP};
use coopai::cost::Environment;
use coopai::execute::verify;
use coopai::model::{Bilinear, Layer};
use coopai::solver::Algorithm;
use plans::{every_partition, of_blocks, optimal};

/// Runs every partition and both optima of 100 random DAGs drawing `kind` often;
/// returns how many layers of that kind they held and how many plans ran.
fn runs_as_planned(kind: Layer, seed: u64) -> (usize, usize) {
    let mut rng = Rng(seed);
    let (mut plans, mut held) = (0, 0);
    for n in 0..100 {
        let net = random_dag_with(&mut rng, 7, &[kind; 4]);
        held += net.layers.iter().filter(|l| l.kind == kind).count();
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
    (held, plans)
}

#[test]
fn crops_run_as_planned_in_every_partition() {
    let (crops, plans) = runs_as_planned(CROP, 41);
    assert!(crops > 10 && plans > 1000, "{crops} crops, {plans} plans");
}

#[test]
fn bilinear_upsamplings_run_as_planned_in_every_partition() {
    let (bilinears, plans) = runs_as_planned(Layer::Bilinear(Bilinear { factor: 2 }), 43);
    assert!(
        bilinears > 10 && plans > 1000,
        "{bilinears} bilinear upsamplings, {plans} plans"
    );
}
