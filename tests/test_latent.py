"""Latent interpolation and arithmetic."""

import numpy as np
import pytest

from kgan.latent import interpolate, latent_arithmetic, slerp


def test_slerp_endpoints_and_norm():
    rng = np.random.default_rng(0)
    z0, z1 = rng.standard_normal(64), rng.standard_normal(64)
    path = interpolate(z0, z1, 9)
    assert path.shape == (9, 64)
    np.testing.assert_allclose(path[0], z0, rtol=1e-5)
    np.testing.assert_allclose(path[-1], z1, rtol=1e-5)
    # Equal-norm endpoints stay on the sphere; linear interpolation shrinks.
    z1 = z1 / np.linalg.norm(z1) * np.linalg.norm(z0)
    norms = np.linalg.norm(interpolate(z0, z1, 9), axis=1)
    np.testing.assert_allclose(norms, np.linalg.norm(z0), rtol=1e-5)
    assert np.linalg.norm(interpolate(z0, z1, 9, "linear")[4]) < 0.9 * np.linalg.norm(z0)


def test_slerp_parallel_falls_back_to_linear():
    z = np.ones(4)
    np.testing.assert_allclose(slerp(z, 2 * z, 0.5), 1.5 * z)


def test_latent_arithmetic_averages_exemplars():
    a = np.array([[1.0, 0.0], [3.0, 0.0]])
    b = np.array([[0.0, 1.0]])
    c = np.array([0.0, 0.0])
    np.testing.assert_allclose(latent_arithmetic(a, b, c), [2.0, -1.0])


def test_interpolate_errors():
    with pytest.raises(ValueError, match="steps must be an integer ≥ 2"):
        interpolate(np.zeros(2), np.ones(2), 1)
    with pytest.raises(ValueError, match="method must be"):
        interpolate(np.zeros(2), np.ones(2), 3, "cubic")
