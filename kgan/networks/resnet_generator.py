"""The ResNet-block generator of CycleGAN and StarGAN."""

import keras
from keras import ops

from kgan.layers.normalization import check_normalization, normalization_layer
from kgan.networks.unet import check_image_shape, check_positive, init


@keras.saving.register_keras_serializable(package="kgan")
class TileCondition(keras.layers.Layer):
    """Inputs `[images (batch, H, W, C), condition (batch, K)]` → `(batch, H, W, C + K)`:
    the condition vector broadcast over every pixel and appended as channels."""

    def call(self, inputs):
        images, condition = inputs
        condition = ops.cast(condition, images.dtype)
        maps = ops.broadcast_to(
            condition[:, None, None, :],
            tuple(ops.shape(images)[:-1]) + (ops.shape(condition)[-1],),
        )
        return ops.concatenate([images, maps], axis=-1)

    def compute_output_shape(self, input_shape):
        images_shape, condition_shape = input_shape
        return tuple(images_shape[:-1]) + (images_shape[-1] + condition_shape[-1],)


def _residual_block(h, filters, normalization):
    skip = h
    h = keras.layers.Conv2D(filters, 3, padding="same", kernel_initializer=init())(h)
    h = keras.layers.ReLU()(normalization_layer(normalization)(h))
    h = keras.layers.Conv2D(filters, 3, padding="same", kernel_initializer=init())(h)
    h = normalization_layer(normalization)(h)
    return keras.layers.Add()([skip, h])


def resnet_trunk(inputs, base_filters, num_blocks, num_downsamples, normalization):
    """Conv(7) norm ReLU, [Conv(4, 2) norm ReLU]×num_downsamples, residual blocks,
    [ConvT(4, 2) norm ReLU]×num_downsamples: the features before the output layer."""
    h = keras.layers.Conv2D(base_filters, 7, padding="same", kernel_initializer=init())(inputs)
    h = keras.layers.ReLU()(normalization_layer(normalization)(h))
    filters = base_filters
    for _ in range(num_downsamples):
        filters *= 2
        h = keras.layers.Conv2D(filters, 4, strides=2, padding="same", kernel_initializer=init())(h)
        h = keras.layers.ReLU()(normalization_layer(normalization)(h))
    for _ in range(num_blocks):
        h = _residual_block(h, filters, normalization)
    for _ in range(num_downsamples):
        filters //= 2
        h = keras.layers.Conv2DTranspose(
            filters, 4, strides=2, padding="same", kernel_initializer=init()
        )(h)
        h = keras.layers.ReLU()(normalization_layer(normalization)(h))
    return h


def check_resnet_arguments(image_shape, base_filters, num_blocks, num_downsamples, condition_dim):
    height, width, channels = check_image_shape(image_shape)
    check_positive(base_filters, "base_filters")
    if not isinstance(num_blocks, int) or num_blocks < 0:
        raise ValueError(f"num_blocks must be an integer ≥ 0. Received: num_blocks={num_blocks!r}")
    if not isinstance(num_downsamples, int) or num_downsamples < 0:
        raise ValueError(
            f"num_downsamples must be an integer ≥ 0. Received: num_downsamples={num_downsamples!r}"
        )
    if height % 2**num_downsamples or width % 2**num_downsamples:
        raise ValueError(
            f"image_shape's height and width must be divisible by 2**num_downsamples = "
            f"{2 ** num_downsamples}. Received: image_shape={tuple(image_shape)!r}"
        )
    if not isinstance(condition_dim, int) or condition_dim < 0:
        raise ValueError(
            f"condition_dim must be an integer ≥ 0. Received: condition_dim={condition_dim!r}"
        )
    return channels


def conditioned_inputs(image_shape, condition_dim):
    """`(model inputs, first-layer input)`: images, or `[images, condition]` tiled as channels."""
    images = keras.Input(image_shape, name="images")
    if not condition_dim:
        return images, images
    condition = keras.Input((condition_dim,), name="condition")
    return [images, condition], TileCondition()([images, condition])


def resnet_generator(
    image_shape,
    output_channels=None,
    base_filters=64,
    num_blocks=9,
    num_downsamples=2,
    normalization="instance",
    condition_dim=0,
    name="resnet_generator",
):
    """ResNet generator: Conv(7) → downsampling → residual blocks → upsampling → Conv(7) tanh.

    Zero "same" padding replaces the paper's reflection padding (Keras has no
    reflection-padding layer; the difference is at the borders only).

    Args:
        image_shape: `(height, width, channels)`, height and width divisible by
            `2**num_downsamples`.
        output_channels: int or None (default: the input's channels).
        base_filters: int, default 64; doubled per downsampling.
        num_blocks: int ≥ 0, default 9 (CycleGAN at 256×256; 6 at 128×128).
        num_downsamples: int ≥ 0, default 2.
        normalization: `"instance"` (default), `"batch"` or None.
        condition_dim: int ≥ 0, default 0. If positive the model takes
            `[images, condition (batch, condition_dim)]` and appends the condition
            to the image as constant channels (StarGAN's target domain).
        name: str.

    Returns:
        `keras.Model`: images (or `[images, condition]`) → images
        `(batch, height, width, output_channels)` in [-1, 1].

    Example:
        >>> g = kgan.networks.resnet_generator((32, 32, 1), base_filters=16, num_blocks=2)
        >>> g(keras.ops.zeros((2, 32, 32, 1))).shape   # (2, 32, 32, 1)

    Reference:
        Johnson et al. 2016, "Perceptual Losses for Real-Time Style Transfer";
        Zhu et al. 2017, "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks" (CycleGAN); Choi et al. 2018 (StarGAN).
    """
    channels = check_resnet_arguments(
        image_shape, base_filters, num_blocks, num_downsamples, condition_dim
    )
    check_normalization(normalization)
    output_channels = channels if output_channels is None else output_channels
    check_positive(output_channels, "output_channels")
    inputs, h = conditioned_inputs(image_shape, condition_dim)
    h = resnet_trunk(h, base_filters, num_blocks, num_downsamples, normalization)
    outputs = keras.layers.Conv2D(
        output_channels, 7, padding="same", activation="tanh", kernel_initializer=init()
    )(h)
    return keras.Model(inputs, outputs, name=name)
