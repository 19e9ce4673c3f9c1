//! The ONNX importer on real exports (tests/models/onnx/, see its README): every file
//! loads, conv+FC FLOPs equal the independent count of `make.py` (ONNX's own shape
//! inference) and the output shape matches.

use coopai::import::{self, onnx};
use coopai::model::{Kind, Layer};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/models/onnx");

fn read(file: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{file}")).unwrap_or_else(|e| panic!("{file}: {e}"))
}

struct Expected {
    file: String,
    convs: usize,
    fcs: usize,
    flops: u64,
    output: Vec<u64>,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(format!("{DIR}/EXPECTED.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Expected {
                file: f[0].into(),
                convs: f[1].parse().unwrap(),
                fcs: f[2].parse().unwrap(),
                flops: f[3].parse().unwrap(),
                output: f[4].split('x').map(|d| d.parse().unwrap()).collect(),
            }
        })
        .collect()
}

#[test]
fn every_fixture_matches_the_independent_count() {
    let all = expected();
    assert_eq!(all.len(), 9);
    for e in all {
        let net = onnx::load(&read(&e.file)).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        let convs = net
            .layers
            .iter()
            .filter(|l| matches!(l.kind, Kind::Conv(_)))
            .count();
        let fcs = net
            .layers
            .iter()
            .filter(|l| matches!(l.kind, Kind::Fc { .. }))
            .count();
        assert_eq!((convs, fcs), (e.convs, e.fcs), "{}", e.file);
        // The planner counts FLOPs for convs and FCs only, so the totals compare.
        assert_eq!(net.flops(), e.flops, "{}", e.file);
        let out = net.output();
        let elements: u64 = e.output.iter().product();
        assert_eq!(out.elements(), elements, "{}", e.file);
        if let [1, c, h, w] = e.output[..] {
            assert_eq!(
                (out.channels, out.height, out.width),
                (c as u32, h as u32, w as u32)
            );
        }
        // Detection from bytes reaches the same importer.
        assert_eq!(
            import::load_bytes(&read(&e.file)).unwrap(),
            net,
            "{}",
            e.file
        );
    }
}
