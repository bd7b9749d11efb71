"""SRGAN's super-resolution generator (sub-pixel upsampling) and its discriminator."""

import os

import keras
import numpy as np

from kgan.layers.convolution import Conv2D
from kgan.layers.pixel_shuffle import PixelShuffle
from kgan.utils.validation import check_image_shape, check_int, is_int


def _prelu():
    return keras.layers.PReLU(shared_axes=[1, 2])


def _bn():
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)


def srgan_generator(image_shape, scale=4, filters=64, num_blocks=16, name="srgan_generator"):
    """SRResNet: Conv(9) PReLU, residual blocks [Conv(3) BN PReLU Conv(3) BN + x],
    Conv(3) BN + long skip, [Conv(3, 4·filters) PixelShuffle(2) PReLU]×log2(scale), Conv(9) tanh.

    Args:
        image_shape: `(height, width, channels)` of the low-resolution input.
        scale: int, default 4, a power of two ≥ 2: the upscaling factor.
        filters: int, default 64.
        num_blocks: int ≥ 1, default 16.
        name: str.

    Returns:
        `keras.Model`: low-resolution images `(batch, h, w, c)` in [-1, 1] →
        `(batch, scale·h, scale·w, c)` in [-1, 1].

    Example:
        >>> g = kgan.networks.srgan_generator((8, 8, 1), filters=16, num_blocks=2)
        >>> g(keras.ops.zeros((2, 8, 8, 1))).shape   # (2, 32, 32, 1)

    Reference:
        Ledig et al. 2017, "Photo-Realistic Single Image Super-Resolution Using a
        Generative Adversarial Network".
    """
    image_shape = check_image_shape(image_shape)
    if not is_int(scale) or scale < 2 or scale & (scale - 1):
        raise ValueError(f"scale must be a power of two ≥ 2. Received: scale={scale!r}")
    check_int(filters, "filters")
    check_int(num_blocks, "num_blocks")
    images = keras.Input(image_shape, name="images")
    h = _prelu()(Conv2D(filters, 9, padding="same")(images))
    trunk = h
    for _ in range(num_blocks):
        skip = h
        h = _prelu()(_bn()(Conv2D(filters, 3, padding="same")(h)))
        h = _bn()(Conv2D(filters, 3, padding="same")(h))
        h = keras.layers.Add()([skip, h])
    h = _bn()(Conv2D(filters, 3, padding="same")(h))
    h = keras.layers.Add()([trunk, h])
    for _ in range(scale.bit_length() - 1):
        h = Conv2D(filters * 4, 3, padding="same")(h)
        h = _prelu()(PixelShuffle(2)(h))
    outputs = Conv2D(image_shape[-1], 9, padding="same", activation="tanh")(h)
    return keras.Model(images, outputs, name=name)


def srgan_discriminator(image_shape, base_filters=64, num_levels=4, dense_units=1024,
                        name="srgan_discriminator"):
    """SRGAN discriminator: per level [Conv(3, 1) BN LeakyReLU, Conv(3, 2) BN LeakyReLU]
    with filters doubling per level (the first convolution unnormalised),
    then Dense(dense_units) LeakyReLU, Dense(1).

    Args:
        image_shape: `(height, width, channels)` of the high-resolution images,
            divisible by `2**num_levels`.
        base_filters: int, default 64.
        num_levels: int ≥ 1, default 4.
        dense_units: int, default 1024.
        name: str.

    Returns:
        `keras.Model`: images → logits `(batch, 1)`.

    Reference:
        Ledig et al. 2017, figure 4.
    """
    height, width, _ = check_image_shape(image_shape)
    check_int(base_filters, "base_filters")
    check_int(num_levels, "num_levels")
    check_int(dense_units, "dense_units")
    if height % 2**num_levels or width % 2**num_levels:
        raise ValueError(
            f"image_shape's height and width must be divisible by 2**num_levels = "
            f"{2 ** num_levels}. Received: image_shape={tuple(image_shape)!r}"
        )
    images = keras.Input(image_shape, name="images")
    h = images
    for level in range(num_levels):
        filters = base_filters * 2**level
        for strides in (1, 2):
            h = Conv2D(filters, 3, strides=strides, padding="same")(h)
            if level or strides == 2:
                h = _bn()(h)
            h = keras.layers.LeakyReLU(0.2)(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(dense_units)(h))
    return keras.Model(images, keras.layers.Dense(1)(h), name=name)


_VGG19_NOTOP = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
_CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)


def vgg19_content_network(image_shape, layer="block5_conv4", weights="imagenet"):
    """VGG19 features for SRGAN's content loss, taking images in [-1, 1].

    A frozen 1×1 convolution maps [-1, 1] grey or RGB images to VGG's input (0–255,
    BGR, ImageNet mean subtracted); the output is the chosen layer's activations
    (the paper's VGG54 is `"block5_conv4"`). Nothing is downloaded implicitly:
    `weights="imagenet"` needs Keras' cached weights file
    (`~/.keras/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`).

    Args:
        image_shape: `(height, width, channels)`, channels 1 or 3.
        layer: str, default `"block5_conv4"`, a VGG19 layer name.
        weights: `"imagenet"` (default, from Keras' cache) or a path to a VGG19
            no-top weights file.

    Returns:
        A frozen `keras.Model`: images `(batch, *image_shape)` → features.

    Reference:
        Simonyan & Zisserman 2015 (VGG); Ledig et al. 2017, section 2.2.2.
    """
    height, width, channels = check_image_shape(image_shape)
    if channels not in (1, 3):
        raise ValueError(f"image_shape must have 1 or 3 channels. Received: {image_shape!r}")
    path = weights
    if weights == "imagenet":
        cache = os.path.join(os.environ.get("KERAS_HOME", os.path.expanduser("~/.keras")), "models")
        path = os.path.join(cache, _VGG19_NOTOP)
    if not os.path.isfile(path):
        raise ValueError(
            f"VGG19 weights not found at {path!r}; kgan never downloads them at run time. "
            "Download them once where a network is available, e.g. "
            "keras.applications.VGG19(include_top=False), pass weights=<path to a VGG19 no-top "
            "weights file>, or give SRGAN another content_network (or None for pixel MSE). "
            f"Received: weights={weights!r}"
        )
    vgg = keras.applications.VGG19(include_top=False, weights=path,
                                   input_shape=(height, width, 3))
    images = keras.Input(image_shape, name="images")
    to_vgg = Conv2D(3, 1, trainable=False, name="to_vgg_input")
    h = to_vgg(keras.layers.Rescaling(127.5, offset=127.5)(images))
    kernel = np.zeros((1, 1, channels, 3), "float32")
    for bgr in range(3):
        kernel[0, 0, 0 if channels == 1 else 2 - bgr, bgr] = 1.0
    to_vgg.set_weights([kernel, -np.array(_CAFFE_BGR_MEAN, "float32")])
    features = keras.Model(vgg.inputs, vgg.get_layer(layer).output)(h)
    model = keras.Model(images, features, name=f"vgg19_{layer}")
    model.trainable = False
    return model
