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
`tf.distribute.MirroredStrategy` over 4 logical CPU devices. With `--processes P`
the distributed run is P processes (torch: one `torch.distributed` group over
gloo; JAX: a multi-controller run; TensorFlow: a `MultiWorkerMirroredStrategy`
cluster of P workers, ring all-reduce over gRPC), started by
`kgan.launcher.launch` as `kgan train --workers P` starts them, each training on
its `kgan.data.process_shard` of every global batch:

    KERAS_BACKEND=torch python tests/distributed_run.py --processes 2 ...

Both runs start from the same weights and seed and see the same global batches.
Output: final losses, the largest weight difference, and steps/s of a timed
second epoch.
"""

import argparse
import json
import os
import sys
import tempfile
import time

DEVICES = 4
BACKEND = os.environ.get("KERAS_BACKEND", "tensorflow")
if BACKEND == "jax":
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + f" --xla_force_host_platform_device_count={DEVICES}"
    )
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The 4 logical CPU devices are for the one-process MirroredStrategy run only: a
# multi-worker process must create its strategy before any other TensorFlow work.
if BACKEND == "tensorflow" and "--processes" not in sys.argv:
    import tensorflow as tf

    _cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        _cpu, [tf.config.LogicalDeviceConfiguration()] * DEVICES
    )

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
import kgan.backend  # noqa: E402
import kgan.recipe  # noqa: E402

MODELS = ("wgan_gp", "diffaugment")


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


def max_weight_difference(weights, other_weights):
    return max(
        float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
        for a, b in zip(weights, other_weights)
    )


def process_worker(args):
    """One rank of the `--processes` run: trains each `--model` on its shard of every
    global batch and saves it as a recipe does (every rank: on JAX saving runs
    collectives, so a rank that skipped it would hang the others); rank 0 writes
    logs and weights to `--result`."""
    kgan.backend.initialize_processes()
    results = {}
    for name in args.model:
        model = build(name)
        shard, batch = kgan.data.process_shard(training_data(name, args.steps * args.batch),
                                               args.batch)
        logs, rate = train(model, shard, batch, args.steps)
        results[name] = {"logs": logs, "steps_per_second": rate}
        kgan.recipe.save_and_summarize(model, model.history, 0.0, f"{args.result}.{name}")
        if kgan.backend.is_chief():
            np.savez(f"{args.result}.{name}.npz", *model.get_weights())
    if kgan.backend.is_chief():
        with open(args.result + ".json", "w", encoding="utf-8") as file:
            json.dump(results, file)


def compare_processes(args):
    """Each `--model` in one process, then in `--processes` ranks launched as
    `kgan train --workers` launches them (one launch for every model: a
    process's start takes seconds); prints one JSON line per model."""
    import kgan.launcher

    singles = {}
    for name in args.model:
        model = build(name)
        singles[name] = (model, *train(model, training_data(name, args.steps * args.batch),
                                       args.batch, args.steps))
    with tempfile.TemporaryDirectory() as directory:
        result = os.path.join(directory, "rank0")
        code = kgan.launcher.launch(
            [sys.executable, os.path.abspath(__file__), *sys.argv[1:], "--result", result],
            BACKEND, args.processes,
        )
        if code:
            sys.exit(code)
        with open(result + ".json", encoding="utf-8") as file:
            distributed = json.load(file)
        weights = {}
        for name in args.model:
            with np.load(f"{result}.{name}.npz") as arrays:
                weights[name] = [arrays[f"arr_{i}"] for i in range(len(arrays.files))]
    for name, (model, logs, rate) in singles.items():
        print(json.dumps({
            "backend": BACKEND,
            "model": name,
            "devices": args.processes,
            "single": logs,
            "distributed": distributed[name]["logs"],
            "max_weight_difference": max_weight_difference(model.get_weights(), weights[name]),
            "required_callbacks": [type(c).__name__ for c in kgan.backend.required_callbacks()],
            "single_steps_per_second": rate,
            "distributed_steps_per_second": distributed[name]["steps_per_second"],
        }))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--model", choices=MODELS, nargs="+", default=["wgan_gp"],
                        help="one model; with --processes, one or more")
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--result", help="(set by --processes for its ranks)")
    args = parser.parse_args()
    if args.processes:
        if BACKEND == "torch":
            kgan.backend.torch.set_cpu_threads(1)  # one core a process, as torchrun's OMP default
        return process_worker(args) if args.result else compare_processes(args)
    if len(args.model) != 1:
        parser.error(f"--model takes one model without --processes. Received: {args.model}")
    args.model = args.model[0]
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
    difference = max_weight_difference(single.get_weights(), distributed.get_weights())
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
