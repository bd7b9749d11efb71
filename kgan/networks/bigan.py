"""Encoder and joint discriminator builders for BiGAN / ALI (Donahue et al. 2017)."""

import keras

from kgan.networks.dcgan import _init, dcgan_discriminator
from kgan.utils.validation import check_int, check_number_in


def bigan_encoder(image_shape=(32, 32, 1), latent_dim=64, base_filters=64, name="encoder"):
    """Encoder E: images → latents, DCGAN's discriminator trunk with a linear head.

    [Conv(4, 2) BN LeakyReLU(0.2)]… → flatten → Dense(latent_dim), the
    deterministic encoder of BiGAN (ALI's stochastic encoder is not offered).

    Args:
        image_shape: `(size, size, channels)`, size 4·2^k or 7·2^k (16, 28, 32, ...).
            Default `(32, 32, 1)`.
        latent_dim: int > 0, default 64.
        base_filters: int, filters of the first convolution, doubled per step. Default 64.

    Returns:
        `keras.Model`: images `(batch, *image_shape)` in [-1, 1] → latents `(batch, latent_dim)`.
    """
    check_int(latent_dim, "latent_dim")
    trunk = dcgan_discriminator(image_shape, base_filters, include_head=False, name=f"{name}_trunk")
    x = keras.Input(tuple(image_shape), name="images")
    z = keras.layers.Dense(latent_dim, kernel_initializer=_init(), name="latents")(trunk(x))
    return keras.Model(x, z, name=name)


def bigan_discriminator(
    image_shape=(32, 32, 1),
    latent_dim=64,
    base_filters=64,
    width=512,
    dropout=0.2,
    name="discriminator",
):
    """Joint discriminator D(x, z) → logit.

    The image goes through DCGAN's convolutional trunk (no normalisation: real
    pairs and generated pairs are seen in separate batches), the latent through
    two Dense(width) LeakyReLU(0.2) layers; the two feature vectors are
    concatenated and a Dense(width) LeakyReLU layer with dropout before and
    after gives one logit, as in BiGAN / ALI.

    Args:
        image_shape: `(size, size, channels)`, as for `bigan_encoder`. Default `(32, 32, 1)`.
        latent_dim: int > 0, default 64.
        base_filters: int, filters of the first convolution. Default 64.
        width: int > 0, units of the latent and joint layers. Default 512.
        dropout: float in [0, 1), dropout rate of the joint layers. Default 0.2.

    Returns:
        `keras.Model` with inputs `[images (batch, *image_shape), latents
        (batch, latent_dim)]` and logits `(batch, 1)`.
    """
    check_int(latent_dim, "latent_dim")
    check_int(width, "width")
    check_number_in(dropout, "dropout", 0, 1, closed="left")
    trunk = dcgan_discriminator(
        image_shape, base_filters, normalization=None, include_head=False, name=f"{name}_trunk"
    )
    x = keras.Input(tuple(image_shape), name="images")
    z = keras.Input((latent_dim,), name="latents")
    h_z = z
    for _ in range(2):
        h_z = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(width, kernel_initializer=_init())(h_z))
    h = keras.layers.Concatenate()([trunk(x), h_z])
    h = keras.layers.Dropout(dropout)(h)
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(width, kernel_initializer=_init())(h))
    h = keras.layers.Dropout(dropout)(h)
    logits = keras.layers.Dense(1, kernel_initializer=_init())(h)
    return keras.Model([x, z], logits, name=name)
