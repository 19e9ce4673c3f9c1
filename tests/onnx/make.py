"""Copies the ONNX fixtures and counts their FLOPs independently of coopai.

The fixtures are the "light" models the `onnx` package ships as backend test data
(onnx/backend/test/data/light/): real ONNX exports of the ONNX model zoo's classic
networks (converted from Caffe2 at opset 9), whose weights the ONNX project replaced by
`ConstantOfShape` nodes that keep every weight's shape. They are copied unchanged.

The count uses ONNX's own shape inference (not coopai's code) for every tensor shape,
then sums conv FLOPs 2·Cout·Hout·Wout·(Cin/group)·kh·kw and Gemm/MatMul FLOPs 2·K·N,
and writes EXPECTED.tsv, which tests/import_onnx.rs compares with the importer.

Run (any Python 3.9+):
    python3 -m venv /tmp/onnxvenv && /tmp/onnxvenv/bin/pip install onnx==1.23.2 numpy
    /tmp/onnxvenv/bin/python tests/onnx/make.py
"""

import os
import shutil

import onnx
from onnx import numpy_helper, shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
LIGHT = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light")
MODELS = ["bvlc_alexnet", "vgg19", "zfnet512", "squeezenet", "inception_v1",
          "inception_v2", "resnet50", "densenet121", "shufflenet"]


def const_shapes(graph):
    """Weight shapes: initializers' dims, ConstantOfShape outputs' shape values, and
    reshaped weights' targets."""
    shapes = {t.name: list(t.dims) for t in graph.initializer}
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == "ConstantOfShape":
            shapes[n.output[0]] = [int(v) for v in values[n.input[0]]]
        elif n.op_type == "Reshape" and n.input[0] in shapes:
            # Inception v1 reshapes its classifier's weights; the target is explicit.
            target = [int(v) for v in values[n.input[1]]]
            assert all(v > 0 for v in target), target
            shapes[n.output[0]] = target
    return shapes


def count(path):
    model = onnx.load(path)
    inferred = shape_inference.infer_shapes(model, strict_mode=True)
    g = inferred.graph
    dims = {}
    for vi in list(g.value_info) + list(g.input) + list(g.output):
        dims[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    weights = const_shapes(model.graph)
    convs = fcs = flops = 0
    for n in model.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type == "Conv":
            _, _, ho, wo = dims[n.output[0]]
            cout, cin_g, kh, kw = weights[n.input[1]]
            flops += 2 * cout * ho * wo * cin_g * kh * kw
            convs += 1
        elif n.op_type == "Gemm":
            b = weights[n.input[1]]
            k, nout = (b[1], b[0]) if attrs.get("transB", 0) else (b[0], b[1])
            assert dims[n.input[0]][1] == k, (n.name, dims[n.input[0]], b)
            flops += 2 * k * nout
            fcs += 1
        elif n.op_type == "MatMul":
            k, nout = weights[n.input[1]]
            flops += 2 * k * nout
            fcs += 1
    out = dims[model.graph.output[0].name]
    return convs, fcs, flops, "x".join(str(d) for d in out)


def main():
    rows = ["file\tconvs\tfcs\tconv_fc_flops\toutput_nchw"]
    for name in MODELS:
        src = os.path.join(LIGHT, f"light_{name}.onnx")
        dst = os.path.join(HERE, f"{name}.onnx")
        shutil.copyfile(src, dst)
        convs, fcs, flops, out = count(dst)
        rows.append(f"{name}.onnx\t{convs}\t{fcs}\t{flops}\t{out}")
        print(rows[-1])
    with open(os.path.join(HERE, "EXPECTED.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
