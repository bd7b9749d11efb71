"""kgan's StyleGAN2 against NVlabs' stylegan2-ada-pytorch: their pickles load and give their outputs.

The fixtures (tests/fixtures/nvlabs_stylegan2/, written by make_fixtures.py there
with NVlabs' own code) hold a real network pickle per configuration and the
outputs NVlabs' networks gave for fixed inputs. Tolerance: max |difference| /
std(reference) ≤ 1e-4 (float32 arithmetic in a different order; measured
1e-6 to 2e-5).
"""

import dataclasses
from pathlib import Path

import keras
import numpy as np
import pytest

import kgan
from kgan.pretrained import nvlabs_stylegan2

from .conftest import relative_difference, run_compiled

FIXTURES = Path(__file__).parent / "fixtures" / "nvlabs_stylegan2"
CONFIGS = ("rgb32", "grey64_cond")
TOLERANCE = 1e-4


def nhwc(images):
    return np.transpose(images, (0, 2, 3, 1))


@pytest.fixture(scope="module", params=CONFIGS)
def loaded(request):
    reference = dict(np.load(FIXTURES / f"{request.param}.npz"))
    model = kgan.pretrained.load_nvlabs_stylegan2(FIXTURES / f"{request.param}.pkl")
    labels = reference["labels"] if reference["c"].shape[1] else None
    return request.param, model, reference, labels


def test_mapping_equals_nvlabs(loaded):
    _, model, reference, labels = loaded
    for psi, key in ((1.0, "w"), (0.7, "ws_psi07")):
        w = model.map(reference["z"], psi=psi, labels=labels)
        assert relative_difference(w, reference[key][:, 0]) <= TOLERANCE


@pytest.mark.parametrize(
    "key, kwargs",
    [
        ("images_psi1", {}),
        ("images_psi07", {"psi": 0.7}),
        ("images_psi05_cut2", {"psi": 0.5, "truncation_cutoff": 2}),
        ("images_noise_none", {"noise_mode": "none"}),
    ],
)
def test_generate_equals_nvlabs_g_ema(loaded, key, kwargs):
    _, model, reference, labels = loaded
    images = model.generate(z=reference["z"], labels=labels, **kwargs)
    assert images.shape == nhwc(reference[key]).shape
    assert relative_difference(images, nhwc(reference[key])) <= TOLERANCE


def test_generator_is_g_and_generator_ema_is_g_ema(loaded):
    _, model, reference, _ = loaded
    inputs = reference["z"] if not reference["c"].shape[1] else [reference["z"], reference["c"]]
    with kgan.models.stylegan._NoiseMode(model.generator, "const"):
        images = keras.ops.convert_to_numpy(model.generator(inputs))
    assert relative_difference(images, nhwc(reference["g_images_psi1"])) <= TOLERANCE
    # G and G_ema differ in the file, so this would fail if the two were swapped.
    assert relative_difference(images, nhwc(reference["images_psi1"])) > 100 * TOLERANCE


@pytest.mark.parametrize("key, images_key", [("d_real", "real"), ("d_fake", "images_psi1")])
def test_discriminator_equals_nvlabs(loaded, key, images_key):
    _, model, reference, _ = loaded
    images = nhwc(reference[images_key])
    inputs = images if not reference["c"].shape[1] else [images, reference["c"]]
    logits = keras.ops.convert_to_numpy(model.discriminator(inputs))
    assert logits.shape == reference[key].shape
    assert relative_difference(logits, reference[key]) <= TOLERANCE


def test_loaded_configuration_is_the_files(loaded):
    name, model, reference, labels = loaded
    size = nhwc(reference["images_psi1"]).shape[1:]
    assert model.sample_shape == size
    assert model.latent_dim == reference["z"].shape[1]
    assert model.c_dim == reference["c"].shape[1]
    assert model.num_ws == reference["w"].shape[1]
    assert model.generator_ema is not None
    if name == "grey64_cond":
        assert labels is not None and model.num_classes == 5


def _records_with(change):
    """read_nvlabs_pickle's result for rgb32.pkl, G's record changed by `change(record)`."""
    records = kgan.pretrained.read_nvlabs_pickle(FIXTURES / "rgb32.pkl")
    records["G"] = change(records["G"])
    return records


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: dataclasses.replace(r, init_kwargs={
            **r.init_kwargs, "synthesis_kwargs": {**r.init_kwargs["synthesis_kwargs"],
                                                  "architecture": "resnet"}}),
         "architecture must be one of"),
        (lambda r: dataclasses.replace(r, init_kwargs={
            **r.init_kwargs, "mapping_kwargs": {**r.init_kwargs["mapping_kwargs"],
                                                "activation": "relu"}}),
         "activation 'relu'"),
        (lambda r: dataclasses.replace(r, init_kwargs={**r.init_kwargs, "extra": 1}),
         "arguments kgan does not build: \\['extra'\\]"),
        (lambda r: dataclasses.replace(r, tensors={
            k: v for k, v in r.tensors.items() if k != "synthesis.b8.conv1.noise_strength"}),
         "no tensor 'synthesis.b8.conv1.noise_strength'"),
        (lambda r: dataclasses.replace(r, tensors={**r.tensors, "synthesis.b8.extra": np.zeros(3)}),
         "no place for: \\['synthesis.b8.extra'\\]"),
        (lambda r: dataclasses.replace(r, tensors={
            **r.tensors, "mapping.fc0.weight": r.tensors["mapping.fc0.weight"][:, :-1]}),
         "mapping.fc0: the file's tensor has shape \\(31, 32\\)"),
    ],
    ids=["architecture", "activation", "unknown-argument", "missing-tensor", "extra-tensor",
         "wrong-shape"],
)
def test_unsupported_files_are_refused_with_the_reason(monkeypatch, change, message):
    records = _records_with(change)
    monkeypatch.setattr(nvlabs_stylegan2, "read_nvlabs_pickle", lambda path: records)
    with pytest.raises(ValueError, match=message) as error:
        nvlabs_stylegan2.load_nvlabs_stylegan2("model.pkl")
    assert "model.pkl" in str(error.value)


def test_a_file_without_networks_is_refused(monkeypatch):
    records = {"D": kgan.pretrained.read_nvlabs_pickle(FIXTURES / "rgb32.pkl")["D"]}
    monkeypatch.setattr(nvlabs_stylegan2, "read_nvlabs_pickle", lambda path: records)
    with pytest.raises(ValueError, match="has no 'G' network"):
        nvlabs_stylegan2.load_nvlabs_stylegan2("model.pkl")


@pytest.mark.parametrize("name", CONFIGS)
def test_r1_and_path_length_equal_nvlabs_stylegan2loss(name):
    # The fixture ran NVlabs' StyleGAN2Loss phases 'Dreg' and 'Greg' on G and D with
    # constant noise, no style mixing, pl_batch_shrink 2, and recorded its pl noise.
    reference = dict(np.load(FIXTURES / f"{name}.npz"))
    model = kgan.pretrained.load_nvlabs_stylegan2(
        FIXTURES / f"{name}.pkl", r1_gamma=float(reference["r1_gamma"]), mix_prob=0.0
    )
    conditional = reference["c"].shape[1] > 0
    tensor = keras.ops.convert_to_tensor
    batch = {"real": tensor(nhwc(reference["real"]))}
    noise = {"z": tensor(reference["z"]), "pl": tensor(nhwc(reference["pl_noise"]))}
    if conditional:
        batch["c"] = noise["c"] = tensor(reference["c"])
    def scalar(value):
        return float(keras.ops.convert_to_numpy(value))

    def regularizers():
        d_loss, d_logs = model.discriminator_regularizer(batch, {})
        with kgan.models.stylegan._NoiseMode(model.generator, "const"):
            g_loss, g_logs = model.generator_regularizer(batch, noise)
        return d_loss, d_logs, g_loss, g_logs

    d_loss, d_logs, g_loss, g_logs = run_compiled(regularizers, model)
    r1 = float(np.mean(reference["r1_penalty"]))
    assert abs(scalar(d_logs["r1"]) - r1) <= TOLERANCE * r1
    assert abs(scalar(d_loss) - reference["r1_gamma"] / 2 * r1) <= TOLERANCE * r1 * reference["r1_gamma"]
    penalty = float(np.mean(reference["pl_penalty"]))
    assert abs(scalar(g_logs["pl"]) - penalty) <= TOLERANCE * penalty
    assert abs(scalar(g_loss) - 2.0 * penalty) <= 2 * TOLERANCE * penalty
    pl_mean = float(reference["pl_mean"])
    assert abs(scalar(model.pl_mean) - pl_mean) <= TOLERANCE * pl_mean


def test_labels_are_checked_and_give_the_sample_count(loaded):
    name, model, reference, labels = loaded
    if labels is None:
        with pytest.raises(ValueError, match="labels are for a conditional model"):
            model.generate(2, seed=0, labels=[1, 2])
        return
    assert model.generate(labels=[4, 0, 2], seed=0).shape == (3, 64, 64, 1)
    with pytest.raises(ValueError, match="is conditional \\(c_dim=5\\): pass labels="):
        model.generate(2, seed=0)
    with pytest.raises(ValueError, match="labels must be in \\[0, 5\\)"):
        model.generate(labels=[5], seed=0)
