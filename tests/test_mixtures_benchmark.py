"""benchmarks/mixtures.py --defaults-only: one tiny run on the current backend, its row and label."""

import argparse
import math

import keras
import pytest

from .conftest import load_benchmark


def test_defaults_run_uses_the_library_defaults():
    benchmark = load_benchmark("mixtures")
    row = benchmark._run_with_defaults("r3gan", "ring8", "1x8", seed=0, steps=2)
    assert row["backend"] == keras.backend.backend()
    assert row["gamma"] == "auto" and row["num_modes"] == 8
    assert 0 <= row["modes"] <= 8 and math.isfinite(row["seconds"])
    assert benchmark._default_gamma("r3gan") == "auto"
    assert benchmark._default_gamma("gan") is None


def test_defaults_rows_are_told_apart_by_shape_and_gamma():
    benchmark = load_benchmark("mixtures")
    rows = [
        dict(backend="jax", model="r3gan", mixture="ring8", seed=0, shape="3x128", gamma=gamma,
             num_modes=8, modes=8, high_quality=0.9, reverse_kl=0.0, seconds=1.0, diverged=False)
        for gamma in (1.0, "auto")
    ]
    assert {row["model"] for row in benchmark.summarize(rows)} == {
        "r3gan γ=1.0 3x128", "r3gan γ=auto 3x128"}
    assert benchmark._run_key(rows[1]) == ("r3gan", "ring8", 0, "3x128", "auto")


@pytest.mark.parametrize("text", ["3x", "x128", "0x128", "3*128"])
def test_shape_must_be_depth_x_width(text):
    with pytest.raises(argparse.ArgumentTypeError, match="shape must be DEPTHxWIDTH"):
        load_benchmark("mixtures")._parse_shape(text)
