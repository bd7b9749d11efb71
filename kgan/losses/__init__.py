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
from kgan.losses.bidirectional import (
    discriminator_bidirectional_loss,
    generator_bidirectional_loss,
)
from kgan.losses.orthogonal import orthogonal_penalty
from kgan.losses.path_length import path_length_penalty, path_lengths
from kgan.losses.penalties import (
    drift_penalty,
    gradient_penalty,
    interpolate,
    r1_penalty,
    r2_penalty,
)
from kgan.losses.reconstruction import (
    attribute_classification_loss,
    condition_regression_loss,
    content_loss,
    l1_loss,
    total_variation_loss,
)
from kgan.losses.relativistic import (
    discriminator_relativistic_loss,
    generator_relativistic_loss,
)
from kgan.losses.semi_supervised import (
    discriminator_semi_supervised_loss,
    generator_feature_matching_loss,
    generator_semi_supervised_loss,
    masked_classification_loss,
)

__all__ = [
    "discriminator_bidirectional_loss",
    "generator_bidirectional_loss",
    "discriminator_semi_supervised_loss",
    "generator_feature_matching_loss",
    "generator_semi_supervised_loss",
    "masked_classification_loss",
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
    "drift_penalty",
    "gradient_penalty",
    "interpolate",
    "orthogonal_penalty",
    "path_length_penalty",
    "path_lengths",
    "r1_penalty",
    "r2_penalty",
    "discriminator_relativistic_loss",
    "generator_relativistic_loss",
    "attribute_classification_loss",
    "condition_regression_loss",
    "content_loss",
    "l1_loss",
    "total_variation_loss",
]
