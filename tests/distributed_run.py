"""Trains the same WGAN-GP on one device and on 4 virtual CPU devices; prints JSON.

Used by test_distributed.py and benchmarks/distributed.py, one subprocess per
backend (the devices must be configured before the backend starts):

    KERAS_BACKEND=jax python tests/distributed_run.py [--steps N] [--batch B]
    KERAS_BACKEND=tensorflow python tests/distributed_run.py ...

JAX uses `keras.distribution.DataParallel` over
`XLA_FLAGS=--xla_force_host_platform_device_count=4`; TensorFlow a
`tf.distribute.MirroredStrategy` over 4 logical CPU devices. Both runs start
from the same weights and seed and see the same global batches. Output: final
losses, the largest weight difference, and steps/s of a timed second epoch.
"""

import argparse
import json
import os
import sys
import time

DEVICES = 4
BACKEND = os.environ.get("KERAS_BACKEND", "tensorflow")
if BACKEND == "jax":
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + f" --xla_force_host_platform_device_count={DEVICES}"
    )
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

if BACKEND == "tensorflow":
    import tensorflow as tf

    _cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        _cpu, [tf.config.LogicalDeviceConfiguration()] * DEVICES
    )

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
import kgan.backend  # noqa: E402


def build():
    keras.utils.set_random_seed(0)
    generator = kgan.networks.mlp_generator(4, 2, width=32, depth=2)
    critic = kgan.networks.mlp_discriminator(2, width=32, depth=2)
    model = kgan.models.WGANGP(generator, critic, latent_dim=4, d_steps=2, seed=0)
    model.compile()
    return model


def train(model, x, batch, steps):
    """One untimed epoch (compilation), then a timed one; returns (logs, steps/s)."""
    history = model.fit(x, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    start = time.perf_counter()
    model.fit(x, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    rate = steps / (time.perf_counter() - start)
    return {name: float(values[-1]) for name, values in history.history.items()}, rate


def distributed_context():
    if BACKEND == "jax":
        import jax

        keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
        return None
    strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(DEVICES)])
    return strategy.scope()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    x = kgan.data.gaussian_mixture("ring8", args.steps * args.batch, seed=0)

    single = build()
    single_logs, single_rate = train(single, x, args.batch, args.steps)

    scope = distributed_context()
    if scope is None:
        distributed = build()
    else:
        with scope:
            distributed = build()
    distributed_logs, distributed_rate = train(distributed, x, args.batch, args.steps)

    # The JAX guard against Keras' background callback thread (kgan.backend.jax).
    required = [type(c).__name__ for c in kgan.backend.required_callbacks()]
    difference = max(
        float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
        for a, b in zip(single.get_weights(), distributed.get_weights())
    )
    print(
        json.dumps(
            {
                "backend": BACKEND,
                "devices": DEVICES,
                "single": single_logs,
                "distributed": distributed_logs,
                "max_weight_difference": difference,
                "required_callbacks": required,
                "single_steps_per_second": single_rate,
                "distributed_steps_per_second": distributed_rate,
            }
        )
    )


if __name__ == "__main__":
    main()
