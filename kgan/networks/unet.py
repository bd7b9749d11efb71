"""The U-Net generator of pix2pix: an encoder-decoder with skip connections."""

import keras

from kgan.layers.convolution import Conv2D, Conv2DTranspose
from kgan.layers.normalization import check_normalization, normalization_layer
from kgan.utils.validation import check_image_shape, check_int, check_number_in


def init():
    """The N(0, 0.02) weight initialiser of the translation networks (pix2pix, CycleGAN)."""
    return keras.initializers.RandomNormal(stddev=0.02)


def unet_generator(
    image_shape,
    output_channels=None,
    base_filters=64,
    max_filters=None,
    depth=None,
    dropout=0.5,
    normalization="batch",
    instance_affine=False,
    name="unet_generator",
):
    """U-Net generator: Conv(4, 2), [LeakyReLU Conv(4, 2) norm]×(depth − 1) down to
    the bottleneck, then [ReLU ConvT(4, 2) norm [Dropout], concatenate the mirrored
    encoder features]×(depth − 1), ReLU ConvT(4, 2) tanh.

    With the defaults this is the pix2pix/CycleGAN authors' `UnetGenerator`
    (`netG="unet_256"` for depth 8 at 256×256, `"unet_128"` for depth 7 at
    128×128): no normalisation after the first and the innermost convolution;
    the skip features are the encoder's LeakyReLU outputs and come first in each
    concatenation, which the decoder's ReLU then also rectifies (the authors'
    in-place activations do both); filters `base_filters · min(2**level, 8)`;
    convolutions with a bias only under instance normalisation (the output layer
    always has one); instance normalisation without scale and offset. Dropout, the
    generator's only noise, follows the decoder layers with `8 · base_filters`
    filters except the innermost one (`depth − 5` layers, as `use_dropout` in the
    authors' code): active in training, off in inference (`training=False`).
    pix2pix's test script runs the generator in training mode (batch statistics,
    dropout) unless `--eval`: call the model with `training=True` for that.

    Args:
        image_shape: `(height, width, channels)` of the input images; height and
            width divisible by `2**depth`.
        output_channels: int or None (default: the input's channels).
        base_filters: int, default 64, filters of the first encoder layer,
            doubled per level up to `max_filters`.
        max_filters: int or None (default `8 * base_filters`, the authors').
        depth: int ≥ 2 or None (default: down to 1×1, `log2(min(height, width))`),
            the number of 2× downsamplings.
        dropout: float in [0, 1), default 0.5.
        normalization: `"batch"` (default), `"instance"` or None.
        instance_affine: bool, default False; True gives instance normalisation a
            learned scale and offset.
        name: str.

    Returns:
        `keras.Model`: images `(batch, *image_shape)` in [-1, 1] → images
        `(batch, height, width, output_channels)` in [-1, 1].

    Example:
        >>> g = kgan.networks.unet_generator((32, 32, 1), base_filters=16)
        >>> g(keras.ops.zeros((2, 32, 32, 1))).shape   # (2, 32, 32, 1)

    Reference:
        Ronneberger et al. 2015, "U-Net"; Isola et al. 2017, "Image-to-Image
        Translation with Conditional Adversarial Networks" (pix2pix);
        `models/networks.py` of github.com/junyanz/pytorch-CycleGAN-and-pix2pix.
    """
    output_channels, depth = check_unet_arguments(
        image_shape, output_channels, base_filters, max_filters, depth, dropout, normalization
    )
    images = keras.Input(image_shape, name="images")
    skips = unet_encoder(images, depth, base_filters, max_filters, normalization, instance_affine)
    outputs = unet_decoder(skips[-1], skips, output_channels, base_filters, max_filters, dropout,
                           normalization, instance_affine)
    return keras.Model(images, outputs, name=name)


def check_unet_arguments(image_shape, output_channels, base_filters, max_filters, depth, dropout,
                         normalization):
    """Validates the U-Net's arguments; returns `(output_channels, depth)` with
    their defaults resolved."""
    height, width, channels = check_image_shape(image_shape)
    output_channels = channels if output_channels is None else output_channels
    check_int(output_channels, "output_channels")
    check_int(base_filters, "base_filters")
    if max_filters is not None:
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
    cap = 8 * base_filters if max_filters is None else max_filters
    return min(base_filters * 2**level, cap)


def _conv(filters, use_bias, transposed=False, **kwargs):
    layer = Conv2DTranspose if transposed else Conv2D
    return layer(filters, 4, strides=2, padding="same", use_bias=use_bias,
                 kernel_initializer=init(), **kwargs)


def unet_encoder(images, depth, base_filters, max_filters, normalization, instance_affine=False):
    """The U-Net's encoder: Conv(4, 2), then [LeakyReLU Conv(4, 2) norm]×(depth − 1),
    the innermost level not normalised. Returns `depth` tensors: the LeakyReLU
    outputs of the first `depth − 1` levels (the skip features) and the
    bottleneck (the innermost convolution's output, not activated)."""
    use_bias = normalization == "instance"
    h = _conv(_filters(0, base_filters, max_filters), use_bias)(images)
    skips = []
    for level in range(1, depth):
        h = keras.layers.LeakyReLU(0.2)(h)
        skips.append(h)
        h = _conv(_filters(level, base_filters, max_filters), use_bias)(h)
        if level < depth - 1:
            h = normalization_layer(normalization, instance_affine=instance_affine)(h)
    return skips + [h]


def unet_decoder(h, skips, output_channels, base_filters, max_filters, dropout, normalization,
                 instance_affine=False):
    """The U-Net's decoder from the bottleneck features `h`: [ReLU ConvT(4, 2) norm
    [Dropout], concatenate after the mirrored level of `skips`]… → ReLU ConvT tanh.
    Dropout follows the levels 3 … depth − 3 (the authors' `8 · base_filters`
    layers below the innermost one)."""
    depth = len(skips)
    use_bias = normalization == "instance"
    for level in reversed(range(depth - 1)):
        h = keras.layers.ReLU()(h)
        h = _conv(_filters(level, base_filters, max_filters), use_bias, transposed=True)(h)
        h = normalization_layer(normalization, instance_affine=instance_affine)(h)
        if dropout and 3 <= level <= depth - 3:
            h = keras.layers.Dropout(dropout)(h)
        h = keras.layers.Concatenate()([skips[level], h])
    h = keras.layers.ReLU()(h)
    return _conv(output_channels, True, transposed=True, activation="tanh")(h)
