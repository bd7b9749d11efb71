"""The PatchGAN discriminator: one real/fake logit per image patch."""

import keras

from kgan.layers.normalization import check_normalization, normalization_layer
from kgan.networks.unet import init
from kgan.utils.validation import check_image_shape, check_int


def patchgan_discriminator(
    input_shape, base_filters=64, num_layers=3, normalization="batch", name="patchgan"
):
    """PatchGAN: Conv(4, 2) LeakyReLU, [Conv(4, 2) norm LeakyReLU]×(num_layers − 1),
    Conv(4, 1) norm LeakyReLU, Conv(4, 1) → a map of logits.

    Each output logit judges one receptive field of the input: 70×70 pixels for
    `num_layers=3` (pix2pix, CycleGAN), 34×34 for 2, 16×16 for 1. For pix2pix the
    input is the condition and the image concatenated along channels.

    Args:
        input_shape: `(height, width, channels)`, height and width divisible by
            `2**num_layers`.
        base_filters: int, default 64; doubled per layer up to 8×.
        num_layers: int ≥ 1, default 3, the number of stride-2 convolutions.
        normalization: `"batch"` (default), `"instance"` or None.
        name: str.

    Returns:
        `keras.Model`: images `(batch, *input_shape)` → logits
        `(batch, height / 2**num_layers, width / 2**num_layers, 1)` (no sigmoid).

    Example:
        >>> d = kgan.networks.patchgan_discriminator((32, 32, 2), base_filters=16)
        >>> d(keras.ops.zeros((2, 32, 32, 2))).shape   # (2, 4, 4, 1)

    Reference:
        Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial
        Networks", section 3.2.2.
    """
    height, width, _ = check_image_shape(input_shape, "input_shape")
    check_int(base_filters, "base_filters")
    check_int(num_layers, "num_layers")
    check_normalization(normalization)
    if height % 2**num_layers or width % 2**num_layers:
        raise ValueError(
            f"input_shape's height and width must be divisible by 2**num_layers = "
            f"{2 ** num_layers}. Received: input_shape={tuple(input_shape)!r}"
        )
    inputs = keras.Input(input_shape, name="images")
    h = keras.layers.Conv2D(base_filters, 4, strides=2, padding="same", kernel_initializer=init())(
        inputs
    )
    h = keras.layers.LeakyReLU(0.2)(h)
    for layer in range(1, num_layers + 1):
        strides = 2 if layer < num_layers else 1
        h = keras.layers.Conv2D(
            base_filters * min(2**layer, 8), 4, strides=strides, padding="same",
            kernel_initializer=init(),
        )(h)
        h = normalization_layer(normalization)(h)
        h = keras.layers.LeakyReLU(0.2)(h)
    logits = keras.layers.Conv2D(1, 4, padding="same", kernel_initializer=init())(h)
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
        h = keras.layers.Conv2D(base_filters * 2**layer, 4, strides=2, padding="same")(h)
        h = keras.layers.LeakyReLU(0.01)(h)
    source = keras.layers.Conv2D(1, 3, padding="same", use_bias=False, name="source")(h)
    kernel = (height // 2**num_layers, width // 2**num_layers)
    domains = keras.layers.Conv2D(num_domains, kernel, use_bias=False)(h)
    domains = keras.layers.Reshape((num_domains,), name="domains")(domains)
    return keras.Model(images, [source, domains], name=name)
