"""Which backend trains each model fastest: time to the first step, steps/s, images/s and peak memory.

For every GAN recipe (`kgan train NAME`, the model families) and every backend,
one subprocess runs the recipe's own `run(config)` at its full settings (or
`--smoke` sizes) with a step clock added to its adversarial `fit()`: it records
the seconds from `fit()`'s start to the end of the first step (compilation
included), then `--warmup` more steps, then times `--steps` steps (steady
state: steps/s and images/s), reads the process's peak resident memory and
ends the process (the recipe's evaluation after training is not run). A
step's end waits for its results (a weight read back), so asynchronous
dispatch (JAX) is not mistaken for speed.

Results are appended to a JSONL file (runs already there are skipped, so the
benchmark resumes); the table marks the fastest backend per recipe (`*`) and
prints each backend's time relative to it.

Settings: Keras' `jit_compile="auto"` as kgan resolves it (XLA on JAX, not on
a CPU-only TensorFlow, none on torch), or with `--jit-compile` every model
compiled with `jit_compile=True` (for TensorFlow with XLA; its rows are kept
and tabled apart); JAX and TensorFlow with their default
threads (all cores); torch with `--torch-threads` (default 1, `kgan train`'s
default on CPU, through `OMP_NUM_THREADS`; 0: torch's default, a thread a core). Only the adversarial `fit()` is timed: SRGAN's
generator pretraining and the classifiers' fits are skipped.

    python benchmarks/backends.py                           # every recipe, every backend
    python benchmarks/backends.py --recipes dcgan_mnist --backends jax torch
    python benchmarks/backends.py --smoke --results /tmp/smoke.jsonl
    python benchmarks/backends.py --table-only
    python benchmarks/backends.py --backends tensorflow --jit-compile --recipes gan_mixtures
"""

import argparse
import functools
import inspect
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from results_file import append_row, read_rows  # benchmarks/results_file.py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKENDS = ("jax", "tensorflow", "torch")
# The model families, one recipe each (the data-folder recipes need downloads; their
# families are covered by the digits recipes).
RECIPES = ("gan_mixtures", "dcgan_mnist", "cgan_digits", "stacked_mnist", "bigan_digits",
           "semi_supervised_digits", "pggan_digits", "stylegan_digits", "stylegan2_digits",
           "biggan_digits", "pix2pix_digits", "zi2zi_digits", "cyclegan_digits",
           "stargan_digits", "srgan_digits", "ganimation_digits")
# How long a recipe trains: epochs raised so the clock, not the schedule, ends the run;
# a recipe that trains for `steps` draws its data for them (gan_mixtures: 1,000,000 steps
# of 512 samples held 20 GB), so those are set to the steps the clock needs, plus one.
_EPOCHS = 10_000
_RESULT_PREFIX = "KGAN_BACKENDS_RESULT "


def _step_clock(batch_size, warmup, steps):
    """A Keras callback that measures the first step and `steps` steady steps, prints
    the result line and ends the process."""
    import keras

    class StepClock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()
            self.ends = []

        def on_train_batch_end(self, batch, logs=None):
            # Wait for the step's results: dispatch may be asynchronous.
            keras.ops.convert_to_numpy(self.model.trainable_variables[-1])
            self.ends.append(time.perf_counter())
            if len(self.ends) < 1 + warmup + steps:
                return
            timed = self.ends[-1] - self.ends[-1 - steps]
            result = {
                "first_step_seconds": self.ends[0] - self.start,
                "steps_per_second": steps / timed,
                "images_per_second": None if batch_size is None else steps * batch_size / timed,
                "batch_size": batch_size,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "model_jit_compile": bool(self.model.jit_compile),  # as the model resolved it
            }
            print(_RESULT_PREFIX + json.dumps(result), flush=True)
            os._exit(0)

    return StepClock()


def worker(recipe_name, smoke, warmup, steps, jit_compile):
    """In a backend's process: runs the recipe with the step clock on its adversarial fit()
    (and, with `jit_compile`, every model compiled with `jit_compile=True`)."""
    sys.path.insert(0, ROOT)
    import keras

    import kgan.recipe
    from kgan.training import AdversarialModel

    recipe = kgan.recipe.load_recipe(recipe_name)
    config = kgan.recipe.recipe_defaults(recipe, smoke=smoke)
    if "epochs" in config:
        config["epochs"] = _EPOCHS
    if "steps" in config:
        config["steps"] = 2 + warmup + steps
    config.update(verbose=0, out_dir=tempfile.mkdtemp(prefix="kgan_backends_"))
    fit = AdversarialModel.fit

    @functools.wraps(fit)
    def clocked_fit(model, *args, **kwargs):
        arguments = inspect.signature(keras.Model.fit).bind(model, *args, **kwargs).arguments
        del arguments["self"]
        clock = _step_clock(arguments.get("batch_size"), warmup, steps)
        arguments["callbacks"] = [*(arguments.get("callbacks") or []), clock]
        return fit(model, **arguments)

    AdversarialModel.fit = clocked_fit
    if jit_compile:
        compile_ = AdversarialModel.compile

        @functools.wraps(compile_)
        def xla_compile(model, *args, **kwargs):
            return compile_(model, *args, **{**kwargs, "jit_compile": True})

        AdversarialModel.compile = xla_compile
    recipe.run(config)
    sys.exit(f"{recipe_name}: training ended before {1 + warmup + steps} steps; "
             f"lower --warmup/--steps")


def run_one(backend, recipe, smoke, warmup, steps, timeout, torch_threads=1, jit_compile=False):
    """One (backend, recipe) measurement in a subprocess; returns its row."""
    command = [sys.executable, os.path.abspath(__file__), "--worker", recipe,
               "--warmup", str(warmup), "--steps", str(steps)] + (["--smoke"] if smoke else []) \
        + (["--jit-compile"] if jit_compile else [])
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    if backend == "torch" and torch_threads:
        env["OMP_NUM_THREADS"] = str(torch_threads)
    key = {"backend": backend, "recipe": recipe, "smoke": smoke,
           **({"jit_compile": True} if jit_compile else {})}
    try:
        run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return {**key, "error": f"no result within {timeout} s"}
    lines = [line for line in run.stdout.splitlines() if line.startswith(_RESULT_PREFIX)]
    if run.returncode != 0 or not lines:
        return {**key,
                "error": (run.stderr.strip().splitlines() or [f"exit code {run.returncode}"])[-1]}
    return {**key, "warmup": warmup,
            "steps": steps, "torch_threads": torch_threads if backend == "torch" else None,
            **json.loads(lines[-1][len(_RESULT_PREFIX):])}


def format_table(rows):
    """One line per recipe: each backend's steps/s (× the fastest's time), first step, memory."""
    by_recipe = {}
    for row in rows:
        by_recipe.setdefault(row["recipe"], {})[row["backend"]] = row
    header = f"{'recipe':<24}{'batch':>6}" + "".join(
        f"{b + ' steps/s':>22}{'1st s':>7}{'MiB':>6}" for b in BACKENDS)
    lines = [header, "-" * len(header)]
    for recipe, cells in by_recipe.items():
        rates = {b: r["steps_per_second"] for b, r in cells.items() if "error" not in r}
        best = max(rates, key=rates.get) if rates else None
        batch = next((r.get("batch_size") for r in cells.values() if r.get("batch_size")), None)
        line = f"{recipe:<24}{batch if batch else '':>6}"
        for backend in BACKENDS:
            row = cells.get(backend)
            if row is None:
                line += f"{'—':>22}{'':>7}{'':>6}"
            elif "error" in row:
                line += f"{'failed':>22}{'':>7}{'':>6}"
            else:
                mark = "*" if backend == best else f"{rates[best] / rates[backend]:.2f}×"
                line += (f"{row['steps_per_second']:>14.2f} {mark:>7}"
                         f"{row['first_step_seconds']:>7.1f}{row['peak_rss_mib']:>6.0f}")
        lines.append(line)
    failures = [r for r in rows if "error" in r]
    lines += [f"failed: {r['backend']} {r['recipe']}: {r['error']}" for r in failures]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--recipes", nargs="+", default=list(RECIPES), choices=RECIPES)
    parser.add_argument("--smoke", action="store_true", help="the recipes' smoke sizes")
    parser.add_argument("--warmup", type=int, default=3, help="steps after the first, untimed")
    parser.add_argument("--steps", type=int, default=20, help="steps timed")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="torch's CPU threads (default 1; 0: torch's default)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per run")
    parser.add_argument("--results", default=os.path.join(ROOT, "benchmarks", "results",
                                                         "backends.jsonl"))
    parser.add_argument("--jit-compile", action="store_true",
                        help="compile every model with jit_compile=True (TensorFlow: XLA)")
    parser.add_argument("--table-only", action="store_true")
    parser.add_argument("--worker", metavar="RECIPE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.smoke, args.warmup, args.steps, args.jit_compile)

    def this_setting(row):
        return row["smoke"] == args.smoke and row.get("jit_compile", False) == args.jit_compile

    done = {(r["backend"], r["recipe"]) for r in read_rows(args.results)
            if this_setting(r) and "error" not in r}
    if not args.table_only:
        for recipe in args.recipes:
            for backend in args.backends:
                if (backend, recipe) in done:
                    continue
                row = run_one(backend, recipe, args.smoke, args.warmup, args.steps, args.timeout,
                              args.torch_threads, args.jit_compile)
                append_row(args.results, row)
                print(f"{backend:<11}{recipe:<24}"
                      f"{row.get('error') or format(row['steps_per_second'], '.2f') + ' steps/s'}",
                      flush=True)
    rows = [r for r in read_rows(args.results) if this_setting(r)]
    latest = {(r["backend"], r["recipe"]): r for r in rows}  # a rerun replaces a failure
    print(format_table(list(latest.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
