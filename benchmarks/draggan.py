"""DragGAN on a trained StyleGAN2 digits model: handle-target distance reduction and change outside the edit.

Loads `--model` (a `kgan.models.StyleGAN2` `.keras` file, e.g. from
`recipes/stylegan2_digits.py`; with `--train-epochs N` a missing model is
trained first with that recipe for N epochs), then runs `--drags` seeded random
drags, each on the image of its own latent (ψ = `--psi`): the handle is a
stroke pixel of the generated digit (value > 0), the target 3–8 pixels away
in a random direction, inside the image. Every drag runs twice, without a
mask and with a mask that frees only a disc around handle and target (centre
their midpoint, radius half their distance + `--margin`). It prints, per
setting: the mean initial and final handle-target distance (the tracked
handle), the reduction of the mean distance (issue bar: ≥ 70 %), the masked
L1 (mean |edited − original| outside that disc, images in [-1, 1]), a
content check independent of the tracker (mean L1 between the original's 5×5
patch at the handle and the edited image's patch at the target, beside the
original's own patch at the target), steps and seconds per drag. Writes
`out_dir/drags.png` (original | edited | edited with mask, arrows from handle
to target, the final handle as a dot) for the first drags and
`out_dir/draggan.json`.

Command:
    KERAS_BACKEND=jax nice -n 10 python benchmarks/draggan.py [--model runs/stylegan2_digits/model.keras]
        [--drags 20] [--train-epochs N] [--feature-resolution 16] [--learning-rate 2e-3]
        [--mask-weight 10]
"""

import argparse
import json
import os
import time

import keras
import numpy as np

import kgan
from kgan.recipe import load_recipe, with_overrides

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATCH = 2  # 5×5 patches


def load_or_train(path, train_epochs):
    if os.path.exists(path):
        return kgan.saving.load_model(path)
    if not train_epochs:
        raise SystemExit(
            f"No StyleGAN2 model at {path}. Train one with recipes/stylegan2_digits.py "
            "(it writes out_dir/model.keras), pass its path with --model, or give "
            "--train-epochs N to train one here."
        )
    recipe = load_recipe("stylegan2_digits", os.path.join(ROOT, "recipes"))
    config = with_overrides({**recipe.CONFIG, "verbose": 2, "num_eval_samples": 200},
                            [f"epochs={train_epochs}", f"out_dir={os.path.dirname(path)}"])
    recipe.run(config)
    return kgan.saving.load_model(path)


def pick_drag(image, rng, low=3.0, high=8.0):
    """A stroke pixel of `image` `(H, W)` and a target `low`–`high` pixels away inside it."""
    height, width = image.shape
    strokes = np.argwhere(image > 0)
    if len(strokes) == 0:
        strokes = np.argwhere(image >= np.quantile(image, 0.9))
    for _ in range(1000):
        handle = strokes[rng.integers(len(strokes))].astype(float)
        angle, length = rng.uniform(0, 2 * np.pi), rng.uniform(low, high)
        target = np.round(handle + length * np.array([np.sin(angle), np.cos(angle)]))
        if (np.all(target >= 1) and target[0] <= height - 2 and target[1] <= width - 2
                and np.linalg.norm(target - handle) >= low):
            return handle, target
    raise RuntimeError("no target inside the image")


def disc(shape, handle, target, margin):
    rows, cols = np.mgrid[: shape[0], : shape[1]]
    centre = (handle + target) / 2
    radius = np.linalg.norm(target - handle) / 2 + margin
    return ((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2 <= radius**2).astype("float32")


def patch(image, point):
    row, col = (int(round(v)) for v in point)
    padded = np.pad(image, PATCH, mode="edge")
    return padded[row : row + 2 * PATCH + 1, col : col + 2 * PATCH + 1]


def save_drags(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(rows), 3, figsize=(6, 2 * len(rows)), squeeze=False)
    for axis_row, row in zip(axes, rows):
        images = [row["original"], row["free"].image[0, ..., 0], row["masked"].image[0, ..., 0]]
        titles = ["original", "edited", "edited, mask"]
        finals = [None, row["free"].trajectory[-1, 0], row["masked"].trajectory[-1, 0]]
        for axis, image, title, final in zip(axis_row, images, titles, finals):
            axis.imshow(np.clip(image, -1, 1), cmap="gray", vmin=-1, vmax=1)
            handle, target = row["handle"], row["target"]
            axis.annotate("", xy=target[::-1], xytext=handle[::-1],
                          arrowprops=dict(arrowstyle="->", color="red", lw=1.5))
            if final is not None:
                axis.plot(final[1], final[0], "o", color="cyan", markersize=3)
            axis.set_title(title, fontsize=8)
            axis.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="runs/stylegan2_digits/model.keras")
    parser.add_argument("--train-epochs", type=int, default=0,
                        help="train a model with recipes/stylegan2_digits.py if --model is absent")
    parser.add_argument("--drags", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--psi", type=float, default=0.7)
    parser.add_argument("--margin", type=float, default=3.0)
    parser.add_argument("--feature-resolution", type=int, default=None)
    parser.add_argument("--num-optimized-ws", type=int, default=None)
    parser.add_argument("--motion-radius", type=float, default=None)
    parser.add_argument("--tracking-radius", type=int, default=None)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--mask-weight", type=float, default=10.0)
    parser.add_argument("--max-steps", type=int, default=200)
    parser.add_argument("--pictures", type=int, default=6)
    parser.add_argument("--out_dir", default="runs/benchmarks/draggan")
    args = parser.parse_args(argv)
    model = load_or_train(args.model, args.train_epochs)
    editor = kgan.editing.DragGAN(
        model, feature_resolution=args.feature_resolution,
        num_optimized_ws=args.num_optimized_ws, motion_radius=args.motion_radius,
        tracking_radius=args.tracking_radius, mask_weight=args.mask_weight,
        learning_rate=args.learning_rate,
        max_steps=args.max_steps,
    )
    settings = {
        "backend": keras.backend.backend(), "model": args.model,
        "feature_resolution": editor.feature_resolution,
        "num_optimized_ws": f"{editor.num_optimized_ws} of {model.num_ws}",
        "motion_radius": editor.motion_radius, "tracking_radius": editor.tracking_radius,
        "mask_weight": editor.mask_weight,
        "learning_rate": editor.learning_rate, "max_steps": editor.max_steps,
        "stop_distance": editor.stop_distance, "psi": args.psi, "drags": args.drags,
    }
    print(json.dumps(settings), flush=True)
    rng = np.random.default_rng(args.seed)
    rows = []
    for index in range(args.drags):
        latent_seed = args.seed * 1000 + index
        w_plus = editor.w_plus_for(seed=latent_seed, psi=args.psi)
        original = model.synthesize(w_plus)[0, ..., 0]
        handle, target = pick_drag(original, rng)
        region = disc(original.shape, handle, target, args.margin)
        row = {"original": original, "handle": handle, "target": target, "region": region}
        for name, mask in (("free", None), ("masked", region)):
            start = time.time()
            result = editor.drag([handle], [target], w_plus=w_plus, mask=mask)
            row[f"{name}_seconds"] = time.time() - start
            row[name] = result
        rows.append(row)
        print(json.dumps({
            "drag": index, "handle": handle.tolist(), "target": target.tolist(),
            **{f"{name}_{key}": value for name in ("free", "masked") for key, value in (
                ("final_distance", round(float(row[name].distances[0]), 2)),
                ("steps", row[name].steps),
                ("seconds", round(row[f"{name}_seconds"], 2)))},
        }), flush=True)
    outside = [row["region"] == 0 for row in rows]
    initial = np.array([np.linalg.norm(row["target"] - row["handle"]) for row in rows])
    figures = {"mean_initial_distance": round(float(initial.mean()), 3)}
    for name in ("free", "masked"):
        final = np.array([row[name].distances[0] for row in rows])
        changes = [np.abs(row[name].image[0, ..., 0] - row["original"])[keep].mean()
                   for row, keep in zip(rows, outside)]
        moved = [np.abs(patch(row[name].image[0, ..., 0], row["target"])
                        - patch(row["original"], row["handle"])).mean() for row in rows]
        figures[name] = {
            "mean_final_distance": round(float(final.mean()), 3),
            "mean_distance_reduction": round(float(1 - final.mean() / initial.mean()), 3),
            "drags_within_stop_distance": int((final <= editor.stop_distance).sum()),
            "l1_outside_disc": round(float(np.mean(changes)), 4),
            "patch_l1_edited_target_vs_original_handle": round(float(np.mean(moved)), 4),
            "mean_steps": round(float(np.mean([row[name].steps for row in rows])), 1),
            "mean_seconds_per_drag": round(float(np.mean([row[f"{name}_seconds"]
                                                          for row in rows])), 2),
        }
    figures["patch_l1_original_target_vs_original_handle"] = round(float(np.mean(
        [np.abs(patch(row["original"], row["target"]) - patch(row["original"], row["handle"]))
         .mean() for row in rows])), 4)
    os.makedirs(args.out_dir, exist_ok=True)
    picture = os.path.join(args.out_dir, "drags.png")
    save_drags(rows[: args.pictures], picture)
    summary = {**settings, **figures, "png": picture}
    with open(os.path.join(args.out_dir, "draggan.json"), "w") as file:
        json.dump(summary, file, indent=2)
    print(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
