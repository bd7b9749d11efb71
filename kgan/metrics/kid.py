"""Kernel Inception Distance: the unbiased MMD² with a cubic polynomial kernel."""

import warnings

import numpy as np

from kgan.metrics.checks import check_features, check_same_width
from kgan.utils.validation import check_int

_PRECOMPUTE_LIMIT = 4096  # rows; above it, kernels are computed per subset


def _check_pair(features1, features2):
    """Both sets as float64 `(n, d)`, n ≥ 2 (the unbiased MMD² divides by n(n − 1)), same d."""
    x = check_features(features1, "features1", min_rows=2)
    y = check_features(features2, "features2", min_rows=2)
    check_same_width(x, y, "features1", "features2")
    return x, y


def _cubic_kernel(a, b):
    k = a @ b.T
    k /= a.shape[1]
    k += 1.0
    return k * k * k  # much faster than ** 3


def _mmd2_from_kernels(k_xx, k_yy, k_xy):
    m, n = len(k_xx), len(k_yy)
    return float(
        (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
        + (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
        - 2.0 * k_xy.mean()
    )


def polynomial_mmd2(features1, features2):
    """Unbiased MMD² between two feature sets with k(x, y) = (x·y / d + 1)³.

    MMD²ᵤ = Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (n(n−1))
    − 2 Σ_{i,j} k(xᵢ, yⱼ) / (mn). It can be slightly negative when the two sets
    come from the same distribution.

    Args:
        features1, features2: arrays `(m, d)` and `(n, d)`, m, n ≥ 2, finite.

    Returns:
        float.
    """
    x, y = _check_pair(features1, features2)
    return _mmd2_from_kernels(_cubic_kernel(x, x), _cubic_kernel(y, y), _cubic_kernel(x, y))


def kid(features1, features2, num_subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance: mean and std of the unbiased MMD² over subsets.

    Each of `num_subsets` rounds draws `subset_size` rows of each feature set
    without replacement (a fresh draw per round) and computes
    `polynomial_mmd2` (for sets of up to 4,096 rows from blocks of kernel
    matrices computed once). `subset_size` is capped at the smaller set's size (as in
    clean-fid), so small sets still give a figure; report the protocol with it.
    Each set needs at least 2 rows (the unbiased MMD² divides by m(m − 1)).
    When the cap makes every subset the whole of both sets (equal sizes ≤
    `subset_size`), all rounds give the same value: `kid` then warns, since
    its std of 0 says nothing about the uncertainty.

    Args:
        features1, features2: arrays `(n1, d)` and `(n2, d)`, n1, n2 ≥ 2, finite.
        num_subsets: int ≥ 1, default 100.
        subset_size: int ≥ 2, default 1000.
        seed: int, default 0, seed of the subset draws.

    Returns:
        `(mean, std)`: floats; the mean is ≈ 0 (and may be slightly negative)
        for two samples of one distribution.

    Reference:
        Bińkowski et al. 2018, "Demystifying MMD GANs".
    """
    x, y = _check_pair(features1, features2)
    check_int(num_subsets, "num_subsets", minimum=1)
    check_int(subset_size, "subset_size", minimum=2)
    size = min(subset_size, len(x), len(y))
    if size == len(x) == len(y) and num_subsets > 1:
        warnings.warn(
            f"kid: every subset is the whole of both sets ({size} rows each, subset_size="
            f"{subset_size}), so all {num_subsets} subsets give the same value and kid_std = 0 "
            "is not an uncertainty. Pass a subset_size below the set sizes, or more rows.",
            stacklevel=2,
        )
    rng = np.random.default_rng(seed)
    draws = [(rng.choice(len(x), size, replace=False), rng.choice(len(y), size, replace=False))
             for _ in range(num_subsets)]
    if max(len(x), len(y)) <= _PRECOMPUTE_LIMIT:
        # Small sets: one kernel matrix per pair, each subset reads its block.
        k_xx, k_yy, k_xy = _cubic_kernel(x, x), _cubic_kernel(y, y), _cubic_kernel(x, y)
        values = np.array([_mmd2_from_kernels(k_xx[np.ix_(i, i)], k_yy[np.ix_(j, j)],
                                              k_xy[np.ix_(i, j)]) for i, j in draws])
    else:
        values = np.array([polynomial_mmd2(x[i], y[j]) for i, j in draws])
    return float(values.mean()), float(values.std())
