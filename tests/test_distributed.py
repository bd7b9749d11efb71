"""Distributed training equals single-device training on the same global batch
(losses to 1e-4 relative, weights to 1e-5 absolute, float32).

JAX: `keras.distribution.DataParallel` on 4 virtual CPU devices; TensorFlow:
`tf.distribute.MirroredStrategy` on 4 logical CPU devices. Torch and JAX: 2
processes started by `kgan.launcher` as `kgan train --workers 2` starts them
(torch: one `torch.distributed` group over gloo; JAX: a multi-controller run,
`DataParallel` over both processes' 4 virtual CPU devices, gloo collectives).
One subprocess per backend (devices are fixed when a backend starts), so this
runs once, not per backend.
"""

import json
import os
import signal
import subprocess
import sys
import time

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


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_two_processes_match_one(backend):
    # Both models in one launch: each process start (imports) takes seconds.
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "distributed_run.py"), "--steps", "5",
         "--processes", "2", "--model", "wgan_gp", "diffaugment"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = [json.loads(line) for line in run.stdout.strip().splitlines()[-2:]]
    assert [result["model"] for result in results] == ["wgan_gp", "diffaugment"]
    for result in results:
        assert result["devices"] == 2
        for name, value in result["single"].items():
            assert result["distributed"][name] == pytest.approx(value, rel=1e-4, abs=1e-6), name
        assert result["max_weight_difference"] < 1e-5


def test_launcher_ends_the_run_when_a_worker_dies(tmp_path):
    env = dict(os.environ, KERAS_BACKEND="torch", TF_CPP_MIN_LOG_LEVEL="3")
    launcher = subprocess.Popen(
        [sys.executable, "-m", "kgan.cli", "train", "dcgan_digits", "--smoke", "--workers", "2",
         "--set", "epochs=1000", "--set", f"out_dir={tmp_path}"],
        env=env, cwd=os.path.dirname(HERE), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = {}
        while len(started) < 2:
            line = launcher.stderr.readline()
            assert line, "the launcher ended before starting 2 workers"
            words = line.split()
            if words[:3] == ["kgan:", "worker", "rank"] and words[6] == "started":
                started[int(words[3])] = int(words[-1].rstrip(")"))
        time.sleep(3)  # both workers running (importing, joining the group or training)
        os.kill(started[1], signal.SIGKILL)
        killed = time.monotonic()
        _, stderr = launcher.communicate(timeout=60)
    finally:
        launcher.kill()
    assert launcher.returncode != 0
    assert "worker rank 1 of 2 failed with exit code -9" in stderr
    # The launcher's stated bound: STOP_GRACE_SECONDS (5 s) after it sees the failure.
    assert time.monotonic() - killed < 15
