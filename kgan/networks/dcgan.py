"""DCGAN generator and discriminator builders (Radford et al. 2016).

The paper's rules: strided convolutions instead of pooling, batch
normalisation, no fully connected hidden layers, ReLU in the generator with tanh
output, LeakyReLU(0.2) in the discriminator, weights from N(0, 0.02).
"""

import keras

from kgan.layers.spectral_normalization import SpectralNormalization
from kgan.utils.validation import check_bool

_NORMALIZATIONS = ("batch", "layer", None)


def _init():
    return keras.initializers.RandomNormal(stddev=0.02)


def _base_size(image_size):
    """Splits an image size into (start size 4 or 7, number of 2× upsamplings)."""
    for start in (4, 7):
        size, steps = image_size, 0
        while size > start and size % 2 == 0:
            size, steps = size // 2, steps + 1
        if size == start and steps >= 1:
            return start, steps
    raise ValueError(
        "DCGAN image size must be 4·2^k or 7·2^k with k ≥ 1 (e.g. 16, 28, 32, 64). "
        f"Received: image_size={image_size!r}"
    )


def _check_image_shape(image_shape):
    if len(image_shape) != 3 or image_shape[0] != image_shape[1] or image_shape[2] not in (1, 3):
        raise ValueError(
            "image_shape must be (size, size, channels) with channels 1 or 3. "
            f"Received: image_shape={image_shape!r}"
        )
    return _base_size(image_shape[0])


def _normalize(h, normalization):
    if normalization == "batch":
        return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(h)
    if normalization == "layer":
        return keras.layers.LayerNormalization(axis=(1, 2, 3))(h)
    return h


def dcgan_generator(latent_dim, image_shape=(32, 32, 1), base_filters=64, name="generator"):
    """DCGAN generator: z → project → [ConvT(4, 2) BN ReLU]… → ConvT tanh.

    Args:
        latent_dim: int > 0.
        image_shape: `(size, size, channels)`, size 4·2^k or 7·2^k (16, 28, 32,
            64, ...), channels 1 (grey) or 3 (RGB). Default `(32, 32, 1)`.
        base_filters: int, filters of the last hidden layer; doubled per
            resolution step towards the input. Default 64.

    Returns:
        `keras.Model`: `(batch, latent_dim)` → images `(batch, *image_shape)` in [-1, 1].
    """
    start, steps = _check_image_shape(tuple(image_shape))
    if latent_dim <= 0:
        raise ValueError(f"latent_dim must be positive. Received: latent_dim={latent_dim!r}")
    filters = base_filters * 2 ** (steps - 1)
    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(start * start * filters, use_bias=False, kernel_initializer=_init())(z)
    h = keras.layers.Reshape((start, start, filters))(h)
    h = keras.layers.ReLU()(_normalize(h, "batch"))
    for _ in range(steps - 1):
        filters //= 2
        h = keras.layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", use_bias=False, kernel_initializer=_init()
        )(h)
        h = keras.layers.ReLU()(_normalize(h, "batch"))
    images = keras.layers.Conv2DTranspose(
        image_shape[2], 4, strides=2, padding="same", activation="tanh", kernel_initializer=_init()
    )(h)
    return keras.Model(z, images, name=name)


def dcgan_discriminator(
    image_shape=(32, 32, 1),
    base_filters=64,
    normalization="batch",
    include_head=True,
    spectral_norm=False,
    name="discriminator",
):
    """DCGAN discriminator: [Conv(4, 2) norm LeakyReLU(0.2)]… → flatten → logit.

    Args:
        image_shape: `(size, size, channels)` as for `dcgan_generator`; channels
            may exceed 3 when labels are concatenated as extra channels.
        base_filters: int, filters of the first layer, doubled per step. Default 64.
        normalization: `"batch"` (the paper), `"layer"` (for WGAN-GP critics,
            whose penalty needs per-sample outputs) or None. Never on the first layer.
        include_head: bool, default True. False returns the flattened features
            instead of the logit (for a projection discriminator).
        spectral_norm: bool, default False. Wrap every convolution and the head
            in `kgan.layers.SpectralNormalization` (Miyato et al. 2018, who
            use no other normalisation: combine with `normalization=None`).

    The flattened features are the layer named `features` (e.g. for
    `feature_matching_layer` of `kgan.models.GAN`).

    Returns:
        `keras.Model`: images `(batch, *image_shape)` → logits `(batch, 1)`, or
        features `(batch, F)` without the head.
    """
    if normalization not in _NORMALIZATIONS:
        raise ValueError(
            f"normalization must be one of {_NORMALIZATIONS}. Received: normalization={normalization!r}"
        )
    image_shape = tuple(image_shape)
    if len(image_shape) != 3 or image_shape[0] != image_shape[1]:
        raise ValueError(f"image_shape must be (size, size, channels). Received: {image_shape!r}")
    check_bool(spectral_norm, "spectral_norm")

    def weighted(layer):
        return SpectralNormalization(layer) if spectral_norm else layer

    _, steps = _base_size(image_shape[0])
    x = keras.Input(image_shape, name="images")
    h, filters = x, base_filters
    for step in range(steps):
        h = weighted(
            keras.layers.Conv2D(filters, 4, strides=2, padding="same", kernel_initializer=_init())
        )(h)
        if step > 0:
            h = _normalize(h, normalization)
        h = keras.layers.LeakyReLU(0.2)(h)
        filters *= 2
    h = keras.layers.Flatten(name="features")(h)
    if include_head:
        h = weighted(keras.layers.Dense(1, kernel_initializer=_init()))(h)
    return keras.Model(x, h, name=name)
