"""Calibration of FID-digits: the real-data floor and the rise under corruption.

Scores the real training split (1,437 images at 32×32) against the test split
with `kgan.metrics.DigitsEvaluator` (the shipped digits classifier's 64-d
features), clean and corrupted by additive Gaussian noise (σ in [-1, 1] pixel
units, then clipped) and by Gaussian blur (σ in pixels at 32×32), and prints
FID-digits, KID-digits, precision/recall, the Inception Score and the
classifier's accuracy on the corrupted images. A useful metric rises
monotonically with the corruption; the script says whether it does.

    KERAS_BACKEND=jax python benchmarks/digits_calibration.py
"""

import json
import time

import numpy as np
from scipy import ndimage

import kgan

NOISE = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)
BLUR = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
COLUMNS = ("fid_digits", "kid_digits", "precision_digits", "recall_digits",
           "inception_score_digits", "conditional_accuracy")


def main():
    import keras

    start = time.time()
    evaluator = kgan.metrics.DigitsEvaluator(image_size=32)
    train, labels = kgan.data.load_digits(image_size=32, split="train")
    test, test_labels = kgan.data.load_digits(image_size=32, split="test")
    rng = np.random.default_rng(0)
    rows = [("real test vs test", evaluator.evaluate(test, test_labels))]
    for sigma in NOISE:
        noisy = np.clip(train + sigma * rng.standard_normal(train.shape), -1.0, 1.0)
        rows.append((f"train + noise σ={sigma}", evaluator.evaluate(noisy, labels)))
    for sigma in BLUR:
        blurred = ndimage.gaussian_filter(train, (0, sigma, sigma, 0))
        rows.append((f"train blurred σ={sigma}px", evaluator.evaluate(blurred, labels)))
    print(f"backend {keras.backend.backend()}, classifier test accuracy "
          f"{evaluator.real_floor()['test_accuracy']:.4f} ({len(test_labels)} test digits)")
    print(f"{'images':28s}" + "".join(f"{c.replace('_digits', ''):>22s}" for c in COLUMNS))
    for name, result in rows:
        print(f"{name:28s}" + "".join(f"{result[c]:22.4f}" for c in COLUMNS))
    noise_fid = [r["fid_digits"] for n, r in rows if "noise" in n]
    blur_fid = [rows[1][1]["fid_digits"]] + [r["fid_digits"] for n, r in rows if "blurred" in n]
    summary = {
        "floor_fid_digits": rows[1][1]["fid_digits"],
        "noise_fid_digits": dict(zip(NOISE, noise_fid)),
        "blur_fid_digits": dict(zip((0.0,) + BLUR, blur_fid)),
        "noise_monotone": bool(np.all(np.diff(noise_fid) > 0)),
        "blur_monotone": bool(np.all(np.diff(blur_fid) > 0)),
        "seconds": round(time.time() - start, 1),
    }
    print(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()
