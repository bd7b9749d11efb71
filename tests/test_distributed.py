"""Distributed training equals single-device training on the same global batch
(losses to 1e-4 relative, weights to 1e-5 absolute, float32).

JAX: `keras.distribution.DataParallel` on 4 virtual CPU devices; TensorFlow:
`tf.distribute.MirroredStrategy` on 4 logical CPU devices. One subprocess per
backend (devices are fixed when a backend starts), so this runs once, not per
backend. Torch has no Keras distribution API (see README).
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

pytestmark = pytest.mark.cross_backend


@pytest.mark.parametrize("model", ["wgan_gp", "diffaugment"])
@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_four_devices_match_one(backend, model):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "distributed_run.py"), "--steps", "8",
         "--model", model],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["devices"] == 4
    for name, value in result["single"].items():
        assert result["distributed"][name] == pytest.approx(value, rel=1e-4, abs=1e-6), name
    assert result["max_weight_difference"] < 1e-5
    expected = ["_SynchronousBatchEnd"] if backend == "jax" else []
    assert result["required_callbacks"] == expected
