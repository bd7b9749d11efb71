"""The `kgan` command line: in-process on the active backend, and one subprocess
through the installed `kgan` entry point that switches the backend."""

import json
import os
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest

import kgan
from kgan.cli import main
from kgan.recipe import find_recipes

from .conftest import BACKEND, cli_error, cli_json, tiny_dcgan_pair, tiny_mlp_pair


def test_recipes_lists_every_recipe_with_its_description(capsys):
    main(["recipes"])
    lines = capsys.readouterr().out.splitlines()
    for name in find_recipes():
        assert any(line.startswith(name + " ") and len(line.split(None, 1)) == 2 for line in lines)
    assert any("DCGAN on the bundled digits" in line for line in lines)


def test_counts_below_one_are_refused_naming_the_option(capsys):
    err = cli_error(capsys, ["sample", "model.keras", "--num", "0"])
    assert "argument --num: must be an integer ≥ 1. Received: 0" in err


def test_train_refuses_unknown_recipe_and_key(capsys):
    err = cli_error(capsys, ["train", "dcgan"])
    assert "Unknown recipe 'dcgan'. Valid recipes:" in err and "dcgan_digits" in err
    err = cli_error(capsys, ["train", "dcgan_digits", "--set", "epoch=2"])
    assert "Unknown config key 'epoch'. Valid keys:" in err and "epochs" in err


def test_train_refuses_bad_values_before_any_work(tmp_path, capsys):
    out = tmp_path / "out"
    for item, message in [("epochs=abc", "epochs must be an integer. Received: epochs='abc'"),
                          ("epochs=-1", "epochs must be an integer ≥ 1. Received: epochs=-1"),
                          ("num_eval_samples=5", "num_eval_samples must be an integer ≥ 10")]:
        assert message in cli_error(capsys, ["train", "--set", f"out_dir={out}", "--set", item])
    assert "steps must be an integer ≥ 1" in cli_error(
        capsys, ["train", "gan_mixtures", "--set", f"out_dir={out}", "--set", "steps=0"])
    assert not out.exists()


def test_train_sample_evaluate_export_an_image_model(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the recipe's default out_dir, runs/dcgan_mnist, is relative
    main(["train", "--smoke", "--set", "num_eval_samples=20"])
    result = cli_json(capsys)
    assert result["backend"] == BACKEND and result["final_losses"]["d_loss"] > 0
    # The default recipe, DCGAN on MNIST; a smoke run never writes over the full run's model.keras.
    assert result["model_path"] == os.path.join("runs", "dcgan_mnist", "smoke", "model.keras")
    model_path = str(tmp_path / result["model_path"])

    grid = tmp_path / "grid.png"
    main(["sample", model_path, "--num", "9", "--out", str(grid), "--seed", "3"])
    assert cli_json(capsys) == {"out": str(grid), "num_samples": 9, "sample_shape": [28, 28, 1]}
    assert grid.stat().st_size > 1000

    err = cli_error(capsys, ["sample", model_path, "--psi", "0.7"])
    assert "--psi" in err and "DCGAN.generate() does not" in err
    err = cli_error(capsys, ["sample", model_path, "--labels", "3"])
    assert "conditional models" in err
    assert "does not exist" in cli_error(capsys, ["sample", str(tmp_path / "missing.keras")])
    assert "is a directory, not a .keras file" in cli_error(capsys, ["sample", str(tmp_path)])
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(open(model_path, "rb").read()[:5000])
    for command in ("sample", "evaluate", "export"):
        argv = [command, str(truncated)] + ([str(tmp_path / "x")] if command == "export" else [])
        err = cli_error(capsys, argv)
        assert "not a valid .keras archive: its 5,000 bytes" in err and "Traceback" not in err

    err = cli_error(capsys, ["evaluate", model_path, "--num", "5"])
    assert "--num must be ≥ 10 for the digits metrics. Received: --num 5" in err
    main(["evaluate", model_path, "--num", "30"])
    figures = cli_json(capsys)
    assert figures["class"] == "DCGAN" and figures["num_samples"] == 30
    assert figures["mnist"]["fid_mnist"] > figures["mnist_real_floor"]["fid_mnist"] > 0
    main(["evaluate", model_path, "--num", "30", "--data", "digits"])
    figures = cli_json(capsys)
    assert figures["digits"]["fid_digits"] > figures["digits_real_floor"]["fid_digits"] > 0

    export = pytest.importorskip("kgan.export")
    assert callable(export.export_saved_model)
    saved = tmp_path / "saved"
    main(["export", model_path, str(saved)])
    assert cli_json(capsys) == {"saved_model": str(saved)}
    assert (saved / "saved_model.pb").exists()
    (saved / "assets" / "stale.txt").write_text("from an older export")
    assert "kgan export --overwrite" in cli_error(capsys, ["export", model_path, str(saved)])
    main(["export", model_path, str(saved), "--overwrite"])
    assert (saved / "saved_model.pb").exists() and not (saved / "assets" / "stale.txt").exists()
    err = cli_error(capsys, ["export", model_path, str(tmp_path / "runs"), "--overwrite"])
    assert "not a SavedModel's" in err


def test_sample_and_evaluate_conditional_and_2d_models(tmp_path, capsys):
    generator, discriminator = tiny_dcgan_pair(latent_dim=8 + 10, include_head=False)
    cgan = kgan.models.CGAN(generator, discriminator, latent_dim=8, num_classes=10)
    cgan_path = str(tmp_path / "cgan.keras")
    cgan.save(cgan_path)
    main(["sample", cgan_path, "--num", "4", "--labels", "3", "--out", str(tmp_path / "c.png")])
    assert cli_json(capsys)["num_samples"] == 4
    assert cli_error(capsys, ["sample", cgan_path, "--labels", "12"]).count("[0, 10)") == 1
    main(["evaluate", cgan_path, "--num", "20"])
    assert 0.0 <= cli_json(capsys)["digits"]["conditional_accuracy"] <= 1.0

    generator, discriminator = tiny_mlp_pair()
    gan = kgan.models.GAN(generator, discriminator, latent_dim=4)
    gan_path = str(tmp_path / "gan.keras")
    gan.save(gan_path)
    main(["sample", gan_path, "--num", "50", "--out", str(tmp_path / "points.png")])
    assert cli_json(capsys)["sample_shape"] == [2]
    main(["evaluate", gan_path, "--num", "100"])
    figures = cli_json(capsys)
    assert set(figures) >= {"mode_coverage_ring8", "mode_coverage_grid25"}
    assert 0 <= figures["mode_coverage_ring8"]["modes"] <= 8
    main(["evaluate", gan_path, "--num", "100", "--mixture", "ring8"])
    assert "mode_coverage_grid25" not in cli_json(capsys)

    plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    plain_path = str(tmp_path / "plain.keras")
    plain.save(plain_path)
    assert "not a kgan model with generate()" in cli_error(capsys, ["evaluate", plain_path])


@pytest.mark.skipif(BACKEND != "torch",
                    reason="the re-run is the same code from every backend: one backend's run checks it")
def test_entry_point_switches_backend(tmp_path):
    """The installed `kgan` script re-runs itself under the asked backend."""
    other = "jax"
    executable = shutil.which("kgan", path=os.path.dirname(sys.executable))
    assert executable, "the kgan entry point is not installed (pip install -e .)"
    env = {**os.environ, "KERAS_BACKEND": BACKEND, "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [executable, "train", "gan_mixtures", "--backend", other, "--smoke",
         "--set", f"out_dir={tmp_path}"],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    out = completed.stdout
    result = json.loads(out[out.index("{"):])
    assert result["backend"] == other and np.isfinite(result["high_quality"])


@pytest.mark.skipif(BACKEND != "torch", reason="torch's CPU threads")
def test_train_runs_torch_on_one_cpu_thread_unless_told(tmp_path, capsys, monkeypatch):
    import torch

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    before = torch.get_num_threads()
    argv = ["train", "gan_mixtures", "--smoke", "--set", f"out_dir={tmp_path}"]
    try:
        torch.set_num_threads(2)
        main(argv)
        assert torch.get_num_threads() == 1
        main([*argv, "--torch-threads", "2"])
        assert torch.get_num_threads() == 2
        assert "--torch-threads must be ≥ 0" in cli_error(capsys, [*argv, "--torch-threads", "-1"])
    finally:
        torch.set_num_threads(before)


def test_train_workers_needs_a_multi_process_backend(capsys, monkeypatch):
    # Every backend runs --workers (test_distributed.py); one kgan.launcher lacks is refused.
    monkeypatch.setattr("kgan.launcher.MULTI_PROCESS_BACKENDS", ("another",))
    err = cli_error(capsys, ["train", "dcgan_digits", "--smoke", "--workers", "2"])
    assert "--workers > 1 needs one of the backends ('another',)" in err
    assert f"--backend {BACKEND}" in err
    assert "--workers: must be an integer ≥ 1" in cli_error(
        capsys, ["train", "dcgan_digits", "--workers", "0"])
