"""benchmarks/stacked_mnist.py at smoke size on the current backend: a run, its row, resuming."""

import keras
import pytest

import kgan

from .conftest import load_benchmark

# PacGAN's setting: its deeper networks (2×2 smallest feature map), two G updates per D
# update; the one epoch at half the learning rates (decayed linearly over it).
SMOKE = ["num_train=128", "batch_size=32", "base_filters=4", "latent_dim=8", "epochs=1",
         "num_eval_samples=256", "grid_every_n_epochs=1", "metrics_every_n_epochs=1",
         "smallest_size=2", "g_steps=2", "decay_epochs=1"]


def test_runs_record_rows_and_resume(tmp_path, capsys):
    benchmark = load_benchmark("stacked_mnist")
    backend = keras.backend.backend()
    results = tmp_path / "results.jsonl"
    argv = ["--backends", backend, "--models", "pacgan2", "--seeds", "1", "--results",
            str(results), "--out-dir", str(tmp_path / "runs")]
    for item in SMOKE:
        argv += ["--set", item]
    assert benchmark.main(argv) == 0
    (row,) = benchmark.read_rows(str(results))
    assert row["backend"] == backend and row["model"] == "pacgan2" and row["seed"] == 0
    assert {"smallest_size=2", "g_steps=2"} <= set(row["overrides"])
    assert 1 <= row["modes"] <= 1000 and 0 <= row["kl"] <= 6.91  # ln 1000 at most
    assert row["real_modes"] > 200  # 256 real stacks: nearly all distinct triples
    # Scored after the only epoch (other latents than the final count). The digit KL is at
    # most the KL: KL(p ‖ uniform) = KL(p ‖ product of p's channel marginals) + digit KL.
    path = row["trajectory"]
    assert path["epochs"] == [1] and 1 <= path["modes"][0] <= 256
    assert 0 <= path["digit_kl"][0] <= path["kl"][0] + 1e-9
    table = capsys.readouterr().out
    assert "pacgan2" in table and "PacDCGAN2 (PacGAN T3)" in table and "real stacks" in table
    assert "during training" in table and "pacgan2 seed 0 (" in table
    assert benchmark.main(argv) == 0  # resumed: nothing left to run
    assert len(benchmark.read_rows(str(results))) == 1


def test_recipe_builds_pacgans_setting_for_every_model():
    recipe = kgan.recipe.load_recipe("stacked_mnist")
    for name in recipe.MODELS:
        config = {**recipe.CONFIG, **recipe.SMOKE, "model": name, "smallest_size": 2,
                  "g_steps": 2}
        model = recipe.build_model(config)
        convolutions = [layer for layer in model.discriminator._flatten_layers()
                        if isinstance(layer, keras.layers.Conv2D)]
        assert model.g_steps == 2 and len(convolutions) == 4, name
        assert model.generator.output.shape[1:] == recipe.IMAGE_SHAPE


def test_recipe_checks_its_schedule_before_training(tmp_path):
    recipe = kgan.recipe.load_recipe("stacked_mnist")
    config = {**recipe.CONFIG, **recipe.SMOKE, "out_dir": str(tmp_path), "decay_epochs": 2}
    with pytest.raises(ValueError, match=r"decay_epochs must be in \[0, epochs=1\]"):
        recipe.run(config)
    assert not list(tmp_path.iterdir())  # nothing written
