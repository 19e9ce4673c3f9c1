"""Writes Keras' own `model.to_json()` of keras.applications models, and Keras' own FLOP
count of each, for tests/import_real.rs: Keras 3 files (tests/corpus_real/keras3/) or,
with KERAS_FLAVOUR=tf_keras, Keras 2 files written by tf_keras (tests/corpus_real/keras2/).

The FLOPs are counted from the built Keras model, independently of coopai: for every
Conv2D, DepthwiseConv2D, SeparableConv2D and Dense layer, 2 × (kernel elements) ×
(output positions), with the output shapes Keras computed. coopai must derive the same
number from the JSON alone.

    python3 -m venv /tmp/kenv && /tmp/kenv/bin/pip install keras jax jaxlib
    KERAS_BACKEND=jax /tmp/kenv/bin/python scripts/keras_reference.py tests/corpus_real/keras3

    python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tensorflow-cpu tf-keras
    KERAS_FLAVOUR=tf_keras /tmp/tfenv/bin/python scripts/keras_reference.py tests/corpus_real/keras2
"""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

if os.environ.get("KERAS_FLAVOUR") == "tf_keras":
    import tf_keras as keras  # noqa: E402
    from tf_keras import applications as A  # noqa: E402

    MODELS_SUBSET = (
        "mobilenet_v2",
        "resnet50",
        "efficientnet_b0",
        "densenet121",
        "transfer_sequential",
        "transfer_functional",
    )
else:
    import keras  # noqa: E402
    from keras import applications as A  # noqa: E402

    MODELS_SUBSET = None

MODELS = {
    "vgg16": lambda: A.VGG16(weights=None),
    "mobilenet": lambda: A.MobileNet(weights=None),
    "mobilenet_v2": lambda: A.MobileNetV2(weights=None),
    "mobilenet_v3_small": lambda: A.MobileNetV3Small(weights=None, input_shape=(224, 224, 3)),
    "resnet50": lambda: A.ResNet50(weights=None),
    "xception": lambda: A.Xception(weights=None),
    "inception_v3": lambda: A.InceptionV3(weights=None),
    "densenet121": lambda: A.DenseNet121(weights=None),
    "efficientnet_b0": lambda: A.EfficientNetB0(weights=None),
    "convnext_tiny": lambda: A.ConvNeXtTiny(weights=None),
    "transfer_sequential": lambda: transfer(sequential=True),
    "transfer_functional": lambda: transfer(sequential=False),
}


def transfer(sequential):
    """A transfer-learning model: MobileNetV2 without its top, nested as one layer."""
    base = A.MobileNetV2(weights=None, include_top=False, input_shape=(160, 160, 3))
    L = keras.layers
    if sequential:
        return keras.Sequential(
            [keras.Input((160, 160, 3)), base, L.GlobalAveragePooling2D(), L.Dropout(0.2), L.Dense(5)],
            name="transfer_sequential",
        )
    inp = keras.Input((160, 160, 3))
    out = L.Dense(5)(L.GlobalAveragePooling2D()(base(inp)))
    return keras.Model(inp, out, name="transfer_functional")

COUNTED = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense")


def flops(model):
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += flops(layer)
            continue
        if layer.__class__.__name__ not in COUNTED:
            continue
        positions = 1
        shape = layer.output_shape if hasattr(layer, "output_shape") else layer.output.shape
        for d in shape[1:-1]:
            positions *= d
        for w in layer.weights:
            name = getattr(w, "path", w.name).split("/")[-1].split(":")[0]
            if name.endswith("kernel"):
                n = 1
                for d in w.shape:
                    n *= d
                total += 2 * n * positions
    return total


def main(out):
    rows = [f"# model\tFLOPs counted by Keras {keras.__version__} (scripts/keras_reference.py)"]
    for name, make in MODELS.items():
        if MODELS_SUBSET is not None and name not in MODELS_SUBSET:
            continue
        model = make()
        with open(f"{out}/{name}.keras.json", "w") as f:
            f.write(model.to_json())
        rows.append(f"{name}\t{flops(model)}")
    with open(f"{out}/FLOPS.tsv", "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
