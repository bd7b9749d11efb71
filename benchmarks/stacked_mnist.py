"""Stacked MNIST (1,000 modes): modes covered and KL to uniform, beside the published tables.

Runs `recipes/stacked_mnist.py` for each backend, model and seed (one subprocess
per run: Keras fixes its backend per process), appends each finished run to a
JSONL results file (runs already there are skipped, so the benchmark resumes
where it stopped) and prints, per backend and model, the mean and min over seeds
of modes and KL on 26,000 samples, the training seconds per run, and the
real-data floor (26,000 real stacks scored the same way) beside the anchors:

  DCGAN     99 modes, KL 3.40   (VEEGAN paper, Srivastava et al. 2017, Table 2)
  VEEGAN   150 modes, KL 2.95   (same table)
  PacDCGAN2 1000 modes, KL 0.06 (PacGAN, Lin et al. 2018, Table 3)
  R3GAN    1000 modes, KL 0.029 (R3GAN, Huang et al. 2024, Table 2)

    python benchmarks/stacked_mnist.py                             # 3 seeds, all models, all backends
    python benchmarks/stacked_mnist.py --backends jax --models r3gan --seeds 1
    python benchmarks/stacked_mnist.py --set epochs=5 --results runs/stacked_short.jsonl
    python benchmarks/stacked_mnist.py --table-only                # print the table of the results file

`--set key=value` passes recipe overrides to every run (and is recorded in each
row; rows with other overrides are reported apart). With `--set
metrics_every_n_epochs=N` a row also holds its `trajectory` (modes, KL and digit KL
every N epochs), printed under the table.
"""

import argparse
import json
import os
import subprocess
import sys

from results_file import append_row, read_rows  # benchmarks/results_file.py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECIPE = os.path.join(ROOT, "recipes", "stacked_mnist.py")
BACKENDS = ("jax", "tensorflow", "torch")
MODELS = ("gan", "pacgan2", "wgan_gp", "r3gan")
ANCHORS = (("DCGAN (VEEGAN T2)", 99, 3.40), ("VEEGAN (VEEGAN T2)", 150, 2.95),
           ("PacDCGAN2 (PacGAN T3)", 1000, 0.06), ("R3GAN (R3GAN T2)", 1000, 0.029))


def run_one(backend, model, seed, overrides, out_dir):
    """One recipe run in a subprocess; returns its row."""
    settings = [f"model={model}", f"seed={seed}", "verbose=0",
                f"out_dir={os.path.join(out_dir, f'{backend}_{model}_seed{seed}')}", *overrides]
    command = [sys.executable, RECIPE] + [item for s in settings for item in ("--set", s)]
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"{backend} {model} seed {seed} failed:\n{run.stderr[-3000:]}")
    result = json.loads(run.stdout[run.stdout.index("{"):])
    return {"backend": backend, "model": model, "seed": seed, "overrides": list(overrides),
            "modes": result["modes"], "kl": result["kl"], "channel_kl": result["channel_kl"],
            "seconds": result["train_seconds"],
            "real_modes": result["real_floor"]["modes"], "real_kl": result["real_floor"]["kl"],
            **({"trajectory": result["trajectory"]} if "trajectory" in result else {})}


def format_table(rows):
    groups = {}
    for row in rows:
        key = (row["backend"], row["model"], " ".join(row["overrides"]) or "defaults")
        groups.setdefault(key, []).append(row)
    header = (f"{'backend':<11}{'model':<9}{'seeds':>6}{'modes':>8}{'min':>6}{'KL':>8}"
              f"{'max KL':>8}{'digit KL':>9}{'sec/run':>9}  settings")
    lines = [header, "-" * len(header)]
    for (backend, model, settings), runs in sorted(groups.items()):
        modes = [r["modes"] for r in runs]
        kls = [r["kl"] for r in runs]
        # Σ over channels of KL(digit histogram ‖ uniform): the part of KL from unevenly drawn digits.
        digit_kls = [sum(r["channel_kl"]) for r in runs if "channel_kl" in r]
        digit_kl = f"{sum(digit_kls) / len(digit_kls):.3f}" if digit_kls else "—"
        lines.append(f"{backend:<11}{model:<9}{len(runs):>6}{sum(modes) / len(modes):>8.1f}"
                     f"{min(modes):>6}{sum(kls) / len(kls):>8.3f}{max(kls):>8.3f}{digit_kl:>9}"
                     f"{sum(r['seconds'] for r in runs) / len(runs):>9.0f}  {settings}")
    lines.append("-" * len(header))
    if rows:
        real_kl = sum(r["real_kl"] for r in rows) / len(rows)
        real_modes = min(r["real_modes"] for r in rows)
        lines.append(f"{'real stacks (floor)':<26}{real_modes:>8}{'':>6}{real_kl:>8.3f}")
    for name, modes, kl in ANCHORS:
        lines.append(f"{name:<26}{modes:>8}{'':>6}{kl:>8.3f}")
    traced = [row for row in rows if row.get("trajectory")]
    if traced:
        lines.append("\nduring training (epoch: modes / KL / digit KL):")
    for row in traced:
        path = row["trajectory"]
        points = ", ".join(f"{epoch}: {modes:.0f} / {kl:.3f} / {digit_kl:.3f}" for epoch, modes, kl, digit_kl
                           in zip(path["epochs"], path["modes"], path["kl"], path["digit_kl"]))
        lines.append(f"{row['backend']} {row['model']} seed {row['seed']} "
                     f"({' '.join(row['overrides']) or 'defaults'}): {points}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 per cell (default 3)")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="recipe override for every run (repeatable)")
    parser.add_argument("--results", default="benchmarks/results/stacked_mnist.jsonl",
                        help="JSONL file each run is appended to; runs in it are skipped")
    parser.add_argument("--out-dir", default="runs/benchmarks/stacked_mnist")
    parser.add_argument("--table-only", action="store_true", help="print the table and stop")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be ≥ 1. Received: {args.seeds}")
    rows = read_rows(args.results)
    if not args.table_only:
        done = {(r["backend"], r["model"], r["seed"], tuple(r["overrides"])) for r in rows}
        for backend in args.backends:
            for model in args.models:
                for seed in range(args.seeds):
                    if (backend, model, seed, tuple(args.overrides)) in done:
                        continue
                    row = run_one(backend, model, seed, args.overrides, args.out_dir)
                    rows.append(row)
                    append_row(args.results, row)
                    print(f"{backend} {model} seed {seed}: {row['modes']} modes, KL "
                          f"{row['kl']:.3f}, {row['seconds']:.0f} s", file=sys.stderr, flush=True)
    print(format_table(rows) if rows else "no runs in " + args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
