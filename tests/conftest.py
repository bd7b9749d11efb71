"""Shared test helpers. The Keras backend is fixed per process by KERAS_BACKEND;
scripts/test.sh runs the suite once per backend."""

import importlib.util
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kgan  # noqa: E402

BACKEND = keras.backend.backend()


def tiny_mlp_pair(latent_dim=4, width=16):
    keras.utils.set_random_seed(0)
    return (
        kgan.networks.mlp_generator(latent_dim, 2, width=width, depth=2),
        kgan.networks.mlp_discriminator(2, width=width, depth=2),
    )


def tiny_dcgan_pair(latent_dim=8, image_size=16, channels=1, include_head=True, extra_channels=0,
                    normalization="batch"):
    keras.utils.set_random_seed(0)
    shape = (image_size, image_size, channels)
    return (
        kgan.networks.dcgan_generator(latent_dim, shape, base_filters=8),
        kgan.networks.dcgan_discriminator(
            (image_size, image_size, channels + extra_channels), base_filters=8,
            include_head=include_head, normalization=normalization,
        ),
    )


def weights_of(variables):
    return [np.array(keras.ops.convert_to_numpy(v)) for v in variables]


def changed(before, after):
    return [not np.array_equal(a, b) for a, b in zip(before, after)]


@pytest.fixture
def ring_data():
    return kgan.data.gaussian_mixture("ring8", 256, seed=0)


@pytest.fixture
def digits16():
    x, y = kgan.data.load_digits(image_size=16)
    return x[:128], y[:128]


def cli_json(capsys):
    """The JSON object the `kgan` command just printed."""
    out = capsys.readouterr().out
    return json.loads(out[out.index("{"):])


def cli_error(capsys, argv):
    """The usage error (exit status 2) `kgan argv` prints."""
    from kgan.cli import main

    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    return capsys.readouterr().err


def serve_exports(cases_path):
    """Runs tests/export_check.py on the exports `cases_path` lists, in plain TensorFlow in
    its own process (no KERAS_BACKEND); returns its standard output."""
    env = {key: value for key, value in os.environ.items() if key != "KERAS_BACKEND"}
    run = subprocess.run(
        [sys.executable, os.path.join(os.path.dirname(__file__), "export_check.py"),
         str(cases_path)],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def relative_difference(actual, expected):
    """max |actual − expected| / std(expected), in float64: how the equivalence tests against
    authors' code measure a difference (tensors or arrays)."""
    expected = np.asarray(keras.ops.convert_to_numpy(expected), dtype="float64")
    actual = np.asarray(keras.ops.convert_to_numpy(actual), dtype="float64")
    return float(np.max(np.abs(actual - expected)) / expected.std())


def load_benchmark(name):
    """The module `benchmarks/<name>.py` (the benchmarks are scripts, not a package; their
    folder goes on `sys.path`, as when run, for the modules they share)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.path.join(root, "benchmarks") not in sys.path:
        sys.path.insert(0, os.path.join(root, "benchmarks"))
    spec = importlib.util.spec_from_file_location(
        f"benchmark_{name}", os.path.join(root, "benchmarks", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_compiled(fn, model):
    """`fn()` (a pytree of tensors out; it may read and assign `model`'s variables), run on
    JAX as one compiled program over a stateless scope of the model's variables, its
    assignments then applied, as kgan's JAX train step runs; called directly on the other
    backends. Eager JAX compiles each op at its first shape: the NVlabs R1 + path-length
    computation took 38.5 s eager and 4.7 s compiled, with the same values."""
    if BACKEND != "jax":
        return fn()
    import jax

    variables = model.variables

    def pure(values):
        with keras.StatelessScope(state_mapping=list(zip(variables, values))) as scope:
            out = fn()
        return out, [scope.get_current_value(variable) for variable in variables]

    out, new_values = jax.jit(pure)([variable.value for variable in variables])
    for variable, value in zip(variables, new_values):
        variable.assign(value)
    return out
