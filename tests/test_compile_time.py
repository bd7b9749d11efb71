"""What a compiled train step costs to build: one traced critic step however
many `d_steps` (TensorFlow), and JAX's persistent compilation cache on request."""

import os
import subprocess
import sys

import keras
import pytest
from keras import ops

import kgan
from kgan.backend import repeat
from tests.conftest import BACKEND, tiny_mlp_pair


def _critic_traces(d_steps, data):
    """How many times `discriminator_loss` runs in Python during a one-step compiled `fit()`."""
    calls = []

    class Counted(kgan.models.WGANGP):
        def discriminator_loss(self, batch, noise):
            calls.append(1)
            return super().discriminator_loss(batch, noise)

    g, d = tiny_mlp_pair()
    model = Counted(g, d, latent_dim=4, d_steps=d_steps, seed=0)
    model.compile()
    model.fit(data, batch_size=len(data), epochs=1, verbose=0)
    assert int(ops.convert_to_numpy(model.d_optimizer.iterations)) == d_steps
    return len(calls)


@pytest.mark.skipif(BACKEND != "tensorflow",
                    reason="a tf.while_loop on TensorFlow; torch is eager, JAX unrolls (faster steps)")
def test_d_steps_trace_one_critic_step(ring_data):
    # Unrolled, five critic updates traced (and compiled) five copies of the critic step.
    one = _critic_traces(1, ring_data[:64])
    assert _critic_traces(5, ring_data[:64]) <= 2 * one


def test_repeat_runs_the_assignments_count_times():
    counter = keras.Variable(0.0)
    total = keras.Variable(1.0)

    def step():
        counter.assign_add(1.0)
        total.assign(total * 2.0)

    repeat(3, step)
    assert (float(ops.convert_to_numpy(counter)), float(ops.convert_to_numpy(total))) == (3.0, 8.0)


@pytest.mark.skipif(BACKEND != "jax", reason="the persistent compilation cache is JAX's")
def test_compile_cache_flag_keeps_compiled_steps(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    env.pop("KGAN_COMPILE_CACHE", None)
    command = [sys.executable, "-m", "kgan.cli", "train", "gan_mixtures", "--smoke",
               "--compile-cache", str(cache), "--set", f"out_dir={tmp_path / 'run'}"]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert len(os.listdir(cache)) > 0
