"""Test accuracy with 100 labels: the semi-supervised GAN's classifier against the same network trained on the labels alone.

Runs `recipes/semi_supervised_digits.py` (digits train/test split, 10 labels
per class picked by the seed; see the recipe for the setting) for the
given seeds on the active Keras backend and prints, per seed and as mean ± std:
the SemiSupervisedGAN's test accuracy, the supervised-only baseline's test
accuracy (same discriminator network, same initial weights, same number of
optimizer steps on the labelled images only), the steps and the seconds.

Command:
    KERAS_BACKEND=jax nice -n 10 python benchmarks/semi_supervised.py [--seeds 0 1 2] [--set key=value ...]
"""

import argparse
import json
import os

import numpy as np

from kgan.recipe import load_recipe, with_overrides

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                        help="the seeds to run")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="override a recipe default")
    parser.add_argument("--out_dir", default="runs/benchmarks/semi_supervised")
    args = parser.parse_args(argv)
    recipe = load_recipe("semi_supervised_digits", os.path.join(ROOT, "recipes"))
    config = with_overrides({**recipe.CONFIG, "verbose": 0}, args.overrides)
    rows = []
    for seed in args.seeds:
        result = recipe.run({**config, "seed": seed,
                             "out_dir": os.path.join(args.out_dir, f"seed{seed}")})
        row = {key: result[key] for key in ("backend", "num_labels", "steps", "test_accuracy",
                                            "baseline_test_accuracy", "train_seconds",
                                            "baseline_seconds")}
        rows.append({"seed": seed, **row})
        print(json.dumps(rows[-1]), flush=True)
    for key in ("test_accuracy", "baseline_test_accuracy", "train_seconds"):
        values = np.array([row[key] for row in rows])
        print(f"{key}: mean {values.mean():.4f} ± {values.std():.4f} over {len(values)} seeds")
    return rows


if __name__ == "__main__":
    main()
