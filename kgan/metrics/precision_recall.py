"""Improved precision and recall: k-NN manifolds in feature space."""

import numpy as np
from scipy.spatial.distance import cdist

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
        real_features: array `(n_real, d)`, n_real > k.
        fake_features: array `(n_fake, d)`, n_fake > k.
        k: int ≥ 1, default 3 (the paper's choice).

    Returns:
        dict with `precision` and `recall`, floats in [0, 1].

    Reference:
        Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for
        Assessing Generative Models".
    """
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer ≥ 1. Received: k={k!r}")
    real = np.asarray(real_features, np.float64)
    fake = np.asarray(fake_features, np.float64)
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(
            "real_features and fake_features must be (n, d) with the same d. "
            f"Received shapes {real.shape} and {fake.shape}."
        )
    if len(real) <= k or len(fake) <= k:
        raise ValueError(
            f"Both feature sets need more than k={k} rows. Received {len(real)} and {len(fake)}."
        )
    if not (np.isfinite(real).all() and np.isfinite(fake).all()):
        raise ValueError("features contain NaN or Inf values.")
    precision = _inside(fake, real, _knn_radii(real, k)).mean()
    recall = _inside(real, fake, _knn_radii(fake, k)).mean()
    return {"precision": float(precision), "recall": float(recall)}
