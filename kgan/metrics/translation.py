"""Figures of image-to-image translation on the digits tasks: L1, PSNR, whether
the shipped digits classifier still reads the source digit, and probes (small
networks trained on real images) that read the target style, domain or condition."""

import keras
import numpy as np

from kgan.data.translation import INK_PALETTE
from kgan.metrics.checks import check_finite, check_scale


def psnr(images, reference, value_range=2.0):
    """Mean peak signal-to-noise ratio in dB over images, `10·log10(range² / MSE)`.

    Args:
        images, reference: arrays `(n, H, W, C)` of the same shape, finite.
        value_range: float > 0, default 2 (images in [-1, 1]).

    Returns:
        float: the mean of the per-image PSNRs (an exact match counts as 100 dB).
    """
    images, reference = np.asarray(images, "float64"), np.asarray(reference, "float64")
    if images.shape != reference.shape or images.ndim != 4 or len(images) < 1:
        raise ValueError(
            f"images and reference must have the same shape (n ≥ 1, H, W, C). Received: "
            f"images.shape={images.shape}, reference.shape={reference.shape}"
        )
    check_finite(images, "images", "image")
    check_finite(reference, "reference", "image")
    value_range = check_scale(value_range, "value_range")
    mse = np.mean(np.square(images - reference), axis=tuple(range(1, images.ndim)))
    per_image = 10.0 * np.log10(value_range**2 / np.maximum(mse, value_range**2 * 1e-10))
    return float(np.mean(per_image))


def translation_scores(translated, target=None, labels=None):
    """L1 and PSNR against paired targets and the digits classifier's accuracy.

    Args:
        translated: `(n, s, s, 1)` images in [-1, 1].
        target: optional `(n, s, s, 1)` paired targets.
        labels: optional int `(n,)`, the digits the images should show.

    Returns:
        dict with `l1` and `psnr` (given `target`) and `digit_accuracy` (given
        `labels`), floats.
    """
    from kgan.metrics.digits import _default_extractor

    scores = {}
    if target is not None:
        scores["l1"] = float(np.mean(np.abs(np.asarray(translated) - np.asarray(target))))
        scores["psnr"] = psnr(translated, target)
    if labels is not None:
        _, probabilities = _default_extractor().features_and_probabilities(translated)
        scores["digit_accuracy"] = float(np.mean(probabilities.argmax(axis=1) == labels))
    return scores


def train_probe(images, targets, num_classes=None, epochs=10, batch_size=64, seed=0):
    """Trains a small CNN on real images to read what a translation should set.

    With `num_classes` it classifies (int `targets` `(n,)`: style, domain);
    without, it regresses float `targets` `(n, K)` (continuous conditions) with
    the mean squared error. Its score on held-out real images (`probe_scores`)
    is the ceiling of its score on translations.

    Args:
        images: `(n, H, W, C)` real images in [-1, 1].
        targets: int `(n,)` in [0, num_classes) or float `(n, K)`.
        num_classes: int ≥ 2 or None (regression).
        epochs: int, default 10.
        batch_size: int, default 64.
        seed: int, default 0.

    Returns:
        The trained `keras.Model`: images → logits `(n, num_classes)` or values `(n, K)`.
    """
    keras.utils.set_random_seed(seed)
    targets = np.asarray(targets)
    inputs = keras.Input(images.shape[1:])
    h = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(inputs)
    h = keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Dense(128, activation="relu")(keras.layers.Flatten()(h))
    if num_classes is None:
        outputs = keras.layers.Dense(targets.shape[1])(h)
        loss = "mean_squared_error"
    else:
        outputs = keras.layers.Dense(num_classes)(h)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    probe = keras.Model(inputs, outputs, name="probe")
    probe.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss)
    probe.fit(images, targets.astype("int32" if num_classes else "float32"), epochs=epochs,
              batch_size=batch_size, verbose=0)
    return probe


def probe_scores(probe, images, targets):
    """Scores a probe of `train_probe` on images that should show `targets`.

    Returns:
        dict: `accuracy` (share of images classified as their int target) for a
        classifier; `mae` and `rmse` per condition (lists) for a regressor.
    """
    predictions = probe.predict(images, batch_size=256, verbose=0)
    targets = np.asarray(targets)
    if targets.ndim == 1:
        return {"accuracy": float(np.mean(predictions.argmax(axis=1) == targets))}
    errors = predictions - targets
    return {"mae": [float(v) for v in np.abs(errors).mean(axis=0)],
            "rmse": [float(v) for v in np.sqrt(np.square(errors).mean(axis=0))]}


def ink_colour_accuracy(images, labels):
    """Share of colourised digits inked in their class's colour (`"colorize"` task).

    An image's ink colour is the mean RGB of its pixels weighted by their
    brightest channel (the background, black, weighs nothing), scaled so its
    largest channel is 1; it is correct if its nearest `INK_PALETTE` entry
    (scaled the same way) is the label's.

    Args:
        images: `(n, H, W, 3)` in [-1, 1], finite.
        labels: int `(n,)` in [0, 10).

    Returns:
        float in [0, 1].
    """
    images = np.asarray(images, "float64")
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must be RGB (n, H, W, 3). Received: images.shape={images.shape}")
    labels = np.asarray(labels)
    if labels.shape != (len(images),):
        raise ValueError(f"labels must be a vector ({len(images)},), one per image. "
                         f"Received: labels.shape={labels.shape}")
    check_finite(images, "images", "image")
    unit = np.clip((images + 1.0) / 2.0, 0.0, 1.0)
    weights = unit.max(axis=-1, keepdims=True)
    colour = (unit * weights).sum(axis=(1, 2)) / np.maximum(weights.sum(axis=(1, 2)), 1e-8)
    colour /= np.maximum(colour.max(axis=1, keepdims=True), 1e-8)
    palette = INK_PALETTE / INK_PALETTE.max(axis=1, keepdims=True)
    nearest = np.argmin(((colour[:, None, :] - palette[None]) ** 2).sum(axis=-1), axis=1)
    return float(np.mean(nearest == labels))
