"""BiGAN on digits: reconstruction MSE of G(E(x)) and linear-probe accuracy on E(x), beside pixel and random-encoder probes.

Runs `recipes/bigan_digits.py` (see it for the setting and the measures) for the
given seeds on the active Keras backend and prints, per seed and as mean ±
std: the test-split reconstruction MSE (in [-1, 1] pixel units; anchor: the
train split's mean image), the logistic-regression probe accuracy on the
trained encoder's codes, on the random initial encoder's codes and on raw
pixels, the steps and the seconds.

Command:
    KERAS_BACKEND=jax nice -n 10 python benchmarks/bigan.py [--seeds 0 1] [--set key=value ...]
"""

import argparse
import json
import os

import numpy as np

from kgan.recipe import load_recipe, with_overrides

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="the seeds to run")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="override a recipe default")
    parser.add_argument("--out_dir", default="runs/benchmarks/bigan")
    args = parser.parse_args(argv)
    recipe = load_recipe("bigan_digits", os.path.join(ROOT, "recipes"))
    config = with_overrides({**recipe.CONFIG, "verbose": 0}, args.overrides)
    rows = []
    for seed in args.seeds:
        result = recipe.run({**config, "seed": seed,
                             "out_dir": os.path.join(args.out_dir, f"seed{seed}")})
        rows.append({"seed": seed, "backend": result["backend"], "steps": result["steps"],
                     "reconstruction_mse": result["reconstruction_mse"],
                     "mean_image_mse": result["mean_image_mse"],
                     **{f"probe_{k}": v for k, v in result["probe_accuracy"].items()},
                     "fid_digits": round(result["generated"]["fid_digits"], 2),
                     "train_seconds": result["train_seconds"]})
        print(json.dumps(rows[-1]), flush=True)
    for key in rows[0]:
        if key not in ("seed", "backend"):
            values = np.array([row[key] for row in rows], dtype=float)
            print(f"{key}: mean {values.mean():.4f} ± {values.std():.4f} over {len(values)} seeds")
    return rows


if __name__ == "__main__":
    main()
