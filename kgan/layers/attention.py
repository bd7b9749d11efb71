"""Self-attention over the positions of a feature map (SAGAN, as used by BigGAN)."""

import keras
from keras import ops

from kgan.layers.convolution import Conv2D
from kgan.layers.spectral_normalization import SpectralNormalization
from kgan.utils.validation import check_bool


@keras.saving.register_keras_serializable(package="kgan")
class SelfAttention(keras.layers.Layer):
    """SAGAN self-attention block with a learned residual weight γ (initially 0).

    For a feature map x `(batch, H, W, C)` with N = H·W positions, 1×1
    convolutions without bias give queries θ(x) `(N, C/8)`, keys φ(x)
    `(N/4, C/8)` and values g(x) `(N/4, C/2)`; keys and values are 2×2
    max-pooled, as in BigGAN (SAGAN without the pooling). The attention map
    β = softmax(θ φᵀ) `(N, N/4)` (over the keys) mixes the values, a last 1×1
    convolution o maps them back to C channels, and the output is

        y = x + γ · o(β g).

    γ starts at 0, so a new block is the identity and the network first
    relies on local features (SAGAN, Sec. 4).

    Args:
        spectral_normalization: bool, default True. Wrap the four convolutions
            in `kgan.layers.SpectralNormalization` (SAGAN and BigGAN do, in G
            and D).
        kernel_initializer: initializer of the convolutions, default
            `"orthogonal"` (BigGAN's).
        keep_v: bool, default False. Passed to the spectral normalisations
            (`kgan.layers.SpectralNormalization`): also store v, as torch does.

    Input shape: `(batch, H, W, C)` with H and W even and C a multiple of 8.
    Output shape: the same.

    Example:
        >>> layer = kgan.layers.SelfAttention()
        >>> layer(np.ones((2, 8, 8, 16), "float32")).shape
        (2, 8, 8, 16)

    Reference:
        Zhang, Goodfellow, Metaxas & Odena 2019, "Self-Attention Generative
        Adversarial Networks"; Brock, Donahue & Simonyan 2019, "Large Scale
        GAN Training for High Fidelity Natural Image Synthesis" (BigGAN).
    """

    def __init__(self, spectral_normalization=True, kernel_initializer="orthogonal", keep_v=False,
                 **kwargs):
        super().__init__(**kwargs)
        check_bool(spectral_normalization, "spectral_normalization")
        self.spectral_normalization = spectral_normalization
        self.keep_v = check_bool(keep_v, "keep_v")
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def _conv(self, filters, name):
        conv = Conv2D(
            filters, 1, use_bias=False, kernel_initializer=self.kernel_initializer, name=name
        )
        if not self.spectral_normalization:
            return conv
        return SpectralNormalization(conv, keep_v=self.keep_v, name=name + "_sn")

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                "SelfAttention takes feature maps (batch, H, W, C). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        _, height, width, channels = input_shape
        if height is None or width is None or height % 2 or width % 2:
            raise ValueError(
                "SelfAttention needs a known, even height and width (keys and values are "
                f"2×2 max-pooled). Received: input_shape={tuple(input_shape)}"
            )
        if channels is None or channels % 8:
            raise ValueError(
                "SelfAttention needs channels C, a multiple of 8 (queries and keys have "
                f"C/8 channels). Received: input_shape={tuple(input_shape)}"
            )
        pooled = (input_shape[0], height // 2, width // 2, channels)
        self.query = self._conv(channels // 8, "query")
        self.query.build(input_shape)
        self.key = self._conv(channels // 8, "key")
        self.key.build(input_shape)
        self.value = self._conv(channels // 2, "value")
        self.value.build(input_shape)
        self.output_conv = self._conv(channels, "output")
        self.output_conv.build(pooled[:3] + (channels // 2,))
        self.pool = keras.layers.MaxPooling2D(2, name="pool")
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def call(self, inputs, training=False):
        _, height, width, channels = inputs.shape
        positions = height * width
        query = ops.reshape(self.query(inputs, training=training), (-1, positions, channels // 8))
        key = ops.reshape(
            self.pool(self.key(inputs, training=training)), (-1, positions // 4, channels // 8)
        )
        value = ops.reshape(
            self.pool(self.value(inputs, training=training)), (-1, positions // 4, channels // 2)
        )
        attention = ops.softmax(ops.matmul(query, ops.transpose(key, (0, 2, 1))), axis=-1)
        attended = ops.reshape(ops.matmul(attention, value), (-1, height, width, channels // 2))
        return inputs + ops.cast(self.gamma, inputs.dtype) * self.output_conv(
            attended, training=training
        )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "spectral_normalization": self.spectral_normalization,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "keep_v": self.keep_v,
        }
