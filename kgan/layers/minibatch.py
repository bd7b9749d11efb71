"""Discriminator layers that look across the minibatch, against mode collapse."""

import keras
from keras import ops

from kgan.utils.validation import check_int


@keras.saving.register_keras_serializable(package="kgan")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination (Salimans et al. 2016, Section 3.2).

    A learned tensor T maps each sample's features x_i to a matrix
    M_i = x_i T of shape `(num_kernels, kernel_dim)`. For each kernel b,
    c_b(x_i, x_j) = exp(−‖M_i,b − M_j,b‖_L1) and o(x_i)_b = Σ_j c_b(x_i, x_j),
    the sum over every sample j of the batch (j = i included, as in the
    paper's equation; it adds the constant 1). The output is the features with
    o(x_i) appended, so the discriminator can tell a batch of near-identical
    samples from a varied one.

    Args:
        num_kernels: int > 0, B, the number of closeness statistics per sample.
        kernel_dim: int > 0, C, the size of each M_i,b.
        kernel_initializer: initializer of T, default `RandomNormal(stddev=0.05)`
            (the authors' code).

    Input shape: `(batch, features)`. Output shape: `(batch, features + num_kernels)`.
    Memory grows with batch² · num_kernels · kernel_dim.

    Example:
        >>> layer = kgan.layers.MinibatchDiscrimination(num_kernels=8, kernel_dim=4)
        >>> layer(np.zeros((16, 32), "float32")).shape
        (16, 40)

    Reference:
        Salimans et al. 2016, "Improved Techniques for Training GANs".
    """

    def __init__(self, num_kernels, kernel_dim, kernel_initializer=None, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = check_int(num_kernels, "num_kernels")
        self.kernel_dim = check_int(kernel_dim, "kernel_dim")
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or keras.initializers.RandomNormal(stddev=0.05)
        )

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                "MinibatchDiscrimination takes features of shape (batch, features); flatten "
                f"them first. Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.num_kernels * self.kernel_dim),
            initializer=self.kernel_initializer,
            name="kernel",
        )

    def call(self, inputs):
        m = ops.reshape(ops.matmul(inputs, self.kernel), (-1, self.num_kernels, self.kernel_dim))
        # (batch, 1, B, C) − (1, batch, B, C): L1 distance over C for every pair.
        distance = ops.sum(ops.abs(m[:, None] - m[None, :]), axis=-1)
        closeness = ops.sum(ops.exp(-distance), axis=1)
        return ops.concatenate([inputs, ops.cast(closeness, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] + self.num_kernels)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_kernels": self.num_kernels,
                "kernel_dim": self.kernel_dim,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            }
        )
        return config


@keras.saving.register_keras_serializable(package="kgan")
class MinibatchStdDev(keras.layers.Layer):
    """Minibatch standard deviation (Karras et al. 2018; StyleGAN2's version).

    The batch is split into groups of `group_size` samples (sample i belongs
    to group i mod (batch / group_size), as in StyleGAN2) and the channels into
    `num_features` groups. For each sample group and channel group the layer
    takes the standard deviation of every feature over the group's samples
    (biased, + 1e-8 under the square root), averages it over height, width and
    the group's channels, and appends the result as `num_features` constant
    feature maps to each sample of the group.

    Args:
        group_size: int > 0, default 4. Samples per group; a batch smaller than
            it forms one group. The batch size must be a multiple of
            `min(group_size, batch)`.
        num_features: int > 0, default 1. Appended feature maps; must divide
            the number of channels.

    Input shape: NHWC images `(batch, height, width, channels)`. Output shape:
    `(batch, height, width, channels + num_features)`.

    Example:
        >>> layer = kgan.layers.MinibatchStdDev(group_size=4)
        >>> layer(np.zeros((8, 4, 4, 16), "float32")).shape
        (8, 4, 4, 17)

    Reference:
        Karras et al. 2018, "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation"; Karras et al. 2020, "Analyzing and Improving
        the Image Quality of StyleGAN".
    """

    def __init__(self, group_size=4, num_features=1, **kwargs):
        super().__init__(**kwargs)
        self.group_size = check_int(group_size, "group_size")
        self.num_features = check_int(num_features, "num_features")

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "MinibatchStdDev takes NHWC images (batch, height, width, channels). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        if input_shape[-1] % self.num_features:
            raise ValueError(
                "num_features must divide the number of channels. Received: "
                f"num_features={self.num_features}, channels={input_shape[-1]}"
            )

    def call(self, inputs):
        batch, height, width, channels = ops.shape(inputs)
        if isinstance(batch, int):
            group = min(self.group_size, batch)
        else:  # a symbolic batch size (tf.function with an unknown batch)
            group = ops.minimum(self.group_size, batch)
        f = self.num_features
        x = ops.cast(inputs, "float32")
        # [G, n, H, W, F, c]: sample k = g·n + j is member g of group j.
        y = ops.reshape(x, (group, -1, height, width, f, channels // f))
        y = y - ops.mean(y, axis=0)
        y = ops.sqrt(ops.mean(ops.square(y), axis=0) + 1e-8)  # [n, H, W, F, c]
        y = ops.mean(y, axis=(1, 2, 4))  # [n, F]
        y = ops.tile(y, (group, 1))  # [N, F], row g·n + j = group j
        y = ops.broadcast_to(y[:, None, None, :], (batch, height, width, f))
        return ops.concatenate([inputs, ops.cast(y, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:3], input_shape[3] + self.num_features)

    def get_config(self):
        config = super().get_config()
        config.update({"group_size": self.group_size, "num_features": self.num_features})
        return config


@keras.saving.register_keras_serializable(package="kgan")
class PackSamples(keras.layers.Layer):
    """PacGAN's packing (Lin et al. 2018): `num_packed` consecutive samples of
    the batch become one, their channels side by side, so the discriminator
    judges m samples jointly and sees how varied they are.

    Put it before a discriminator built for `num_packed` times the channels
    (`kgan.networks.pack_discriminator` does this). The batch must be a
    multiple of `num_packed`; every real and every generated batch is packed
    alike, so the losses compare packs of real with packs of generated samples.

    Args:
        num_packed: int ≥ 1, m (PacGAN2: 2).

    Input shape: `(batch, ..., channels)`. Output shape:
    `(batch / m, ..., m · channels)`; pack k holds samples k·m … k·m + m − 1.

    Example:
        >>> kgan.layers.PackSamples(2)(np.zeros((8, 28, 28, 3), "float32")).shape
        (4, 28, 28, 6)
    """

    def __init__(self, num_packed, **kwargs):
        super().__init__(**kwargs)
        self.num_packed = check_int(num_packed, "num_packed")

    def call(self, inputs):
        shape = ops.shape(inputs)
        rest = tuple(shape[1:-1])
        packs = ops.reshape(inputs, (-1, self.num_packed, *rest, shape[-1]))
        order = (0, *range(2, len(rest) + 2), 1, len(rest) + 2)
        packs = ops.transpose(packs, order)
        return ops.reshape(packs, (-1, *rest, self.num_packed * shape[-1]))

    def compute_output_shape(self, input_shape):
        batch = None if input_shape[0] is None else input_shape[0] // self.num_packed
        channels = None if input_shape[-1] is None else input_shape[-1] * self.num_packed
        return (batch, *input_shape[1:-1], channels)

    def get_config(self):
        return {**super().get_config(), "num_packed": self.num_packed}
