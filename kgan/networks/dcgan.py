"""DCGAN generator and discriminator builders (Radford et al. 2016).

The paper's rules: strided convolutions instead of pooling, batch
normalisation, no fully connected hidden layers, ReLU in the generator with tanh
output, LeakyReLU(0.2) in the discriminator, weights from N(0, 0.02).
"""

import math

import keras

from kgan.layers.convolution import Conv2D, Conv2DTranspose
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


def _feature_sizes(image_size, smallest_size):
    """The feature-map sizes of the stride-2 layers, from the image down.

    Args:
        image_size: int, the image's height and width.
        smallest_size: None (4·2^k or 7·2^k images halved down to 4 or 7) or
            an int ≥ 1 that halving the image size, rounded up, reaches
            (DCGAN-tensorflow's `conv_out_size_same`: 28 → 14 → 7 → 4 → 2).

    Returns:
        list of ints, e.g. `[28, 14, 7]` (None) or `[28, 14, 7, 4, 2]` (2).
    """
    if smallest_size is None:
        start, steps = _base_size(image_size)
        return [start * 2**step for step in range(steps, -1, -1)]
    sizes = [image_size]
    while sizes[-1] > 1:
        sizes.append(math.ceil(sizes[-1] / 2))
    if isinstance(smallest_size, bool) or smallest_size not in sizes[1:]:
        raise ValueError(
            "smallest_size must be a size that halving the image size (rounded up) reaches at "
            f"least once: {' → '.join(map(str, sizes))}. Received: smallest_size={smallest_size!r}"
        )
    return sizes[: sizes.index(smallest_size) + 1]


def _check_image_shape(image_shape):
    if len(image_shape) != 3 or image_shape[0] != image_shape[1] or image_shape[2] not in (1, 3):
        raise ValueError(
            "image_shape must be (size, size, channels) with channels 1 or 3. "
            f"Received: image_shape={image_shape!r}"
        )


def _upsample(h, filters, size, **options):
    """ConvT(4, stride 2) to `size`: 2× the input, cropped by one row and
    column where `size` is odd (7 from 4, as DCGAN-tensorflow's output shapes)."""
    h = Conv2DTranspose(
        filters, 4, strides=2, padding="same", kernel_initializer=_init(), **options
    )(h)
    if size < h.shape[1]:
        h = keras.layers.Cropping2D(((0, h.shape[1] - size), (0, h.shape[2] - size)))(h)
    return h


def _normalize(h, normalization):
    if normalization == "batch":
        return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(h)
    if normalization == "layer":
        return keras.layers.LayerNormalization(axis=(1, 2, 3))(h)
    return h


def dcgan_generator(latent_dim, image_shape=(32, 32, 1), base_filters=64, smallest_size=None,
                    name="generator"):
    """DCGAN generator: z → project → [ConvT(4, 2) BN ReLU]… → ConvT tanh.

    Args:
        latent_dim: int > 0.
        image_shape: `(size, size, channels)`, channels 1 (grey) or 3 (RGB).
            Default `(32, 32, 1)`.
        base_filters: int, filters of the last hidden layer; doubled per
            resolution step towards the input. Default 64.
        smallest_size: None (default) or int. The size z is projected to.
            None: 4 or 7, for sizes 4·2^k or 7·2^k (16, 28, 32, 64, ...). An
            int: any size that halving the image size, rounded up, reaches;
            odd sizes crop the transposed convolution's output by one row and
            column. E.g. 2 for 28×28 gives 2 → 4 → 7 → 14 → 28, the depth of
            PacGAN's Stacked MNIST generator (with `base_filters=64`: 512,
            256, 128, 64 filters, as theirs; their kernels are 5×5).

    Returns:
        `keras.Model`: `(batch, latent_dim)` → images `(batch, *image_shape)` in [-1, 1].
    """
    image_shape = tuple(image_shape)
    _check_image_shape(image_shape)
    sizes = _feature_sizes(image_shape[0], smallest_size)[::-1]
    if latent_dim <= 0:
        raise ValueError(f"latent_dim must be positive. Received: latent_dim={latent_dim!r}")
    filters = base_filters * 2 ** (len(sizes) - 2)
    start = sizes[0]
    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(start * start * filters, use_bias=False, kernel_initializer=_init())(z)
    h = keras.layers.Reshape((start, start, filters))(h)
    h = keras.layers.ReLU()(_normalize(h, "batch"))
    for size in sizes[1:-1]:
        filters //= 2
        h = _upsample(h, filters, size, use_bias=False)
        h = keras.layers.ReLU()(_normalize(h, "batch"))
    images = _upsample(h, image_shape[2], sizes[-1], activation="tanh")
    return keras.Model(z, images, name=name)


def dcgan_discriminator(
    image_shape=(32, 32, 1),
    base_filters=64,
    normalization="batch",
    include_head=True,
    spectral_norm=False,
    smallest_size=None,
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
        smallest_size: None (default) or int, the size of the last feature
            map: as for `dcgan_generator` (None: 4 or 7; 2 for 28×28 gives
            four convolutions, 28 → 14 → 7 → 4 → 2, as PacGAN's Stacked MNIST
            discriminator).

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

    steps = len(_feature_sizes(image_shape[0], smallest_size)) - 1
    x = keras.Input(image_shape, name="images")
    h, filters = x, base_filters
    for step in range(steps):
        h = weighted(
            Conv2D(filters, 4, strides=2, padding="same", kernel_initializer=_init())
        )(h)
        if step > 0:
            h = _normalize(h, normalization)
        h = keras.layers.LeakyReLU(0.2)(h)
        filters *= 2
    h = keras.layers.Flatten(name="features")(h)
    if include_head:
        h = weighted(keras.layers.Dense(1, kernel_initializer=_init()))(h)
    return keras.Model(x, h, name=name)
