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
