//! Hostile ONNX files: truncated protobuf, huge varints, negative and 2⁶³
//! dims, cycles, dangling inputs, duplicate names, deep nesting, too many fields,
//! unsupported ops and opsets. Each is refused with a one-line error naming where; the
//! CLI exits with code 2; nothing panics.
#![cfg(feature = "onnx")]

mod onnx_support;

use std::process::Command;

use coopai::import::onnx::proto::AttributeProto;
use coopai::import::{load_bytes, onnx};
use onnx_support::*;
use prost::Message;

/// The error for `b`, checked to be one short line.
fn refuse(b: &[u8]) -> String {
    let e = load_bytes(b).expect_err("must be refused").to_string();
    assert!(!e.contains('\n') && e.len() < 800, "{e}");
    e
}

fn refuse_model(m: &coopai::import::onnx::proto::ModelProto, want: &str) {
    let e = refuse(&bytes(m));
    assert!(e.contains(want), "expected '{want}' in: {e}");
}

#[test]
fn every_truncation_of_a_model_is_refused() {
    let full = bytes(&small());
    assert!(onnx::load(&full).is_ok());
    let mut truncated = 0;
    for len in 0..full.len() {
        let e = onnx::load(&full[..len]);
        assert!(e.is_err(), "prefix of {len} bytes accepted");
        let e = e.unwrap_err().to_string();
        assert!(!e.contains('\n'), "{e}");
        truncated += usize::from(e.contains("(the file is truncated)"));
    }
    assert!(truncated > full.len() / 2, "{truncated} of {}", full.len());
}

#[test]
fn huge_and_malformed_varints() {
    // ir_version as an 11-byte varint.
    let mut b = vec![0x08];
    b.extend([0xff; 10]);
    b.push(0x01);
    assert!(refuse(&b)
        .contains("byte 0: not an ONNX model (a protobuf ModelProto): a malformed varint"));
    // A length of 2⁶³: far more than remains.
    let mut b = vec![0x08, 0x07, 0x3a];
    b.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    assert!(refuse(&b).contains("needs 9223372036854775807 bytes but 0 remain"));
    // A key larger than 32 bits.
    let b = [0x08, 0x07, 0xff, 0xff, 0xff, 0xff, 0x7f];
    assert!(refuse(&b).contains("an invalid field key"));
}

#[test]
fn negative_zero_and_enormous_dims() {
    for (d, want) in [
        (
            -1,
            "channels is -1, expected a whole number from 1 to 65536",
        ),
        (0, "channels is 0"),
        (i64::MAX, "channels is 9223372036854775807"),
        (i64::MIN, "channels is -9223372036854775808"),
    ] {
        let mut m = small();
        m.graph.as_mut().unwrap().input[0] =
            value_info("x", &[Some(1), Some(d), Some(16), Some(16)]);
        refuse_model(&m, want);
        // Weight dims.
        let mut m = small();
        m.graph.as_mut().unwrap().initializer[0].dims = vec![d, 3, 3, 3];
        refuse_model(&m, "node 1 'c1': Conv:");
    }
    // A ConstantOfShape of 2⁶³−1 elements costs nothing: only its dims are kept.
    let mut m = small();
    let g = m.graph.as_mut().unwrap();
    g.node
        .insert(0, node("ConstantOfShape", &["shape"], &["w1"], vec![]));
    g.initializer[0] = int64s("shape", &[i64::MAX, 3, 3, 3]);
    refuse_model(&m, "the number of filters is 9223372036854775807");
}

#[test]
fn symbolic_or_batched_inputs() {
    let mut m = small();
    m.graph.as_mut().unwrap().input[0] = value_info("x", &[None, Some(3), None, Some(16)]);
    refuse_model(
        &m,
        "graph input 'x': its height is symbolic ('n'): export the model with a fixed input size",
    );
    let mut m = small();
    m.graph.as_mut().unwrap().input[0] = value_info("x", &[None, Some(3), Some(16), Some(16)]);
    assert!(
        load_bytes(&bytes(&m)).is_ok(),
        "a symbolic batch is taken as 1"
    );
    let mut m = small();
    m.graph.as_mut().unwrap().input[0] = value_info("x", &[Some(8), Some(3), Some(16), Some(16)]);
    refuse_model(&m, "batch 8: the planner plans one image (batch 1)");
    let mut m = small();
    m.graph.as_mut().unwrap().input.clear();
    refuse_model(&m, "graph inputs: found 0 inputs that are not initializers");
}

#[test]
fn cycles_dangling_inputs_and_duplicate_names() {
    // A cycle: relu reads the pool's output, which comes later.
    let mut m = small();
    m.graph.as_mut().unwrap().node[1].input = vec!["p1".into()];
    refuse_model(&m, "node 2 'r1': Relu: input 'p1' is not an initializer, a graph input or an output of an earlier node");
    let mut m = small();
    m.graph.as_mut().unwrap().node[1].input = vec!["nowhere".into()];
    refuse_model(&m, "input 'nowhere' is not");
    let mut m = small();
    m.graph.as_mut().unwrap().node[2].output = vec!["r1".into()];
    refuse_model(&m, "node 3 'p1': MaxPool: output 'r1' is already defined");
    let mut m = small();
    let g = m.graph.as_mut().unwrap();
    let again = g.initializer[1].clone();
    g.initializer.push(again);
    refuse_model(&m, "initializer 'b1': the name is used twice");
    let mut m = small();
    m.graph.as_mut().unwrap().output[0].name = "ghost".into();
    refuse_model(&m, "graph output 'ghost': no node computes it");
}

#[test]
fn deep_nesting_is_skipped_or_refused() {
    // 20 000 nested subgraphs (If/Loop bodies): the importer does not declare
    // subgraphs, so the scan and prost skip their bytes without recursing.
    let mut inner: Vec<u8> = Vec::new();
    for _ in 0..20_000 {
        // GraphProto { node: [NodeProto { attribute: [AttributeProto { g: inner }] }] }
        let attr = wrap(6, &inner);
        let node = wrap(5, &attr);
        inner = wrap(1, &node);
    }
    let mut m = small();
    m.graph.as_mut().unwrap().node[1].attribute = vec![];
    let mut b = bytes(&m);
    // As an unknown field of the model, and as the graph of an attribute of the Relu.
    b.extend(wrap(99, &inner));
    assert!(load_bytes(&b).is_ok());
    let g = m.graph.take().unwrap();
    let mut graph: Vec<u8> = Vec::new();
    for (k, n) in g.node.iter().enumerate() {
        let mut nb = n.encode_to_vec();
        if k == 1 {
            nb.extend(wrap(5, &wrap(6, &inner)));
        }
        graph.extend(wrap(1, &nb));
    }
    let rest = coopai::import::onnx::proto::GraphProto { node: vec![], ..g };
    graph.extend(rest.encode_to_vec());
    let mut b = bytes(&m);
    b.extend(wrap(7, &graph));
    assert!(load_bytes(&b).is_ok());
    // Nested groups are refused by the scan, whatever their depth.
    let mut b = bytes(&small());
    for _ in 0..100_000 {
        b.extend([0x9b, 0x01]); // field 19, start group
    }
    assert!(refuse(&b).contains("a protobuf group"));
}

/// `body` as field `tag` (length-delimited).
fn wrap(tag: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    prost::encoding::encode_key(tag, prost::encoding::WireType::LengthDelimited, &mut out);
    prost::encoding::encode_varint(body.len() as u64, &mut out);
    out.extend_from_slice(body);
    out
}

#[test]
fn too_many_fields_are_refused_before_decoding() {
    // 1 100 000 empty nodes: 2.2 MB of file, which would decode to ~200 MB of structs.
    let mut g = Vec::new();
    for _ in 0..1_100_000 {
        g.extend([0x0a, 0x00]);
    }
    let mut b = bytes(&small());
    b.extend(wrap(7, &g));
    let e = refuse(&b);
    assert!(e.contains("more than 1000000 protobuf fields"), "{e}");
}

#[test]
fn unsupported_ops_opsets_and_names() {
    let mut m = small();
    m.graph.as_mut().unwrap().node[1].op_type = "LSTM".into();
    refuse_model(
        &m,
        "node 2 'r1': LSTM: this op is not supported; the importer reads Conv, Gemm",
    );
    let mut m = small();
    m.graph.as_mut().unwrap().node[1].domain = "com.microsoft".into();
    refuse_model(
        &m,
        "node 2 'r1': com.microsoft::Relu: this op is not supported",
    );
    for v in [6, 22] {
        let mut m = small();
        m.opset_import[0].version = v;
        refuse_model(
            &m,
            &format!("opset_import: opset {v} of the default domain, expected 7 to 21"),
        );
    }
    let mut m = small();
    m.opset_import.clear();
    refuse_model(&m, "opset_import: the model imports no opset");
    // A control character and a megabyte-long name stay out of the message.
    let mut m = small();
    m.graph.as_mut().unwrap().node[1].name = format!("\u{1b}[31m{}", "x".repeat(1 << 20));
    m.graph.as_mut().unwrap().node[1].op_type = "Foo".into();
    let e = refuse(&bytes(&m));
    assert!(
        e.starts_with("node 2 '\u{fffd}[31mxxxx") && !e.contains('\u{1b}'),
        "{e}"
    );
    // No graph at all, and plain garbage.
    refuse_model(
        &coopai::import::onnx::proto::ModelProto {
            ir_version: 7,
            ..Default::default()
        },
        "it has no graph",
    );
    assert!(refuse(&[0xff, 0xfe, 0x00]).contains("neither UTF-8 text nor an ONNX model"));
}

#[test]
fn the_cli_exits_2_with_one_line() {
    let dir = std::env::temp_dir().join(format!("coopai-onnx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cases = vec![];
    let full = bytes(&small());
    cases.push(("truncated.onnx", full[..full.len() / 2].to_vec()));
    let mut m = small();
    m.graph.as_mut().unwrap().node[1].input = vec!["p1".into()];
    cases.push(("cycle.onnx", bytes(&m)));
    cases.push(("varint.onnx", [vec![0x08], vec![0xff; 20]].concat()));
    for (name, b) in cases {
        let path = dir.join(name);
        std::fs::write(&path, b).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_coopai"))
            .args(["solve", "--model", path.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(name), "{stderr}");
    }
    // A real file solves.
    let out = Command::new(env!("CARGO_BIN_EXE_coopai"))
        .args([
            "solve",
            "--model",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/onnx/squeezenet.onnx"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn encoding_a_small_model_round_trips_through_prost() {
    let m = small();
    let back = coopai::import::onnx::proto::ModelProto::decode(bytes(&m).as_slice()).unwrap();
    assert_eq!(back, m);
}

#[test]
fn overflowing_values_in_shape_ops_are_errors_not_panics() {
    // Run in debug builds (overflow checks on): each of these once overflowed an i64.
    let reshape_const = model(
        [1, 4, 8, 8],
        vec![
            node("Reshape", &["w", "s"], &["w2"], vec![]),
            node("Conv", &["x", "w2"], &["y"], vec![]),
        ],
        vec![
            weight("w", &[1 << 40, 1 << 40]),
            int64s("s", &[4, 4, 1, -1]),
        ],
        "y",
    );
    refuse_model(
        &reshape_const,
        "node 1 'w2': Reshape: dims [1099511627776, 1099511627776] have too many elements",
    );
    let unsqueeze = model(
        [1, 4, 8, 8],
        vec![
            node("Unsqueeze", &["b", "ax"], &["b2"], vec![]),
            node("Add", &["x", "b2"], &["y"], vec![]),
        ],
        vec![weight("b", &[4]), int64s("ax", &[i64::MAX, i64::MIN])],
        "y",
    );
    refuse_model(&unsqueeze, "node 1 'b2': Unsqueeze: axes [9223372036854775807, -9223372036854775808] do not fit dims [4]");
    let split = model(
        [1, 4, 8, 8],
        vec![node(
            "Split",
            &["x", "sp"],
            &["a", "y"],
            vec![int("axis", 1)],
        )],
        vec![int64s("sp", &[i64::MAX, i64::MAX])],
        "y",
    );
    refuse_model(&split, "does not cut 4 channels into 2 outputs");
    let slice = one_node(
        [1, 4, 8, 8],
        "Slice",
        &["x", "s", "e", "a"],
        vec![],
        vec![
            int64s("s", &[i64::MIN]),
            int64s("e", &[i64::MAX]),
            int64s("a", &[i64::MIN]),
        ],
    );
    refuse_model(
        &slice,
        "axis -9223372036854775804 does not fit dims [1, 4, 8, 8]",
    );
}

/// Peak heap bytes a closure holds on this thread: a deterministic memory bound for the
/// hostile files below (a global allocator that counts, per thread).
mod peak {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        static NOW: Cell<isize> = const { Cell::new(0) };
        static PEAK: Cell<isize> = const { Cell::new(0) };
    }

    pub struct Counting;

    fn add(delta: isize) {
        let _ = NOW.try_with(|now| {
            let v = now.get() + delta;
            now.set(v);
            let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
        });
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            let p = unsafe { System.alloc(l) };
            if !p.is_null() {
                add(l.size() as isize);
            }
            p
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            unsafe { System.dealloc(p, l) };
            add(-(l.size() as isize));
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, size: usize) -> *mut u8 {
            let q = unsafe { System.realloc(p, l, size) };
            if !q.is_null() {
                add(size as isize - l.size() as isize);
            }
            q
        }
    }

    /// `f`'s result and the most bytes it held at once beyond what was held before.
    pub fn measure<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let base = NOW.with(Cell::get);
        PEAK.with(|p| p.set(base));
        let r = f();
        (r, (PEAK.with(Cell::get) - base).max(0) as usize)
    }
}

#[global_allocator]
static COUNTING: peak::Counting = peak::Counting;

/// An initializer of `rank` dims read by `readers` nodes (each read
/// once copied the whole dims list: 136 KB reached 9 GB).
fn many_dims_read_often(rank: usize, readers: usize) -> Vec<u8> {
    let mut m = small();
    let g = m.graph.as_mut().unwrap();
    g.initializer.push(weight("c", &vec![1; rank]));
    for k in 0..readers {
        g.node
            .push(node("Identity", &["c"], &[&format!("i{k}")], vec![]));
    }
    bytes(&m)
}

/// `Shape` of a `Constant` of `rank` dims through `hops` `Identity`
/// nodes (350 KB peaked at 4.7 GB).
fn shape_of_many_dims(rank: usize, hops: usize) -> Vec<u8> {
    let mut m = small();
    let g = m.graph.as_mut().unwrap();
    let value = AttributeProto {
        name: "value".into(),
        t: Some(weight("", &vec![1; rank])),
        r#type: 4,
        ..Default::default()
    };
    let mut nodes = vec![
        node("Constant", &[], &["k"], vec![value]),
        node("Shape", &["k"], &["s0"], vec![]),
    ];
    for h in 0..hops {
        nodes.push(node(
            "Identity",
            &[&format!("s{h}")],
            &[&format!("s{}", h + 1)],
            vec![],
        ));
    }
    nodes.append(&mut g.node);
    g.node = nodes;
    bytes(&m)
}

/// `Unsqueeze` (or `Squeeze`) of a weight with `axes` axes (200 KB
/// took 58 s: every output dim searched the whole list).
fn long_axes(op: &str, axes: usize) -> Vec<u8> {
    let mut m = small();
    let g = m.graph.as_mut().unwrap();
    let all: Vec<i64> = (0..axes as i64).collect();
    g.node.insert(
        0,
        node("Unsqueeze", &["b1"], &["b1u"], vec![ints("axes", &[0])]),
    );
    g.node
        .insert(1, node(op, &["b1u"], &["b1x"], vec![ints("axes", &all)]));
    m.opset_import[0].version = 11;
    bytes(&m)
}

#[test]
fn constants_of_many_dims_are_refused_before_any_copy() {
    let b = many_dims_read_often(100_000, 2_000);
    let (e, held) = peak::measure(|| refuse(&b));
    assert_eq!(
        e,
        "initializer 'c': a tensor of 100000 dims, more than the importer's limit of 16"
    );
    assert!(
        held < 24 * b.len() + (1 << 20),
        "{held} bytes for {}",
        b.len()
    );
    let b = shape_of_many_dims(300_000, 2_000);
    let (e, held) = peak::measure(|| refuse(&b));
    assert_eq!(
        e,
        "node 1 'k': Constant: a tensor of 300000 dims, more than the importer's limit of 16"
    );
    assert!(
        held < 24 * b.len() + (1 << 20),
        "{held} bytes for {}",
        b.len()
    );
}

#[test]
fn long_axes_lists_are_refused_in_linear_time() {
    for op in ["Unsqueeze", "Squeeze"] {
        let e = refuse(&long_axes(op, 100_000));
        assert_eq!(
            e,
            format!(
                "node 2 'b1x': {op}: 100000 axes [0, 1, 2, 3, 4, 5, 6, 7, …] are more than a \
                 tensor's 16 dims"
            )
        );
    }
}

#[test]
fn a_graph_without_outputs_is_refused() {
    let mut m = small();
    m.graph.as_mut().unwrap().output.clear();
    assert_eq!(
        refuse(&bytes(&m)),
        "graph 'test': it has no outputs (the planner plans the layers that make the model's \
         output)"
    );
}

/// Importer memory is bounded by the bytes read with one constant factor, whatever the
/// size: the hostile shapes above at four sizes, and every valid variant of them
/// (ranks within the limit, many readers) accepted or refused within the same bound.
#[test]
fn memory_grows_linearly_with_the_file() {
    for scale in [1usize, 4, 16, 64] {
        let files = [
            many_dims_read_often(1_000 * scale, 20 * scale),
            many_dims_read_often(16, 2_000 * scale),
            shape_of_many_dims(3_000 * scale, 20 * scale),
            shape_of_many_dims(16, 2_000 * scale),
            long_axes("Unsqueeze", 1_000 * scale),
            long_axes("Squeeze", 1_000 * scale),
        ];
        for (i, b) in files.iter().enumerate() {
            let (_, held) = peak::measure(|| load_bytes(b).map(|_| ()));
            assert!(
                held < 24 * b.len() + (1 << 20),
                "file {i} at scale {scale}: {held} bytes held for {} bytes read",
                b.len()
            );
        }
    }
}
