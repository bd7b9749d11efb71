"""recipes/gan_mixtures.py: a seeded smoke test, and the real default config (slow)."""

import importlib.util
import math
import os

import keras
import pytest

RECIPE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "recipes", "gan_mixtures.py")


def _load_recipe():
    spec = importlib.util.spec_from_file_location("recipes_gan_mixtures", RECIPE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


recipe = _load_recipe()


def _check_result(result, num_modes):
    assert set(result) >= {"modes", "high_quality", "reverse_kl", "train_seconds", "backend"}
    assert isinstance(result["modes"], int) and 0 <= result["modes"] <= num_modes
    assert isinstance(result["high_quality"], float) and 0.0 <= result["high_quality"] <= 1.0
    assert isinstance(result["reverse_kl"], float)
    assert result["reverse_kl"] >= 0.0 or math.isinf(result["reverse_kl"])
    assert isinstance(result["train_seconds"], float) and result["train_seconds"] > 0
    assert result["backend"] == keras.backend.backend()
    assert os.path.isfile(result["scatter_path"])
    assert os.path.getsize(result["scatter_path"]) > 0


@pytest.mark.parametrize(
    "mixture, model, num_modes", [("ring8", "gan", 8), ("grid25", "wgan_gp", 25)]
)
def test_smoke(tmp_path, mixture, model, num_modes):
    config = dict(recipe.CONFIG)
    config.update(
        mixture=mixture,
        model=model,
        steps=6,
        batch_size=16,
        g_width=8,
        g_depth=1,
        d_width=8,
        d_depth=1,
        steps_per_execution=2,
        num_eval_samples=50,
        seed=3,
        out_dir=str(tmp_path / "out"),
    )
    result = recipe.run(config)
    _check_result(result, num_modes)
    assert os.path.dirname(result["scatter_path"]) == str(tmp_path / "out")
    assert result["config"]["steps"] == 6


def test_per_mixture_defaults_fill_only_unset_keys():
    resolved = recipe.resolve(dict(recipe.CONFIG, mixture="grid25", steps=7))
    assert resolved["steps"] == 7
    for key, value in recipe.MIXTURE_DEFAULTS["grid25"].items():
        if key != "steps":
            assert resolved[key] == value
    with pytest.raises(ValueError, match="mixture"):
        recipe.resolve(dict(recipe.CONFIG, mixture="ring9"))
    with pytest.raises(ValueError, match="model"):
        recipe.resolve(dict(recipe.CONFIG, model="vae"))


@pytest.mark.slow
def test_default_config_covers_ring8(tmp_path):
    result = recipe.run(dict(recipe.CONFIG, mixture="ring8", out_dir=str(tmp_path)))
    _check_result(result, 8)
    assert result["modes"] == 8
    assert result["high_quality"] >= 0.95
