"""Weights removed from an ONNX model: every float tensor of more than 64 values keeps
its dims but no data (the importer reads dims only), which takes a real export from
megabytes to kilobytes. Shared by make_real.py and make_tf2onnx.py."""

import onnx


def strip(model):
    """Every float tensor of more than 64 values keeps its dims, not its data."""
    floats = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE,
              onnx.TensorProto.BFLOAT16}

    def clear(t):
        n = 1
        for d in t.dims:
            n *= d
        if t.data_type in floats and n > 64:
            t.ClearField("raw_data")
            del t.float_data[:]
            del t.double_data[:]
            del t.int32_data[:]
            del t.external_data[:]
            t.data_location = onnx.TensorProto.DEFAULT

    for t in model.graph.initializer:
        clear(t)
    for n in model.graph.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.TENSOR:
                clear(a.t)
    del model.graph.value_info[:]
    return model
