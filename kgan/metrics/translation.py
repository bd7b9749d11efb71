"""Figures of image-to-image translation on the digits tasks: L1, PSNR and whether
the shipped digits classifier still reads the source digit."""

import numpy as np


def psnr(images, reference, value_range=2.0):
    """Mean peak signal-to-noise ratio in dB over images, `10·log10(range² / MSE)`.

    Args:
        images, reference: arrays `(n, H, W, C)` of the same shape.
        value_range: float, default 2 (images in [-1, 1]).

    Returns:
        float: the mean of the per-image PSNRs (an exact match counts as 100 dB).
    """
    images, reference = np.asarray(images, "float64"), np.asarray(reference, "float64")
    if images.shape != reference.shape:
        raise ValueError(
            f"images and reference must have the same shape. Received {images.shape} and "
            f"{reference.shape}."
        )
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
