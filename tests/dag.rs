//! Branching models (docs/spec-dag.md): the incremental DAG sweep against a naive
//! from-scratch implementation of the rules, the DAG sweep against the chain sweep on
//! chains, and the DP against brute force on random small DAGs.

mod common;

use std::collections::BTreeSet;

use common::brute::brute_force;
use common::{random_chain, random_dag, random_dag_with, Rng, CROP};
use coopai::cost::{block_loads, Case, Environment, Load, Team};
use coopai::model::{Bilinear, Layer, Network};
use coopai::slicing::equal_split;
use coopai::solver::{partition, Algorithm};

const B: u64 = 32;

type Range = Option<(u32, u32)>;

fn hull(a: Range, b: Range) -> Range {
    match (a, b) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (x, None) | (None, x) => x,
    }
}

fn rows(r: Range) -> BTreeSet<u32> {
    r.map_or(BTreeSet::new(), |(f, l)| (f..=l).collect())
}

fn own(net: &Network, t: usize, k: u32, d: u32) -> Range {
    equal_split(net.layer(t).output.height, k, d).map(|r| (r.first, r.last))
}

/// Input rows (of `n`) read through a window of kernel `kk`, stride `s`, top padding
/// `p`, dilation `dil`, clipped to the real rows.
fn window(r: (u32, u32), kk: u32, s: u32, p: u32, dil: u32, n: u32) -> (u32, u32) {
    let (s, p, n) = (i64::from(s), i64::from(p), i64::from(n));
    let first = (i64::from(r.0) * s - p).clamp(0, n - 1);
    let last = (i64::from(r.1) * s - p + i64::from(dil) * (i64::from(kk) - 1)).clamp(0, n - 1);
    (first as u32, last as u32)
}

/// The rows of input `t` that layer `c` reads to make output rows `r`, written from
/// each layer's definition (spec-dag §2), independently of the library's `RowMap`.
fn reads(net: &Network, c: usize, t: usize, r: Range) -> Range {
    let r = r?;
    let l = net.layer(c);
    let n = if t == 0 {
        net.input.height
    } else {
        net.layer(t).output.height
    };
    Some(match l.kind {
        Layer::Conv(conv) => {
            let x = match conv.pool {
                Some(p) => window(r, p.size, p.stride, 0, 1, l.conv_out.height),
                None => r,
            };
            let pb = conv.padding;
            window(
                x,
                conv.kernel,
                conv.stride,
                pb,
                conv.dilation.unwrap_or(1),
                n,
            )
        }
        Layer::Pool(p) if p.global => (0, n - 1),
        Layer::Pool(p) => window(r, p.size, p.stride, p.padding, 1, n),
        Layer::Reorg(g) => window(r, g.stride, g.stride, 0, 1, n),
        Layer::Upsample(u) => (r.0 / u.factor, r.1 / u.factor),
        // Half-pixel centres: output row y blends the input rows around (y + ½)/f − ½.
        Layer::Bilinear(u) => {
            let src = |y: u32| ((f64::from(y) + 0.5) / f64::from(u.factor) - 0.5).max(0.0);
            let (lo, hi) = (src(r.0).floor() as u32, src(r.1).floor() as u32 + 1);
            (lo.min(n - 1), hi.min(n - 1))
        }
        // The cropped window: output row y is input row y + top.
        Layer::Crop(c) => (r.0 + c.top, r.1 + c.top),
        _ => (r.0.min(n - 1), r.1.min(n - 1)),
    })
}

fn row_bits(net: &Network, t: usize) -> u64 {
    let s = if t == 0 {
        net.input
    } else {
        net.layer(t).output
    };
    u64::from(s.width) * u64::from(s.channels) * B
}

fn needed_after(net: &Network, t: usize, g: usize) -> bool {
    let c = &net.consumers[t - 1];
    c.is_empty() || c.iter().any(|&c| c > g)
}

fn uploaded(net: &Network, t: usize) -> bool {
    let c = &net.consumers[t - 1];
    c.is_empty() || c.iter().any(|&c| !net.is_spatial(c))
}

/// Spec-dag §3 for one spatial block `first..=last` (closed by an FL when `fc`),
/// computed from scratch per device with row sets.
fn naive_dag_loads(net: &Network, k: u32, first: usize, last: usize, fc: bool) -> Vec<Load> {
    let g = if fc { last - 1 } else { last };
    let mut loads = Vec::new();
    let mut needs: Vec<Vec<Range>> = Vec::new(); // needs[d][t]
    for d in 0..k {
        // Rows each layer of the block produces, top down from the grid.
        let mut produce: Vec<Range> = vec![None; g + 1];
        let mut flops = 0;
        let mut to = 0;
        for m in (first..=g).rev() {
            let mut r = if m == g { own(net, g, k, d) } else { None };
            for &c in &net.consumers[m - 1] {
                if c <= g && c > m {
                    r = hull(r, reads(net, c, m, produce[c]));
                }
            }
            if m < g && needed_after(net, m, g) {
                r = hull(r, own(net, m, k, d));
                to += rows(own(net, m, k, d)).len() as u64 * row_bits(net, m);
            }
            produce[m] = r;
            if let Layer::Conv(conv) = net.layer(m).kind {
                let l = net.layer(m);
                let computed = match (conv.pool, r) {
                    (Some(p), Some(x)) => {
                        Some(window(x, p.size, p.stride, 0, 1, l.conv_out.height))
                    }
                    _ => r,
                };
                flops += rows(computed).len() as u64 * l.flops_per_conv_row();
            }
        }
        let grid_rows = rows(own(net, g, k, d)).len() as u64;
        let g_bits = row_bits(net, g);
        if fc {
            let no = u64::from(net.layer(last).output.channels);
            flops += 2 * grid_rows * (g_bits / B) * no;
            to += if grid_rows > 0 { no * B } else { 0 };
        } else if uploaded(net, g) {
            to += grid_rows * g_bits;
        }
        let mut need = vec![None; first];
        // Memory (spec-cluster §3), in elements: the block's weights, and the largest
        // rows read plus rows made by one layer.
        let mut weights = 0;
        let mut peak = 0;
        for (m, &made) in produce.iter().enumerate().skip(first) {
            let mut seen = Vec::new();
            let mut held = rows(made).len() as u64 * row_bits(net, m) / B;
            for &t in &net.inputs[m - 1] {
                let read = reads(net, m, t, made);
                if !seen.contains(&t) {
                    held += rows(read).len() as u64 * row_bits(net, t) / B;
                    seen.push(t);
                }
                if t < first {
                    need[t] = hull(need[t], read);
                }
            }
            weights += net.layer(m).params;
            peak = peak.max(held);
        }
        if fc && grid_rows > 0 {
            let (n, no) = (
                grid_rows * g_bits / B,
                u64::from(net.layer(last).output.channels),
            );
            weights += n * no + no;
            peak = peak.max(n + no);
        }
        needs.push(need);
        loads.push(Load {
            flops,
            ti_bits: 0,
            tau_bits: 0,
            to_bits: to,
            memory_bytes: if peak > 0 { (weights + peak) * 4 } else { 0 },
        });
    }
    let held = first - 1;
    let on_devices = held > 0 && net.is_spatial(held);
    for d in 0..k as usize {
        let mut ti = 0;
        for (t, &need) in needs[d].iter().enumerate() {
            let mut missing = rows(need);
            if on_devices && t == held {
                for row in rows(own(net, held, k, d as u32)) {
                    missing.remove(&row);
                }
            }
            ti += missing.len() as u64 * row_bits(net, t);
        }
        loads[d].ti_bits = ti;
        if on_devices && !uploaded(net, held) {
            let mine = rows(own(net, held, k, d as u32));
            let sent = if needed_after(net, held, g) {
                mine.len()
            } else {
                mine.iter()
                    .filter(|row| {
                        (0..k as usize).any(|e| e != d && rows(needs[e][held]).contains(row))
                    })
                    .count()
            };
            loads[d].tau_bits = sent as u64 * row_bits(net, held);
        }
    }
    loads
}

/// Every block of `net` for 2 to 4 devices against the naive rules; how many were checked.
fn against_the_naive_rules(net: &Network) -> usize {
    let mut checked = 0;
    for k in 2..=4 {
        for first in 1..=net.len() {
            for last in first..=net.len() {
                for (fc, case) in [(false, Case::Conv), (true, Case::ConvFc)] {
                    if let Some(loads) =
                        block_loads(net, &Team::uniform(k, 1e9, 1e6), first, last, case)
                    {
                        let naive = naive_dag_loads(net, k, first, last, fc);
                        assert_eq!(
                            loads,
                            naive,
                            "{case:?} {first}..{last} k={k} of {}",
                            coopai::model::json::to_json(&net.model)
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    checked
}

#[test]
fn incremental_dag_costs_equal_the_naive_rules() {
    let mut rng = Rng(11);
    let checked: usize = (0..300)
        .map(|_| against_the_naive_rules(&random_dag(&mut rng, 9)))
        .sum();
    assert!(checked > 5_000, "only {checked} spatial blocks checked");
}

/// Checks 200 random DAGs drawing `kind` often against the naive rules; returns how many
/// layers of that kind they held and how many spatial blocks were checked.
fn priced_as_the_naive_rules_say(kind: Layer, seed: u64) -> (usize, usize) {
    let mut rng = Rng(seed);
    let (mut held, mut checked) = (0, 0);
    for _ in 0..200 {
        let net = random_dag_with(&mut rng, 9, &[kind; 4]);
        held += net.layers.iter().filter(|l| l.kind == kind).count();
        checked += against_the_naive_rules(&net);
    }
    (held, checked)
}

#[test]
fn crops_cost_what_the_naive_rules_say() {
    // Row y of a crop reads row y + top: the shifted window (spec-dag D1).
    let (crops, checked) = priced_as_the_naive_rules_say(CROP, 12);
    assert!(
        crops > 20 && checked > 3_000,
        "{crops} crops, {checked} blocks"
    );
}

#[test]
fn bilinear_upsamplings_cost_what_the_naive_rules_say() {
    // Row y reads the two rows around (y + ½)/f − ½: one more than nearest (spec-dag §2).
    let kind = Layer::Bilinear(Bilinear { factor: 2 });
    let (bilinears, checked) = priced_as_the_naive_rules_say(kind, 13);
    assert!(
        bilinears > 20 && checked > 3_000,
        "{bilinears} bilinear upsamplings, {checked} blocks"
    );
}

#[test]
fn the_dag_rules_give_the_chain_rules_on_a_chain() {
    let mut rng = Rng(5);
    let mut checked = 0;
    for _ in 0..500 {
        let chain = random_chain(&mut rng, 8);
        let mut dag = chain.clone();
        dag.dag = true;
        for k in 2..=5 {
            for first in 1..=chain.len() {
                for last in first..=chain.len() {
                    for case in [Case::Conv, Case::ConvFc] {
                        let a = block_loads(&chain, &Team::uniform(k, 1e9, 1e6), first, last, case);
                        assert_eq!(
                            a,
                            block_loads(&dag, &Team::uniform(k, 1e9, 1e6), first, last, case)
                        );
                        checked += usize::from(a.is_some());
                    }
                }
            }
        }
    }
    assert!(checked > 5_000, "only {checked} blocks checked");
}

#[test]
fn dynamic_program_equals_brute_force_on_dags() {
    let mut rng = Rng(77);
    let mut saw_multi_layer_win = false;
    let mut saw_branch_in_block = false;
    for _ in 0..200 {
        let net = random_dag(&mut rng, 10);
        let env = Environment::new(
            5,
            rng.range(1, 50) as f64 * 1e-3,
            rng.range(1, 50) as f64 * 1e-6,
        )
        .unwrap();
        for k in 2..=4 {
            let mls = partition(&net, &env, k, Algorithm::Mls);
            let sls = partition(&net, &env, k, Algorithm::Sls);
            let label = coopai::model::json::to_json(&net.model);
            assert_eq!(
                mls.completion_s,
                brute_force(&net, &env, k, Algorithm::Mls),
                "MLS k={k} {label}"
            );
            assert_eq!(
                sls.completion_s,
                brute_force(&net, &env, k, Algorithm::Sls),
                "SLS k={k} {label}"
            );
            assert!(mls.completion_s <= sls.completion_s);
            saw_multi_layer_win |= mls.completion_s < sls.completion_s;
            saw_branch_in_block |= mls.blocks.iter().any(|b| {
                (b.first..=b.last)
                    .any(|m| net.inputs[m - 1].iter().any(|&t| t + 1 < m && t >= b.first))
            });
        }
    }
    assert!(saw_multi_layer_win, "MLS never beat SLS on the random DAGs");
    assert!(
        saw_branch_in_block,
        "no chosen block ever held a whole branch"
    );
}

/// spec-dag D1: an elementwise product (`mul`) is priced exactly as a sum (`add`): rows
/// one to one, no FLOPs. Random DAGs with each product made a sum have the same loads
/// for every block, case and `k`, and the same plans.
#[test]
fn a_product_is_priced_like_a_sum() {
    use coopai::model::Layer;
    let mut rng = Rng(23);
    let (mut products, mut checked) = (0, 0);
    for _ in 0..800 {
        let net = random_dag(&mut rng, 9);
        if !net.model.layers.contains(&Layer::Mul) {
            continue;
        }
        products += 1;
        let mut model = net.model.clone();
        for l in &mut model.layers {
            if *l == Layer::Mul {
                *l = Layer::Add;
            }
        }
        let sum = Network::new(&model).unwrap();
        assert_eq!(sum.flops(), net.flops());
        for k in 1..=4 {
            let team = Team::uniform(k, 1e9, 1e6);
            for first in 1..=net.len() {
                for last in first..=net.len() {
                    for case in [Case::Single, Case::Conv, Case::ConvFc] {
                        let loads = block_loads(&net, &team, first, last, case);
                        assert_eq!(loads, block_loads(&sum, &team, first, last, case));
                        checked += usize::from(loads.is_some());
                    }
                }
            }
            let env = Environment::new(4, 1e-3, 1e-5).unwrap();
            for algorithm in [Algorithm::Mls, Algorithm::Sls] {
                let (a, b) = (
                    partition(&net, &env, k, algorithm),
                    partition(&sum, &env, k, algorithm),
                );
                assert_eq!(a.completion_s, b.completion_s);
                assert_eq!(a.blocks, b.blocks);
            }
        }
    }
    assert!(
        products > 40 && checked > 5_000,
        "{products} models, {checked} blocks"
    );
}

#[test]
fn branching_zoo_models_have_their_published_size() {
    // (name, multiply-adds in G, parameters in M) from torchvision's model documentation
    // (conv and FC; batch-norm parameters are the small difference).
    for (name, gmacs, mparams) in [
        ("resnet18", 1.81, 11.69),
        ("resnet50", 4.09, 25.56),
        ("mobilenetv2", 0.30, 3.50),
    ] {
        let net = Network::new(&coopai::model::zoo::by_name(name).unwrap()).unwrap();
        assert!(net.dag, "{name} branches");
        let gflops = net.flops() as f64 / 1e9;
        assert!(
            (gflops / (2.0 * gmacs) - 1.0).abs() < 0.01,
            "{name}: {gflops} GFLOPs against 2 × {gmacs} GMACs"
        );
        let m = net.params() as f64 / 1e6;
        assert!(
            (m / mparams - 1.0).abs() < 0.01,
            "{name}: {m} M parameters against {mparams}"
        );
    }
}

#[test]
fn a_branching_plan_names_the_tensors_the_gateway_holds() {
    let net = Network::new(&coopai::model::zoo::resnet18()).unwrap();
    let env = Environment::new(4, 100.0, 13.6).unwrap();
    let plan = coopai::solver::solve(&net, &env, Algorithm::Mls);
    assert!(plan.devices >= 2, "ResNet-18 on 4 Pis uses several devices");
    for block in &plan.blocks {
        // Whatever a later round reads from before it is held by the gateway, or is the
        // block's last output kept on the devices.
        for t in 0..block.last {
            let read_later = (block.last + 1..=net.len()).any(|c| net.inputs[c - 1].contains(&t));
            if read_later && t != block.last {
                assert!(
                    block.gateway_holds.contains(&t),
                    "round {} leaves tensor {t} nowhere",
                    block.round
                );
            }
        }
        for d in &block.devices {
            if block.case == Case::Conv {
                assert!(!d.reads.is_empty() || d.in_rows.is_none());
            }
        }
    }
}

/// docs/spec-dag.md §D4, number for number.
#[test]
fn the_worked_examples_of_the_dag_spec() {
    use coopai::model::{Conv, Layer, Model, Shape};
    let residual = |extra: bool| {
        let mut layers = vec![
            Layer::Conv(Conv::same(1, 3)),
            Layer::Conv(Conv::same(1, 3)),
            Layer::Add,
        ];
        let mut inputs = vec![vec![0], vec![1], vec![2, 1]];
        if extra {
            layers.push(Layer::Add);
            inputs.push(vec![3, 1]);
        }
        Network::new(&Model {
            name: "residual".into(),
            input: Shape::new(8, 1, 1),
            layers,
            passthrough: None,
            inputs,
            gateway_head: None,
        })
        .unwrap()
    };
    let load = |flops, ti_bits, tau_bits, to_bits| Load {
        flops,
        ti_bits,
        tau_bits,
        to_bits,
        memory_bytes: 0,
    };
    let terms = |loads: Vec<Load>| -> Vec<Load> {
        loads
            .into_iter()
            .map(|l| Load {
                memory_bytes: 0,
                ..l
            })
            .collect()
    };
    let net = residual(false);
    assert_eq!(
        terms(block_loads(&net, &Team::uniform(2, 1e9, 1e6), 2, 3, Case::Conv).unwrap()),
        vec![load(72, 32, 32, 128), load(72, 32, 32, 128)]
    );
    // Layer 1 is needed after the block 1..2: each device uploads its 4 rows of it.
    assert_eq!(
        block_loads(&net, &Team::uniform(2, 1e9, 1e6), 1, 2, Case::Conv).unwrap()[0].to_bits,
        128
    );
    assert_eq!(
        terms(block_loads(&net, &Team::uniform(2, 1e9, 1e6), 3, 3, Case::Conv).unwrap()),
        vec![load(0, 128, 0, 128), load(0, 128, 0, 128)]
    );
    // With a fourth layer reading layer 1 again, the block 2..3 sends all it kept of it.
    let net = residual(true);
    let loads = block_loads(&net, &Team::uniform(2, 1e9, 1e6), 2, 3, Case::Conv).unwrap();
    assert_eq!((loads[0].tau_bits, loads[1].tau_bits), (128, 128));
    // The same pair joined by a product instead of the sum: the same numbers (D1).
    let mut net = residual(false);
    net.model.layers[2] = Layer::Mul;
    let net = Network::new(&net.model).unwrap();
    assert_eq!(
        terms(block_loads(&net, &Team::uniform(2, 1e9, 1e6), 2, 3, Case::Conv).unwrap()),
        vec![load(72, 32, 32, 128), load(72, 32, 32, 128)]
    );
}

/// tests/models/yolov2-dag.json is YOLOv2 written as a DAG: the same work and weights
/// as the zoo's passthrough form (docs/spec-dag.md §D5 compares their plans).
#[test]
fn yolov2_as_a_dag_has_the_zoo_sizes() {
    let path = format!(
        "{}/tests/models/yolov2-dag.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let dag = coopai::model::load(&std::fs::read_to_string(path).unwrap()).unwrap();
    let zoo = Network::new(&coopai::model::zoo::yolov2()).unwrap();
    assert!(dag.dag);
    assert_eq!(dag.flops(), zoo.flops());
    assert_eq!(dag.params(), zoo.params());
    assert_eq!(dag.output(), zoo.output());
}
