//! The solver against brute force, and the incremental block costs against a naive
//! from-scratch implementation of the spec, on hundreds of random small chains.

mod common;

use std::collections::BTreeSet;

use common::brute::brute_force;
use common::{random_chain, Rng};
use coopai::cost::{block_loads, Case, Environment, Load, Team};
use coopai::model::{Fc, Layer, Network};
use coopai::slicing::{back_through_conv, conv_rows_for_output, equal_split, Rows};
use coopai::solver::{partition, Algorithm};

const B: u64 = 32;

fn set(r: Option<Rows>) -> BTreeSet<u32> {
    r.map_or(BTreeSet::new(), |r| (r.first..=r.last).collect())
}

/// Spec §2–4 computed the slow way: rows as sets, everything from scratch.
fn naive_conv_loads(net: &Network, k: u32, first: usize, last: usize, fc: bool) -> Vec<Load> {
    let grid_layer = if fc { last - 1 } else { last };
    let g = net.layer(grid_layer);
    let mut loads = Vec::new();
    let mut needs = Vec::new();
    for d in 0..k {
        let grid = equal_split(g.output.height, k, d);
        let mut rows = grid;
        let mut flops = 0;
        // Memory (spec-cluster §3), in elements: every weight of the block, and the
        // largest input plus output rows of one layer.
        let mut weights = 0;
        let mut peak = 0;
        for r in (first..=grid_layer).rev() {
            let l = net.layer(r);
            let Layer::Conv(c) = l.kind else {
                unreachable!()
            };
            let computed = rows.map(|x| conv_rows_for_output(x, c, l.conv_out.height));
            flops += set(computed).len() as u64 * l.flops_per_conv_row();
            let out = set(rows).len() as u64 * u64::from(l.output.width * l.output.channels);
            rows = computed.map(|x| back_through_conv(x, c, l.input.height));
            let input = set(rows).len() as u64 * u64::from(l.input.width * l.input_channels());
            weights += l.params;
            peak = peak.max(input + out);
        }
        let row_elements = u64::from(g.output.width * g.output.channels);
        let grid_rows = set(grid).len() as u64;
        let to = if fc {
            let Layer::Fc(Fc { outputs }) = net.layer(last).kind else {
                unreachable!()
            };
            let (n, no) = (grid_rows * row_elements, u64::from(outputs));
            weights += n * no + no;
            peak = peak.max(n + no);
            flops += 2 * grid_rows * row_elements * u64::from(outputs);
            if grid.is_some() {
                u64::from(outputs) * B
            } else {
                0
            }
        } else if last == net.len() || !net.is_spatial(last + 1) {
            grid_rows * row_elements * B
        } else {
            0
        };
        loads.push(Load {
            flops,
            ti_bits: 0,
            tau_bits: 0,
            to_bits: to,
            memory_bytes: if grid.is_some() {
                (weights + peak) * 4
            } else {
                0
            },
        });
        needs.push(set(rows));
    }
    let input = net.layer(first).input;
    let row_bits = u64::from(input.width * input.channels) * B;
    let held_by_devices = first > 1 && net.is_spatial(first - 1);
    for d in 0..k as usize {
        let held = if held_by_devices {
            set(equal_split(input.height, k, d as u32))
        } else {
            BTreeSet::new()
        };
        loads[d].ti_bits = needs[d].difference(&held).count() as u64 * row_bits;
        let shared = held
            .iter()
            .filter(|row| (0..k as usize).any(|e| e != d && needs[e].contains(row)))
            .count() as u64;
        loads[d].tau_bits = shared * row_bits;
    }
    loads
}

#[test]
fn incremental_block_costs_equal_the_naive_spec() {
    let mut rng = Rng(7);
    let mut checked = 0;
    for _ in 0..500 {
        let net = random_chain(&mut rng, 8);
        for k in 2..=5 {
            for first in 1..=net.len() {
                for last in first..=net.len() {
                    for (fc, case) in [(false, Case::Conv), (true, Case::ConvFc)] {
                        if let Some(loads) =
                            block_loads(&net, &Team::uniform(k, 1e9, 1e6), first, last, case)
                        {
                            let naive = naive_conv_loads(&net, k, first, last, fc);
                            assert_eq!(
                                loads, naive,
                                "{case:?} {first}..{last} k={k} of {:?}",
                                net.model
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 5_000, "only {checked} conv blocks checked");
}

#[test]
fn dynamic_program_equals_brute_force() {
    let mut rng = Rng(2024);
    let mut saw_multi_layer_win = false;
    for _ in 0..300 {
        let net = random_chain(&mut rng, 10);
        // Rates that make compute and transfer comparable for these tiny models.
        let env = Environment::new(
            5,
            rng.range(1, 50) as f64 * 1e-3,
            rng.range(1, 50) as f64 * 1e-6,
        )
        .unwrap();
        for k in 2..=5 {
            let mls = partition(&net, &env, k, Algorithm::Mls);
            let sls = partition(&net, &env, k, Algorithm::Sls);
            assert_eq!(
                mls.completion_s,
                brute_force(&net, &env, k, Algorithm::Mls),
                "MLS k={k} {:?}",
                net.model
            );
            assert_eq!(
                sls.completion_s,
                brute_force(&net, &env, k, Algorithm::Sls),
                "SLS k={k} {:?}",
                net.model
            );
            assert!(mls.completion_s <= sls.completion_s);
            // The reconstructed blocks tile the model and add up to the optimum.
            let mut next = 1;
            let mut total = 0.0;
            for b in &mls.blocks {
                assert_eq!(b.first, next);
                next = b.last + 1;
                total += b.timing.total();
            }
            assert_eq!(next, net.len() + 1);
            assert_eq!(total, mls.completion_s);
            saw_multi_layer_win |= mls.completion_s < sls.completion_s;
        }
    }
    assert!(
        saw_multi_layer_win,
        "the random models never let MLS beat SLS"
    );
}
