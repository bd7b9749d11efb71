"""benchmarks/backends.py at smoke size on the current backend: a clocked recipe run, its
row, resuming; and the table's fastest-backend mark."""

import keras
import pytest

from .conftest import load_benchmark


def test_a_clocked_recipe_run_records_a_row_and_resumes(tmp_path, capsys):
    benchmark = load_benchmark("backends")
    backend = keras.backend.backend()
    results = tmp_path / "results.jsonl"
    argv = ["--smoke", "--backends", backend, "--recipes", "gan_mixtures", "--warmup", "1",
            "--steps", "3", "--results", str(results)]
    assert benchmark.main(argv) == 0
    (row,) = benchmark.read_rows(str(results))
    assert "error" not in row, row
    assert row["backend"] == backend and row["recipe"] == "gan_mixtures" and row["smoke"]
    assert row["batch_size"] == 16  # the recipe's smoke batch, read from its fit() call
    assert row["steps_per_second"] > 0 and row["first_step_seconds"] > 0
    assert row["images_per_second"] == pytest.approx(16 * row["steps_per_second"])
    assert row["peak_rss_mib"] > 100  # a Python process with Keras and a backend loaded
    assert "gan_mixtures" in capsys.readouterr().out
    assert benchmark.main(argv) == 0  # resumed: nothing left to run
    assert len(benchmark.read_rows(str(results))) == 1
    if backend == "tensorflow":  # XLA rows are a setting of their own, run and tabled apart
        assert benchmark.main(argv + ["--jit-compile"]) == 0
        first, xla = benchmark.read_rows(str(results))
        assert "jit_compile" not in first and xla["jit_compile"] is True, xla
        # The setting reached the model: the default resolves to no XLA on a CPU TensorFlow.
        assert first["model_jit_compile"] is False and xla["model_jit_compile"] is True
        assert "error" not in xla and xla["steps_per_second"] > 0, xla


def test_the_table_marks_the_fastest_backend_and_the_others_relative_to_it():
    benchmark = load_benchmark("backends")
    rows = [{"backend": backend, "recipe": "dcgan_mnist", "smoke": False, "batch_size": 32,
             "steps_per_second": rate, "first_step_seconds": 1.0, "peak_rss_mib": 900.0}
            for backend, rate in (("jax", 10.0), ("tensorflow", 20.0), ("torch", 5.0))]
    rows.append({"backend": "torch", "recipe": "pix2pix_digits", "smoke": False,
                 "error": "no result within 5 s"})
    line, *_ = [line for line in benchmark.format_table(rows).splitlines()
                if line.startswith("dcgan_mnist")]
    assert line.split()[1:] == ["32", "10.00", "2.00×", "1.0", "900", "20.00", "*", "1.0", "900",
                                "5.00", "4.00×", "1.0", "900"]
    assert "failed: torch pix2pix_digits: no result within 5 s" in benchmark.format_table(rows)
