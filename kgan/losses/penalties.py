"""Regularisers of the discriminator, as plain functions of tensors."""

from keras import ops


def interpolate(real, fake, alpha):
    """Points on the lines between real and fake samples: α·real + (1 − α)·fake.

    Args:
        real: tensor `(batch, ...)`.
        fake: tensor of the same shape.
        alpha: tensor `(batch, 1, ..., 1)` (broadcastable, one weight per
            sample), values in [0, 1]; WGAN-GP draws it uniformly.
    """
    return alpha * real + (1.0 - alpha) * fake


def gradient_penalty(gradients, target_norm=1.0):
    """WGAN-GP penalty: E[(‖∇D(x̂)‖₂ − target_norm)²].

    Args:
        gradients: tensor `(batch, ...)`, the critic's gradient with respect to
            its inputs at the interpolated points (see `kgan.backend.input_gradients`).
        target_norm: float, default 1.

    Reference:
        Gulrajani et al. 2017, "Improved Training of Wasserstein GANs".
    """
    batch = ops.shape(gradients)[0]
    squared = ops.sum(ops.square(ops.reshape(gradients, (batch, -1))), axis=-1)
    # The epsilon keeps the gradient of the norm finite where it is zero.
    norms = ops.sqrt(squared + 1e-12)
    return ops.mean(ops.square(norms - target_norm))


def _mean_squared_norm(gradients):
    batch = ops.shape(gradients)[0]
    return ops.mean(ops.sum(ops.square(ops.reshape(gradients, (batch, -1))), axis=-1))


def r1_penalty(real_gradients):
    """R1: E_x[‖∇D(x)‖₂²] on real samples, the zero-centred gradient penalty.

    A model adds `gamma / 2 · r1_penalty` to the discriminator loss (the
    StyleGAN convention).

    Args:
        real_gradients: tensor `(batch, ...)`, the discriminator's gradient with
            respect to real inputs (see `kgan.backend.input_gradients`).

    Returns:
        Scalar: the mean over the batch of the squared gradient norm.

    Reference:
        Mescheder et al. 2018, "Which Training Methods for GANs do actually
        Converge?".
    """
    return _mean_squared_norm(real_gradients)


def r2_penalty(fake_gradients):
    """R2: E_z[‖∇D(G(z))‖₂²] on generated samples, the zero-centred penalty on fakes.

    Args:
        fake_gradients: tensor `(batch, ...)`, the discriminator's gradient with
            respect to generated inputs.

    Returns:
        Scalar: the mean over the batch of the squared gradient norm.

    Reference:
        Mescheder et al. 2018, "Which Training Methods for GANs do actually
        Converge?"; Huang et al. 2024, "The GAN is dead; long live the GAN! A
        Modern Baseline GAN" (R1 + R2 in R3GAN).
    """
    return _mean_squared_norm(fake_gradients)


def drift_penalty(real_logits):
    """ProgressiveGAN's drift term: E_x[D(x)²] on real samples.

    A Wasserstein critic's loss is unchanged when all its scores shift by a
    constant, so they can drift far from zero; this small penalty (weight
    ε_drift = 0.001 in the paper) keeps them near it.

    Args:
        real_logits: tensor `(batch, 1)`, the critic's scores of real samples.

    Returns:
        Scalar: the mean squared score.

    Reference:
        Karras et al. 2018, "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", Appendix A.1.
    """
    return ops.mean(ops.square(real_logits))
