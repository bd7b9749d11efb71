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
        # Keras' torch trainer runs one step per call.
        steps_per_execution=1 if keras.backend.backend() == "torch" else 2,
        num_eval_samples=50,
        seed=3,
        out_dir=str(tmp_path / "out"),
    )
    result = recipe.run(config)
    _check_result(result, num_modes)
    assert result["diverged"] is None
    assert os.path.dirname(result["scatter_path"]) == str(tmp_path / "out")
    assert result["config"]["steps"] == 6


def test_steps_per_execution_reaches_the_model():
    # Passed on every backend: Keras' torch trainer refuses a value above 1 itself.
    config = recipe.resolve(dict(recipe.CONFIG, **recipe.SMOKE, steps_per_execution=2))
    assert recipe.build_model(config).steps_per_execution == 2


def test_diverged_run_stops_at_once_and_says_so(tmp_path):
    # Learning rates of 1e30 push every weight to ~1e30 in one Adam step: the
    # losses overflow within a few steps.
    config = dict(recipe.CONFIG, **recipe.SMOKE)
    config.update(steps=50, g_lr=1e30, d_lr=1e30, seed=0, out_dir=str(tmp_path))
    with pytest.warns(UserWarning, match="must be finite"):
        result = recipe.run(config)
    assert "Training stopped at step" in result["diverged"]
    step = int(result["diverged"].split("step ")[1].split(" ")[0])
    assert step < 10  # stopped, not trained on NaN for the remaining steps
    assert (result["modes"], result["high_quality"]) == (0, 0.0)
    assert math.isinf(result["reverse_kl"])
    assert os.path.isfile(result["scatter_path"])


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
    with pytest.raises(ValueError, match="r1_gamma"):
        recipe.resolve(dict(recipe.CONFIG, model="wgan_gp", r1_gamma=0.1))


def test_pair_defaults_come_first():
    for (model, mixture), defaults in recipe.PAIR_DEFAULTS.items():
        resolved = recipe.resolve(dict(recipe.CONFIG, model=model, mixture=mixture))
        assert {key: resolved[key] for key in defaults} == defaults
    assert recipe.resolve(dict(recipe.CONFIG, model="gan", mixture="grid25"))["r1_gamma"] > 0
    assert recipe.resolve(dict(recipe.CONFIG, model="gan", mixture="ring8"))["r1_gamma"] == 0
    overridden = recipe.resolve(dict(recipe.CONFIG, model="gan", mixture="grid25", r1_gamma=0.0))
    assert overridden["r1_gamma"] == 0


@pytest.mark.slow
def test_default_config_covers_ring8(tmp_path):
    result = recipe.run(dict(recipe.CONFIG, mixture="ring8", out_dir=str(tmp_path)))
    _check_result(result, 8)
    assert result["modes"] == 8
    assert result["high_quality"] >= 0.95
