"""recipes/pix2pix_facades.py: input checks before training, direction, and its measurements."""

import numpy as np
import pytest

import kgan
import kgan.recipe
from kgan.recipe import load_recipe

recipe = load_recipe("pix2pix_facades")


def _config(tmp_path, **overrides):
    return {**recipe.CONFIG, **recipe.SMOKE, "out_dir": str(tmp_path / "out"), **overrides}


def test_bad_configs_stop_before_training(tmp_path):
    with pytest.raises(ValueError, match="needs --set data_dir=DIR"):
        recipe.run(_config(tmp_path, data_dir=None))
    with pytest.raises(ValueError, match="direction must be one of"):
        recipe.run(_config(tmp_path, direction="left"))
    with pytest.raises(ValueError, match="Image folder not found"):
        recipe.run(_config(tmp_path, data_dir=str(tmp_path / "missing")))
    assert not (tmp_path / "out").exists()


def test_direction_picks_the_halves(tmp_path):
    a, b = kgan.data.load_paired_folder(recipe.SMOKE["data_dir"] + "/test", 8)
    source, target = recipe.load_pairs(_config(tmp_path), "test", 8)  # b_to_a: labels → photo
    np.testing.assert_array_equal(source, b)
    np.testing.assert_array_equal(target, a)
    source, _ = recipe.load_pairs(_config(tmp_path, direction="a_to_b"), "test", 8)
    np.testing.assert_array_equal(source, a)


def test_measure_with_and_without_features():
    rng = np.random.default_rng(0)
    target = rng.uniform(-1, 1, (6, 8, 8, 3)).astype("float32")
    translated = np.clip(target + 0.1, -1, 1)

    def extractor(images):
        return np.asarray(images, "float64").reshape(len(images), -1)[:, :5]

    scores = recipe.measure(translated, target, extractor)
    assert scores["l1"] == pytest.approx(np.mean(np.abs(translated - target)), rel=1e-6)
    assert scores["fid"] == pytest.approx(
        kgan.metrics.fid_from_features(extractor(translated), extractor(target)))
    assert set(recipe.measure(translated, target)) == {"l1", "psnr"}


def test_decay_schedule_decays_the_last_epochs(tmp_path):
    (decay,) = kgan.recipe.decay_schedule(_config(tmp_path, epochs=5, decay_epochs=3))
    assert (decay.constant_epochs, decay.decay_epochs) == (2, 3)
    assert kgan.recipe.decay_schedule(_config(tmp_path, decay_epochs=0)) == []
    with pytest.raises(ValueError, match=r"decay_epochs must be in \[0, epochs=2\]"):
        kgan.recipe.decay_schedule(_config(tmp_path, decay_epochs=3))
    with pytest.raises(ValueError, match="load_size .* must be at least image_size"):
        kgan.recipe.decay_schedule(_config(tmp_path, load_size=8))
