"""Every adversarial loss and penalty against a value computed by hand."""

import math

import numpy as np
import pytest
from keras import ops

from kgan import losses

REAL = np.array([[2.0], [-1.0]], dtype="float32")
FAKE = np.array([[0.5], [-3.0]], dtype="float32")


def softplus(x):
    return math.log1p(math.exp(x))


def value(x):
    return float(ops.convert_to_numpy(x))


def test_minimax_discriminator_is_binary_cross_entropy():
    expected = (softplus(-2.0) + softplus(1.0)) / 2 + (softplus(0.5) + softplus(-3.0)) / 2
    assert value(losses.discriminator_minimax_loss(REAL, FAKE)) == pytest.approx(expected, rel=1e-6)


def test_label_smoothing_changes_real_targets_only():
    s = 0.1
    real_part = np.mean([0.9 * softplus(-r) + 0.1 * softplus(r) for r in (2.0, -1.0)])
    fake_part = np.mean([softplus(f) for f in (0.5, -3.0)])
    got = value(losses.discriminator_minimax_loss(REAL, FAKE, label_smoothing=s))
    assert got == pytest.approx(real_part + fake_part, rel=1e-6)
    # Fake terms are untouched: with no real samples' contribution changed, the
    # difference equals the change of the real part only.
    unsmoothed = value(losses.discriminator_minimax_loss(REAL, FAKE))
    assert got - unsmoothed == pytest.approx(
        real_part - np.mean([softplus(-2.0), softplus(1.0)]), rel=1e-5
    )


def test_generator_minimax_and_non_saturating():
    assert value(losses.generator_minimax_loss(FAKE)) == pytest.approx(
        -(softplus(0.5) + softplus(-3.0)) / 2, rel=1e-6
    )
    assert value(losses.generator_non_saturating_loss(FAKE)) == pytest.approx(
        (softplus(-0.5) + softplus(3.0)) / 2, rel=1e-6
    )


def test_least_squares_with_the_papers_two_target_codings():
    # 0-1-1 coding (the default): a=0 for fake, b=1 for real, c=1 for G.
    expected_d = 0.5 * ((2 - 1) ** 2 + (-1 - 1) ** 2) / 2 + 0.5 * (0.5**2 + 3.0**2) / 2
    assert value(losses.discriminator_least_squares_loss(REAL, FAKE)) == pytest.approx(expected_d)
    assert value(losses.generator_least_squares_loss(FAKE)) == pytest.approx(
        0.5 * ((0.5 - 1) ** 2 + (-3 - 1) ** 2) / 2
    )
    # -1-1-0 coding: a=-1, b=1, c=0.
    expected_d = 0.5 * ((2 - 1) ** 2 + (-1 - 1) ** 2) / 2 + 0.5 * (1.5**2 + 2.0**2) / 2
    got = losses.discriminator_least_squares_loss(REAL, FAKE, a=-1.0, b=1.0)
    assert value(got) == pytest.approx(expected_d)
    assert value(losses.generator_least_squares_loss(FAKE, c=0.0)) == pytest.approx(
        0.5 * (0.5**2 + 3.0**2) / 2
    )


def test_hinge():
    expected_d = (max(0, 1 - 2) + max(0, 1 + 1)) / 2 + (max(0, 1 + 0.5) + max(0, 1 - 3)) / 2
    assert value(losses.discriminator_hinge_loss(REAL, FAKE)) == pytest.approx(expected_d)
    assert value(losses.generator_hinge_loss(FAKE)) == pytest.approx(1.25)


def test_wasserstein():
    assert value(losses.discriminator_wasserstein_loss(REAL, FAKE)) == pytest.approx(-1.25 - 0.5)
    assert value(losses.generator_wasserstein_loss(FAKE)) == pytest.approx(1.25)


def test_gradient_penalty_and_interpolation():
    gradients = np.array([[3.0, 4.0], [0.0, 0.5]], dtype="float32")  # norms 5 and 0.5
    assert value(losses.gradient_penalty(gradients)) == pytest.approx((16 + 0.25) / 2, rel=1e-5)
    real, fake = np.ones((2, 2), "float32"), np.zeros((2, 2), "float32")
    alpha = np.array([[0.25], [1.0]], dtype="float32")
    np.testing.assert_allclose(
        ops.convert_to_numpy(losses.interpolate(real, fake, alpha)), [[0.25, 0.25], [1.0, 1.0]]
    )


def test_unknown_loss_name_is_rejected():
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.get_adversarial_loss("wasserstien")
