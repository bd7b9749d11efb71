"""Mode coverage on mixtures of Gaussians (VEEGAN / PacGAN definitions)."""

import numpy as np

from kgan.metrics.checks import check_features, check_same_width, check_scale


def mode_coverage(samples, centers, std):
    """Counts captured modes and high-quality samples.

    A sample is high quality if it lies within 3σ (Euclidean distance) of its
    nearest centre; a mode is captured if it is the nearest centre of at least
    one high-quality sample. The reverse KL compares the histogram of
    high-quality samples over modes (q) with the uniform distribution (p):
    KL(q ‖ p) = Σ q log(q / p), over modes with q > 0; 0 for a perfect spread,
    log(num_modes) when one mode takes everything. The papers evaluate 2,500
    samples.

    Args:
        samples: array `(n, d)`, finite.
        centers: array `(num_modes, d)`, num_modes ≥ 1, finite.
        std: float > 0 and finite, the per-axis σ of every mode.

    Returns:
        dict with `modes` (int, captured modes), `high_quality` (float in [0, 1],
        fraction of high-quality samples) and `reverse_kl` (float ≥ 0; `inf` when
        no sample is high quality).

    Reference:
        Srivastava et al. 2017 (VEEGAN); Lin et al. 2018 (PacGAN), Table 1.
    """
    samples = check_features(samples, "samples", min_rows=0)
    centers = check_features(centers, "centers", min_rows=1)
    check_same_width(samples, centers, "samples", "centers")
    std = check_scale(std, "std")
    distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances.min(axis=1) <= 3.0 * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    if counts.sum() == 0:
        reverse_kl = float("inf")
    else:
        q = counts[counts > 0] / counts.sum()
        reverse_kl = float(np.sum(q * np.log(q * len(centers))))
    return {
        "modes": int((counts > 0).sum()),
        "high_quality": float(good.mean()) if len(samples) else 0.0,
        "reverse_kl": reverse_kl,
    }
