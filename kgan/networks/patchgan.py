"""Patch discriminators: one real/fake logit per image patch (PatchGAN, StarGAN) or
per pixel (PixelGAN)."""

import keras

from kgan.layers.convolution import Conv2D
from kgan.layers.normalization import check_normalization, normalization_layer
from kgan.networks.unet import init
from kgan.utils.validation import check_image_shape, check_int

PADDINGS = ("authors", "same")


def patchgan_discriminator(
    input_shape, base_filters=64, num_layers=3, normalization="batch", padding="authors",
    instance_affine=False, name="patchgan",
):
    """PatchGAN: Conv(4, 2) LeakyReLU, [Conv(4, 2) norm LeakyReLU]×(num_layers − 1),
    Conv(4, 1) norm LeakyReLU, Conv(4, 1) → a map of logits.

    The network of the pix2pix/CycleGAN authors' code (`NLayerDiscriminator`,
    `netD="basic"` for `num_layers=3`, `"n_layers"` otherwise): LeakyReLU slope
    0.2, no normalisation after the first convolution, instance normalisation
    without scale and offset, and the convolutions followed by a normalisation
    carry a bias only when it is instance normalisation (a batch norm's offset
    makes one redundant; with `normalization=None` they have none either, as in
    the authors' code).

    Each output logit judges one receptive field of the input: 70×70 pixels for
    `num_layers=3` (pix2pix, CycleGAN), 34×34 for 2, 16×16 for 1. For pix2pix the
    input is the condition and the image concatenated along channels.

    Args:
        input_shape: `(height, width, channels)`.
        base_filters: int, default 64; doubled per layer up to 8×.
        num_layers: int ≥ 1, default 3, the number of stride-2 convolutions.
        normalization: `"batch"` (default), `"instance"` or None.
        padding: `"authors"` (default): every convolution zero-pads 1 pixel on each
            side, so the two stride-1 convolutions shrink the map by 1 pixel each
            (a 256×256 input gives 30×30 logits); height and width must be at least
            `3 * 2**num_layers`. `"same"`: Keras "same" padding, logits of exactly
            `height / 2**num_layers`, height and width divisible by `2**num_layers`.
        instance_affine: bool, default False; True gives instance normalisation a
            learned per-channel scale and offset.
        name: str.

    Returns:
        `keras.Model`: images `(batch, *input_shape)` → logits
        `(batch, height // 2**num_layers − 2, width // 2**num_layers − 2, 1)`
        (`padding="authors"`) or `(batch, height / 2**num_layers,
        width / 2**num_layers, 1)` (`"same"`); no sigmoid.

    Example:
        >>> d = kgan.networks.patchgan_discriminator((32, 32, 2), base_filters=16)
        >>> d(keras.ops.zeros((2, 32, 32, 2))).shape   # (2, 2, 2, 1)

    Reference:
        Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial
        Networks", section 3.2.2; `models/networks.py` of
        github.com/junyanz/pytorch-CycleGAN-and-pix2pix.
    """
    height, width, _ = check_image_shape(input_shape, "input_shape")
    check_int(base_filters, "base_filters")
    check_int(num_layers, "num_layers")
    check_normalization(normalization)
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}. Received: padding={padding!r}")
    if padding == "same" and (height % 2**num_layers or width % 2**num_layers):
        raise ValueError(
            f"input_shape's height and width must be divisible by 2**num_layers = "
            f"{2 ** num_layers} with padding='same'. Received: input_shape={tuple(input_shape)!r}"
        )
    if padding == "authors" and min(height, width) < 3 * 2**num_layers:
        raise ValueError(
            f"input_shape's height and width must be at least 3 * 2**num_layers = "
            f"{3 * 2 ** num_layers}. Received: input_shape={tuple(input_shape)!r}"
        )

    def conv(h, filters, strides, use_bias=True):
        if padding == "authors":
            h = keras.layers.ZeroPadding2D(1)(h)
        return Conv2D(
            filters, 4, strides=strides, padding="valid" if padding == "authors" else "same",
            use_bias=use_bias, kernel_initializer=init(),
        )(h)

    inputs = keras.Input(input_shape, name="images")
    h = keras.layers.LeakyReLU(0.2)(conv(inputs, base_filters, 2))
    for layer in range(1, num_layers + 1):
        strides = 2 if layer < num_layers else 1
        h = conv(h, base_filters * min(2**layer, 8), strides, normalization == "instance")
        h = normalization_layer(normalization, instance_affine=instance_affine)(h)
        h = keras.layers.LeakyReLU(0.2)(h)
    logits = conv(h, 1, 1)
    return keras.Model(inputs, logits, name=name)


def pixel_discriminator(input_shape, base_filters=64, normalization="batch", name="pixelgan"):
    """PixelGAN: one logit per pixel, from 1×1 convolutions only:
    Conv(1) LeakyReLU, Conv(1) norm LeakyReLU, Conv(1).

    The authors' `PixelDiscriminator` (`netD="pixel"`): LeakyReLU slope 0.2,
    instance normalisation without scale and offset; the last two convolutions
    carry a bias only with instance normalisation, as in the authors' code.

    Args:
        input_shape: `(height, width, channels)`, any height and width.
        base_filters: int, default 64; the second convolution has twice as many.
        normalization: `"batch"` (default), `"instance"` or None.
        name: str.

    Returns:
        `keras.Model`: images `(batch, *input_shape)` → logits
        `(batch, height, width, 1)` (no sigmoid).

    Example:
        >>> d = kgan.networks.pixel_discriminator((16, 16, 2), base_filters=8)
        >>> d(keras.ops.zeros((2, 16, 16, 2))).shape   # (2, 16, 16, 1)

    Reference:
        Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial
        Networks", section 4.4 (the 1×1 PixelGAN).
    """
    check_image_shape(input_shape, "input_shape")
    check_int(base_filters, "base_filters")
    check_normalization(normalization)
    use_bias = normalization == "instance"
    inputs = keras.Input(input_shape, name="images")
    h = Conv2D(base_filters, 1, kernel_initializer=init())(inputs)
    h = keras.layers.LeakyReLU(0.2)(h)
    h = Conv2D(2 * base_filters, 1, use_bias=use_bias, kernel_initializer=init())(h)
    h = normalization_layer(normalization, instance_affine=False)(h)
    h = keras.layers.LeakyReLU(0.2)(h)
    logits = Conv2D(1, 1, use_bias=use_bias, kernel_initializer=init())(h)
    return keras.Model(inputs, logits, name=name)


def stargan_discriminator(image_shape, num_domains, base_filters=64, num_layers=6,
                          name="stargan_discriminator"):
    """StarGAN discriminator: [Conv(4, 2) LeakyReLU(0.01)]×num_layers, then two heads:
    a Conv(3) real/fake patch map and a Conv spanning the remaining map that
    gives one logit per domain attribute.

    Args:
        image_shape: `(height, width, channels)`, divisible by `2**num_layers`.
        num_domains: int ≥ 1, the length of the domain (attribute) vector.
        base_filters: int, default 64; doubled per layer.
        num_layers: int ≥ 1, default 6 (128×128 images in the paper).
        name: str.

    Returns:
        `keras.Model`: images → `[patch logits (batch, h, w, 1), domain logits
        (batch, num_domains)]`.

    Example:
        >>> d = kgan.networks.stargan_discriminator((16, 16, 1), num_domains=2,
        ...                                         base_filters=8, num_layers=2)

    Reference:
        Choi et al. 2018, "StarGAN: Unified Generative Adversarial Networks for
        Multi-Domain Image-to-Image Translation", appendix.
    """
    height, width, _ = check_image_shape(image_shape)
    check_int(num_domains, "num_domains")
    check_int(base_filters, "base_filters")
    check_int(num_layers, "num_layers")
    if height % 2**num_layers or width % 2**num_layers:
        raise ValueError(
            f"image_shape's height and width must be divisible by 2**num_layers = "
            f"{2 ** num_layers}. Received: image_shape={tuple(image_shape)!r}"
        )
    images = keras.Input(image_shape, name="images")
    h = images
    for layer in range(num_layers):
        h = Conv2D(base_filters * 2**layer, 4, strides=2, padding="same")(h)
        h = keras.layers.LeakyReLU(0.01)(h)
    source = Conv2D(1, 3, padding="same", use_bias=False, name="source")(h)
    kernel = (height // 2**num_layers, width // 2**num_layers)
    domains = Conv2D(num_domains, kernel, use_bias=False)(h)
    domains = keras.layers.Reshape((num_domains,), name="domains")(domains)
    return keras.Model(images, [source, domains], name=name)
