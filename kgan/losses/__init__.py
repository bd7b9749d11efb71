"""Adversarial losses and discriminator regularisers."""

from kgan.losses.adversarial import (
    ADVERSARIAL_LOSSES,
    discriminator_hinge_loss,
    discriminator_least_squares_loss,
    discriminator_minimax_loss,
    discriminator_non_saturating_loss,
    discriminator_wasserstein_loss,
    generator_hinge_loss,
    generator_least_squares_loss,
    generator_minimax_loss,
    generator_non_saturating_loss,
    generator_wasserstein_loss,
    get_adversarial_loss,
)
from kgan.losses.penalties import gradient_penalty, interpolate

__all__ = [
    "ADVERSARIAL_LOSSES",
    "discriminator_hinge_loss",
    "discriminator_least_squares_loss",
    "discriminator_minimax_loss",
    "discriminator_non_saturating_loss",
    "discriminator_wasserstein_loss",
    "generator_hinge_loss",
    "generator_least_squares_loss",
    "generator_minimax_loss",
    "generator_non_saturating_loss",
    "generator_wasserstein_loss",
    "get_adversarial_loss",
    "gradient_penalty",
    "interpolate",
]
