"""Speed and agreement of kgan's Fréchet distance, and MetricsCallback's overhead.

1. Fréchet distance on 2048-d statistics (the size of Inception pool3
   features): `kgan.metrics.frechet_distance` (symmetric eigendecompositions,
   float64) against the reference formula of pytorch-fid's
   `calculate_frechet_distance` (scipy `linalg.sqrtm` of Σ₁Σ₂, the 1e-6·I offset
   when the result is not finite, real part), written out below. Two cases:
   full-rank covariances (n = 4,096 samples) and rank-deficient ones (n = 1,000
   < d). Prints both values, their relative difference and the time ratio.
2. The per-epoch overhead of `kgan.callbacks.MetricsCallback` (FID-digits and
   KID-digits of 1,000 samples every epoch) on the DCGAN digits recipe's model
   and data: epoch times with and without the callback, and the callback's own
   time.
3. With `--inception N`: the FID Inception network's throughput on N digit
   images (32×32, resized to 299×299; zero weights, since the speed does not
   depend on them): build seconds, the first batch (compilation), steady
   images per second, and the host-side cost of each resize protocol.

    KERAS_BACKEND=jax python benchmarks/fid_speed.py [--dim 2048] [--epochs 3]
        [--skip-frechet] [--skip-callback] [--inception 200 --batch-size 50]
"""

import argparse
import json
import time

import numpy as np
from scipy import linalg

import kgan


def reference_frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch-fid 0.3.0's calculate_frechet_distance, written out (its
    `sqrtm(..., disp=False)` is spelled without the argument SciPy deprecated)."""
    diff = mu1 - mu2
    covmean = linalg.sqrtm(sigma1.dot(sigma2))
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real  # pytorch-fid raises if the imaginary part exceeds 1e-3
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


def frechet_case(num_samples, dim, seed):
    rng = np.random.default_rng(seed)
    mixing = np.eye(dim) + 0.05 * rng.standard_normal((dim, dim))
    a = np.maximum(rng.standard_normal((num_samples, dim)), 0.0)  # ReLU-like features
    b = np.maximum(rng.standard_normal((num_samples, dim)) @ mixing + 0.1, 0.0)
    stats_a, stats_b = kgan.metrics.feature_statistics(a), kgan.metrics.feature_statistics(b)
    ours, our_seconds = timed(kgan.metrics.frechet_distance, *stats_a, *stats_b)
    reference, reference_seconds = timed(reference_frechet_distance, *stats_a, *stats_b)
    return {
        "num_samples": num_samples, "dim": dim,
        "kgan": ours, "reference_sqrtm": reference,
        "relative_difference": abs(ours - reference) / abs(reference),
        "kgan_seconds": round(our_seconds, 3), "reference_seconds": round(reference_seconds, 3),
        "speedup": round(reference_seconds / our_seconds, 2),
    }


class EpochTimer:
    def __init__(self):
        import keras

        class _Timer(keras.callbacks.Callback):
            def on_epoch_begin(inner, epoch, logs=None):
                inner.start = time.perf_counter()

            def on_epoch_end(inner, epoch, logs=None):
                self.seconds.append(time.perf_counter() - inner.start)

        self.seconds = []
        self.callback = _Timer()


def callback_overhead(epochs):
    import keras

    recipe = dict(image_size=32, latent_dim=64, base_filters=32, batch_size=64)
    images, _ = kgan.data.load_digits(image_size=recipe["image_size"], split="train")
    result = {}
    for name in ("without", "with"):
        keras.utils.set_random_seed(0)
        model = kgan.models.DCGAN(image_shape=(32, 32, 1), latent_dim=recipe["latent_dim"],
                                  base_filters=recipe["base_filters"], seed=0)
        model.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                      d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
        timer = EpochTimer()
        callbacks = [timer.callback]
        if name == "with":
            metrics = kgan.callbacks.MetricsCallback(every_n_epochs=1, num_samples=1000)
            callbacks.insert(0, metrics)
        model.fit(images, batch_size=recipe["batch_size"], epochs=epochs, verbose=0,
                  callbacks=callbacks)
        # The first epoch compiles; the later ones are the steady state.
        result[f"epoch_seconds_{name}"] = [round(s, 2) for s in timer.seconds]
        if name == "with":
            result["callback_seconds"] = [round(s, 2) for s in metrics.seconds]
            result["fid_digits"] = [round(v, 2) for v in metrics.history["fid_digits"]]
    steady = lambda key: float(np.mean(result[key][1:])) if epochs > 1 else result[key][0]
    result["steady_epoch_seconds_without"] = round(steady("epoch_seconds_without"), 2)
    result["steady_epoch_seconds_with"] = round(steady("epoch_seconds_with"), 2)
    result["overhead_seconds_per_epoch"] = round(
        result["steady_epoch_seconds_with"] - result["steady_epoch_seconds_without"], 2)
    return result


def inception_speed(num_images, batch_size):
    images, _ = kgan.data.load_digits(image_size=32, split="train")
    images = images[:num_images]
    result = {"num_images": len(images), "batch_size": batch_size}
    for protocol in kgan.metrics.resize.RESIZE_PROTOCOLS:
        _, seconds = timed(kgan.metrics.resize_images, images, 299, protocol)
        result[f"resize_ms_per_image_{protocol}"] = round(1000 * seconds / len(images), 2)
    extractor, seconds = timed(kgan.metrics.FIDInceptionExtractor, None, "tf_bilinear",
                               batch_size)
    result["build_seconds"] = round(seconds, 2)
    _, seconds = timed(extractor, images[:batch_size])
    result["first_batch_seconds"] = round(seconds, 2)
    features, seconds = timed(extractor, images)
    result["images_per_second"] = round(len(images) / seconds, 2)
    assert features.shape == (len(images), 2048)
    return result


def main(argv=None):
    import keras

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=2048)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--skip-callback", action="store_true")
    parser.add_argument("--skip-frechet", action="store_true")
    parser.add_argument("--inception", type=int, default=0,
                        help="images for the FID Inception throughput (0: skip)")
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args(argv)
    summary = {"backend": keras.backend.backend()}
    if not args.skip_frechet:
        summary["full_rank"] = frechet_case(4096, args.dim, seed=0)
        summary["rank_deficient"] = frechet_case(1000, args.dim, seed=1)
        print(json.dumps(summary, indent=2), flush=True)
    if not args.skip_callback:
        summary["callback"] = callback_overhead(args.epochs)
        print(json.dumps(summary["callback"], indent=2))
    if args.inception:
        summary["inception"] = inception_speed(args.inception, args.batch_size)
        print(json.dumps(summary["inception"], indent=2))
    return summary


if __name__ == "__main__":
    main()
