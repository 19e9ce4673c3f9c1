"""Writes unet_crop.keras.json: the first level of the original U-Net (Ronneberger et
al. 2015: unpadded 3×3 convs, the skip cropped to the upsampled map's size, then
concatenated), as `model.to_json()` of Keras 2.13 writes a functional model. Written by
hand after Keras' format (no Keras here): every layer's config carries the fields Keras
writes for it, `inbound_nodes` in Keras 2's nested-list form."""
import json

def conv(name, filters, kernel, inbound):
    return {"class_name": "Conv2D", "name": name, "inbound_nodes": [[[inbound, 0, 0, {}]]],
            "config": {"name": name, "trainable": True, "dtype": "float32", "filters": filters,
                       "kernel_size": [kernel, kernel], "strides": [1, 1], "padding": "valid",
                       "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
                       "activation": "relu", "use_bias": True,
                       "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                       "bias_initializer": {"class_name": "Zeros", "config": {}},
                       "kernel_regularizer": None, "bias_regularizer": None,
                       "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}}

layers = [
    {"class_name": "InputLayer", "name": "image", "inbound_nodes": [],
     "config": {"batch_input_shape": [None, 64, 64, 1], "dtype": "float32", "sparse": False,
                "ragged": False, "name": "image"}},
    conv("c1a", 8, 3, "image"),
    conv("c1b", 8, 3, "c1a"),
    {"class_name": "MaxPooling2D", "name": "p1", "inbound_nodes": [[["c1b", 0, 0, {}]]],
     "config": {"name": "p1", "trainable": True, "dtype": "float32", "pool_size": [2, 2],
                "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}},
    conv("c2a", 16, 3, "p1"),
    conv("c2b", 16, 3, "c2a"),
    {"class_name": "UpSampling2D", "name": "u1", "inbound_nodes": [[["c2b", 0, 0, {}]]],
     "config": {"name": "u1", "trainable": True, "dtype": "float32", "size": [2, 2],
                "data_format": "channels_last", "interpolation": "nearest"}},
    {"class_name": "Cropping2D", "name": "crop1", "inbound_nodes": [[["c1b", 0, 0, {}]]],
     "config": {"name": "crop1", "trainable": True, "dtype": "float32",
                "cropping": [[4, 4], [4, 4]], "data_format": "channels_last"}},
    {"class_name": "Concatenate", "name": "cat1",
     "inbound_nodes": [[["crop1", 0, 0, {}], ["u1", 0, 0, {}]]],
     "config": {"name": "cat1", "trainable": True, "dtype": "float32", "axis": -1}},
    conv("c3a", 8, 3, "cat1"),
    conv("c3b", 8, 3, "c3a"),
    conv("out", 2, 1, "c3b"),
]
model = {"class_name": "Functional",
         "config": {"name": "unet_crop", "layers": layers,
                    "input_layers": [["image", 0, 0]], "output_layers": [["out", 0, 0]]},
         "keras_version": "2.13.1", "backend": "tensorflow"}
with open(__file__.replace("make_unet_crop.py", "unet_crop.keras.json"), "w") as f:
    json.dump(model, f, indent=1)
    f.write("\n")
