"""The growing generator and discriminator of ProgressiveGAN (Karras et al. 2018).

Both networks hold the weights of every resolution from 4×4 to the final one,
built when they are constructed, and take the active `level` (a Python int:
0 is 4×4, each level doubles the side) and the fade-in weight `alpha` as call
arguments, so a compiled function sees static shapes for one level.
"""

import keras
from keras import ops

from kgan.layers.equalized import EqualizedConv2D, EqualizedDense, PixelNormalization
from kgan.layers.minibatch import MinibatchStdDev
from kgan.utils.validation import check_int, is_int


def upsample(images, factor):
    """Nearest-neighbour upsampling of NHWC `images` by the int `factor`."""
    if factor == 1:
        return images
    return ops.repeat(ops.repeat(images, factor, axis=1), factor, axis=2)


def downsample(images, factor):
    """Average pooling of NHWC `images` over `factor × factor` blocks (int `factor`)."""
    if factor == 1:
        return images
    return ops.average_pool(images, factor, strides=factor, padding="valid")


def num_levels(resolution):
    """The levels of a network growing from 4×4 to `resolution` (4 → 1, 32 → 4)."""
    return resolution.bit_length() - 2


def _check_arguments(resolution, channels, base_filters, max_filters, **extra):
    if not is_int(resolution) or resolution < 4 or resolution & (resolution - 1):
        raise ValueError(
            f"resolution must be a power of 2 ≥ 4. Received: resolution={resolution!r}"
        )
    for name, value in dict(channels=channels, base_filters=base_filters,
                            max_filters=max_filters, **extra).items():
        check_int(value, name)


class _Progressive(keras.Model):
    """What the two growing networks share: levels, filters, the level check."""

    def __init__(self, resolution, channels, base_filters, max_filters, **kwargs):
        super().__init__(**kwargs)
        self.resolution = resolution
        self.channels = channels
        self.base_filters = base_filters
        self.max_filters = max_filters
        self.num_levels = num_levels(resolution)

    def filters(self, level):
        """Feature maps at `level`: `base_filters` at the final resolution,
        doubled at each halving, at most `max_filters`."""
        return min(self.max_filters, self.base_filters * 2 ** (self.num_levels - 1 - level))

    def level_resolution(self, level):
        """The image side at `level`: 4 · 2^level."""
        return 4 * 2**level

    def _check_level(self, level):
        level = self.num_levels - 1 if level is None else level
        if not is_int(level) or not 0 <= level < self.num_levels:
            raise ValueError(
                f"level must be a Python int in [0, {self.num_levels - 1}] (a static level: "
                f"0 is 4×4, {self.num_levels - 1} is {self.resolution}×{self.resolution}). "
                f"Received: level={level!r}"
            )
        return level

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "resolution": self.resolution,
                "channels": self.channels,
                "base_filters": self.base_filters,
                "max_filters": self.max_filters,
            }
        )
        return config


def _conv(filters, kernel_size, name):
    return EqualizedConv2D(filters, kernel_size, activation="leaky_relu", name=name)


@keras.saving.register_keras_serializable(package="kgan")
class ProgressiveGenerator(_Progressive):
    """ProgressiveGAN's generator: latents to images at any level of its growth.

    Level 0 maps pixel-normalised z through an equalised dense layer to 4×4
    features and a 3×3 convolution; each further level doubles the side
    (nearest-neighbour) and applies two 3×3 convolutions. Every convolution is
    equalised (`kgan.layers.EqualizedConv2D`, leaky ReLU 0.2) and followed by
    pixel normalisation. Each level has its own linear 1×1 `to_rgb`
    convolution. At level l > 0 the output is the fade-in
    `(1 − α) · upsample(to_rgb_{l−1}(h_{l−1})) + α · to_rgb_l(h_l)`, so α = 0
    gives exactly the level l − 1 image upsampled and α = 1 the new block
    alone. The output is linear (no tanh), as in the paper.

    Args:
        latent_dim: int > 0, size of z.
        resolution: int, power of 2 ≥ 4, default 32. The final image side.
        channels: int > 0, default 1. Image channels.
        base_filters: int > 0, default 16. Feature maps at the final
            resolution, doubled at each halving of the side ...
        max_filters: int > 0, default 128. ... up to this many.

    Call arguments:
        z: `(batch, latent_dim)`.
        level: Python int in `[0, num_levels)` or None (default: the final
            level); the output is `(batch, 4·2^level, 4·2^level, channels)`.
        alpha: float or scalar tensor in [0, 1], default 1. Fade-in weight of
            the newest block (ignored at level 0).

    Example:
        >>> g = kgan.networks.ProgressiveGenerator(latent_dim=16, resolution=16)
        >>> g(np.zeros((2, 16), "float32"), level=1, alpha=0.5).shape
        (2, 8, 8, 1)

    Reference:
        Karras, Aila, Laine & Lehtinen 2018, "Progressive Growing of GANs for
        Improved Quality, Stability, and Variation" (ICLR 2018), Table 2.
    """

    def __init__(self, latent_dim, resolution=32, channels=1, base_filters=16, max_filters=128,
                 **kwargs):
        _check_arguments(resolution, channels, base_filters, max_filters, latent_dim=latent_dim)
        super().__init__(resolution, channels, base_filters, max_filters, **kwargs)
        self.latent_dim = latent_dim
        f0 = self.filters(0)
        self.blocks = [
            keras.Sequential(
                [
                    keras.Input((latent_dim,)),
                    PixelNormalization(),
                    EqualizedDense(16 * f0, activation="leaky_relu", name="dense"),
                    keras.layers.Reshape((4, 4, f0)),
                    PixelNormalization(),
                    _conv(f0, 3, "conv"),
                    PixelNormalization(),
                ],
                name="block_4x4",
            )
        ]
        for level in range(1, self.num_levels):
            side, filters = self.level_resolution(level), self.filters(level)
            self.blocks.append(
                keras.Sequential(
                    [
                        keras.Input((side // 2, side // 2, self.filters(level - 1))),
                        keras.layers.UpSampling2D(2, interpolation="nearest"),
                        _conv(filters, 3, "conv_0"),
                        PixelNormalization(),
                        _conv(filters, 3, "conv_1"),
                        PixelNormalization(),
                    ],
                    name=f"block_{side}x{side}",
                )
            )
        self.to_rgb = []
        for level in range(self.num_levels):
            side = self.level_resolution(level)
            to_rgb = EqualizedConv2D(channels, 1, gain=1.0, name=f"to_rgb_{side}x{side}")
            to_rgb.build((None, side, side, self.filters(level)))
            self.to_rgb.append(to_rgb)
        self.built = True

    def call(self, z, level=None, alpha=1.0, training=False):
        level = self._check_level(level)
        h = self.blocks[0](z, training=training)
        for block in self.blocks[1:level]:
            h = block(h, training=training)
        if level == 0:
            return self.to_rgb[0](h)
        low = upsample(self.to_rgb[level - 1](h), 2)
        high = self.to_rgb[level](self.blocks[level](h, training=training))
        return low + ops.cast(alpha, high.dtype) * (high - low)

    def get_config(self):
        return {**super().get_config(), "latent_dim": self.latent_dim}


@keras.saving.register_keras_serializable(package="kgan")
class ProgressiveDiscriminator(_Progressive):
    """ProgressiveGAN's critic: images at any level of its growth to scores.

    Each level l has a `from_rgb` 1×1 convolution and, above level 0, a block
    of two 3×3 convolutions and 2×2 average pooling down to level l − 1.
    Level 0 ends with minibatch standard deviation (`kgan.layers.MinibatchStdDev`,
    groups of 4), a 3×3 convolution, a dense layer and a linear score. Every
    layer is equalised; the activations are leaky ReLU 0.2; there is no
    normalisation (the gradient penalty is per sample). At level l > 0 the
    features entering level l − 1 fade in as
    `(1 − α) · from_rgb_{l−1}(downsample(x)) + α · block_l(from_rgb_l(x))`, so
    α = 0 scores exactly the downsampled image at level l − 1.

    Args:
        resolution: int, power of 2 ≥ 4, default 32. The final image side.
        channels: int > 0, default 1.
        base_filters: int > 0, default 16. Feature maps at the final
            resolution, doubled at each halving of the side ...
        max_filters: int > 0, default 128. ... up to this many.
        group_size: int > 0, default 4. Minibatch standard deviation group;
            the batch size must be a multiple of `min(group_size, batch)`.

    Call arguments:
        images: `(batch, 4·2^level, 4·2^level, channels)`.
        level: Python int in `[0, num_levels)` or None (default: the final level).
        alpha: float or scalar tensor in [0, 1], default 1 (ignored at level 0).

    Returns: scores `(batch, 1)` (no sigmoid).

    Example:
        >>> d = kgan.networks.ProgressiveDiscriminator(resolution=16)
        >>> d(np.zeros((4, 8, 8, 1), "float32"), level=1, alpha=0.5).shape
        (4, 1)

    Reference:
        Karras, Aila, Laine & Lehtinen 2018, "Progressive Growing of GANs for
        Improved Quality, Stability, and Variation" (ICLR 2018), Table 2.
    """

    def __init__(self, resolution=32, channels=1, base_filters=16, max_filters=128, group_size=4,
                 **kwargs):
        _check_arguments(resolution, channels, base_filters, max_filters, group_size=group_size)
        super().__init__(resolution, channels, base_filters, max_filters, **kwargs)
        self.group_size = group_size
        self.from_rgb = []
        for level in range(self.num_levels):
            side = self.level_resolution(level)
            from_rgb = _conv(self.filters(level), 1, f"from_rgb_{side}x{side}")
            from_rgb.build((None, side, side, channels))
            self.from_rgb.append(from_rgb)
        f0 = self.filters(0)
        self.blocks = [
            keras.Sequential(
                [
                    keras.Input((4, 4, f0)),
                    MinibatchStdDev(group_size=group_size),
                    _conv(f0, 3, "conv"),
                    keras.layers.Flatten(),
                    EqualizedDense(f0, activation="leaky_relu", name="dense"),
                    EqualizedDense(1, gain=1.0, name="score"),
                ],
                name="block_4x4",
            )
        ]
        for level in range(1, self.num_levels):
            side = self.level_resolution(level)
            self.blocks.append(
                keras.Sequential(
                    [
                        keras.Input((side, side, self.filters(level))),
                        _conv(self.filters(level), 3, "conv_0"),
                        _conv(self.filters(level - 1), 3, "conv_1"),
                        keras.layers.AveragePooling2D(2),
                    ],
                    name=f"block_{side}x{side}",
                )
            )
        self.built = True

    def call(self, images, level=None, alpha=1.0, training=False):
        level = self._check_level(level)
        side = self.level_resolution(level)
        if tuple(images.shape[1:]) != (side, side, self.channels):
            raise ValueError(
                f"At level {level} the discriminator takes images of shape (batch, {side}, "
                f"{side}, {self.channels}). Received: images.shape={tuple(images.shape)}"
            )
        h = self.from_rgb[level](images)
        if level > 0:
            high = self.blocks[level](h, training=training)
            low = self.from_rgb[level - 1](downsample(images, 2))
            h = low + ops.cast(alpha, high.dtype) * (high - low)
            for block in self.blocks[level - 1 : 0 : -1]:
                h = block(h, training=training)
        return self.blocks[0](h, training=training)

    def compute_output_shape(self, input_shape):
        # Symbolic calls (a functional model around the critic) cannot trace the
        # minibatch stddev's reshape of an unknown batch size on JAX.
        return (input_shape[0], 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}
