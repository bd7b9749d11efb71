"""Distributed training equals single-device training on the same global batch
(losses to 1e-4 relative, weights to 1e-5 absolute, float32).

JAX: `keras.distribution.DataParallel` on 4 virtual CPU devices; TensorFlow:
`tf.distribute.MirroredStrategy` on 4 logical CPU devices. Every backend: 2
processes started by `kgan.launcher` as `kgan train --workers 2` starts them
(torch: one `torch.distributed` group over gloo; JAX: a multi-controller run,
`DataParallel` over both processes' 4 virtual CPU devices, gloo collectives;
TensorFlow: a `MultiWorkerMirroredStrategy` of 2 workers, ring all-reduce over
gRPC).
A `kgan train --workers 2` recipe run that loses a worker ends with the
launcher naming it; run again, it resumes from its checkpoint and ends with an
uninterrupted run's weights (torch: the launcher's watch is the same on every
backend, and each run costs JAX three multi-process compilations; JAX's
every-rank saving is in the 2-process test, its exact resume in
`test_checkpoint.py`).
One subprocess per backend (devices are fixed when a backend starts), so this
runs once, not per backend.
"""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from kgan.callbacks.checkpoint import list_checkpoints, read_checkpoint
from kgan.launcher import STOP_GRACE_SECONDS

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


@pytest.mark.parametrize("backend", ["torch", "jax", "tensorflow"])
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


EPOCHS = 4  # the smoke dcgan_digits: 11 global batches of 128 an epoch


def _train_command(run_dir):
    """`kgan train` of the smoke DCGAN as 2 processes, a checkpoint every epoch."""
    return [sys.executable, "-m", "kgan.cli", "train", "dcgan_digits", "--smoke", "--workers", "2",
            "--set", f"epochs={EPOCHS}", "--set", "num_eval_samples=10",
            "--set", f"out_dir={run_dir}", "--set", f"checkpoint_dir={run_dir / 'ckpt'}"]


def _end(launcher):
    """Ends a launcher still running and, through its SIGTERM handler, its workers
    (a hung run fails the test by its timeout and leaves no process behind)."""
    if launcher.poll() is None:
        launcher.terminate()
        try:
            launcher.wait(STOP_GRACE_SECONDS + 10)
        except subprocess.TimeoutExpired:
            launcher.kill()


def _train(run_dir, env):
    """Runs the command to its end (600 s at most); returns its last checkpoint."""
    launcher = subprocess.Popen(_train_command(run_dir), env=env, cwd=os.path.dirname(HERE),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _, stderr = launcher.communicate(timeout=600)
    finally:
        _end(launcher)
    assert launcher.returncode == 0, stderr[-3000:]
    return read_checkpoint(list_checkpoints(str(run_dir / "ckpt"))[-1])


def _kill_rank_1_after_the_first_epoch(run_dir, env, log_path):
    """Starts the run, SIGKILLs rank 1 once epoch 1's checkpoint and grid exist;
    returns the launcher's exit code, its stderr and its seconds after the kill."""
    first = [run_dir / "ckpt" / "epoch-000001.kgan-ckpt",
             run_dir / "epochs" / "samples_epoch_0001.png"]
    with open(log_path, "w+") as log:
        launcher = subprocess.Popen(_train_command(run_dir), env=env, cwd=os.path.dirname(HERE),
                                    stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            deadline = time.monotonic() + 600
            while not all(path.exists() for path in first):
                assert launcher.poll() is None, log_path.read_text()[-3000:]
                assert time.monotonic() < deadline, "no checkpoint after 600 s"
                time.sleep(0.05)
            ranks = [line.split() for line in log_path.read_text().splitlines()
                     if line.startswith("kgan: worker rank 1 of 2 started")]
            os.kill(int(ranks[0][-1].rstrip(")")), signal.SIGKILL)
            killed = time.monotonic()
            launcher.wait(timeout=60)
            return launcher.returncode, log_path.read_text(), time.monotonic() - killed
        finally:
            _end(launcher)


def test_killed_run_resumes_to_the_uninterrupted_runs_weights(tmp_path):
    """`kgan train --workers 2` with `checkpoint_dir`: a worker SIGKILLed after
    epoch 1 ends the run (the launcher names it); the same command again
    resumes and ends with the weights of an uninterrupted run (to 1e-5)."""
    env = dict(os.environ, KERAS_BACKEND="torch")
    killed_dir = tmp_path / "killed"
    code, stderr, seconds = _kill_rank_1_after_the_first_epoch(
        killed_dir, env, tmp_path / "launcher.log")
    assert code != 0
    assert "worker rank 1 of 2 failed with exit code -9" in stderr
    assert seconds < STOP_GRACE_SECONDS + 10  # the launcher's stated bound, and process exits
    saved = [int(os.path.basename(path)[6:12]) for path in list_checkpoints(str(killed_dir / "ckpt"))]
    assert 1 <= saved[-1] < EPOCHS, f"the run must be killed mid-run. Received: {saved}"
    first_grid = killed_dir / "epochs" / "samples_epoch_0001.png"
    first_grid_written = first_grid.stat().st_mtime_ns

    resumed_meta, resumed = _train(killed_dir, env)
    assert first_grid.stat().st_mtime_ns == first_grid_written  # resumed, not started over
    meta, reference = _train(tmp_path / "uninterrupted", env)
    assert resumed_meta["epoch"] == meta["epoch"] == EPOCHS
    for info, actual, expected in zip(meta["variables"], resumed, reference):
        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-5, err_msg=info["path"])
    for name, values in meta["history"].items():
        np.testing.assert_allclose(resumed_meta["history"][name], values, rtol=1e-5, err_msg=name)
