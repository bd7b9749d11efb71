"""The GANimation generator: a colour map and an attention mask blended with the input."""

import keras

from kgan.layers.convolution import Conv2D
from kgan.layers.normalization import check_normalization
from kgan.networks.resnet_generator import check_resnet_arguments, conditioned_inputs, resnet_trunk
from kgan.networks.unet import init
from kgan.utils.validation import check_int


@keras.saving.register_keras_serializable(package="kgan")
class AttentionBlend(keras.layers.Layer):
    """Inputs `[images, colour, attention]` → `attention·images + (1 − attention)·colour`.

    `images` and `colour` are `(batch, H, W, C)`, `attention` is `(batch, H, W, 1)`
    in [0, 1]: where the attention is 1 the input pixel is kept, where it is 0
    the colour map replaces it (GANimation's composition).
    """

    def call(self, inputs):
        images, colour, attention = inputs
        return attention * images + (1.0 - attention) * colour

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])


def ganimation_generator(
    image_shape,
    condition_dim,
    base_filters=64,
    num_blocks=6,
    num_downsamples=2,
    normalization="instance",
    name="ganimation_generator",
):
    """GANimation generator: StarGAN's conditioned ResNet trunk with two heads.

    The condition vector is broadcast over the image and appended as channels;
    Conv(7) → [Conv(4, 2)]×num_downsamples → residual blocks → [ConvT(4, 2)]×
    num_downsamples (zero padding, instance norm, as the paper's StarGAN-based
    network); then a Conv(7) tanh colour map C and a Conv(7) sigmoid attention
    mask A (the layer named `"attention"`, read by `kgan.models.GANimation` for
    its attention losses); the output is `A·images + (1 − A)·C`.

    Args:
        image_shape: `(height, width, channels)`, height and width divisible by
            `2**num_downsamples`.
        condition_dim: int ≥ 1, the length of the condition vector (action units).
        base_filters: int, default 64; doubled per downsampling.
        num_blocks: int ≥ 0, default 6.
        num_downsamples: int ≥ 0, default 2.
        normalization: `"instance"` (default), `"batch"` or None.
        name: str.

    Returns:
        `keras.Model`: `[images (batch, *image_shape) in [-1, 1], conditions
        (batch, condition_dim)]` → images `(batch, *image_shape)` in [-1, 1].

    Example:
        >>> g = kgan.networks.ganimation_generator((16, 16, 1), 2, base_filters=8, num_blocks=1)
        >>> g([keras.ops.zeros((2, 16, 16, 1)), keras.ops.ones((2, 2))]).shape  # (2, 16, 16, 1)

    Reference:
        Pumarola et al. 2018, "GANimation: Anatomically-aware Facial Animation from
        a Single Image", section 4.1 and appendix.
    """
    check_int(condition_dim, "condition_dim")
    channels = check_resnet_arguments(
        image_shape, base_filters, num_blocks, num_downsamples, condition_dim, "zero"
    )
    check_normalization(normalization)
    inputs, h = conditioned_inputs(image_shape, condition_dim)
    h = resnet_trunk(h, base_filters, num_blocks, num_downsamples, normalization, padding="zero",
                     sampling_kernel_size=4, instance_affine=True)
    colour = Conv2D(channels, 7, padding="same", activation="tanh",
                    kernel_initializer=init(), name="colour")(h)
    attention = Conv2D(1, 7, padding="same", activation="sigmoid",
                       kernel_initializer=init(), name="attention")(h)
    outputs = AttentionBlend()([inputs[0], colour, attention])
    return keras.Model(inputs, outputs, name=name)
