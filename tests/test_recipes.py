"""Every recipe in recipes/ follows the convention and runs its SMOKE config (each on one
backend per suite run, the others under `pytest -m slow`); the override parser and the
loss-curve figure."""

import os
import re

import numpy as np
import pytest

import kgan
from kgan.recipe import (
    describe_recipe,
    find_recipes,
    load_recipe,
    recipe_defaults,
    save_loss_curves,
    with_overrides,
)

from .conftest import BACKEND

RECIPES = find_recipes()
# Recipe k of the sorted names runs its smoke config in the suite's run on
# SMOKE_BACKENDS[k % 3], so each backend's run takes a third of them (a smoke run took 2-59 s on
# JAX, 1-24 s on TensorFlow, mostly compiling); on the other backends it is marked slow. Every
# GAN behind a recipe trains, saves and loads on every backend in its own tests; what a recipe
# adds (its data, evaluation and files) is checked on one backend per suite run.
SMOKE_BACKENDS = ("torch", "tensorflow", "jax")
SMOKE_RUNS = [
    pytest.param(name, marks=() if SMOKE_BACKENDS[k % 3] == BACKEND else pytest.mark.slow)
    for k, name in enumerate(sorted(RECIPES))
]


def test_recipes_are_found_in_the_repository():
    assert {"dcgan_digits", "cgan_digits", "gan_mixtures", "digits_classifier"} <= set(RECIPES)
    with pytest.raises(ValueError, match="Unknown recipe 'dcgan'. Valid recipes: .*dcgan_digits"):
        load_recipe("dcgan")


@pytest.mark.parametrize("name", SMOKE_RUNS)
def test_recipe_smoke_run(name, tmp_path):
    description = describe_recipe(RECIPES[name])
    assert description and "\n" not in description, f"{name}: no one-line description"
    recipe = load_recipe(name)
    for attribute in ("CONFIG", "SMOKE", "run"):
        assert hasattr(recipe, attribute), f"recipes/{name}.py defines no {attribute}"
    unknown = set(recipe.SMOKE) - set(recipe.CONFIG)
    assert not unknown, f"{name}: SMOKE keys not in CONFIG: {sorted(unknown)}"
    config = {**recipe.CONFIG, **recipe.SMOKE}
    if "out_path" in config:  # a recipe that writes one file (digits_classifier)
        config["out_path"] = str(tmp_path / "model.keras")
    else:
        assert "out_dir" in config, f"{name}: CONFIG names no out_dir"
        config["out_dir"] = str(tmp_path / "out")
    result = recipe.run(config)
    assert isinstance(result, dict) and result
    kgan.recipe.to_json(result)  # the figures can be printed
    files = [value for value in result.values()
             if isinstance(value, str) and value.endswith((".png", ".keras"))]
    assert files, f"{name} reports no file it wrote"
    for path in files:
        assert path.startswith(str(tmp_path)) and os.path.getsize(path) > 1000, path
    if "out_dir" in config and "model_path" in result:  # a trained GAN: its loss curves too
        assert "loss_curves_png" in result, f"{name}: use kgan.recipe.save_and_summarize"
    generated = result.get("generated", {})
    if "fid_digits" in generated:
        assert np.isfinite(generated["fid_digits"]) and generated["fid_digits"] >= 0
    if "conditional_accuracy" in generated:
        assert 0.0 <= generated["conditional_accuracy"] <= 1.0


def test_loss_curves_panels(tmp_path):
    path = str(tmp_path / "curves.png")
    save_loss_curves({"d_loss": [1.0, 0.5, 0.7], "g_loss": [2.0, 1.0, 1.5], "fid_digits": [40.0]},
                     path, title="t")
    assert os.path.getsize(path) > 1000
    with pytest.raises(ValueError, match="empty"):
        save_loss_curves({}, path)


def test_overrides_are_typed_and_checked():
    defaults = {"epochs": 3, "learning_rate": 1e-3, "loss": "hinge", "flip": False,
                "tensorboard_dir": None, "shape": [1, 2]}
    config = with_overrides(defaults, ["epochs=5", "learning_rate=2e-4", "flip=true",
                                       "tensorboard_dir=runs/tb", "shape=[3, 4]"])
    assert config == {"epochs": 5, "learning_rate": 2e-4, "loss": "hinge", "flip": True,
                      "tensorboard_dir": "runs/tb", "shape": [3, 4]}
    with pytest.raises(ValueError, match="Unknown config key 'epoch'. Valid keys: epochs, flip"):
        with_overrides(defaults, ["epoch=5"])
    with pytest.raises(ValueError, match="key=value"):
        with_overrides(defaults, ["epochs"])
    assert with_overrides(defaults, ["tensorboard_dir="])["tensorboard_dir"] == ""


@pytest.mark.parametrize("item, message", [
    ("epochs=many", "epochs must be an integer. Received: epochs='many'"),
    ("epochs=2.5", "epochs must be an integer. Received: epochs='2.5'"),
    ("epochs=0", "epochs must be an integer ≥ 1. Received: epochs=0"),
    ("epochs=-1", "epochs must be an integer ≥ 1. Received: epochs=-1"),
    ("steps=0", "steps must be an integer ≥ 1. Received: steps=0"),
    ("batch_size=all", "batch_size must be an integer ≥ 1. Received: batch_size='all'"),
    ("num_eval_samples=5", "num_eval_samples must be an integer ≥ 10. Received: num_eval_samples=5"),
    ("learning_rate=fast", "learning_rate must be a finite number. Received: learning_rate='fast'"),
    ("learning_rate=nan", "learning_rate must be a finite number. Received: learning_rate='nan'"),
    ("flip=maybe", "flip must be true or false. Received: flip='maybe'"),
    ("shape=[3", "shape must be a JSON list. Received: shape='[3'"),
    ("shape=3", "shape must be a JSON list. Received: shape='3'"),
    ("tensorboard_dir=1x", "tensorboard_dir must be a number or JSON"),
])
def test_overrides_say_what_is_wrong(item, message):
    defaults = {"epochs": 3, "steps": None, "batch_size": None, "num_eval_samples": 100,
                "learning_rate": 1e-3, "flip": False, "tensorboard_dir": None, "shape": [1, 2]}
    with pytest.raises(ValueError, match=re.escape(message)):
        with_overrides(defaults, [item])


def test_smoke_runs_write_beside_the_full_run():
    for name in RECIPES:
        recipe = load_recipe(name)
        full, smoke = recipe_defaults(recipe), recipe_defaults(recipe, smoke=True)
        assert full == recipe.CONFIG and smoke.items() >= recipe.SMOKE.items()
        for key in ("out_dir", "out_path"):
            if key in full:
                assert smoke[key] != full[key], f"{name}: a smoke run writes over {full[key]}"
                if key == "out_dir" and key not in recipe.SMOKE:
                    assert smoke[key] == os.path.join(full[key], "smoke")


def test_readme_first_snippet_trains_the_demo_recipe_model():
    """The README's first snippet costs what the README says of the demo: same data
    split, networks and batch as `recipes/dcgan_mnist.py`."""
    readme = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
    with open(readme, encoding="utf-8") as file:
        snippet = re.search(r"```python\n(.*?)```", file.read(), re.S).group(1)
    config = load_recipe("dcgan_mnist").CONFIG
    for expected in (f"image_size={config['image_size']}", 'split="train"',
                     f"latent_dim={config['latent_dim']}",
                     f"base_filters={config['base_filters']}",
                     f"batch_size={config['batch_size']}", f"epochs={config['epochs']}",
                     f"every_n_epochs={config['grid_every_n_epochs']}"):
        assert expected in snippet, expected
