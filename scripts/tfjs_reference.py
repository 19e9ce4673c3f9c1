"""Writes the TF.js `model.json` of keras.applications' MobileNetV2 as the TensorFlow.js
converter itself writes it (`keras_h5_conversion.save_keras_model`), for
tests/import_real.rs (tests/corpus_real/tfjs/). Only model.json is kept; the weight
shards (random, untrained) are left in a temporary directory.

    python3 -m venv /tmp/tfenv
    /tmp/tfenv/bin/pip install tensorflow-cpu tf-keras && /tmp/tfenv/bin/pip install --no-deps tensorflowjs
    /tmp/tfenv/bin/python scripts/tfjs_reference.py tests/corpus_real/tfjs
"""

import shutil
import sys
import tempfile
import types

# tensorflowjs imports its optional back ends (decision forests, TF Hub, JAX) when it
# loads; the Keras path uses none of them, so empty modules stand in for them.
for name in ("tensorflow_decision_forests", "tensorflow_hub", "jax", "jax.experimental",
             "jax.experimental.jax2tf"):
    sys.modules.setdefault(name, types.ModuleType(name))
sys.modules["jax.experimental"].jax2tf = sys.modules["jax.experimental.jax2tf"]
sys.modules["jax"].monitoring = types.SimpleNamespace(record_scalar=lambda *a, **k: None)

import tf_keras as keras  # noqa: E402
from tensorflowjs.converters import keras_h5_conversion  # noqa: E402

out = sys.argv[1]
with tempfile.TemporaryDirectory() as tmp:
    keras_h5_conversion.save_keras_model(keras.applications.MobileNetV2(weights=None), tmp)
    shutil.copy(f"{tmp}/model.json", f"{out}/mobilenet_v2.model.json")
