//! The zoo's networks written as Darknet cfg and Keras JSON files (tests/models/)
//! import to exactly the zoo's layers, input and passthrough, through the per-format
//! importers and through detection by content (`model::load`).

use coopai::import::{darknet, detect_and_load, keras};
use coopai::model::{self, json, zoo, Model};

fn read(file: &str) -> String {
    let path = format!("{}/tests/models/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn assert_same(name: &str, file: &str, imported: &Model) {
    let expected = zoo::by_name(name).unwrap();
    assert_eq!(imported.input, expected.input, "{file}: input");
    assert_eq!(imported.layers, expected.layers, "{file}: layers");
    assert_eq!(
        imported.passthrough, expected.passthrough,
        "{file}: passthrough"
    );
}

/// The zoo models written as cfg files in tests/models/ (the branching ones are built in
/// code and checked against their published sizes in tests/dag.rs).
const IN_CFG: [&str; 5] = ["tiny", "alexnet", "vgg16", "vgg19", "yolov2"];

#[test]
fn darknet_cfg_files_import_to_the_zoo() {
    for name in IN_CFG {
        let file = format!("{name}.cfg");
        let text = read(&file);
        let net = darknet::load(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_same(name, &file, &net.model);
        assert_same(name, &file, &model::load(&text).unwrap().model);
    }
}

#[test]
fn keras_json_files_import_to_the_zoo() {
    // YOLOv2's passthrough branches, so it has no Keras Sequential form.
    for name in ["tiny", "alexnet", "vgg16", "vgg19"] {
        let file = format!("{name}.keras.json");
        let text = read(&file);
        let net = keras::load(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_same(name, &file, &net.model);
        assert_eq!(net.name, name, "{file}: the name comes from config.name");
        assert_same(name, &file, &detect_and_load(&text).unwrap().model);
    }
}

#[test]
fn yolov2_cfg_derives_the_zoo_branch_and_flops() {
    let net = darknet::load(&read("yolov2.cfg")).unwrap();
    let zoo = model::Network::new(&zoo::yolov2()).unwrap();
    assert_eq!(net.branch, zoo.branch);
    assert_eq!(net.flops(), zoo.flops());
    assert_eq!(net.layer(21).skip_channels, 256);
}

#[test]
fn zoo_names_and_project_json_are_detected() {
    for name in zoo::NAMES {
        let expected = zoo::by_name(name).unwrap();
        assert_eq!(
            detect_and_load(&format!("  {}\n", name.to_uppercase()))
                .unwrap()
                .model,
            expected
        );
        let text = json::to_json(&expected);
        assert_eq!(detect_and_load(&text).unwrap().model, expected);
    }
}
