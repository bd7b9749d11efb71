"""The Inception Score from class probabilities."""

import numpy as np
from scipy.special import rel_entr


def inception_score(probabilities, splits=10):
    """exp(E_x KL(p(y|x) ‖ p(y))), mean and std over `splits` equal parts.

    The samples are split in order (as in the original code), p(y) is each
    part's mean prediction, and 0·log 0 counts as 0. The score lies in
    [1, K]: 1 when every prediction is the same, K when predictions are one-hot
    and spread evenly over the K classes.

    Args:
        probabilities: array `(n, K)`, rows are class probabilities (softmax
            outputs; rows must sum to 1 within 1e-3), n ≥ `splits`.
        splits: int ≥ 1, default 10.

    Returns:
        `(mean, std)` floats.

    Reference:
        Salimans et al. 2016, "Improved Techniques for Training GANs".
    """
    p = np.asarray(probabilities, np.float64)
    if p.ndim != 2:
        raise ValueError(f"probabilities must be (n, num_classes). Received shape {p.shape}.")
    if not isinstance(splits, int) or splits < 1 or splits > len(p):
        raise ValueError(
            f"splits must be an integer in [1, n={len(p)}]. Received: splits={splits!r}"
        )
    if not np.isfinite(p).all() or (p < 0).any() or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError("probabilities must be finite, ≥ 0 and sum to 1 along each row.")
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0, keepdims=True)
        scores.append(np.exp(rel_entr(part, marginal).sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))
