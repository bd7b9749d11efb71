"""The U-Net generator of pix2pix: an encoder-decoder with skip connections."""

import keras

from kgan.layers.normalization import check_normalization, normalization_layer
from kgan.utils.validation import check_image_shape, check_int, check_number_in


def init():
    """The N(0, 0.02) weight initialiser of the translation networks (pix2pix, CycleGAN)."""
    return keras.initializers.RandomNormal(stddev=0.02)


def unet_generator(
    image_shape,
    output_channels=None,
    base_filters=64,
    max_filters=512,
    depth=None,
    dropout=0.5,
    normalization="batch",
    name="unet_generator",
):
    """U-Net generator: [Conv(4, 2) norm LeakyReLU]×depth, then [ConvT(4, 2) norm
    Dropout ReLU, concatenate the mirrored encoder features]… → ConvT tanh.

    The first and the innermost encoder layers are not normalised. Dropout on the
    three innermost decoder layers is the generator's only noise, as in pix2pix:
    it is active in training and off in inference (`training=False`).

    Args:
        image_shape: `(height, width, channels)` of the input images; height and
            width divisible by `2**depth`.
        output_channels: int or None (default: the input's channels).
        base_filters: int, default 64, filters of the first encoder layer,
            doubled per level up to `max_filters`.
        max_filters: int, default 512.
        depth: int ≥ 2 or None (default: down to 1×1, `log2(min(height, width))`),
            the number of 2× downsamplings.
        dropout: float in [0, 1), default 0.5.
        normalization: `"batch"` (default), `"instance"` or None.
        name: str.

    Returns:
        `keras.Model`: images `(batch, *image_shape)` in [-1, 1] → images
        `(batch, height, width, output_channels)` in [-1, 1].

    Example:
        >>> g = kgan.networks.unet_generator((32, 32, 1), base_filters=16)
        >>> g(keras.ops.zeros((2, 32, 32, 1))).shape   # (2, 32, 32, 1)

    Reference:
        Ronneberger et al. 2015, "U-Net"; Isola et al. 2017, "Image-to-Image
        Translation with Conditional Adversarial Networks" (pix2pix).
    """
    output_channels, depth = check_unet_arguments(
        image_shape, output_channels, base_filters, max_filters, depth, dropout, normalization
    )
    images = keras.Input(image_shape, name="images")
    skips = unet_encoder(images, depth, base_filters, max_filters, normalization)
    outputs = unet_decoder(skips[-1], skips, output_channels, base_filters, max_filters, dropout,
                           normalization)
    return keras.Model(images, outputs, name=name)


def check_unet_arguments(image_shape, output_channels, base_filters, max_filters, depth, dropout,
                         normalization):
    """Validates the U-Net's arguments; returns `(output_channels, depth)` with
    their defaults resolved."""
    height, width, channels = check_image_shape(image_shape)
    output_channels = channels if output_channels is None else output_channels
    check_int(output_channels, "output_channels")
    check_int(base_filters, "base_filters")
    check_int(max_filters, "max_filters")
    check_normalization(normalization)
    if depth is None:
        depth = min(height, width).bit_length() - 1
    if not isinstance(depth, int) or depth < 2 or height % 2**depth or width % 2**depth:
        raise ValueError(
            "depth must be an integer ≥ 2 with height and width divisible by 2**depth. "
            f"Received: depth={depth!r}, image_shape={tuple(image_shape)!r}"
        )
    check_number_in(dropout, "dropout", 0, 1, closed="left")
    return output_channels, depth


def _filters(level, base_filters, max_filters):
    return min(base_filters * 2**level, max_filters)


def unet_encoder(images, depth, base_filters, max_filters, normalization):
    """The U-Net's encoder: [Conv(4, 2) norm LeakyReLU]×depth, the first and the
    innermost level not normalised. Returns every level's features, the last
    one the bottleneck."""
    h, skips = images, []
    for level in range(depth):
        h = keras.layers.Conv2D(
            _filters(level, base_filters, max_filters), 4, strides=2, padding="same",
            kernel_initializer=init(),
        )(h)
        if 0 < level < depth - 1:
            h = normalization_layer(normalization)(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        skips.append(h)
    return skips


def unet_decoder(h, skips, output_channels, base_filters, max_filters, dropout, normalization):
    """The U-Net's decoder from the bottleneck features `h`: [ConvT(4, 2) norm
    Dropout ReLU, concatenate the mirrored level of `skips`]… → ConvT tanh."""
    depth = len(skips)
    for level in reversed(range(depth - 1)):
        h = keras.layers.Conv2DTranspose(
            _filters(level, base_filters, max_filters), 4, strides=2, padding="same",
            kernel_initializer=init(),
        )(h)
        h = normalization_layer(normalization)(h)
        if dropout and depth - 2 - level < 3:
            h = keras.layers.Dropout(dropout)(h)
        h = keras.layers.ReLU()(h)
        h = keras.layers.Concatenate()([h, skips[level]])
    return keras.layers.Conv2DTranspose(
        output_channels, 4, strides=2, padding="same", activation="tanh", kernel_initializer=init()
    )(h)
