"""Compile time of kgan's train step per model family, on JAX and TensorFlow.

For each backend (one subprocess each: the backend is fixed per process) and
each model, built smoke-sized by its recipe's own builder, it times
`model.train_on_batch` on fixed data:

- `first`: the first call (the train function built, traced and compiled, one step);
- `steady`: the median of the next `--steps` calls on full batches;
- `compile`: `first - steady`;
- `short`: the first call on a batch of half the rows minus `steady`: near zero
  unless the step compiles again for that shape (what a short last batch would
  cost; `fit()` on arrays leaves it out, a dataset of the user's may give one).

Each is reported in wall seconds and in process CPU seconds (steadier on a
shared host: compilation runs on one thread).

With `--demo`, it also trains the README's demo (`recipes/dcgan_mnist.py` at its
full size, 4,500 digits, batch 32) for `--demo-epochs` epochs through `fit()` and
reports each epoch's seconds (wall and CPU) and the first epoch over the median later one.

Models: `gan` (gan_mixtures, MLP), `dcgan` (dcgan_mnist), `wgan_gp` and `r3gan`
(stacked_mnist; WGAN-GP with 5 critic steps), `stylegan2` (stylegan2_digits, lazy
R1 and path-length regularisation), `cyclegan` (cyclegan_digits).

Usage:
    python benchmarks/compile_time.py
    python benchmarks/compile_time.py --backends jax --models dcgan wgan_gp --demo
    KGAN_COMPILE_CACHE=/tmp/cache python benchmarks/compile_time.py --backends jax --demo
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

MODELS = ("gan", "dcgan", "wgan_gp", "r3gan", "stylegan2", "cyclegan")
BACKENDS = ("jax", "tensorflow")


def _smoke(name, **overrides):
    import kgan

    recipe = kgan.recipe.load_recipe(name)
    return recipe, {**kgan.recipe.recipe_defaults(recipe, smoke=True), **overrides}


def build(model_name):
    """`(model, batch)` for `model_name`: a compiled smoke-sized model and one
    full batch of training data (a numpy array or a tuple of arrays)."""
    import keras

    import kgan

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    if model_name == "gan":
        recipe, config = _smoke("gan_mixtures", model="gan")
        config = recipe.resolve(config)
        return recipe.build_model(config), rng.normal(size=(config["batch_size"], 2)).astype(
            "float32")
    if model_name == "dcgan":
        _, config = _smoke("dcgan_mnist")
        model = kgan.models.DCGAN(image_shape=(28, 28, 1), latent_dim=config["latent_dim"],
                                  base_filters=config["base_filters"], seed=0)
        model.compile()
        shape = (config["batch_size"], 28, 28, 1)
    elif model_name in ("wgan_gp", "r3gan"):
        recipe, config = _smoke("stacked_mnist", model=model_name)
        model = recipe.build_model(config)
        shape = (config["batch_size"], *recipe.IMAGE_SHAPE)
    elif model_name == "stylegan2":
        recipe, config = _smoke("stylegan2_digits")
        model = recipe.build_model(config)
        shape = (config["batch_size"], config["image_size"], config["image_size"], 1)
    elif model_name == "cyclegan":
        recipe, config = _smoke("cyclegan_digits")
        model = recipe.build_model(config, channels=1)
        shape = (config["batch_size"], config["image_size"], config["image_size"], 1)
        return model, tuple(rng.uniform(-1, 1, size=shape).astype("float32") for _ in range(2))
    else:
        raise ValueError(f"model must be one of {MODELS}. Received: model_name={model_name!r}")
    return model, rng.uniform(-1, 1, size=shape).astype("float32")


def _timed(step):
    """`(wall seconds, process CPU seconds)` of `step()`: CPU time is the
    steadier figure on a shared host (compilation runs on one thread)."""
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(model_name, steps):
    model, batch = build(model_name)

    def train(rows):
        data = tuple(b[:rows] for b in batch) if isinstance(batch, tuple) else batch[:rows]
        if isinstance(data, tuple):
            return lambda: model.train_on_batch(*data)
        return lambda: model.train_on_batch(data)

    size = len(batch[0]) if isinstance(batch, tuple) else len(batch)
    first = _timed(train(size))
    steady = [_timed(train(size)) for _ in range(steps)]
    steady_wall = statistics.median(wall for wall, _ in steady)
    steady_cpu = statistics.median(cpu for _, cpu in steady)
    short = _timed(train(size // 2))
    return {"model": model_name, "first_s": first[0], "steady_s": steady_wall,
            "compile_s": first[0] - steady_wall, "compile_cpu_s": first[1] - steady_cpu,
            "short_extra_s": short[0] - steady_wall, "short_extra_cpu_s": short[1] - steady_cpu}


def demo(epochs):
    """Per-epoch seconds of the README demo (dcgan_mnist, full size) through `fit()`."""
    import keras

    import kgan

    recipe = kgan.recipe.load_recipe("dcgan_mnist")
    config = recipe.CONFIG
    keras.utils.set_random_seed(0)
    images, _ = kgan.data.load_mnist(split="train", image_size=28)
    model = kgan.models.DCGAN(image_shape=(28, 28, 1), latent_dim=config["latent_dim"],
                              base_filters=config["base_filters"], seed=0)
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
    )
    times, cpu_times = [], []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start[0])
            cpu_times.append(time.process_time() - self.start[1])

    model.fit(images, batch_size=config["batch_size"], epochs=epochs, verbose=0,
              callbacks=[EpochTimer()])
    return {"epochs_s": times, "first_over_steady": times[0] / statistics.median(times[1:]),
            "epochs_cpu_s": cpu_times,
            "first_over_steady_cpu": cpu_times[0] / statistics.median(cpu_times[1:])}


def worker(args):
    import kgan  # noqa: F401  (KGAN_COMPILE_CACHE is read when kgan is imported)

    results = {"models": [measure(name, args.steps) for name in args.models]}
    if args.demo:
        results["demo"] = demo(args.demo_epochs)
    print("RESULT " + json.dumps(results))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--steps", type=int, default=5, help="steady steps timed per model")
    parser.add_argument("--demo", action="store_true", help="also time the demo's epochs")
    parser.add_argument("--demo-epochs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    rows = []
    for backend in args.backends:
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3",
               "PYTHONPATH": os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")]))}
        command = [sys.executable, os.path.abspath(__file__), "--worker", "--models",
                   *args.models, "--steps", str(args.steps), "--demo-epochs",
                   str(args.demo_epochs)] + (["--demo"] if args.demo else [])
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=repo)
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        if done.returncode or not lines:
            sys.exit(f"{backend} worker failed:\n{done.stderr[-3000:]}")
        rows.append((backend, json.loads(lines[-1][len("RESULT "):])))
    print(f"{'backend':<11}{'model':<11}{'first s':>9}{'steady s':>10}{'compile s':>11}"
          f"{'compile cpu s':>15}{'short +s':>10}{'short +cpu s':>14}")
    for backend, result in rows:
        for r in result["models"]:
            print(f"{backend:<11}{r['model']:<11}{r['first_s']:>9.2f}{r['steady_s']:>10.3f}"
                  f"{r['compile_s']:>11.2f}{r['compile_cpu_s']:>15.2f}{r['short_extra_s']:>10.2f}"
                  f"{r['short_extra_cpu_s']:>14.2f}")
    for backend, result in rows:
        if "demo" in result:
            d = result["demo"]
            epochs = ", ".join(f"{t:.1f}" for t in d["epochs_s"])
            cpu = ", ".join(f"{t:.1f}" for t in d["epochs_cpu_s"])
            print(f"demo {backend}: epochs {epochs} s, first/steady {d['first_over_steady']:.2f}; "
                  f"CPU {cpu} s, first/steady {d['first_over_steady_cpu']:.2f}")


if __name__ == "__main__":
    main()
