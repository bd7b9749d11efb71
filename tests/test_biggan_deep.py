"""kgan's BigGAN-deep against `pytorch-pretrained-biggan`: its files load and give its images.

The fixtures (tests/fixtures/biggan_deep/, written by make_fixtures.py there with
the package's own model code) hold a folder in the package's layout (config.json,
pytorch_model.bin) of a small configuration with random non-trivial weights, and
the images the package's `BigGAN(z, one_hot(labels), truncation)` gave at two
truncations for z from its `truncated_noise_sample`. Tolerance: max |difference|
/ std(reference) ≤ 1e-4 (float32 arithmetic in a different order).
"""

import json
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

import kgan
from kgan.cli import main
from kgan.export import export_saved_model
from kgan.pretrained import biggan_deep

from .conftest import cli_error, cli_json, relative_difference, serve_exports

FOLDER = Path(__file__).parent / "fixtures" / "biggan_deep" / "deep32"
TOLERANCE = 1e-4


def nchw(images):
    return np.transpose(images, (0, 3, 1, 2))


@pytest.fixture(scope="module")
def reference():
    return dict(np.load(FOLDER.parent / "deep32.npz"))


@pytest.fixture(scope="module")
def model():
    return kgan.pretrained.load_biggan_deep(FOLDER)


@pytest.mark.parametrize("index", [0, 1])
def test_generate_equals_the_package(model, reference, index):
    truncation = float(reference["truncations"][index])
    images = model.generate(reference["labels"], truncation, z=reference[f"z_{index}"])
    assert images.shape == (3, 32, 32, 3)
    assert relative_difference(nchw(images), reference[f"images_{index}"]) <= TOLERANCE


@pytest.mark.parametrize("index", [0, 1])
def test_seeded_noise_is_truncated_noise_sample(model, reference, index):
    truncation = float(reference["truncations"][index])
    seed = int(reference["noise_seeds"][index])
    np.testing.assert_array_equal(model.truncated_noise(3, truncation, seed), reference[f"z_{index}"])
    images = model.generate(reference["labels"], truncation, num_samples=3, seed=seed)
    assert relative_difference(nchw(images), reference[f"images_{index}"]) <= TOLERANCE


def test_statistics_weights_mix_as_the_package():
    weights = kgan.networks.biggan_deep_statistics_weights
    np.testing.assert_array_equal(weights(0.4), np.eye(51, dtype="float32")[20])  # grid point
    mixed = weights(0.73)  # 0.73 / 0.02 = 36.5: set 36 gets the fraction, set 37 the rest
    np.testing.assert_allclose(mixed[36:38], [0.5, 0.5], atol=1e-6)
    assert mixed.sum() == pytest.approx(1.0) and np.count_nonzero(mixed) == 2
    # In float64 the Python float 0.3 is a grid point; float32's 0.3 lies just above it, and the
    # package then weights the next set by 1 - 6e-7.
    assert weights(0.3)[15] == 1.0
    assert weights(float(np.float32(0.3)))[16] > 0.999
    np.testing.assert_array_equal(weights(1.0, num_sets=3), [0, 0, 1])
    for truncation in (0.0, 1.5):
        with pytest.raises(ValueError, match="truncation must be in"):
            weights(truncation)


def test_spectral_normalization_keeps_v_as_torch():
    layer = kgan.layers.SpectralNormalization(keras.layers.Dense(3, use_bias=False), keep_v=True)
    x = np.ones((1, 4), "float32")
    layer(x)
    rng = np.random.default_rng(0)
    kernel, u, v = rng.normal(size=(4, 3)), rng.normal(size=(1, 3)), rng.normal(size=(1, 4))
    for variable, value in ((layer.layer.kernel, kernel), (layer.vector_u, u), (layer.vector_v, v)):
        variable.assign(value.astype("float32"))
    sigma = (v @ kernel @ u.T).item()  # torch's eval σ = uᵀ W v with both stored vectors
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), x @ kernel / sigma, rtol=1e-5)
    layer(x, training=True)  # a power iteration stores v = normalize(W u)
    expected_v = u @ kernel.T / np.linalg.norm(u @ kernel.T)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.vector_v), expected_v, rtol=1e-5)
    assert keras.layers.deserialize(keras.layers.serialize(layer)).keep_v


def test_generator_saves_and_reloads_as_keras(model, tmp_path):
    model.generator.save(tmp_path / "generator.keras")
    reloaded = keras.saving.load_model(tmp_path / "generator.keras")
    inputs = [np.ones((2, 16), "float32"), np.eye(10, dtype="float32")[:2],
              np.stack([kgan.networks.biggan_deep_statistics_weights(t) for t in (0.4, 0.73)])]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(reloaded(inputs)),
                               keras.ops.convert_to_numpy(model.generator(inputs)), atol=1e-6)


def test_model_saves_and_reloads_as_keras(model, reference, tmp_path):
    model.save(tmp_path / "biggan_deep.keras")
    reloaded = kgan.saving.load_model(tmp_path / "biggan_deep.keras", compile=False)
    assert isinstance(reloaded, kgan.pretrained.BigGANDeep) and reloaded.config == model.config
    images = reloaded.generate(reference["labels"], 0.4, z=reference["z_0"])
    assert relative_difference(nchw(images), reference["images_0"]) <= TOLERANCE


def test_served_by_plain_tensorflow(model, reference, tmp_path):
    """serving_default(z, labels, truncation float64) gives generate()'s images at the
    fixture's truncations and at 0.3, where float32 arithmetic would pick the wrong set."""
    cases = []
    path = str(tmp_path / "biggan_deep" / "1")
    contract = export_saved_model(model, path)
    assert contract["statistics_sets"] == 51 and contract["kind"] == "conditional"
    assert contract["signatures"] == ["serving_default", "generate"]
    for index, truncation in enumerate((0.4, 0.73, 0.3)):
        z = model.truncated_noise(3, truncation, seed=index)
        expected = model.generate(reference["labels"], truncation, z=z)
        np.savez(tmp_path / f"inputs_{index}.npz", z=z, labels=reference["labels"].astype("int32"),
                 truncation=np.float64(truncation))
        np.savez(tmp_path / f"expected_{index}.npz", images=expected)
        cases.append({"path": path, **contract, "inputs": str(tmp_path / f"inputs_{index}.npz"),
                      "expected": str(tmp_path / f"expected_{index}.npz")})
    with open(tmp_path / "cases.json", "w") as file:
        json.dump(cases, file)
    assert "checked 3 exports" in serve_exports(tmp_path / "cases.json")


def test_labels_are_checked(model):
    z = np.zeros((2, 16), "float32")
    with pytest.raises(ValueError, match=r"labels must be ints in \[0, 10\)"):
        model.generate([0, 10], 0.5, z=z)
    with pytest.raises(ValueError, match="labels must be"):
        model.generate([0, 1, 2], 0.5, z=z)
    mixed = np.full((2, 10), 0.1, "float32")  # class vectors pass as they are
    assert model.generate(mixed, 0.5, z=z).shape == (2, 32, 32, 3)
    assert model.generate(3, 0.5, num_samples=2, seed=1).shape == (2, 32, 32, 3)


def test_missing_folder_or_file_says_where_files_come_from(tmp_path):
    with pytest.raises(FileNotFoundError, match="pytorch-pretrained-biggan"):
        kgan.pretrained.load_biggan_deep(tmp_path / "absent")
    shutil.copy(FOLDER / "config.json", tmp_path / "config.json")
    with pytest.raises(FileNotFoundError, match="pytorch_model.bin not found"):
        kgan.pretrained.load_biggan_deep(tmp_path)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"upsample_mode": "bilinear"}, r"BigGANConfig's keys. Unknown: \['upsample_mode'\]"),
        ({"layers": [[False, 8, 8], [True, 8, 1]]}, "kgan does not build this BigGANConfig"),
        ({"layers": [[False, 16, 4], [True, 4, 1]]}, "equal its in channels or half"),
        ({"channel_width": 2}, "channel_width must be an integer ≥ 3"),
        ({"output_dim": 64}, "output_dim must be the resolution its layers give"),
    ],
)
def test_unsupported_configs_are_refused(tmp_path, change, message):
    config = json.loads((FOLDER / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, **change}))
    shutil.copy(FOLDER / "pytorch_model.bin", tmp_path / "pytorch_model.bin")
    with pytest.raises(ValueError, match=message):
        kgan.pretrained.load_biggan_deep(tmp_path)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda s: s.pop("generator.layers.4.gamma"), "has no tensor 'generator.layers.4.gamma'"),
        (lambda s: s.update({"generator.extra": np.zeros(2)}), r"no place for: \['generator.extra'\]"),
        (lambda s: s.update({"generator.bn.running_means": np.zeros((50, 4))}),
         "'generator.bn.running_means' .* does not fit"),
        (lambda s: s.update({"generator.conv_to_rgb.weight_v": np.zeros(35)}),
         "'generator.conv_to_rgb.weight_v' .* does not fit"),
    ],
)
def test_wrong_tensors_are_refused(monkeypatch, edit, message):
    read = biggan_deep.read_torch_state_dict

    def edited(path):
        state = read(path)
        edit(state)
        return state

    monkeypatch.setattr(biggan_deep, "read_torch_state_dict", edited)
    with pytest.raises(ValueError, match=message):
        kgan.pretrained.load_biggan_deep(FOLDER)


def test_cli_samples_and_exports_a_folder(model, tmp_path, capsys):
    out = str(tmp_path / "grid.png")
    assert main(["sample", str(FOLDER), "--num", "4", "--psi", "0.5", "--labels", "3",
                 "--out", out]) == 0
    assert cli_json(capsys) == {"out": out, "num_samples": 4, "sample_shape": [32, 32, 3]}
    path = str(tmp_path / "export" / "1")
    assert main(["export", str(FOLDER), path]) == 0
    assert (tmp_path / "export" / "1" / "saved_model.pb").exists()
    half = tmp_path / "half"  # a BigGAN-deep folder without its weights
    half.mkdir()
    shutil.copy(FOLDER / "config.json", half)
    err = cli_error(capsys, ["sample", str(half)])
    assert "pytorch_model.bin not found" in err and "Traceback" not in err
