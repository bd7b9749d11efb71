"""recipes/cyclegan_horse2zebra.py: offline errors before training, and its measurements."""

import numpy as np
import pytest

from kgan.recipe import load_recipe

recipe = load_recipe("cyclegan_horse2zebra")


def _config(tmp_path, **overrides):
    return {**recipe.CONFIG, **recipe.SMOKE, "out_dir": str(tmp_path / "out"), **overrides}


def test_missing_data_stops_before_training_and_names_both_sources(tmp_path):
    pytest.importorskip("tensorflow_datasets")
    config = _config(tmp_path, data_dir=None, tfds_data_dir=str(tmp_path / "tfds"))
    with pytest.raises(FileNotFoundError) as raised:
        recipe.run(config)
    message = str(raised.value)
    assert "'cycle_gan/horse2zebra' is not prepared" in message and "never downloads" in message
    assert "--set data_dir=DIR" in message
    assert not (tmp_path / "out").exists()


def test_missing_fid_weights_stop_before_training(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    with pytest.raises(FileNotFoundError, match="FID Inception weights"):
        recipe.run(_config(tmp_path, fid_weights="pytorch_fid"))
    assert not (tmp_path / "out").exists()


def test_bad_schedule_and_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"decay_epochs must be in \[0, epochs=2\]"):
        recipe.run(_config(tmp_path, decay_epochs=3))
    with pytest.raises(ValueError, match="load_size .* must be at least image_size"):
        recipe.run(_config(tmp_path, load_size=8))


def test_measure_reports_cycle_and_feature_distances(tmp_path):
    model = recipe.build_model(_config(tmp_path), channels=3)
    rng = np.random.default_rng(0)
    test_a = rng.uniform(-1, 1, (6, 16, 16, 3)).astype("float32")
    test_b = rng.uniform(-1, 1, (5, 16, 16, 3)).astype("float32")

    def extractor(images):  # a cheap stand-in for the FID Inception features
        return np.asarray(images, "float64").reshape(len(images), -1)[:, :12]

    figures, a_to_b, b_to_a = recipe.measure(model, test_a, test_b, extractor)
    assert a_to_b.shape == test_a.shape and b_to_a.shape == test_b.shape
    for direction in ("a_to_b", "b_to_a"):
        scores = figures[direction]
        assert set(scores) == {"cycle", "fid", "kid", "kid_std"}
        assert scores["fid"] > 0 and np.isfinite(scores["kid"])
        assert scores["cycle"]["l1"] > 0 and np.isfinite(scores["cycle"]["psnr"])
    # FID of the A→B translations is measured against B's real images.
    expected = recipe.kgan.metrics.fid_from_features(extractor(a_to_b), extractor(test_b))
    assert figures["a_to_b"]["fid"] == pytest.approx(expected)
    assert set(recipe.measure(model, test_a, test_b)[0]["a_to_b"]) == {"cycle"}
