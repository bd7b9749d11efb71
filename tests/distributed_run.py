"""Trains the same GAN on one device and on 4 virtual CPU devices; prints JSON.

`--model wgan_gp` (default): an MLP WGAN-GP on ring8 (per-sample noise,
interpolation weights, the gradient penalty). `--model diffaugment`: a small
convolutional GAN with DiffAugment on 16×16 digits (per-sample augmentation
parameters, which must also be drawn per replica) and a generator EMA by
half-life in images (which counts the global batch, not a replica's).

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


def build(model_name):
    keras.utils.set_random_seed(0)
    if model_name == "wgan_gp":
        generator = kgan.networks.mlp_generator(4, 2, width=32, depth=2)
        critic = kgan.networks.mlp_discriminator(2, width=32, depth=2)
        model = kgan.models.WGANGP(generator, critic, latent_dim=4, d_steps=2, seed=0)
    else:  # no BatchNorm: its batch statistics are per replica
        layers = keras.layers
        generator = keras.Sequential([
            keras.Input((4,)), layers.Dense(4 * 4 * 8, activation="relu"), layers.Reshape((4, 4, 8)),
            layers.Conv2DTranspose(8, 4, strides=2, padding="same", activation="relu"),
            layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        ])
        discriminator = keras.Sequential([
            keras.Input((16, 16, 1)), layers.Conv2D(8, 4, strides=2, padding="same"),
            layers.LeakyReLU(0.2), layers.Flatten(), layers.Dense(1),
        ])
        model = kgan.models.GAN(generator, discriminator, latent_dim=4, seed=0,
                                augment=kgan.augment.DiffAugment("translation,cutout"),
                                ema_half_life_images=256.0)
    model.compile()
    return model


def training_data(model_name, size):
    if model_name == "wgan_gp":
        return kgan.data.gaussian_mixture("ring8", size, seed=0)
    images, _ = kgan.data.load_digits(image_size=16)
    return images[:size]


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
    parser.add_argument("--model", choices=("wgan_gp", "diffaugment"), default="wgan_gp")
    args = parser.parse_args()
    x = training_data(args.model, args.steps * args.batch)

    single = build(args.model)
    single_logs, single_rate = train(single, x, args.batch, args.steps)

    scope = distributed_context()
    if scope is None:
        distributed = build(args.model)
    else:
        with scope:
            distributed = build(args.model)
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
