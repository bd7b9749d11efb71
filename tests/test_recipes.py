"""Smoke tests of the digits recipes on tiny settings, and the override parser."""

import importlib.util
import os

import pytest

from kgan.recipe import with_overrides

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_recipe(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "recipes", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TINY = {"image_size": 16, "base_filters": 8, "latent_dim": 8, "epochs": 1, "batch_size": 128,
        "num_eval_samples": 100}


@pytest.mark.parametrize("name", ["dcgan_digits", "cgan_digits"])
def test_recipe_runs_and_reports(name, tmp_path):
    recipe = load_recipe(name)
    config = {**recipe.CONFIG, **TINY, "out_dir": str(tmp_path)}
    result = recipe.run(config)
    assert os.path.getsize(result["samples_png"]) > 1000
    assert os.path.exists(tmp_path / "model.keras")
    assert result["generated"]["fid_digits"] >= 0
    if name == "cgan_digits":
        assert 0.0 <= result["generated"]["conditional_accuracy"] <= 1.0


def test_overrides_are_typed_and_checked():
    defaults = {"epochs": 3, "learning_rate": 1e-3, "loss": "hinge", "flip": False}
    config = with_overrides(defaults, ["epochs=5", "learning_rate=2e-4", "flip=true"])
    assert config == {"epochs": 5, "learning_rate": 2e-4, "loss": "hinge", "flip": True}
    with pytest.raises(ValueError, match="Unknown config key 'epoch'. Valid keys: epochs, flip"):
        with_overrides(defaults, ["epoch=5"])
    with pytest.raises(ValueError, match="epochs must be a int"):
        with_overrides(defaults, ["epochs=many"])
    with pytest.raises(ValueError, match="key=value"):
        with_overrides(defaults, ["epochs"])
