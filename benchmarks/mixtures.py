"""Mode coverage of kgan's GANs on the 2-D Gaussian mixtures, beside PacGAN's Table 1.

For each backend (one subprocess each: Keras fixes the backend per process),
each model (`gan`: non-saturating GAN, `lsgan`, `hinge`, `wgan`, `wgan_gp`, `r3gan`) and
each mixture (`ring8`, `grid25`), trains `recipes/gan_mixtures.py`'s default config with seeds
0..N-1 and prints the mean (and min) of modes captured, high-quality %,
reverse KL and training seconds, and in `div` how many runs diverged (a loss
or a generated sample went NaN/Inf; the recipe stops such a run at the first
non-finite loss and scores it 0 modes, 0 % high quality, reverse KL inf).

Command:
    python benchmarks/mixtures.py                      # 5 seeds, everything
    python benchmarks/mixtures.py --seeds 2 --backends jax --models gan
    python benchmarks/mixtures.py --json runs/mixtures.json
    python benchmarks/mixtures.py --results runs/mixtures.jsonl   # resumable

With `--results FILE`, every finished run is appended to FILE (one JSON line)
and runs already in FILE are not repeated, so a long benchmark can be stopped
and resumed; the table covers every matching row in FILE.

With `--defaults-only`, each model is instead built with kgan's library
defaults only (the model class's own arguments, `compile()` with no optimizers,
nothing tuned per mixture), on MLP shapes `--shapes DEPTHxWIDTH ...` (G and D
alike, latent size 2), batch 512, `--steps` fresh batches; the rows also hold
the shape and R3GAN's `gamma` argument, and go to their own results file:

    python benchmarks/mixtures.py --defaults-only --backends jax --models r3gan gan \
        --shapes 3x128 4x256 --seeds 2 --results benchmarks/results/mixtures_defaults.jsonl

Anchors (PacGAN, Lin et al. 2018, Table 1; 2,500 samples, mean over trials):
GAN ring 6.3 modes / 98.2 %, grid 17.3 / 94.8 %; PacGAN4 ring 7.8 / 95.9 %,
grid 24.8 / 93.6 %.
"""

import argparse
import importlib.util
import json
import math
import os
import subprocess
import sys

from results_file import append_row, read_rows  # benchmarks/results_file.py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECIPE = os.path.join(ROOT, "recipes", "gan_mixtures.py")
BACKENDS = ("jax", "tensorflow", "torch")
MODELS = ("gan", "lsgan", "hinge", "wgan", "wgan_gp", "r3gan")
MIXTURES = ("ring8", "grid25")
# PacGAN Table 1: (modes, high-quality %) per mixture.
ANCHORS = {
    "GAN (PacGAN T1)": {"ring8": (6.3, 98.2), "grid25": (17.3, 94.8)},
    "PacGAN4 (PacGAN T1)": {"ring8": (7.8, 95.9), "grid25": (24.8, 93.6)},
}
_PREFIX = "KGAN_RESULT "


def _load_recipe():
    spec = importlib.util.spec_from_file_location("recipes_gan_mixtures", RECIPE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Model name → (kgan.models class name, the arguments that name the model), for --defaults-only.
DEFAULT_MODELS = {
    "gan": ("GAN", {}),
    "lsgan": ("GAN", {"loss": "least_squares"}),
    "hinge": ("GAN", {"loss": "hinge"}),
    "wgan": ("WGAN", {}),
    "wgan_gp": ("WGANGP", {}),
    "r3gan": ("R3GAN", {}),
}
DEFAULTS_BATCH_SIZE = 512
DEFAULTS_LATENT_DIM = 2


def _parse_shape(text):
    """`"3x128"` → `(3, 128)`: hidden layers and units of both MLPs."""
    depth, _, width = text.partition("x")
    if not (depth.isdigit() and width.isdigit() and int(depth) > 0 and int(width) > 0):
        raise argparse.ArgumentTypeError(
            f"shape must be DEPTHxWIDTH with positive integers, e.g. 3x128. Received: {text!r}"
        )
    return text


def _run_with_defaults(model_name, mixture, shape, seed, steps):
    """Trains `model_name` with kgan's defaults only; returns its mode coverage."""
    import time

    import keras
    import numpy as np

    import kgan

    keras.utils.set_random_seed(seed)
    depth, width = (int(part) for part in shape.split("x"))
    class_name, arguments = DEFAULT_MODELS[model_name]
    model = getattr(kgan.models, class_name)(
        kgan.networks.mlp_generator(DEFAULTS_LATENT_DIM, 2, width=width, depth=depth),
        kgan.networks.mlp_discriminator(2, width=width, depth=depth),
        latent_dim=DEFAULTS_LATENT_DIM,
        seed=seed,
        **arguments,
    )
    model.compile()
    x = kgan.data.gaussian_mixture(mixture, steps * DEFAULTS_BATCH_SIZE, seed=seed)
    guard = kgan.callbacks.NaNGuard(raise_error=False)
    start = time.perf_counter()
    model.fit(x, batch_size=DEFAULTS_BATCH_SIZE, epochs=1, shuffle=False, verbose=0,
              callbacks=[guard])
    seconds = time.perf_counter() - start
    centers, std = kgan.data.mixture_modes(mixture)
    samples = model.generate(2500, seed=seed + 1000)
    if guard.message is None and np.isfinite(samples).all():
        coverage = kgan.metrics.mode_coverage(samples, centers, std)
    else:
        coverage = {"modes": 0, "high_quality": 0.0, "reverse_kl": math.inf}
    return {
        "backend": keras.backend.backend(),
        "num_modes": len(centers),
        **coverage,
        "seconds": seconds,
        "diverged": guard.message is not None or not np.isfinite(samples).all(),
        "gamma": getattr(model, "gamma", None),
    }


def _default_gamma(model_name):
    """R3GAN's default `gamma` (it tells rows of different library defaults apart), else None."""
    import inspect

    import kgan

    class_name, _ = DEFAULT_MODELS[model_name]
    parameter = inspect.signature(getattr(kgan.models, class_name)).parameters.get("gamma")
    return None if parameter is None else parameter.default


def _defaults_worker(args):
    for model in args.models:
        for shape in args.shapes:
            for mixture in args.mixtures:
                for seed in range(args.seeds):
                    if (model, mixture, seed, shape, _default_gamma(model)) in args.done:
                        continue
                    row = _run_with_defaults(model, mixture, shape, seed, args.steps)
                    row.update(model=model, mixture=mixture, seed=seed, shape=shape,
                               steps=args.steps)
                    print(_PREFIX + json.dumps(row), flush=True)


def _worker(args):
    """Runs in a subprocess with KERAS_BACKEND set; prints one line per run."""
    if args.defaults_only:
        _defaults_worker(args)
        return
    recipe = _load_recipe()
    for model in args.models:
        for mixture in args.mixtures:
            for seed in range(args.seeds):
                if (model, mixture, seed) in args.done:
                    continue
                config = dict(recipe.CONFIG)
                config.update(
                    mixture=mixture,
                    model=model,
                    seed=seed,
                    out_dir=os.path.join(args.out_dir, config["out_dir"].split("/")[-1]),
                )
                result = recipe.run(config)
                row = {
                    key: result[key]
                    for key in ("backend", "modes", "num_modes", "high_quality", "reverse_kl")
                }
                row.update(model=model, mixture=mixture, seed=seed, seconds=result["train_seconds"],
                           diverged=result["diverged"] is not None)
                print(_PREFIX + json.dumps(row), flush=True)


def _run_backend(backend, args, done):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    if backend == "torch" and args.torch_threads:
        # Small MLPs: torch's intra-op threads cost far more than they give, and
        # on a loaded 2-core machine a 256x128 matmul took 6 ms with 2 threads
        # against 0.3 ms with 1.
        env["OMP_NUM_THREADS"] = str(args.torch_threads)
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--worker",
        "--seeds",
        str(args.seeds),
        "--models",
        *args.models,
        "--mixtures",
        *args.mixtures,
        "--out-dir",
        args.out_dir,
        "--done",
        json.dumps(sorted(done)),
    ]
    if args.defaults_only:
        command += ["--defaults-only", "--steps", str(args.steps), "--shapes", *args.shapes]
    rows = []
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    for line in process.stdout:
        if line.startswith(_PREFIX):
            row = json.loads(line[len(_PREFIX) :])
            rows.append(row)
            if args.results:
                append_row(args.results, row)
            print(
                f"  {backend:10s} {_label(row):7s} {row['mixture']:6s} seed {row['seed']}: "
                + ("DIVERGED (non-finite), " if row["diverged"] else
                   f"{row['modes']}/{row['num_modes']} modes, {100 * row['high_quality']:.1f}% hq, "
                   f"KL {row['reverse_kl']:.3f}, ")
                + f"{row['seconds']:.0f}s",
                file=sys.stderr,
                flush=True,
            )
    stderr = process.stderr.read()
    if process.wait() != 0:
        print(f"{backend} worker failed:\n{stderr[-4000:]}", file=sys.stderr)
    return rows


def _run_key(row):
    """What identifies a run in a results file: (model, mixture, seed[, shape, gamma])."""
    if "shape" not in row:
        return (row["model"], row["mixture"], row["seed"])
    return (row["model"], row["mixture"], row["seed"], row["shape"], row["gamma"])


def _mean(values):
    return sum(values) / len(values) if values else math.nan


def _label(row):
    """The model's name, with the shape and R3GAN's γ of a --defaults-only row."""
    label = row["model"]
    if row.get("gamma") is not None:
        label += f" γ={row['gamma']}"
    if "shape" in row:
        label += f" {row['shape']}"
    return label


def summarize(rows):
    """Groups rows by (backend, model label, mixture): means (and mins) over seeds."""
    groups = {}
    for row in rows:
        groups.setdefault((row["backend"], _label(row), row["mixture"]), []).append(row)
    table = []
    for (backend, model, mixture), runs in groups.items():
        table.append(
            {
                "backend": backend,
                "model": model,
                "mixture": mixture,
                "seeds": len(runs),
                # Rows written before the field existed had finite samples.
                "diverged": sum(bool(r.get("diverged", False)) for r in runs),
                "num_modes": runs[0]["num_modes"],
                "modes": _mean([r["modes"] for r in runs]),
                "min_modes": min(r["modes"] for r in runs),
                "high_quality": 100 * _mean([r["high_quality"] for r in runs]),
                "min_high_quality": 100 * min(r["high_quality"] for r in runs),
                "reverse_kl": _mean([r["reverse_kl"] for r in runs]),
                "seconds": _mean([r["seconds"] for r in runs]),
            }
        )
    return table


def format_table(table, mixtures):
    header = (
        f"{'backend':<11}{'model':<24}{'mixture':<8}{'seeds':>5}{'div':>4}{'modes':>8}{'min':>5}"
        f"{'hq %':>7}{'min':>6}{'rev KL':>8}{'sec':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in table:
        lines.append(
            f"{row['backend']:<11}{row['model']:<24}{row['mixture']:<8}{row['seeds']:>5}"
            f"{row['diverged']:>4}{row['modes']:>5.1f}/{row['num_modes']:<2}{row['min_modes']:>5}"
            f"{row['high_quality']:>7.1f}{row['min_high_quality']:>6.1f}"
            f"{row['reverse_kl']:>8.3f}{row['seconds']:>7.0f}"
        )
    lines.append("-" * len(header))
    for name, anchor in ANCHORS.items():
        for mixture in mixtures:
            modes, hq = anchor[mixture]
            lines.append(f"{name:<35}{mixture:<8}{'':>9}{modes:>5.1f}{'':>8}{hq:>7.1f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 per cell (default 5)")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--mixtures", nargs="+", default=list(MIXTURES), choices=MIXTURES)
    parser.add_argument("--out-dir", default="runs/benchmarks", help="where the PNGs go")
    parser.add_argument(
        "--torch-threads", type=int, default=1, help="OMP_NUM_THREADS for torch (0: leave)"
    )
    parser.add_argument("--json", default=None, help="also write the per-seed rows here")
    parser.add_argument(
        "--results", default=None, help="append each run to this JSONL file; skip runs in it"
    )
    parser.add_argument(
        "--defaults-only", action="store_true", help="kgan's library defaults, not the recipe's"
    )
    parser.add_argument(
        "--shapes", nargs="+", type=_parse_shape, default=["3x128"],
        help="--defaults-only: MLP shapes DEPTHxWIDTH of G and D (default 3x128)",
    )
    parser.add_argument(
        "--steps", type=int, default=10000, help="--defaults-only: training steps (default 10000)"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--done", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be ≥ 1. Received: {args.seeds}")
    if args.steps < 1:
        parser.error(f"--steps must be ≥ 1. Received: {args.steps}")
    if args.worker:
        args.done = {tuple(key) for key in json.loads(args.done)}
        _worker(args)
        return None
    previous = read_rows(args.results) if args.results else []
    previous = [
        row
        for row in previous
        if row["backend"] in args.backends
        and row["model"] in args.models
        and row["mixture"] in args.mixtures
        and row["seed"] < args.seeds
        and (not args.defaults_only or (row["shape"] in args.shapes and row["steps"] == args.steps))
    ]
    rows = list(previous)
    for backend in args.backends:
        done = {_run_key(r) for r in previous if r["backend"] == backend}
        print(f"running {backend} ({len(done)} runs already done) ...", file=sys.stderr, flush=True)
        rows.extend(_run_backend(backend, args, done))
    table = summarize(rows)
    print(format_table(table, args.mixtures))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as file:
            json.dump({"rows": rows, "table": table}, file, indent=2)
    return table


if __name__ == "__main__":
    main()
