"""The 2-D Gaussian mixture benchmarks of VEEGAN and PacGAN.

- `"ring8"`: 8 Gaussians with centres at angles 2πk/8 (k = 0..7) on the unit
  circle, σ = 0.01.
- `"grid25"`: 25 Gaussians with centres at {−4, −2, 0, 2, 4}², σ = 0.05.

Each sample picks a mode uniformly at random.
"""

import numpy as np

from kgan.utils.validation import check_int


def _ring8():
    angles = 2.0 * np.pi * np.arange(8) / 8
    return np.stack([np.cos(angles), np.sin(angles)], axis=1), 0.01


def _grid25():
    axis = np.array([-4.0, -2.0, 0.0, 2.0, 4.0])
    return np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2), 0.05


_MIXTURES = {"ring8": _ring8, "grid25": _grid25}
MIXTURE_NAMES = tuple(_MIXTURES)


def mixture_modes(name):
    """Returns `(centers, std)`: float64 `(num_modes, 2)` and the per-axis σ."""
    if name not in _MIXTURES:
        raise ValueError(f"mixture name must be one of {sorted(_MIXTURES)}. Received: {name!r}")
    return _MIXTURES[name]()


def gaussian_mixture(name, num_samples, seed=None):
    """Draws samples from a named 2-D mixture.

    Args:
        name: `"ring8"` or `"grid25"`.
        num_samples: int > 0.
        seed: int or None for numpy's generator.

    Returns:
        float32 `(num_samples, 2)`.
    """
    centers, std = mixture_modes(name)
    check_int(num_samples, "num_samples")
    rng = np.random.default_rng(seed)
    modes = rng.integers(0, len(centers), num_samples)
    samples = centers[modes] + std * rng.standard_normal((num_samples, 2))
    return samples.astype("float32")
