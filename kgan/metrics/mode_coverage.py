"""Mode coverage on mixtures of Gaussians (VEEGAN / PacGAN definitions)."""

import numpy as np


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
        samples: array `(n, d)`.
        centers: array `(num_modes, d)`.
        std: float > 0, the per-axis σ of every mode.

    Returns:
        dict with `modes` (int, captured modes), `high_quality` (float in [0, 1],
        fraction of high-quality samples) and `reverse_kl` (float ≥ 0; `inf` when
        no sample is high quality).

    Reference:
        Srivastava et al. 2017 (VEEGAN); Lin et al. 2018 (PacGAN), Table 1.
    """
    samples = np.asarray(samples, dtype="float64")
    centers = np.asarray(centers, dtype="float64")
    if samples.ndim != 2 or centers.ndim != 2 or samples.shape[1] != centers.shape[1]:
        raise ValueError(
            "samples and centers must be (n, d) and (num_modes, d). "
            f"Received shapes {samples.shape} and {centers.shape}."
        )
    if not std > 0:
        raise ValueError(f"std must be > 0. Received: std={std!r}")
    if not np.isfinite(samples).all():
        raise ValueError("samples contain NaN or Inf values.")
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
