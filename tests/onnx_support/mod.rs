//! Writing small ONNX files in tests, with the importer's own prost structs.
#![allow(dead_code)]

use coopai::import::onnx::proto::{
    data_field, data_type, AttributeProto, Dimension, GraphProto, ModelProto, NodeProto,
    OperatorSetIdProto, TensorProto, TensorShapeProto, TensorTypeProto, TypeProto, ValueInfoProto,
};
use prost::Message;

pub fn node(op: &str, inputs: &[&str], outputs: &[&str], attrs: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        name: outputs.first().map_or(String::new(), |o| o.to_string()),
        op_type: op.into(),
        attribute: attrs,
        domain: String::new(),
    }
}

pub fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        ints: v.to_vec(),
        r#type: 7,
        ..Default::default()
    }
}

pub fn int(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        i: v,
        r#type: 2,
        ..Default::default()
    }
}

pub fn string(name: &str, v: &str) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        s: v.as_bytes().to_vec(),
        r#type: 3,
        ..Default::default()
    }
}

pub fn floats(name: &str, v: &[f32]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        floats: v.to_vec(),
        r#type: 6,
        ..Default::default()
    }
}

/// A weight: dims only, no data (as in an export with external data).
pub fn weight(name: &str, dims: &[i64]) -> TensorProto {
    TensorProto {
        dims: dims.to_vec(),
        data_type: data_type::FLOAT,
        name: name.into(),
        ..Default::default()
    }
}

/// An int64 constant with its values in `raw_data`.
pub fn int64s(name: &str, v: &[i64]) -> TensorProto {
    TensorProto {
        dims: vec![v.len() as i64],
        data_type: data_type::INT64,
        name: name.into(),
        data: Some((
            data_field::RAW_DATA,
            v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        )),
        ..Default::default()
    }
}

/// A float constant with its values in `float_data`.
pub fn f32s(name: &str, v: &[f32]) -> TensorProto {
    TensorProto {
        dims: vec![v.len() as i64],
        data_type: data_type::FLOAT,
        name: name.into(),
        data: Some((
            data_field::FLOAT_DATA,
            v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        )),
        ..Default::default()
    }
}

pub fn value_info(name: &str, dims: &[Option<i64>]) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TensorTypeProto {
                elem_type: 1,
                shape: Some(TensorShapeProto {
                    dim: dims
                        .iter()
                        .map(|d| Dimension {
                            dim_value: *d,
                            dim_param: d.is_none().then(|| "n".to_string()),
                        })
                        .collect(),
                }),
            }),
        }),
    }
}

/// A model reading `x` of `[1, c, h, w]`, with `nodes` and `inits`, output `out`.
pub fn model(
    input: [i64; 4],
    nodes: Vec<NodeProto>,
    inits: Vec<TensorProto>,
    out: &str,
) -> ModelProto {
    ModelProto {
        ir_version: 8,
        graph: Some(GraphProto {
            node: nodes,
            name: "test".into(),
            initializer: inits,
            input: vec![value_info("x", &input.map(Some))],
            output: vec![value_info(out, &[])],
        }),
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 13,
        }],
    }
}

/// A model of one node `op` reading `inputs` (the model input is `x`) and writing the
/// model output `y`.
pub fn one_node(
    input: [i64; 4],
    op: &str,
    inputs: &[&str],
    attrs: Vec<AttributeProto>,
    inits: Vec<TensorProto>,
) -> ModelProto {
    model(input, vec![node(op, inputs, &["y"], attrs)], inits, "y")
}

pub fn bytes(m: &ModelProto) -> Vec<u8> {
    m.encode_to_vec()
}

/// conv 3×3 (8 filters) → relu → max pool 2/2 → global average pool → flatten → gemm 10.
pub fn small() -> ModelProto {
    model(
        [1, 3, 16, 16],
        vec![
            node(
                "Conv",
                &["x", "w1", "b1"],
                &["c1"],
                vec![ints("pads", &[1, 1, 1, 1])],
            ),
            node("Relu", &["c1"], &["r1"], vec![]),
            node(
                "MaxPool",
                &["r1"],
                &["p1"],
                vec![ints("kernel_shape", &[2, 2]), ints("strides", &[2, 2])],
            ),
            node("GlobalAveragePool", &["p1"], &["g"], vec![]),
            node("Flatten", &["g"], &["f"], vec![]),
            node("Gemm", &["f", "w2", "b2"], &["y"], vec![int("transB", 1)]),
        ],
        vec![
            weight("w1", &[8, 3, 3, 3]),
            weight("b1", &[8]),
            weight("w2", &[10, 8]),
            weight("b2", &[10]),
        ],
        "y",
    )
}
