"""Conditional translators export to SavedModel: `images` plus `conditions` (StarGAN)
or `styles` (Zi2Zi), served by plain TensorFlow (tests/export_check.py)."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import kgan
from kgan.export import export_saved_model

HERE = os.path.dirname(os.path.abspath(__file__))


def _cases():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    images = np.tanh(rng.standard_normal((3, 16, 16, 1))).astype("float32")
    g = kgan.networks.resnet_generator((16, 16, 1), base_filters=4, num_blocks=1,
                                       num_downsamples=1, condition_dim=2, padding="zero")
    d = kgan.networks.stargan_discriminator((16, 16, 1), 2, base_filters=4, num_layers=2)
    stargan = kgan.models.StarGAN(g, d)
    conditions = np.array([[0, 1], [1, 0], [1, 1]], "float32")
    g = kgan.networks.zi2zi_generator((16, 16, 1), 5, embedding_dim=4, base_filters=4, depth=2)
    d = kgan.networks.stargan_discriminator((16, 16, 2), 5, base_filters=4, num_layers=2)
    zi2zi = kgan.models.Zi2Zi(g, d)
    styles = np.array([0, 4, 2], "int32")
    return [
        ("stargan", stargan, {"images": images, "conditions": conditions},
         stargan.translate(images, conditions)),
        ("zi2zi", zi2zi, {"images": images, "styles": styles}, zi2zi.translate(images, styles)),
    ]


def test_conditional_translators_served_by_plain_tensorflow(tmp_path):
    cases = []
    for name, model, inputs, expected in _cases():
        path = str(tmp_path / name / "1")
        contract = export_saved_model(model, path)
        np.savez(tmp_path / f"{name}_inputs.npz", **inputs)
        np.savez(tmp_path / f"{name}_expected.npz", images=expected)
        cases.append({"path": path, **contract, "inputs": str(tmp_path / f"{name}_inputs.npz"),
                      "expected": str(tmp_path / f"{name}_expected.npz")})
    assert cases[0]["condition"] == {"name": "conditions", "dtype": "float32", "width": 2}
    assert cases[1]["condition"] == {"name": "styles", "dtype": "int32", "num_styles": 5}
    with open(tmp_path / "cases.json", "w") as file:
        json.dump(cases, file)
    env = {key: value for key, value in os.environ.items() if key != "KERAS_BACKEND"}
    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "export_check.py"), str(tmp_path / "cases.json")],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "checked 2 exports" in run.stdout


def test_int_condition_needs_its_number_of_styles(tmp_path):
    images, styles = keras.Input((16, 16, 1)), keras.Input((), dtype="int32")
    h = kgan.networks.resnet_generator((16, 16, 1), base_filters=4, num_blocks=0,
                                       num_downsamples=0)(images)
    h = h + keras.ops.cast(keras.ops.reshape(styles, (-1, 1, 1, 1)), "float32") * 0.0
    network = keras.Model([images, styles], h)
    with pytest.raises(ValueError, match="num_styles known"):
        export_saved_model(network, tmp_path / "plain")
