//! Hand-worked examples, one per block case, with the arithmetic in the comments.
//!
//! Every environment here is F = 1 FLOP/s and G = 1 bit/s, so a device's time is
//! `flops + bits · k` and every number can be checked on paper. b = 32 bits.

use coopai::cost::{block_loads, block_time, Case, Environment, Load, Team};
use coopai::model::{Conv, Fc, Layer, Model, Network, Shape};
use coopai::solver::{partition, Algorithm};

fn unit_env(devices: u32) -> Environment {
    Environment::new(devices, 1e-6, 1e-9).unwrap()
}

fn net(input: Shape, layers: Vec<Layer>) -> Network {
    Network::new(&Model {
        name: "case".into(),
        input,
        layers,
        passthrough: None,
        inputs: Vec::new(),
        gateway_head: None,
    })
    .unwrap()
}

fn load(flops: u64, ti_bits: u64, tau_bits: u64, to_bits: u64) -> Load {
    Load {
        flops,
        ti_bits,
        tau_bits,
        to_bits,
        memory_bytes: 0,
    }
}

/// The four terms of the time; memory is checked on its own below.
fn terms(loads: &[Load]) -> Vec<Load> {
    loads
        .iter()
        .map(|l| Load {
            memory_bytes: 0,
            ..*l
        })
        .collect()
}

fn team(k: u32) -> Team {
    unit_env(k).team(k)
}

fn time(loads: &[Load], k: u32) -> f64 {
    block_time(loads, &team(k)).0.total()
}

/// Three 3×3 convs (padding 1) on an 8×1×1 input, each with one filter: every layer
/// is 8 rows of 1 element, and one conv-output row costs Wc·Co·2·K²·Ci = 1·1·2·9·1 = 18.
fn three_convs() -> Network {
    let c = Layer::Conv(Conv::same(1, 3));
    net(Shape::new(8, 1, 1), vec![c, c, c])
}

#[test]
fn conv_single_layer_after_a_conv_block() {
    // Block 3..3, k = 2. Grids of layer 3: d0 rows [0,3], d1 [4,7]; 4 rows · 18 = 72 FLOPs.
    // need: d0 [0−1, 3−1+2] clipped = [0,4]; d1 [3,7]. Layer 2 is a CL, so the devices
    // hold the equal split of its output: d0 [0,3], d1 [4,7].
    // ti: each misses one row (d0 row 4, d1 row 3): 1 · W·Ci·b = 32 bits.
    // τo: d0's row 3 is needed by d1, d1's row 4 by d0: 32 bits each.
    // to: layer 3 is the last layer, so each uploads its grid: 4 · 32 = 128 bits.
    let loads = block_loads(&three_convs(), &team(2), 3, 3, Case::Conv).unwrap();
    assert_eq!(
        terms(&loads),
        vec![load(72, 32, 32, 128), load(72, 32, 32, 128)]
    );
    // time = 72 + (32 + 32 + 128) · 2 = 456
    assert_eq!(time(&loads, 2), 456.0);
}

#[test]
fn conv_block_with_halo_and_postponed_upload() {
    // Block 2..3, k = 2. At layer 3 as above (72 FLOPs, rows of layer 2: [0,4] and [3,7]).
    // Layer 2 computes 5 rows: + 5 · 18 = 90 → 162 FLOPs each.
    // need at layer 2's input: d0 [0,5], d1 [2,7] (the halo grows one row per layer).
    // held (layer 1 output): d0 [0,3], d1 [4,7]. ti: 6 − 4 = 2 rows = 64 bits each.
    // τo: d1 needs rows 2,3 of d0's; d0 needs rows 4,5 of d1's: 2 rows = 64 bits each.
    // to: 128 bits (last layer). time = 162 + (64 + 64 + 128) · 2 = 674.
    let loads = block_loads(&three_convs(), &team(2), 2, 3, Case::Conv).unwrap();
    assert_eq!(
        terms(&loads),
        vec![load(162, 64, 64, 128), load(162, 64, 64, 128)]
    );
    assert_eq!(time(&loads, 2), 674.0);

    // Block 1..3: layer 1 computes 6 rows (+108 → 270); need of the image: d0 [0,6],
    // d1 [1,7], all from the gateway (7 rows = 224 bits); nothing held, so τo = 0.
    // time = 270 + (224 + 128) · 2 = 974.
    let loads = block_loads(&three_convs(), &team(2), 1, 3, Case::Conv).unwrap();
    assert_eq!(
        terms(&loads),
        vec![load(270, 224, 0, 128), load(270, 224, 0, 128)]
    );
    assert_eq!(time(&loads, 2), 974.0);
}

#[test]
fn conv_block_followed_by_a_conv_uploads_nothing_yet() {
    // Block 1..2 of the three convs: layer 3 (a CL) follows, so to = 0: the next
    // round's τo moves what is needed. Layer 2: 4 rows (72); layer 1: rows [0,4] / [3,7],
    // 5 rows (90) → 162. need of the image: [0,5] / [2,7] = 6 rows = 192 bits.
    let loads = block_loads(&three_convs(), &team(2), 1, 2, Case::Conv).unwrap();
    assert_eq!(
        terms(&loads),
        vec![load(162, 192, 0, 0), load(162, 192, 0, 0)]
    );
}

#[test]
fn conv_with_stride_pool_and_idle_device() {
    // Input 9×3×1; layer 1: conv 3×3 stride 2 padding 1 → Hc = ⌊(9+2−3)/2⌋+1 = 5,
    // Wc = ⌊(3+2−3)/2⌋+1 = 2, then a pool 2/2 → 2×1. k = 3 over 2 rows: d0 [0,0],
    // d1 [1,1], d2 idle.
    // d0: pool rows [0,1] → conv rows [0·2−1, 1·2−1+2] = [0,3]; d1: pool [2,3] → [3,7].
    // One conv row costs Wc·Co·2·9·Ci = 2·1·18·1 = 36: 2 rows = 72 FLOPs. need 4 and 5
    // rows of W·Ci·b = 96 bits from the gateway: 384 and 480 bits. Last layer: to = one
    // output row of 1 element = 32 bits. The idle device does nothing.
    let n = net(
        Shape::new(9, 3, 1),
        vec![Layer::Conv(
            Conv::same(1, 3).with_stride(2, 1).with_pool(2, 2),
        )],
    );
    let loads = block_loads(&n, &team(3), 1, 1, Case::Conv).unwrap();
    assert_eq!(
        terms(&loads),
        vec![load(72, 384, 0, 32), load(72, 480, 0, 32), Load::default()]
    );
    // The slowest is d1: 72 + (480 + 32) · 3 = 1608.
    assert_eq!(time(&loads, 3), 1608.0);
}

/// A 3×3 conv with 2 filters on a 4×2×1 input, then an FL with 3 outputs.
fn conv_then_fc() -> Network {
    net(
        Shape::new(4, 2, 1),
        vec![Layer::Conv(Conv::same(2, 3)), Layer::Fc(Fc { outputs: 3 })],
    )
}

#[test]
fn conv_plus_fc() {
    // k = 2, grids of layer 1: d0 [0,1], d1 [2,3]. A conv row costs Wc·Co·2·9·Ci =
    // 2·2·18·1 = 72: 2 rows = 144. need: d0 [0,2], d1 [1,3], 3 rows · W·Ci·b = 3·2·32 = 192.
    // The FL in data parallelism: each device holds 2 rows · W · Co = 8 elements and
    // multiplies them by the matching columns: 2 · 8 · 3 = 48 FLOPs → 192 in all, and
    // uploads a partial sum of all 3 outputs: 96 bits. time = 192 + (192 + 96) · 2 = 768.
    let loads = block_loads(&conv_then_fc(), &team(2), 1, 2, Case::ConvFc).unwrap();
    assert_eq!(
        terms(&loads),
        vec![load(192, 192, 0, 96), load(192, 192, 0, 96)]
    );
    assert_eq!(time(&loads, 2), 768.0);
}

#[test]
fn fc_data_and_model() {
    // One FL with Ni = 10 inputs and No = 4 outputs on k = 3 devices.
    let n = net(Shape::new(1, 1, 10), vec![Layer::Fc(Fc { outputs: 4 })]);
    // Data: inputs split 4, 3, 3. FLOPs 2·n·4 = 32, 24, 24; ti n·32; to = 4·32 = 128.
    // d0: 32 + (128 + 128)·3 = 800 is the slowest.
    let data = block_loads(&n, &team(3), 1, 1, Case::FcData).unwrap();
    assert_eq!(
        terms(&data),
        vec![
            load(32, 128, 0, 128),
            load(24, 96, 0, 128),
            load(24, 96, 0, 128)
        ]
    );
    assert_eq!(time(&data, 3), 800.0);
    // Model: outputs split 2, 1, 1. FLOPs 2·10·m = 40, 20, 20; ti = all 10 inputs = 320;
    // to = m·32. d0: 40 + (320 + 64)·3 = 1192.
    let model = block_loads(&n, &team(3), 1, 1, Case::FcModel).unwrap();
    assert_eq!(
        terms(&model),
        vec![
            load(40, 320, 0, 64),
            load(20, 320, 0, 32),
            load(20, 320, 0, 32)
        ]
    );
    assert_eq!(time(&model, 3), 1192.0);
    // The DP takes the faster, data.
    let p = partition(&n, &unit_env(3), 3, Algorithm::Mls);
    assert_eq!(p.blocks[0].case, Case::FcData);
    assert_eq!(p.completion_s, 800.0);
}

#[test]
fn fc_hybrid() {
    // FL 6 → 4 then FL 4 → 2 on k = 2. Layer 1 in model parallelism: outputs 2 and 2;
    // layer 2 in data parallelism over exactly those 2 inputs. FLOPs 2·6·2 + 2·2·2 = 32;
    // ti = all 6 inputs = 192 bits; to = a partial sum of 2 outputs = 64 bits.
    // time = 32 + (192 + 64)·2 = 544.
    let n = net(
        Shape::new(1, 1, 6),
        vec![Layer::Fc(Fc { outputs: 4 }), Layer::Fc(Fc { outputs: 2 })],
    );
    let loads = block_loads(&n, &team(2), 1, 2, Case::FcHybrid).unwrap();
    assert_eq!(
        terms(&loads),
        vec![load(32, 192, 0, 64), load(32, 192, 0, 64)]
    );
    assert_eq!(time(&loads, 2), 544.0);
    // With 5 devices the 4 neurons leave the fifth idle: no compute, no transfer.
    let loads = block_loads(&n, &team(5), 1, 2, Case::FcHybrid).unwrap();
    assert_eq!(loads[4], Load::default());
    assert_eq!(terms(&loads)[0], load(2 * 6 + 2 * 2, 192, 0, 64));
}

#[test]
fn single_device() {
    // k = 1 runs everything: conv 2·9·1·2·4·2 = 288 FLOPs, FL 2·16·3 = 96 → 384 FLOPs;
    // the image (8 elements = 256 bits) down and the output (3 = 96 bits) up.
    // T¹ = 384 + 352 = 736.
    let p = partition(&conv_then_fc(), &unit_env(1), 1, Algorithm::Mls);
    assert_eq!(p.blocks.len(), 1);
    assert_eq!(p.blocks[0].case, Case::Single);
    assert_eq!(p.completion_s, 736.0);
}

#[test]
fn infeasible_blocks_are_refused() {
    let n = conv_then_fc();
    assert!(
        block_loads(&n, &team(2), 1, 2, Case::Conv).is_none(),
        "conv case with an FL"
    );
    assert!(
        block_loads(&n, &team(2), 2, 2, Case::ConvFc).is_none(),
        "conv+fc without a CL"
    );
    assert!(
        block_loads(&n, &team(2), 1, 1, Case::FcData).is_none(),
        "fc case on a CL"
    );
    assert!(
        block_loads(&n, &team(2), 1, 2, Case::FcHybrid).is_none(),
        "hybrid needs two FLs"
    );
    let three = net(Shape::new(1, 1, 4), vec![Layer::Fc(Fc { outputs: 4 }); 3]);
    assert!(
        block_loads(&three, &team(2), 1, 3, Case::FcHybrid).is_none(),
        "three FLs"
    );
}

#[test]
fn memory_a_device_holds_in_a_block() {
    // Block 3..3 of the three convs, k = 2 (spec-cluster §3): the weights of layer 3,
    // 3·3·1·1 + 1 bias = 10 elements, and its largest input plus output rows: need 5
    // rows of 1 element + grid 4 rows of 1 = 9. (10 + 9) · 4 bytes = 76.
    let loads = block_loads(&three_convs(), &team(2), 3, 3, Case::Conv).unwrap();
    assert_eq!((loads[0].memory_bytes, loads[1].memory_bytes), (76, 76));
    // Block 2..3: weights 20; layer 2 holds 6 input rows + 5 output rows = 11. 124 bytes.
    let loads = block_loads(&three_convs(), &team(2), 2, 3, Case::Conv).unwrap();
    assert_eq!(loads[0].memory_bytes, (20 + 11) * 4);
    // An FL in data parallelism over 3 devices, Ni = 10 split 4, 3, 3, No = 4: device 0
    // holds its 4 · 4 weights and the 4 biases, its 4 inputs and the 4 partial sums:
    // 28 elements, 112 bytes; model parallelism, outputs 2, 1, 1: 10 · 2 + 2 weights,
    // all 10 inputs and its 2 outputs: 34 elements, 136 bytes.
    let n = net(Shape::new(1, 1, 10), vec![Layer::Fc(Fc { outputs: 4 })]);
    let data = block_loads(&n, &team(3), 1, 1, Case::FcData).unwrap();
    assert_eq!(data[0].memory_bytes, 112);
    let model = block_loads(&n, &team(3), 1, 1, Case::FcModel).unwrap();
    assert_eq!(model[0].memory_bytes, 136);
}
