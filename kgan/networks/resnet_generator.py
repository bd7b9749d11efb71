"""The ResNet-block generator of CycleGAN and StarGAN."""

import keras
from keras import ops

from kgan.layers.convolution import Conv2D, Conv2DTranspose
from kgan.layers.normalization import check_normalization, normalization_layer
from kgan.networks.unet import init
from kgan.utils.validation import check_image_shape, check_int, check_number_in


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


@keras.saving.register_keras_serializable(package="kgan")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width of `(batch, H, W, C)` by `padding` pixels on each
    side, mirroring the image without repeating its border row (NumPy's and
    PyTorch's "reflect" mode): `(batch, H + 2p, W + 2p, C)`.

    Args:
        padding: int ≥ 1, smaller than the height and width.
    """

    def __init__(self, padding, **kwargs):
        super().__init__(**kwargs)
        check_int(padding, "padding")
        self.padding = padding

    def call(self, images):
        p = self.padding
        return ops.pad(images, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        grow = 2 * self.padding
        return (batch, None if height is None else height + grow,
                None if width is None else width + grow, channels)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


PADDINGS = ("reflect", "zero")


SAMPLING_KERNEL_SIZES = (3, 4)


def padded_conv(h, filters, kernel_size, padding, **kwargs):
    """A stride-1 Conv2D that keeps the size, padding `(kernel_size − 1) / 2`
    pixels by reflection (`"reflect"`) or with zeros (`"zero"`)."""
    if padding == "reflect":
        h = ReflectionPadding2D(kernel_size // 2)(h)
    return Conv2D(
        filters, kernel_size, padding="valid" if padding == "reflect" else "same",
        kernel_initializer=init(), **kwargs,
    )(h)


def downsampling_conv(h, filters, kernel_size, use_bias):
    """Conv(kernel_size, stride 2) on the input zero-padded by 1 pixel on every side
    (PyTorch's `padding=1`): `(batch, H, W, C)` → `(batch, H/2, W/2, filters)` for even H, W."""
    h = keras.layers.ZeroPadding2D(1)(h)
    return Conv2D(filters, kernel_size, strides=2, use_bias=use_bias,
                  kernel_initializer=init())(h)


def upsampling_conv(h, filters, kernel_size, use_bias):
    """Transposed Conv(kernel_size, stride 2) as PyTorch's `ConvTranspose2d(padding=1,
    output_padding=kernel_size − 3)`: the full output cropped by 1 pixel at the start and
    `kernel_size − 3` at the end, `(batch, H, W, C)` → `(batch, 2H, 2W, filters)`."""
    h = Conv2DTranspose(filters, kernel_size, strides=2, use_bias=use_bias,
                        kernel_initializer=init())(h)
    end = kernel_size - 3
    return keras.layers.Cropping2D(((1, end), (1, end)))(h)


def _residual_block(h, filters, norm, padding, dropout, use_bias):
    skip = h
    h = padded_conv(h, filters, 3, padding, use_bias=use_bias)
    h = keras.layers.ReLU()(norm()(h))
    if dropout:
        h = keras.layers.Dropout(dropout)(h)
    h = padded_conv(h, filters, 3, padding, use_bias=use_bias)
    h = norm()(h)
    return keras.layers.Add()([skip, h])


def resnet_trunk(inputs, base_filters, num_blocks, num_downsamples, normalization,
                 padding="reflect", sampling_kernel_size=3, instance_affine=False, dropout=0.0):
    """Conv(7) norm ReLU, [Conv(k, 2) norm ReLU]×num_downsamples, residual blocks
    (Conv(3) norm ReLU [Dropout] Conv(3) norm, plus the input), [ConvT(k, 2) norm
    ReLU]×num_downsamples: the features before the output layer.

    The stride-1 convolutions pad by `padding` ("reflect" or "zero"); the strided
    ones with 1 pixel of zeros, as PyTorch's `padding=1`. The convolutions carry a
    bias only with instance normalisation (a batch norm's offset makes one
    redundant; with `normalization=None` they have none either), as in the
    pix2pix/CycleGAN authors' code. `k` is `sampling_kernel_size` (3: CycleGAN;
    4: StarGAN); `instance_affine` adds a learned scale and offset to instance
    normalisation (StarGAN, GANimation) that the CycleGAN authors' lacks.
    """
    use_bias = normalization == "instance"

    def norm():
        return normalization_layer(normalization, instance_affine=instance_affine)

    h = padded_conv(inputs, base_filters, 7, padding, use_bias=use_bias)
    h = keras.layers.ReLU()(norm()(h))
    filters = base_filters
    for _ in range(num_downsamples):
        filters *= 2
        h = downsampling_conv(h, filters, sampling_kernel_size, use_bias)
        h = keras.layers.ReLU()(norm()(h))
    for _ in range(num_blocks):
        h = _residual_block(h, filters, norm, padding, dropout, use_bias)
    for _ in range(num_downsamples):
        filters //= 2
        h = upsampling_conv(h, filters, sampling_kernel_size, use_bias)
        h = keras.layers.ReLU()(norm()(h))
    return h


def check_resnet_arguments(image_shape, base_filters, num_blocks, num_downsamples, condition_dim,
                           padding, sampling_kernel_size=3):
    height, width, channels = check_image_shape(image_shape)
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}. Received: padding={padding!r}")
    if sampling_kernel_size not in SAMPLING_KERNEL_SIZES:
        raise ValueError(f"sampling_kernel_size must be one of {SAMPLING_KERNEL_SIZES}. "
                         f"Received: sampling_kernel_size={sampling_kernel_size!r}")
    check_int(base_filters, "base_filters")
    check_int(num_blocks, "num_blocks", minimum=0)
    check_int(num_downsamples, "num_downsamples", minimum=0)
    if height % 2**num_downsamples or width % 2**num_downsamples:
        raise ValueError(
            f"image_shape's height and width must be divisible by 2**num_downsamples = "
            f"{2 ** num_downsamples}. Received: image_shape={tuple(image_shape)!r}"
        )
    check_int(condition_dim, "condition_dim", minimum=0)
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
    padding="reflect",
    dropout=0.0,
    sampling_kernel_size=3,
    instance_affine=False,
    name="resnet_generator",
):
    """ResNet generator: Conv(7) → downsampling → residual blocks → upsampling → Conv(7) tanh.

    With the defaults this is the pix2pix/CycleGAN authors' `ResnetGenerator`
    (`netG="resnet_9blocks"`; `num_blocks=6` for `"resnet_6blocks"`): reflection
    padding, Conv(3, 2) downsampling and ConvT(3, 2) upsampling padded as
    PyTorch's `padding=1, output_padding=1`, instance normalisation without scale
    and offset, convolutions with a bias only under instance normalisation (the
    output convolution always has one), and `dropout` (the authors' `use_dropout`
    is 0.5) after the first ReLU of each residual block.

    The stride-1 convolutions (7×7 and the residual blocks' 3×3) pad their
    input by reflection, as CycleGAN does, or with zeros, as StarGAN and
    GANimation do (`padding`); the strided ones always pad 1 pixel of zeros.

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
            to the image as constant channels (StarGAN's target domain). With
            instance normalisation it needs `padding="zero"`: the condition then
            reaches the network through the zero-padded borders and the
            normalisation statistics they shift (reflection padding would make
            it a per-channel constant that the first normalisation removes).
        padding: `"reflect"` (default, CycleGAN) or `"zero"` (StarGAN).
        dropout: float in [0, 1), default 0 (no dropout layers).
        sampling_kernel_size: 3 (default, CycleGAN) or 4 (StarGAN), the kernel of
            the strided and transposed convolutions.
        instance_affine: bool, default False (CycleGAN); True gives instance
            normalisation a learned scale and offset (StarGAN).
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
        image_shape, base_filters, num_blocks, num_downsamples, condition_dim, padding,
        sampling_kernel_size,
    )
    check_normalization(normalization)
    check_number_in(dropout, "dropout", 0, 1, closed="left")
    if condition_dim and padding == "reflect" and normalization == "instance":
        # The tiled condition is constant over each image: after a reflection-padded
        # convolution it is a per-channel constant, which instance normalisation subtracts.
        raise ValueError(
            "A conditioned resnet_generator with instance normalisation must pad with zeros: "
            "with reflection padding the first normalisation removes the tiled condition and "
            "the output does not depend on it. Use padding='zero' (as StarGAN) or another "
            f"normalization. Received: padding={padding!r}, normalization={normalization!r}, "
            f"condition_dim={condition_dim!r}"
        )
    output_channels = channels if output_channels is None else output_channels
    check_int(output_channels, "output_channels")
    inputs, h = conditioned_inputs(image_shape, condition_dim)
    h = resnet_trunk(h, base_filters, num_blocks, num_downsamples, normalization, padding,
                     sampling_kernel_size, instance_affine, dropout)
    outputs = padded_conv(h, output_channels, 7, padding, activation="tanh")
    return keras.Model(inputs, outputs, name=name)
