"""Improved precision and recall: k-NN manifolds in feature space."""

import numpy as np
from scipy.spatial.distance import cdist

from kgan.metrics.checks import check_features, check_same_width
from kgan.utils.validation import check_int

_BATCH = 1024


def _knn_radii(features, k):
    """Distance from each row to its k-th nearest other row."""
    radii = np.empty(len(features))
    for start in range(0, len(features), _BATCH):
        distances = cdist(features[start : start + _BATCH], features)
        # Column 0 of the sorted row is the point itself (distance 0).
        radii[start : start + _BATCH] = np.partition(distances, k, axis=1)[:, k]
    return radii


def _inside(points, manifold, radii):
    """For each point: is it within radius of at least one manifold point?"""
    inside = np.empty(len(points), dtype=bool)
    for start in range(0, len(points), _BATCH):
        distances = cdist(points[start : start + _BATCH], manifold)
        inside[start : start + _BATCH] = (distances <= radii[None, :]).any(axis=1)
    return inside


def precision_recall(real_features, fake_features, k=3):
    """Improved precision and recall of generated samples.

    Each real sample spans a ball whose radius is the distance to its k-th
    nearest real neighbour; the union of the balls estimates the real
    manifold. Precision is the share of generated samples inside it (quality);
    recall swaps the roles (the share of real samples inside the generated
    manifold: coverage). Distances are Euclidean, in float64, computed in
    blocks of 1,024 rows.

    Args:
        real_features: array `(n_real, d)`, n_real > k, finite.
        fake_features: array `(n_fake, d)`, n_fake > k, finite.
        k: int ≥ 1, default 3 (the paper's choice).

    Returns:
        dict with `precision` and `recall`, floats in [0, 1].

    Reference:
        Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for
        Assessing Generative Models".
    """
    check_int(k, "k", minimum=1)
    real = check_features(real_features, "real_features")
    fake = check_features(fake_features, "fake_features")
    check_same_width(real, fake, "real_features", "fake_features")
    for name, features in (("real_features", real), ("fake_features", fake)):
        if len(features) <= k:
            raise ValueError(
                f"{name} must have more than k={k} rows (each row's k-th nearest neighbour is "
                f"another row). Received: {name}.shape={features.shape}"
            )
    precision = _inside(fake, real, _knn_radii(real, k)).mean()
    recall = _inside(real, fake, _knn_radii(fake, k)).mean()
    return {"precision": float(precision), "recall": float(recall)}
