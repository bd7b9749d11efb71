"""Fully connected networks for low-dimensional data (2-D mixtures)."""

import keras

from kgan.layers.spectral_normalization import SpectralNormalization
from kgan.utils.validation import check_bool, check_int


def mlp_generator(latent_dim, output_dim, width=256, depth=3, name="generator"):
    """A ReLU MLP generator with a linear output.

    Args:
        latent_dim: int > 0, input size.
        output_dim: int > 0, sample size (2 for the Gaussian mixtures).
        width: int, hidden units per layer, default 256.
        depth: int, hidden layers, default 3.

    Returns:
        `keras.Model`: `(batch, latent_dim)` → `(batch, output_dim)`.
    """
    for name, value in (("latent_dim", latent_dim), ("output_dim", output_dim), ("width", width),
                        ("depth", depth)):
        check_int(value, name)
    z = keras.Input((latent_dim,), name="z")
    h = z
    for _ in range(depth):
        h = keras.layers.Dense(width, activation="relu")(h)
    return keras.Model(z, keras.layers.Dense(output_dim)(h), name=name)


def mlp_discriminator(input_dim, width=256, depth=3, spectral_norm=False, name="discriminator"):
    """A LeakyReLU(0.2) MLP discriminator with one logit output.

    The hidden activations are named `hidden_1` … `hidden_<depth>` (e.g. for
    `feature_matching_layer` of `kgan.models.GAN`).

    Args:
        input_dim: int > 0, sample size.
        width: int, hidden units per layer, default 256.
        depth: int, hidden layers, default 3.
        spectral_norm: bool, default False. Wrap every Dense layer in
            `kgan.layers.SpectralNormalization` (Miyato et al. 2018).

    Returns:
        `keras.Model`: `(batch, input_dim)` → logits `(batch, 1)`.
    """
    for name, value in (("input_dim", input_dim), ("width", width), ("depth", depth)):
        check_int(value, name)
    check_bool(spectral_norm, "spectral_norm")

    def dense(units):
        layer = keras.layers.Dense(units)
        return SpectralNormalization(layer) if spectral_norm else layer

    x = keras.Input((input_dim,), name="x")
    h = x
    for i in range(depth):
        h = keras.layers.LeakyReLU(0.2, name=f"hidden_{i + 1}")(dense(width)(h))
    return keras.Model(x, dense(1)(h), name=name)
