"""SavedModel export: exported on the active backend, served by plain TensorFlow.

The exports are checked in one fresh process that imports only TensorFlow
(tests/export_check.py), and listed by `saved_model_cli show --all`.
"""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import kgan
from kgan.export import export_saved_model
from tests.conftest import BACKEND, serve_exports, tiny_dcgan_pair

HERE = os.path.dirname(os.path.abspath(__file__))
LATENT_DIM = 8


@keras.saving.register_keras_serializable(package="kgan_tests")
class TruncatedGAN(kgan.models.GAN):
    """A GAN with the truncation hook: z is scaled by psi (a test stand-in)."""

    def sample_with_truncation(self, inputs, psi):
        return self.sampling_generator(inputs * psi, training=False)


def _translator():
    keras.utils.set_random_seed(0)
    images = keras.Input((16, 16, 1))
    h = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(images)
    return keras.Model(images, keras.layers.Conv2D(1, 3, padding="same", activation="tanh")(h))


def _cases():
    """(name, model, served inputs, the Keras model's images for them)."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal((3, LATENT_DIM)).astype("float32")
    labels = np.array([0, 4, 9], dtype="int32")

    g, d = tiny_dcgan_pair(LATENT_DIM)
    gan = kgan.models.GAN(g, d, latent_dim=LATENT_DIM, ema_decay=0.9)
    # The EMA generator is exported: make the live generator differ from it.
    g.set_weights([w * 1.5 for w in g.get_weights()])
    ema_images = gan.generate(z=z)
    assert np.abs(ema_images - keras.ops.convert_to_numpy(g(z))).max() > 1e-3
    cases = [("gan", gan, {"z": z}, ema_images)]

    g, d = tiny_dcgan_pair(LATENT_DIM + 10, include_head=False)
    cgan = kgan.models.CGAN(g, d, latent_dim=LATENT_DIM, num_classes=10)
    cases.append(("cgan", cgan, {"z": z, "labels": labels}, cgan.generate(labels, z=z)))

    translator = _translator()
    images = np.tanh(rng.standard_normal((3, 16, 16, 1))).astype("float32")
    cases.append(("translator", translator, {"images": images},
                  keras.ops.convert_to_numpy(translator(images))))

    if BACKEND != "torch":  # the subprocess export from torch cannot import this test class
        g, d = tiny_dcgan_pair(LATENT_DIM)
        truncated = TruncatedGAN(g, d, latent_dim=LATENT_DIM)
        psi = np.float32(0.5)
        cases.append(("truncated", truncated, {"z": z, "psi": psi}, truncated.generate(z=z * psi)))
    return cases


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    cases = []
    for name, model, inputs, expected in _cases():
        path = str(folder / name / "1")
        contract = export_saved_model(model, path)
        np.savez(folder / f"{name}_inputs.npz", **inputs)
        np.savez(folder / f"{name}_expected.npz", images=expected)
        cases.append({"path": path, **contract, "inputs": str(folder / f"{name}_inputs.npz"),
                      "expected": str(folder / f"{name}_expected.npz")})
    with open(folder / "cases.json", "w") as file:
        json.dump(cases, file)
    return folder, {case["path"].split(os.sep)[-2]: case for case in cases}


def test_export_contracts(exports):
    _, cases = exports
    assert cases["gan"]["kind"] == "unconditional"
    assert cases["gan"]["signatures"] == ["serving_default", "generate"]
    assert cases["cgan"]["kind"] == "conditional" and cases["cgan"]["num_classes"] == 10
    assert cases["translator"]["signatures"] == ["serving_default"]
    assert cases["translator"]["image_shape"] == [16, 16, 1]
    if BACKEND != "torch":
        assert cases["truncated"]["truncation"]


def test_served_by_plain_tensorflow(exports):
    folder, _ = exports
    assert "checked" in serve_exports(folder / "cases.json")


def test_saved_model_cli_lists_signatures(exports):
    _, cases = exports
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    run = subprocess.run(
        [cli, "show", "--all", "--dir", cases["cgan"]["path"]],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for text in ("signature_def['serving_default']", "signature_def['generate']",
                 "inputs['z']", "inputs['labels']", "inputs['seed']", "inputs['num_samples']",
                 "outputs['images']", "outputs['images_uint8']", "dtype: DT_UINT8"):
        assert text in run.stdout, text


def test_export_rejects_what_it_cannot_serve(tmp_path):
    points = kgan.networks.mlp_generator(LATENT_DIM, 2, width=8, depth=1)
    with pytest.raises(ValueError, match="must output images"):
        export_saved_model(points, tmp_path / "points")
    g, _ = tiny_dcgan_pair(LATENT_DIM)
    with pytest.raises(ValueError, match="latent_dim must match"):
        export_saved_model(g, tmp_path / "g", latent_dim=LATENT_DIM + 1)
    with pytest.raises(ValueError, match="signatures must include 'serving_default'"):
        export_saved_model(g, tmp_path / "g", signatures=["generate"])
    with pytest.raises(ValueError, match="subset of"):
        export_saved_model(_translator(), tmp_path / "t", signatures=["serving_default", "generate"])
    z, labels = keras.Input((LATENT_DIM,)), keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.Embedding(10, 4)(labels)])
    conditional = keras.Model([z, labels], kgan.networks.dcgan_generator(
        LATENT_DIM + 4, (16, 16, 1), base_filters=8)(h))
    with pytest.raises(ValueError, match="needs num_classes"):
        export_saved_model(conditional, tmp_path / "c")
    with pytest.raises(ValueError, match="must be a built keras.Model"):
        export_saved_model("model.keras", tmp_path / "m")


def test_export_refuses_a_directory_that_holds_files(tmp_path):
    g, _ = tiny_dcgan_pair(LATENT_DIM)
    (tmp_path / "notes.txt").write_text("not an export")
    with pytest.raises(FileExistsError, match="pass overwrite=True"):
        export_saved_model(g, tmp_path)
    with pytest.raises(FileExistsError, match="not a SavedModel's"):
        export_saved_model(g, tmp_path, overwrite=True)
    with pytest.raises(FileExistsError, match="must be a directory, not a file"):
        export_saved_model(g, tmp_path / "notes.txt", overwrite=True)
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]
