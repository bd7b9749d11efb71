"""Adversarial losses as plain functions of discriminator logits.

Each kind is a pair `discriminator_<kind>_loss(real_logits, fake_logits)` /
`generator_<kind>_loss(fake_logits)`. Logits are raw discriminator outputs of
any shape `(batch, ...)`; every loss is a scalar mean over all elements.
`get_adversarial_loss(name)` picks a pair by name.

Reference:
    Goodfellow et al. 2014 (minimax, non-saturating); Mao et al. 2017 (least
    squares); Lim & Ye 2017 / Miyato et al. 2018 (hinge); Arjovsky et al. 2017
    (Wasserstein).
"""

from keras import ops


def _real_target_bce(logits, target):
    # Binary cross-entropy of sigmoid(logits) against a constant target in [0, 1]:
    # -t log σ(l) - (1 - t) log(1 - σ(l)) = t softplus(-l) + (1 - t) softplus(l).
    return ops.mean(target * ops.softplus(-logits) + (1.0 - target) * ops.softplus(logits))


def discriminator_minimax_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Binary cross-entropy: −log D(x) − log(1 − D(G(z))), D = sigmoid(logits).

    Args:
        real_logits: tensor `(batch, ...)`, discriminator logits on real data.
        fake_logits: tensor `(batch, ...)`, discriminator logits on generated data.
        label_smoothing: float in [0, 1), default 0. One-sided: real targets
            become `1 - label_smoothing`; fake targets stay 0 (Salimans et al. 2016).
    """
    return _real_target_bce(real_logits, 1.0 - label_smoothing) + ops.mean(
        ops.softplus(fake_logits)
    )


def generator_minimax_loss(fake_logits):
    """The original minimax generator loss, log(1 − D(G(z))) = −softplus(logits)."""
    return -ops.mean(ops.softplus(fake_logits))


# The non-saturating GAN trains the same discriminator as the minimax one.
discriminator_non_saturating_loss = discriminator_minimax_loss


def generator_non_saturating_loss(fake_logits):
    """The non-saturating generator loss, −log D(G(z)) = softplus(−logits)."""
    return ops.mean(ops.softplus(-fake_logits))


def discriminator_least_squares_loss(real_logits, fake_logits, a=0.0, b=1.0):
    """LSGAN discriminator loss: ½ E[(D(x) − b)²] + ½ E[(D(G(z)) − a)²].

    Mao et al. 2017 name the targets a (for fake data), b (for real data) and c
    (the value the generator wants the discriminator to give its samples, see
    `generator_least_squares_loss`). Their two choices are a=0, b=1, c=1 (the
    default, "0-1 coding") and a=−1, b=1, c=0 (b − c = 1, b − a = 2, which makes
    the objective a Pearson χ² divergence).

    Args:
        real_logits: tensor `(batch, ...)`, raw discriminator outputs on real data.
        fake_logits: tensor `(batch, ...)`, raw discriminator outputs on generated data.
        a: float, default 0. Target for generated data.
        b: float, default 1. Target for real data.
    """
    return 0.5 * ops.mean(ops.square(real_logits - b)) + 0.5 * ops.mean(
        ops.square(fake_logits - a)
    )


def generator_least_squares_loss(fake_logits, c=1.0):
    """LSGAN generator loss: ½ E[(D(G(z)) − c)²].

    Args:
        fake_logits: tensor `(batch, ...)`, raw discriminator outputs on generated data.
        c: float, default 1. The value the generator wants D to give its samples.
    """
    return 0.5 * ops.mean(ops.square(fake_logits - c))


def discriminator_hinge_loss(real_logits, fake_logits):
    """Hinge: E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))]."""
    return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))


def generator_hinge_loss(fake_logits):
    """Hinge generator loss: −E[D(G(z))]."""
    return -ops.mean(fake_logits)


def discriminator_wasserstein_loss(real_logits, fake_logits):
    """Critic loss: E[D(G(z))] − E[D(x)] (the negated Wasserstein estimate)."""
    return ops.mean(fake_logits) - ops.mean(real_logits)


def generator_wasserstein_loss(fake_logits):
    """Wasserstein generator loss: −E[D(G(z))]."""
    return -ops.mean(fake_logits)


ADVERSARIAL_LOSSES = {
    "minimax": (discriminator_minimax_loss, generator_minimax_loss),
    "non_saturating": (discriminator_non_saturating_loss, generator_non_saturating_loss),
    "least_squares": (discriminator_least_squares_loss, generator_least_squares_loss),
    "hinge": (discriminator_hinge_loss, generator_hinge_loss),
    "wasserstein": (discriminator_wasserstein_loss, generator_wasserstein_loss),
}


def get_adversarial_loss(name):
    """Returns `(discriminator_loss, generator_loss)` for a loss name.

    Args:
        name: one of `"minimax"`, `"non_saturating"`, `"least_squares"`,
            `"hinge"`, `"wasserstein"`.
    """
    if name not in ADVERSARIAL_LOSSES:
        raise ValueError(
            f"loss must be one of {sorted(ADVERSARIAL_LOSSES)}. Received: loss={name!r}"
        )
    return ADVERSARIAL_LOSSES[name]
