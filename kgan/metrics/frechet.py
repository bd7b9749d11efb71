"""The Fréchet distance between Gaussians fitted to two feature sets."""

import numpy as np


def _psd_sqrt(matrix):
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """‖μ₁ − μ₂‖² + tr(Σ₁) + tr(Σ₂) − 2 tr((Σ₁^½ Σ₂ Σ₁^½)^½), in float64.

    The trace of the matrix square root is taken from a symmetric
    eigendecomposition of Σ₁^½ Σ₂ Σ₁^½ (which has the same eigenvalues as
    Σ₁Σ₂), clipping the tiny negative eigenvalues of rank-deficient covariances
    (fewer samples than dimensions) to zero, so the result is real and ≥ 0 up to
    rounding without an ad-hoc offset.

    Args:
        mu1, mu2: arrays `(d,)`, feature means.
        sigma1, sigma2: arrays `(d, d)`, symmetric positive semi-definite covariances.

    Returns:
        float.

    Reference:
        Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule
        Converge to a Local Nash Equilibrium" (FID).
    """
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1, sigma2 = np.asarray(sigma1, np.float64), np.asarray(sigma2, np.float64)
    if mu1.shape != mu2.shape or mu1.ndim != 1:
        raise ValueError(f"mu1 and mu2 must be (d,) vectors. Received {mu1.shape} and {mu2.shape}.")
    d = mu1.shape[0]
    if sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise ValueError(
            f"sigma1 and sigma2 must be ({d}, {d}). Received {sigma1.shape} and {sigma2.shape}."
        )
    root1 = _psd_sqrt((sigma1 + sigma1.T) / 2.0)
    middle = root1 @ sigma2 @ root1
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    trace_sqrt = np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None)))
    diff = mu1 - mu2
    distance = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt
    return max(float(distance), 0.0)  # rounding can leave -1e-9 for identical sets


def feature_statistics(features):
    """Mean `(d,)` and covariance `(d, d)` (unbiased) of features `(n, d)`, float64."""
    features = np.asarray(features, np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"features must be (n ≥ 2, d). Received shape {features.shape}.")
    return features.mean(axis=0), np.cov(features, rowvar=False)
