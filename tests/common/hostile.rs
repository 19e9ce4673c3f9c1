//! Generators of the hostile models of the "bounded always" findings, small to write
//! and large to read, so that no big file is committed.

/// A 4×4×1 input, a 1×1 conv, then `layers − 1` adds, each reading every tensor
/// before it (the model input included): layer `j` reads `j` tensors. At 690 layers
/// (238,395 reads) it took minutes to solve and built an 88 MB drawing; the core now
/// refuses it for its reads ([`coopai::model::limits::MAX_READS`]), and 631 layers is
/// the largest such model it accepts.
pub fn fan_in_json(layers: usize) -> String {
    let mut out = String::from(
        r#"{"name": "fan-in", "input": {"height": 4, "width": 4, "channels": 1}, "layers": [{"type": "conv", "filters": 1, "kernel": 1}"#,
    );
    for j in 2..=layers {
        let inputs: Vec<String> = (0..j).map(|t| t.to_string()).collect();
        out += &format!(r#", {{"type": "add", "inputs": [{}]}}"#, inputs.join(","));
    }
    out + "]}"
}

/// A Keras functional model: an 8×8×1 input, `dropouts` cost-free Dropout layers in a
/// chain, then a 1×1 Conv2D; listed in call order, or with the layers after the input
/// in `reversed` order (each listed before the layer it reads).
pub fn keras_chain(dropouts: usize, reversed: bool) -> String {
    let call = |class: &str, name: &str, config: &str, reads: &str| {
        format!(
            r#"{{"class_name": "{class}", "name": "{name}", "config": {config}, "inbound_nodes": [[["{reads}", 0, 0]]]}}"#
        )
    };
    let mut layers = Vec::new();
    let mut previous = "in".to_string();
    for i in 0..dropouts {
        let name = format!("d{i}");
        layers.push(call("Dropout", &name, "{}", &previous));
        previous = name;
    }
    layers.push(call(
        "Conv2D",
        "conv",
        r#"{"filters": 1, "kernel_size": [1, 1]}"#,
        &previous,
    ));
    if reversed {
        layers.reverse();
    }
    format!(
        r#"{{"class_name": "Functional", "config": {{"name": "chain", "layers": [{{"class_name": "InputLayer", "name": "in", "config": {{"batch_input_shape": [null, 8, 8, 1]}}, "inbound_nodes": []}}, {}], "input_layers": [["in", 0, 0]], "output_layers": [["conv", 0, 0]]}}}}"#,
        layers.join(", ")
    )
}
