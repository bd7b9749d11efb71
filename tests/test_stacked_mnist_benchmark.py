"""benchmarks/stacked_mnist.py at smoke size on the current backend: a run, its row, resuming."""

import keras

from .conftest import load_benchmark

SMOKE = ["num_train=128", "batch_size=32", "base_filters=4", "latent_dim=8", "epochs=1",
         "num_eval_samples=256", "grid_every_n_epochs=1"]


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
    assert 1 <= row["modes"] <= 1000 and 0 <= row["kl"] <= 6.91  # ln 1000 at most
    assert row["real_modes"] > 200  # 256 real stacks: nearly all distinct triples
    table = capsys.readouterr().out
    assert "pacgan2" in table and "PacDCGAN2 (PacGAN T3)" in table and "real stacks" in table
    assert benchmark.main(argv) == 0  # resumed: nothing left to run
    assert len(benchmark.read_rows(str(results))) == 1
