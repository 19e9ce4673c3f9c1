"""Writes unet_crop.onnx: the Keras fixture tests/keras/unet_crop.keras.json as an ONNX
graph (onnx.helper, opset 17), its skip cropped as torch's classic exporter writes
`x[:, :, 4:-4, 4:-4]`: a Slice with starts, ends and axes as int64 initializers. Weights
have dims and no data, as in the other fixtures.

    /work/venv-onnx/bin/python tests/onnx/make_crop.py
"""
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

def weight(name, dims):
    t = TensorProto(name=name, data_type=TensorProto.FLOAT)
    t.dims.extend(dims)
    return t

nodes, inits = [], []
def conv(name, x, cin, cout, k):
    inits.append(weight(f"{name}.w", [cout, cin, k, k]))
    nodes.append(helper.make_node("Conv", [x, f"{name}.w"], [f"{name}.c"], name=name,
                                  kernel_shape=[k, k]))
    nodes.append(helper.make_node("Relu", [f"{name}.c"], [name], name=f"{name}.relu"))
    return name

c1a = conv("c1a", "image", 1, 8, 3)
c1b = conv("c1b", c1a, 8, 8, 3)
nodes.append(helper.make_node("MaxPool", [c1b], ["p1"], name="p1", kernel_shape=[2, 2], strides=[2, 2]))
c2a = conv("c2a", "p1", 8, 16, 3)
c2b = conv("c2b", c2a, 16, 16, 3)
inits.append(numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales"))
nodes.append(helper.make_node("Resize", [c2b, "", "scales"], ["u1"], name="u1", mode="nearest"))
for name, v in [("starts", [4, 4]), ("ends", [-4, -4]), ("axes", [2, 3])]:
    inits.append(numpy_helper.from_array(np.array(v, np.int64), name))
nodes.append(helper.make_node("Slice", [c1b, "starts", "ends", "axes"], ["crop1"], name="crop1"))
nodes.append(helper.make_node("Concat", ["crop1", "u1"], ["cat1"], name="cat1", axis=1))
c3a = conv("c3a", "cat1", 24, 8, 3)
c3b = conv("c3b", c3a, 8, 8, 3)
inits.append(weight("out.w", [2, 8, 1, 1]))
nodes.append(helper.make_node("Conv", [c3b, "out.w"], ["out"], name="out", kernel_shape=[1, 1]))
graph = helper.make_graph(
    nodes, "unet_crop",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, 64, 64])],
    [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 2, 48, 48])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.save(model, os.path.join(os.path.dirname(__file__), "unet_crop.onnx"))
