"""Input checks the metrics share: feature arrays and images, widths, scales."""

import numpy as np

from kgan.utils.validation import check_positive


def check_features(features, name, min_rows=1):
    """`features` as a float64 array `(n, d)` with n ≥ `min_rows`, d ≥ 1 and
    every value finite; returns it.

    The conversion to float64 comes first, so float32 features whose squares
    overflow float32 (|x| > 1.8e19) still give finite statistics.
    """
    features = np.asarray(features, np.float64)
    if features.ndim != 2 or len(features) < min_rows or features.shape[1] < 1:
        raise ValueError(f"{name} must be an array (n, d) with n ≥ {min_rows} and d ≥ 1. "
                         f"Received: {name}.shape={features.shape}")
    return check_finite(features, name, "row")


def check_finite(values, name, item):
    """Every value of `values` `(n, ...)` is finite; returns `values`. The error
    counts the items (`item`: "row", "image") along the first axis that are not."""
    non_finite = ~np.isfinite(values).reshape(len(values), -1).all(axis=1)
    if non_finite.any():
        raise ValueError(
            f"{name} must hold only finite values. Received: {non_finite.sum()} of "
            f"{len(values)} {item}s of {name} hold NaN or Inf (the first is {item} "
            f"{non_finite.argmax()})."
        )
    return values


def check_same_width(features1, features2, name1, name2):
    """Both arrays `(n, d)` have the same d."""
    if features1.shape[1] != features2.shape[1]:
        raise ValueError(
            f"{name1} and {name2} must have the same width d. "
            f"Received: {name1}.shape={features1.shape}, {name2}.shape={features2.shape}"
        )


def check_scale(value, name):
    """`value` is a finite number > 0, numpy scalars included (metrics take values
    computed from arrays); returns it as a float."""
    return check_positive(value.item() if isinstance(value, np.generic) else value, name)
