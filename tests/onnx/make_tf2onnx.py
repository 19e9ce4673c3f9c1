"""Keras applications converted to ONNX by tf2onnx, the way TensorFlow users make ONNX
files: the input stays TensorFlow's [1, H, W, C] and the graph transposes it to NCHW
first (after Keras' Rescaling/Normalization for EfficientNet), pads and pools some maps
channels-last between transposes (MobileNetV3's ZeroPadding2D and SE blocks), and a
Dense layer reads a channels-last map flattened (VGG16).

Exports keras.applications' MobileNetV2, MobileNetV3Small, EfficientNetB0, ResNet50,
DenseNet121, InceptionV3, Xception and VGG16 (weights=None, batch 1; 224×224 for
MobileNetV3) with tf2onnx.convert.from_keras at opset
13, weights removed (strip.py), to tf2onnx/<name>.onnx. The same architectures as Keras
itself writes them are in tests/corpus_real/keras2 and keras3; tests/import_onnx_real.rs
requires each ONNX file to have its Keras JSON's FLOPs and parameters, and its plans
where both importers build the same layers.

Run (TensorFlow is large; these versions are the last that tf2onnx supports together):
    python3 -m venv /tmp/tfvenv
    /tmp/tfvenv/bin/pip install tensorflow-cpu==2.15.1 tf2onnx==1.16.1 onnx==1.15.0 "numpy<2"
    /tmp/tfvenv/bin/python tests/onnx/make_tf2onnx.py
"""

import os
import tempfile

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import onnx  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf2onnx  # noqa: E402

from strip import strip  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tf2onnx")
MODELS = ["MobileNetV2", "MobileNetV3Small", "EfficientNetB0", "ResNet50", "DenseNet121",
          "InceptionV3", "Xception", "VGG16"]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in MODELS:
        # MobileNetV3's input size is left open unless given.
        size = {"input_shape": (224, 224, 3)} if name.startswith("MobileNetV3") else {}
        model = getattr(tf.keras.applications, name)(weights=None, **size)
        spec = (tf.TensorSpec((1,) + tuple(model.input_shape[1:]), tf.float32, name="input"),)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            tf2onnx.convert.from_keras(model, input_signature=spec, opset=13, output_path=path)
            m = strip(onnx.load(path))
        out = os.path.join(OUT, f"{name.lower()}.onnx")
        onnx.save(m, out)
        print(f"{out}: {os.path.getsize(out)} bytes", flush=True)


if __name__ == "__main__":
    main()
