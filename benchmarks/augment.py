"""Few-shot DCGAN on 200 digits with and without differentiable augmentation.

Trains `kgan.models.DCGAN` on the first 200 images of the bundled digits'
train split for the same number of steps (same seed, same networks, same
optimizers) with `augment=None`, DiffAugment policies and ADA, then scores
1,000 samples per run with FID-digits (`kgan.metrics.DigitsEvaluator`, the
shipped classifier's features, against the 359 test digits) and prints a
table and a JSON summary with the training time of each run. With only 200
images the discriminator overfits; augmenting what it sees (real and fake
alike) is what DiffAugment and ADA claim to fix.

    KERAS_BACKEND=jax nice -n 10 python benchmarks/augment.py [--steps 1200]
"""

import argparse
import json
import time

import keras

import kgan

RUNS = {
    "none": None,
    "translation+cutout": "translation,cutout",
    "color+translation+cutout": "color,translation,cutout",
    "ada": "ada",
}


def train_and_score(augment, images, evaluator, args):
    keras.utils.set_random_seed(args.seed)
    if augment == "ada":
        # p may cover 0 → 1 within the run: the paper's 500k images are for
        # runs of millions of images.
        augment = kgan.augment.AdaptiveAugment(ramp_images=args.steps * args.batch_size // 2)
    model = kgan.models.DCGAN(
        image_shape=images.shape[1:], latent_dim=args.latent_dim, base_filters=args.base_filters,
        augment=augment, seed=args.seed,
    )
    model.compile()
    epochs = max(1, round(args.steps * args.batch_size / len(images)))
    start = time.time()
    history = model.fit(images, batch_size=args.batch_size, epochs=epochs, verbose=0)
    seconds = time.time() - start
    result = evaluator.evaluate(model.generate(args.num_samples, seed=args.seed + 1))
    result["train_seconds"] = seconds
    result["steps"] = int(model.optimizer.iterations.numpy())
    result["d_real_last_epoch"] = history.history["d_real"][-1]
    if "ada_p" in history.history:
        result["ada_p_final"] = float(keras.ops.convert_to_numpy(model.augment.p))
        result["ada_rt_last_epoch"] = history.history["ada_rt"][-1]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-size", type=int, default=200)
    parser.add_argument("--image-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=1200,
                        help="images seen / batch size: trains round(steps · batch / train size) "
                             "epochs; the summary reports the actual optimizer steps (a partial "
                             "last batch per epoch counts as a step)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--latent-dim", type=int, default=32)
    parser.add_argument("--base-filters", type=int, default=32)
    parser.add_argument("--num-samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", default=",".join(RUNS), help="comma-separated: " + ", ".join(RUNS))
    args = parser.parse_args()

    images, _ = kgan.data.load_digits(image_size=args.image_size, split="train")
    images = images[: args.train_size]
    evaluator = kgan.metrics.DigitsEvaluator(image_size=args.image_size)
    results = {"few_shot_real_images": evaluator.evaluate(images)}
    names = args.runs.split(",")
    if not set(names) <= set(RUNS):
        raise ValueError(f"--runs must name runs from {list(RUNS)}. Received: {args.runs!r}")
    for name in names:
        results[name] = train_and_score(RUNS[name], images, evaluator, args)
        print(f"{name:26s} fid_digits {results[name]['fid_digits']:8.3f}  "
              f"{results[name]['train_seconds']:6.1f} s", flush=True)
    print(f"backend {keras.backend.backend()}, {args.train_size} training digits at "
          f"{args.image_size}×{args.image_size}, {args.steps} steps of {args.batch_size}")
    columns = ("fid_digits", "kid_digits", "precision_digits", "recall_digits", "classes_covered")
    print(f"{'run':26s}" + "".join(f"{c.replace('_digits', ''):>12s}" for c in columns))
    for name, result in results.items():
        print(f"{name:26s}" + "".join(f"{result[c]:12.4f}" for c in columns))
    print(json.dumps(results, indent=2, default=float))
    return results


if __name__ == "__main__":
    main()
