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


def _worker(args):
    """Runs in a subprocess with KERAS_BACKEND set; prints one line per run."""
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
    rows = []
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    for line in process.stdout:
        if line.startswith(_PREFIX):
            row = json.loads(line[len(_PREFIX) :])
            rows.append(row)
            if args.results:
                with open(args.results, "a") as file:
                    file.write(json.dumps(row) + "\n")
            print(
                f"  {backend:10s} {row['model']:7s} {row['mixture']:6s} seed {row['seed']}: "
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


def _read_results(path):
    if not os.path.exists(path):
        return []
    with open(path) as file:
        return [json.loads(line) for line in file if line.strip()]


def _mean(values):
    return sum(values) / len(values) if values else math.nan


def summarize(rows):
    """Groups rows by (backend, model, mixture): means (and mins) over seeds."""
    groups = {}
    for row in rows:
        groups.setdefault((row["backend"], row["model"], row["mixture"]), []).append(row)
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
        f"{'backend':<11}{'model':<9}{'mixture':<8}{'seeds':>5}{'div':>4}{'modes':>8}{'min':>5}"
        f"{'hq %':>7}{'min':>6}{'rev KL':>8}{'sec':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in table:
        lines.append(
            f"{row['backend']:<11}{row['model']:<9}{row['mixture']:<8}{row['seeds']:>5}"
            f"{row['diverged']:>4}{row['modes']:>5.1f}/{row['num_modes']:<2}{row['min_modes']:>5}"
            f"{row['high_quality']:>7.1f}{row['min_high_quality']:>6.1f}"
            f"{row['reverse_kl']:>8.3f}{row['seconds']:>7.0f}"
        )
    lines.append("-" * len(header))
    for name, anchor in ANCHORS.items():
        for mixture in mixtures:
            modes, hq = anchor[mixture]
            lines.append(f"{name:<20}{mixture:<8}{'':>9}{modes:>5.1f}{'':>8}{hq:>7.1f}")
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
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--done", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be ≥ 1. Received: {args.seeds}")
    if args.worker:
        args.done = {tuple(key) for key in json.loads(args.done)}
        _worker(args)
        return None
    previous = _read_results(args.results) if args.results else []
    previous = [
        row
        for row in previous
        if row["backend"] in args.backends
        and row["model"] in args.models
        and row["mixture"] in args.mixtures
        and row["seed"] < args.seeds
    ]
    rows = list(previous)
    for backend in args.backends:
        done = {(r["model"], r["mixture"], r["seed"]) for r in previous if r["backend"] == backend}
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
