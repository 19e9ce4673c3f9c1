//! The node patterns of real torch exports, built small with the importer's
//! own structs: `x.chunk` as shape arithmetic, ConvNeXt's channels-last block, a YOLO
//! detection head, and the dynamo exporter's opset-18 `Split(num_outputs)` in an
//! opset-17 file. `tests/import_onnx_real.rs` has the real exports.
#![cfg(feature = "onnx")]

mod onnx_support;

use coopai::import::onnx;
use coopai::import::onnx::proto::{ModelProto, NodeProto, TensorProto};
use coopai::model::{Conv, Layer, Split};
use onnx_support::*;

fn error(m: &ModelProto) -> String {
    onnx::load(&bytes(m)).expect_err("refused").to_string()
}

/// conv 3×3 of 8 filters reading `x`, output `c`.
fn conv8() -> (NodeProto, TensorProto) {
    (
        node(
            "Conv",
            &["x", "w"],
            &["c"],
            vec![ints("pads", &[1, 1, 1, 1])],
        ),
        weight("w", &[8, 4, 3, 3]),
    )
}

#[test]
fn torch_chunk_is_folded_into_two_channel_splits() {
    // x.chunk(2, dim=1) as the classic exporter writes it: Shape → Gather → Add → Div →
    // Mul → Slice, twice.
    let (c, w) = conv8();
    let m = model(
        [1, 4, 8, 8],
        vec![
            c,
            node("Shape", &["c"], &["s"], vec![]),
            node("Gather", &["s", "one"], &["ch"], vec![int("axis", 0)]),
            node("Add", &["ch", "one"], &["ch1"], vec![]),
            node("Div", &["ch1", "two"], &["half"], vec![]),
            node("Mul", &["half", "one"], &["end0"], vec![]),
            node("Mul", &["half", "two"], &["end1"], vec![]),
            node("Slice", &["c", "zero", "end0", "one"], &["a"], vec![]),
            node("Slice", &["c", "end0", "end1", "one"], &["b"], vec![]),
            node("Add", &["a", "b"], &["y"], vec![]),
        ],
        vec![
            w,
            int64s("zero", &[0]),
            int64s("one", &[1]),
            int64s("two", &[2]),
        ],
        "y",
    );
    let net = onnx::load(&bytes(&m)).unwrap_or_else(|e| panic!("{e}"));
    let split = |group_id| {
        Layer::Split(Split {
            groups: 2,
            group_id,
        })
    };
    assert_eq!(net.model.layers[1..], [split(0), split(1), Layer::Add]);
}

#[test]
fn a_channels_last_block_is_a_pointwise_conv() {
    // ConvNeXt: Transpose to [1, H, W, C], LayerNorm, MatMul [C, 4C] + bias, Gelu,
    // MatMul [4C, C], Transpose back, layer scale, residual add.
    let (c, w) = conv8();
    let m = model(
        [1, 4, 8, 8],
        vec![
            c,
            node(
                "Transpose",
                &["c"],
                &["t"],
                vec![ints("perm", &[0, 2, 3, 1])],
            ),
            node(
                "LayerNormalization",
                &["t", "g", "b"],
                &["n"],
                vec![int("axis", -1)],
            ),
            node("MatMul", &["n", "w1"], &["m1"], vec![]),
            node("Add", &["m1", "b1"], &["a1"], vec![]),
            node("Gelu", &["a1"], &["h"], vec![]),
            node("MatMul", &["h", "w2"], &["m2"], vec![]),
            node(
                "Transpose",
                &["m2"],
                &["back"],
                vec![ints("perm", &[0, 3, 1, 2])],
            ),
            node("Mul", &["back", "scale"], &["s"], vec![]),
            node("Add", &["s", "c"], &["y"], vec![]),
        ],
        vec![
            w,
            weight("g", &[8]),
            weight("b", &[8]),
            weight("w1", &[8, 32]),
            weight("b1", &[32]),
            weight("w2", &[32, 8]),
            weight("scale", &[8, 1, 1]),
        ],
        "y",
    );
    let net = onnx::load(&bytes(&m)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        net.model.layers[1..],
        [
            Layer::Conv(Conv::same(32, 1)),
            Layer::Conv(Conv::same(8, 1)),
            Layer::Add
        ]
    );
    // 2·C·C'·H·W for each MatMul, as a 1×1 conv.
    let pointwise: u64 = net.layers[1..3].iter().map(|l| l.flops).sum();
    assert_eq!(pointwise, 2 * 8 * 32 * 64 * 2);
    // A LayerNormalization over C, H and W mixes pixels.
    let (c, w) = conv8();
    let m = model(
        [1, 4, 8, 8],
        vec![
            c,
            node(
                "LayerNormalization",
                &["c", "g"],
                &["y"],
                vec![int("axis", 1)],
            ),
        ],
        vec![w, weight("g", &[8, 8, 8])],
        "y",
    );
    assert!(error(&m).contains(
        "node 2 'y': LayerNormalization: axis 1 of dims [1, 8, 8, 8]: the planner reads a \
         LayerNormalization over the channels only"
    ));
}

/// Two scales, each a conv whose output a head reshapes to `[1, C, H·W]`, joined on the
/// last axis, split into boxes and scores, decoded with constants.
fn detector(extra: Vec<NodeProto>, out: &str) -> ModelProto {
    let mut nodes = vec![
        node(
            "Conv",
            &["x", "w1"],
            &["p3"],
            vec![ints("pads", &[1, 1, 1, 1])],
        ),
        node(
            "Conv",
            &["p3", "w2"],
            &["p4"],
            vec![ints("strides", &[2, 2]), ints("pads", &[1, 1, 1, 1])],
        ),
        node("Conv", &["p3", "h3"], &["o3"], vec![]),
        node("Conv", &["p4", "h4"], &["o4"], vec![]),
        node("Reshape", &["o3", "flat3"], &["r3"], vec![]),
        node("Reshape", &["o4", "flat4"], &["r4"], vec![]),
        node("Concat", &["r3", "r4"], &["cat"], vec![int("axis", 2)]),
        node(
            "Split",
            &["cat", "parts"],
            &["box", "cls"],
            vec![int("axis", 1)],
        ),
        node("Shape", &["box"], &["bs"], vec![]),
        node("Gather", &["bs", "one"], &["bc"], vec![int("axis", 0)]),
        node("Div", &["bc", "two"], &["bh"], vec![]),
        node("Slice", &["box", "zero", "bh", "one"], &["lt"], vec![]),
        node("Sub", &["anchors", "lt"], &["xy"], vec![]),
        node("Sigmoid", &["cls"], &["score"], vec![]),
        node("Concat", &["xy", "score"], &["det"], vec![int("axis", 1)]),
    ];
    nodes.extend(extra);
    model(
        [1, 4, 8, 8],
        nodes,
        vec![
            weight("w1", &[8, 4, 3, 3]),
            weight("w2", &[8, 8, 3, 3]),
            weight("h3", &[6, 8, 1, 1]),
            weight("h4", &[6, 8, 1, 1]),
            int64s("flat3", &[1, 6, 64]),
            int64s("flat4", &[1, 6, 16]),
            int64s("parts", &[4, 2]),
            int64s("zero", &[0]),
            int64s("one", &[1]),
            int64s("two", &[2]),
            weight("anchors", &[1, 2, 80]),
        ],
        out,
    )
}

#[test]
fn a_detection_head_is_decoded_by_the_gateway() {
    let net = onnx::load(&bytes(&detector(vec![], "det"))).unwrap_or_else(|e| panic!("{e}"));
    // Four convs; the head's maps (layers 3 and 4) are model outputs, read by no layer.
    assert_eq!(net.model.layers.len(), 4);
    assert_eq!(net.model.inputs, vec![vec![0], vec![1], vec![1], vec![2]]);
    // A conv reading the head is not decoding: the rearrangement's refusal stands.
    let m = detector(
        vec![
            node("Reshape", &["det", "img"], &["back"], vec![]),
            node("Conv", &["back", "big"], &["y"], vec![]),
        ],
        "y",
    );
    let mut m = m;
    let g = m.graph.as_mut().unwrap();
    g.initializer.push(int64s("img", &[1, 4, 10, 8]));
    g.initializer.push(weight("big", &[64, 4, 5, 5]));
    assert!(
        error(&m).starts_with("node 5 'r3': Reshape: dims [1, 6, 8, 8] to [1, 6, 64]"),
        "{}",
        error(&m)
    );
    // A head that does not end at the model's last layer.
    let mut m = detector(vec![node("Conv", &["o3", "h5"], &["late"], vec![])], "det");
    m.graph
        .as_mut()
        .unwrap()
        .initializer
        .push(weight("h5", &[2, 6, 1, 1]));
    let e = error(&m);
    assert!(
        e.contains(
            "graph output 'det': it is a detection head decoded from layers [3, 4] but the \
             model's last layer is 5"
        ),
        "{e}"
    );
    // A head map that a later layer reads too is not a model output.
    let mut m = detector(
        vec![
            node("Conv", &["o3", "h5"], &["late"], vec![]),
            node("Reshape", &["late", "flat5"], &["r5"], vec![]),
            node("Concat", &["det", "r5"], &["all"], vec![int("axis", 2)]),
        ],
        "all",
    );
    let g = m.graph.as_mut().unwrap();
    g.initializer.push(weight("h5", &[2, 6, 1, 1]));
    g.initializer.push(int64s("flat5", &[1, 4, 32]));
    let e = error(&m);
    assert!(
        e.contains(
            "graph output 'all': it is a detection head reading layer 3, which later layers \
             read too"
        ),
        "{e}"
    );
}

#[test]
fn an_opset_18_split_in_an_opset_17_file_is_read_with_a_warning() {
    let (c, w) = conv8();
    let mut m = model(
        [1, 4, 8, 8],
        vec![
            c,
            node(
                "Split",
                &["c"],
                &["a", "b"],
                vec![int("axis", 1), int("num_outputs", 2)],
            ),
            node("Add", &["a", "b"], &["y"], vec![]),
        ],
        vec![w],
        "y",
    );
    m.opset_import[0].version = 17;
    let (net, notes) = onnx::load_noting(&bytes(&m)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(net.model.layers.len(), 4);
    assert_eq!(
        notes,
        [
            "node 2 'a': Split: num_outputs is an attribute of Split from opset 18, but the file \
          imports opset 17: read as opset 18 defines it"
        ]
    );
    // The CLI plans it and prints the warning on stderr.
    let path = std::env::temp_dir().join(format!("coopai-split18-{}.onnx", std::process::id()));
    std::fs::write(&path, bytes(&m)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coopai"))
        .args(["solve", "--model", path.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.starts_with("coopai: warning: ")
            && stderr.contains(
                ": node 2 'a': Split: num_outputs is an attribute of Split from opset 18"
            ),
        "{stderr}"
    );
    m.opset_import[0].version = 18;
    assert_eq!(
        onnx::load_noting(&bytes(&m)).unwrap().1,
        Vec::<String>::new()
    );
    // Uneven, as opset 18 cuts it: 3, 3, 2 of 8 channels — not equal groups.
    let mut m3 = m.clone();
    let g = m3.graph.as_mut().unwrap();
    g.node[1] = node(
        "Split",
        &["c"],
        &["a", "b", "d"],
        vec![int("axis", 1), int("num_outputs", 3)],
    );
    assert!(error(&m3)
        .contains("channels 0..3 of 8: the planner splits channels into equal groups only"));
}

/// `conv` (`filters` of 3×3 on `[1, 4, 8, 8]`) → Reshape to `[N]` → Gather by `index`
/// (dims `[1, filters, 8, 8]`) → Relu → Flatten → Gemm of 10: the dynamo exporter's
/// `as_strided`.
fn as_strided(filters: i64, index: Vec<i64>) -> ModelProto {
    let n = filters * 64;
    let mut idx = int64s("idx", &index);
    idx.dims = vec![1, filters, 8, 8];
    model(
        [1, 4, 8, 8],
        vec![
            node(
                "Conv",
                &["x", "w"],
                &["c"],
                vec![ints("pads", &[1, 1, 1, 1])],
            ),
            node("Reshape", &["c", "flat"], &["v"], vec![]),
            node("Gather", &["v", "idx"], &["g"], vec![int("axis", 0)]),
            node("Relu", &["g"], &["r"], vec![]),
            node("Flatten", &["r"], &["f"], vec![]),
            node("Gemm", &["f", "fc"], &["y"], vec![int("transB", 1)]),
        ],
        vec![
            weight("w", &[filters, 4, 3, 3]),
            int64s("flat", &[n]),
            idx,
            weight("fc", &[10, n]),
        ],
        "y",
    )
}

#[test]
fn a_gather_by_counting_indices_is_a_reshape() {
    // 512 indices are kept in the file's decoded tensor (4 096 bytes), 1 024 skipped
    // while being read: both are seen to count 0, 1, …, N − 1.
    for filters in [8, 16] {
        let n = filters * 64;
        let net = onnx::load(&bytes(&as_strided(filters, (0..n).collect())))
            .unwrap_or_else(|e| panic!("{filters}: {e}"));
        assert_eq!(net.model.layers.len(), 2, "{filters}");
        assert_eq!(net.flops(), 2 * (filters * 36 * 64 + n * 10) as u64);
        // Two indices swapped: a Gather that permutes is no layer the planner has.
        let mut swapped: Vec<i64> = (0..n).collect();
        swapped.swap(3, 4);
        let e = error(&as_strided(filters, swapped));
        assert!(
            e.starts_with(&format!(
                "node 3 'g': Gather: the indices (dims [1, {filters}, 8, 8]) are not known to be \
                 0, 1, …, {}",
                n - 1
            )),
            "{e}"
        );
    }
}
