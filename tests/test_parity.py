"""Cross-backend parity: identical weights, batches and noise give the same losses.

One subprocess per backend runs `parity_run.py`; the first 5 steps' d_loss and
g_loss must agree to 1e-4 relative (float32). Run once, not per backend.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from tests.parity_run import STEPS, build

HERE = os.path.dirname(os.path.abspath(__file__))
BACKENDS = ("jax", "tensorflow", "torch")
RTOL = 1e-4

pytestmark = pytest.mark.cross_backend


def _inputs(case, path):
    rng = np.random.default_rng(42)
    g, d, _, kwargs = build(case)
    arrays = {f"g{i}": (0.2 * rng.standard_normal(w.shape)).astype("float32")
              for i, w in enumerate(g.get_weights())}
    arrays.update({f"d{i}": (0.2 * rng.standard_normal(w.shape)).astype("float32")
                   for i, w in enumerate(d.get_weights())})
    for i, variable in enumerate(g.weights + d.weights):
        name = variable.path
        if "moving_variance" in name or "gamma" in name:  # keep BatchNorm sane
            key = f"g{i}" if i < len(g.weights) else f"d{i - len(g.weights)}"
            arrays[key] = np.abs(arrays[key]) + 0.5
    batch = 16
    sample_shape = tuple(d.input_shape[1:])
    arrays["x"] = np.tanh(rng.standard_normal((STEPS, batch) + sample_shape)).astype("float32")
    arrays["z"] = rng.standard_normal((batch, kwargs["latent_dim"])).astype("float32")
    if case == "wgan_gp":
        arrays["alpha"] = rng.uniform(size=(batch, 1)).astype("float32")
    np.savez(path, **arrays)


@pytest.fixture(scope="module", params=["dcgan", "wgan_gp"])
def results(request, tmp_path_factory):
    case = request.param
    folder = tmp_path_factory.mktemp(case)
    inputs = folder / "inputs.npz"
    _inputs(case, inputs)
    out = {}
    for backend in BACKENDS:
        output = folder / f"{backend}.npz"
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
        run = subprocess.run(
            [sys.executable, os.path.join(HERE, "parity_run.py"), case, str(inputs), str(output)],
            env=env, capture_output=True, text=True, timeout=600,
        )
        assert run.returncode == 0, f"{backend}: {run.stderr[-3000:]}"
        out[backend] = dict(np.load(output))
    return case, out


@pytest.mark.parametrize("backend", ["tensorflow", "torch"])
def test_losses_match_jax(results, backend):
    case, out = results
    for name in ("d_loss", "g_loss"):
        np.testing.assert_allclose(
            out[backend][name], out["jax"][name], rtol=RTOL, atol=1e-6,
            err_msg=f"{case}: {name} on {backend} vs jax",
        )


@pytest.mark.parametrize("backend", ["tensorflow", "torch"])
def test_weights_match_jax(results, backend):
    case, out = results
    for key in out["jax"]:
        if key.startswith("g"):
            np.testing.assert_allclose(out[backend][key], out["jax"][key], rtol=1e-3, atol=1e-5,
                                       err_msg=f"{case}: generator weight {key}")
