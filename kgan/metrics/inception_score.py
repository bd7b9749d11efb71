"""The Inception Score from class probabilities."""

import numpy as np
from scipy.special import rel_entr

from kgan.utils.validation import is_int


def inception_score(probabilities, splits=10):
    """exp(E_x KL(p(y|x) ‖ p(y))), mean and std over `splits` parts.

    The samples are split in order at rows i·n // splits (i = 0 … splits), as
    in the original code, so when n is not divisible by `splits` the longer
    parts are spread out (numpy's `array_split` puts them first). p(y) is each
    part's mean prediction, and 0·log 0 counts as 0. The score lies in [1, K]:
    1 when every prediction is the same, K when predictions are one-hot and
    spread evenly over the K classes.

    Args:
        probabilities: array `(n, K)`, rows are class probabilities (softmax
            outputs: finite, ≥ 0, each row summing to 1 within 1e-3), n ≥ `splits`.
        splits: int in [1, n], default 10.

    Returns:
        `(mean, std)` floats.

    Reference:
        Salimans et al. 2016, "Improved Techniques for Training GANs".
    """
    p = np.asarray(probabilities, np.float64)
    if p.ndim != 2 or p.shape[1] < 1:
        raise ValueError("probabilities must be an array (n, num_classes). "
                         f"Received: probabilities.shape={p.shape}")
    if not is_int(splits) or not 1 <= splits <= len(p):
        raise ValueError(
            f"splits must be an integer in [1, n={len(p)}]. Received: splits={splits!r}"
        )
    invalid = ~(np.isfinite(p).all(axis=1) & (p >= 0).all(axis=1)
                & (np.abs(p.sum(axis=1) - 1.0) <= 1e-3))
    if invalid.any():
        first = invalid.argmax()
        raise ValueError(
            "probabilities must be finite, ≥ 0 and sum to 1 (within 1e-3) along each row. "
            f"Received: {invalid.sum()} of {len(p)} rows that are not (the first is row {first}, "
            f"with sum {p[first].sum():.6g} and minimum {p[first].min():.3g})"
        )
    bounds = [i * len(p) // splits for i in range(splits + 1)]
    scores = []
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        part = p[start:stop]
        marginal = part.mean(axis=0, keepdims=True)
        scores.append(np.exp(rel_entr(part, marginal).sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))
