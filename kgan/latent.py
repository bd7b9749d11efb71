"""Latent-space tools: interpolation and vector arithmetic (DCGAN, Sec. 6)."""

import numpy as np

from kgan.utils.validation import check_int


def slerp(z0, z1, t):
    """Spherical interpolation between latents.

    Follows the great circle between `z0` and `z1` (White 2016), which keeps
    interpolants at a typical norm for Gaussian latents; falls back to linear
    interpolation when the two are (anti)parallel.

    Args:
        z0, z1: arrays `(latent_dim,)` or `(batch, latent_dim)`.
        t: float or array `(steps,)` in [0, 1].

    Returns:
        float32 `(steps, ..., latent_dim)` when `t` is an array, else the shape of `z0`.
    """
    z0 = np.asarray(z0, dtype="float64")
    z1 = np.asarray(z1, dtype="float64")
    if z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must have the same shape. Received {z0.shape} and {z1.shape}.")
    t_array = np.asarray(t, dtype="float64")
    ts = t_array.reshape((-1,) + (1,) * z0.ndim)
    unit0 = z0 / np.linalg.norm(z0, axis=-1, keepdims=True)
    unit1 = z1 / np.linalg.norm(z1, axis=-1, keepdims=True)
    omega = np.arccos(np.clip(np.sum(unit0 * unit1, axis=-1, keepdims=True), -1.0, 1.0))
    sin_omega = np.sin(omega)
    near_parallel = np.abs(sin_omega) < 1e-6
    safe = np.where(near_parallel, 1.0, sin_omega)
    spherical = (np.sin((1.0 - ts) * omega) * z0 + np.sin(ts * omega) * z1) / safe
    linear = (1.0 - ts) * z0 + ts * z1
    result = np.where(near_parallel, linear, spherical).astype("float32")
    return result if t_array.ndim else result[0]


def interpolate(z0, z1, steps, method="slerp"):
    """`steps` latents from `z0` to `z1` inclusive, by `"slerp"` or `"linear"`.

    Args:
        z0, z1: arrays `(latent_dim,)`.
        steps: int ≥ 2.
        method: `"slerp"` (default) or `"linear"`.

    Returns:
        float32 `(steps, latent_dim)`.
    """
    check_int(steps, "steps", minimum=2)
    t = np.linspace(0.0, 1.0, steps)
    if method == "slerp":
        return slerp(z0, z1, t)
    if method == "linear":
        z0, z1 = np.asarray(z0, "float32"), np.asarray(z1, "float32")
        return ((1.0 - t)[:, None] * z0 + t[:, None] * z1).astype("float32")
    raise ValueError(f"method must be 'slerp' or 'linear'. Received: method={method!r}")


def latent_arithmetic(minuend, subtrahend, addend):
    """Vector arithmetic on concept latents: mean(a) − mean(b) + mean(c).

    The DCGAN paper averages three exemplar latents per concept before the
    arithmetic ("smiling woman − neutral woman + neutral man = smiling man").

    Args:
        minuend, subtrahend, addend: arrays `(k, latent_dim)` (exemplars of
            each concept) or `(latent_dim,)`.

    Returns:
        float32 `(latent_dim,)`.
    """
    means = [
        np.asarray(a, dtype="float64").reshape(-1, np.shape(a)[-1]).mean(axis=0)
        for a in (minuend, subtrahend, addend)
    ]
    if len({m.shape for m in means}) != 1:
        raise ValueError(
            f"All concepts need the same latent size. Received {[m.shape for m in means]}."
        )
    return (means[0] - means[1] + means[2]).astype("float32")
