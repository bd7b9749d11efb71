"""NVlabs stylegan2-ada-pytorch pickles used wherever kgan takes a StyleGAN2: the
`kgan` CLI, SavedModel export, DragGAN, `.keras` saving and fine-tuning with
`fit`, on the active backend, for the unconditional `rgb32` and the conditional
`grey64_cond` fixtures (tests/fixtures/nvlabs_stylegan2/README.md)."""

import json
import os
import pickle

import keras
import numpy as np
import pytest

import kgan
from kgan.cli import main
from kgan.export import export_saved_model
from kgan.pretrained import load_nvlabs_stylegan2, read_nvlabs_pickle

from .conftest import changed, cli_error, cli_json, serve_exports, weights_of

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures", "nvlabs_stylegan2")
NAMES = ("rgb32", "grey64_cond")
PSI = 0.7


def _pickle(name):
    return os.path.join(FIXTURES, f"{name}.pkl")


def _reference(name):
    """The fixture's inputs: z `(4, z_dim)` float32 and labels `(4,)` int32 (None when
    unconditional)."""
    reference = np.load(os.path.join(FIXTURES, f"{name}.npz"))
    labels = reference["labels"].astype("int32") if reference["c"].shape[1] else None
    return reference["z"], labels


@pytest.fixture(scope="module")
def loaded():
    """The fixtures' models, loaded once; tests that train load their own."""
    return {name: load_nvlabs_stylegan2(_pickle(name)) for name in NAMES}


def _images(model, name, psi=PSI):
    z, labels = _reference(name)
    return model.generate(z=z, psi=psi, labels=labels, noise_mode="const")


# ------------------------------------------------------------------ CLI
@pytest.fixture
def grids(monkeypatch):
    """The sample arrays `kgan sample` writes, captured."""
    written = []
    monkeypatch.setattr(kgan.callbacks, "save_image_grid",
                        lambda samples, path, title: written.append(samples))
    return written


def test_cli_samples_an_unconditional_pickle(loaded, grids, tmp_path, capsys):
    out = str(tmp_path / "grid.png")
    main(["sample", _pickle("rgb32"), "--num", "3", "--seed", "5", "--psi", "0.5", "--out", out])
    assert cli_json(capsys) == {"out": out, "num_samples": 3, "sample_shape": [32, 32, 3]}
    expected = loaded["rgb32"].generate(3, seed=5, psi=0.5)
    np.testing.assert_allclose(grids[0], expected, atol=1e-5)
    assert "--labels is for conditional models" in cli_error(
        capsys, ["sample", _pickle("rgb32"), "--labels", "1"])


def test_cli_samples_a_conditional_pickle_by_label(loaded, grids, tmp_path, capsys):
    model, path, out = loaded["grey64_cond"], _pickle("grey64_cond"), str(tmp_path / "grid.png")
    main(["sample", path, "--num", "4", "--labels", "1,3", "--psi", "0.7", "--out", out])
    assert cli_json(capsys)["sample_shape"] == [64, 64, 1]
    main(["sample", path, "--num", "4", "--out", out])  # no --labels: cycles through the classes
    np.testing.assert_allclose(
        grids[0], model.generate(4, seed=0, psi=0.7, labels=[1, 3, 1, 3]), atol=1e-5)
    np.testing.assert_allclose(grids[1], model.generate(4, seed=0, labels=[0, 1, 2, 3]), atol=1e-5)
    assert np.abs(grids[0] - grids[1]).max() > 0.1
    assert "--labels must lie in [0, 5)" in cli_error(capsys, ["sample", path, "--labels", "5"])


def _not_nvlabs_pickles(folder):
    """Paths of `.pkl` files that are no NVlabs network pickles."""
    plain = folder / "plain.pkl"
    plain.write_bytes(pickle.dumps({"weights": [1.0, 2.0]}))
    carries_code = folder / "code.pkl"
    carries_code.write_bytes(pickle.dumps({"G": os.system}))
    text = folder / "text.pkl"
    text.write_text("not a pickle")
    truncated = folder / "truncated.pkl"
    truncated.write_bytes(open(_pickle("rgb32"), "rb").read()[:4000])
    return [str(path) for path in (plain, carries_code, text, truncated)]


def test_cli_refuses_other_pickles_with_the_readers_message(tmp_path, capsys):
    for path in _not_nvlabs_pickles(tmp_path):
        with pytest.raises(ValueError) as raised:
            read_nvlabs_pickle(path)
        for command in ("sample", "evaluate", "export"):
            argv = [command, path] + ([str(tmp_path / "out")] if command == "export" else [])
            err = cli_error(capsys, argv)
            assert str(raised.value) in err and "Traceback" not in err
    err = cli_error(capsys, ["sample", str(tmp_path / "missing.pkl")])
    assert "NVlabs network pickle not found" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ export
@pytest.fixture(scope="module")
def exports(loaded, tmp_path_factory):
    """rgb32 exported by `kgan export MODEL.pkl`, grey64_cond by `export_saved_model`;
    the cases tests/export_check.py serves, beside grey64_cond's returned contract."""
    folder = tmp_path_factory.mktemp("nvlabs_export")
    cases, contract = [], None
    for name in NAMES:
        model, path = loaded[name], str(folder / name / "1")
        if name == "rgb32":
            assert main(["export", _pickle(name), path]) == 0
            height, width, channels = model.sample_shape
            served = {"kind": "unconditional", "latent_dim": model.latent_dim, "num_classes": None,
                      "image_shape": [height, width, channels],
                      "signatures": ["serving_default", "generate"]}
        else:
            contract = served = export_saved_model(model, path)
        z, labels = _reference(name)
        inputs = {"z": z, "psi": np.float32(PSI)}
        if labels is not None:
            inputs["labels"] = labels
        np.savez(folder / f"{name}_inputs.npz", **inputs)
        # Served images are clipped to [-1, 1]; generate's are not.
        np.savez(folder / f"{name}_expected.npz", images=np.clip(_images(model, name), -1, 1))
        cases.append({**served, "path": path, "inputs": str(folder / f"{name}_inputs.npz"),
                      "expected": str(folder / f"{name}_expected.npz")})
    with open(folder / "cases.json", "w") as file:
        json.dump(cases, file)
    return folder, contract


def test_export_contract_of_a_conditional_pickle(loaded, exports):
    _, contract = exports
    assert contract["kind"] == "conditional" and contract["num_classes"] == 5
    assert contract["truncation"] and contract["latent_dim"] == 16
    assert contract["image_shape"] == [64, 64, 1]


@pytest.mark.parametrize("name", NAMES)
def test_truncated_sampling_equals_generate_unclipped(loaded, name):
    """The function the export serves (before its clip to [-1, 1])."""
    model = loaded[name]
    z, labels = (None if x is None else keras.ops.convert_to_tensor(x) for x in _reference(name))
    inputs = z if labels is None else [z, labels]
    served = model.sample_with_truncation(inputs, keras.ops.convert_to_tensor(PSI, "float32"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(served), _images(model, name),
                               atol=1e-5)


def test_exports_served_by_plain_tensorflow(exports, capsys):
    folder, _ = exports
    assert "checked 2 exports" in serve_exports(folder / "cases.json")


# ------------------------------------------------------------------ DragGAN
@pytest.mark.parametrize("name, handle, target, label", [
    ("rgb32", [[16, 12]], [[16, 17]], None),
    ("grey64_cond", [[32, 26]], [[32, 34]], 2),
])
def test_drag_moves_the_handle_toward_the_target(loaded, name, handle, target, label):
    editor = kgan.editing.DragGAN(loaded[name], learning_rate=0.05, max_steps=6)
    result = editor.drag(handle, target, seed=0, labels=label)
    start = np.linalg.norm(np.subtract(handle, target), axis=-1)
    assert result.steps == 6 and result.distances[0] < start[0] - 1.0
    assert np.abs(result.image - result.original).max() > 1e-2


def test_drag_of_a_conditional_model_takes_its_label(loaded):
    model = loaded["grey64_cond"]
    editor = kgan.editing.DragGAN(model)
    z = _reference("grey64_cond")[0][:1]
    w_plus = editor.w_plus_for(z=z, psi=0.5, labels=3)
    assert w_plus.shape == (1, model.num_ws, model.w_dim)
    np.testing.assert_allclose(w_plus[:, 0], model.map(z, psi=0.5, labels=[3]), atol=1e-6)
    assert np.abs(w_plus - editor.w_plus_for(z=z, psi=0.5, labels=[4])).max() > 1e-3
    with pytest.raises(ValueError, match="conditional"):
        editor.w_plus_for(z=z)
    with pytest.raises(ValueError, match="labels must be None with w_plus"):
        editor.drag([[32, 26]], [[32, 34]], w_plus=w_plus, labels=3)
    with pytest.raises(ValueError, match="c_dim=0"):
        kgan.editing.DragGAN(loaded["rgb32"]).w_plus_for(seed=0, labels=1)


# ------------------------------------------------------------------ .keras and fit
@pytest.mark.parametrize("name", NAMES)
def test_keras_save_of_a_loaded_pickle_reloads_equal(loaded, name, tmp_path):
    model = loaded[name]
    path = tmp_path / "model.keras"
    model.save(path)
    reloaded = kgan.saving.load_model(path)
    assert type(reloaded) is type(model) and reloaded.c_dim == model.c_dim
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(reloaded.w_avg),
                                  keras.ops.convert_to_numpy(model.w_avg))
    np.testing.assert_allclose(_images(reloaded, name), _images(model, name), atol=1e-6)
    np.testing.assert_allclose(_images(reloaded, name, psi=1.0), _images(model, name, psi=1.0),
                               atol=1e-6)


def test_fit_fine_tunes_a_loaded_pickle():
    # The conditional fixture only: both fixtures have the same architectures (skip G, resnet D),
    # this one adds labels; R1 and path length are checked on both in test_nvlabs_stylegan2.py.
    name = "grey64_cond"
    model = load_nvlabs_stylegan2(_pickle(name))
    model.compile()
    height, width, channels = model.sample_shape
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (8, height, width, channels)).astype("float32")
    y = rng.integers(0, model.num_classes, 8).astype("int32") if model.c_dim else None
    before = weights_of(model.generator.trainable_variables)
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0).history
    assert {"d_loss", "g_loss"} <= set(history)
    for key, values in history.items():
        assert len(values) == 1 and np.all(np.isfinite(values)), (key, values)
    assert any(changed(before, weights_of(model.generator.trainable_variables)))
