//! Where the imported file wrote each layer (`Network::sources`), which the page's
//! network view searches and shows: a cfg section's line, a Keras layer's name, an ONNX
//! node's. Zoo models and project JSON have none, and then nothing is written for it.

use coopai::import::{read_bytes, read_text};
use coopai::model::{Layer, Network};

fn file(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn text(path: &str) -> String {
    String::from_utf8(file(path)).unwrap()
}

#[test]
fn a_darknet_layer_names_its_section_line() {
    let cfg = text("tests/corpus_real/pjreddie/densenet201.cfg");
    let (_, net) = read_text(&cfg).unwrap();
    assert_eq!(net.sources.len(), net.layers.len());
    // Layer 1 is the first [convolutional] section, at its header's line.
    let line = cfg
        .lines()
        .position(|l| l.trim() == "[convolutional]")
        .unwrap()
        + 1;
    assert_eq!(net.sources[0], format!("line {line} [convolutional]"));
    // A [route] (DenseNet's concat) is found by its own line, not its neighbour's.
    let concat = net
        .layers
        .iter()
        .position(|l| l.kind == Layer::Concat)
        .unwrap();
    let at: usize = net.sources[concat]
        .strip_prefix("line ")
        .and_then(|s| s.strip_suffix(" [route]"))
        .unwrap_or_else(|| panic!("{}", net.sources[concat]))
        .parse()
        .unwrap();
    assert_eq!(cfg.lines().nth(at - 1).unwrap().trim(), "[route]");
}

#[test]
fn a_keras_layer_names_its_layer() {
    let (_, net) = read_text(&text("tests/corpus_real/keras3/resnet50.keras.json")).unwrap();
    assert_eq!(net.sources.len(), net.layers.len());
    assert!(
        net.sources
            .iter()
            .any(|s| s.ends_with("Conv2D \"conv2_block1_2_conv\"")),
        "{:?}",
        &net.sources[..8]
    );
}

#[test]
fn an_onnx_layer_names_its_node() {
    let (_, net) = read_bytes(&file("tests/onnx/real/shufflenet_v2_x1_0.classic.onnx")).unwrap();
    assert_eq!(net.sources.len(), net.layers.len());
    // torch.onnx names each node after its module; the constants before it are not layers.
    assert!(net.sources[0].starts_with("node "), "{}", net.sources[0]);
    assert!(
        net.sources[0].ends_with(" '/conv1/conv1.0/Conv' Conv"),
        "{}",
        net.sources[0]
    );
    assert!(net.sources.iter().all(|s| s.starts_with("node ")));
}

#[test]
fn zoo_models_and_project_json_have_none_and_write_none() {
    let (_, imported) = read_text(&text("tests/corpus_real/pjreddie/resnet18.cfg")).unwrap();
    let project = serde_json::to_string(&imported.model).unwrap();
    let (_, reread) = read_text(&project).unwrap();
    assert!(reread.sources.is_empty());
    assert_eq!(reread.layers, imported.layers);
    let zoo: Network = coopai::model::load("resnet18").unwrap();
    assert!(zoo.sources.is_empty());
    let described = serde_json::to_value(&zoo).unwrap();
    assert!(
        described.get("sources").is_none(),
        "a zoo model writes no sources"
    );
    assert!(serde_json::to_value(&imported).unwrap()["sources"].is_array());
}
