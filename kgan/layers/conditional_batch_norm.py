"""Class-conditional batch normalisation (BigGAN's conditional BN)."""

import keras
from keras import ops

from kgan.layers.spectral_normalization import SpectralNormalization
from kgan.utils.validation import check_bool, check_number_in, check_positive


@keras.saving.register_keras_serializable(package="kgan")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalisation whose gain and bias are linear maps of a condition vector.

    Inputs `[x, condition]`: `x` `(batch, ..., C)`, `condition` `(batch, D)`,
    e.g. BigGAN's shared class embedding concatenated with the block's chunk
    of the latent. The output is

        y = x̂ · (1 + condition · W_γ) + condition · W_β,

    x̂ = (x − μ) / √(σ² + ε) normalised with the batch statistics (training)
    or the moving ones (inference), as `keras.layers.BatchNormalization`
    without its own scale and offset; W_γ and W_β are `(D, C)` kernels without
    bias. The gain is 1 + a linear map, as in BigGAN, so a zero condition
    leaves x̂ unchanged.

    Args:
        momentum: float in [0, 1), default 0.9, of the moving statistics
            (PyTorch's 0.1).
        epsilon: float > 0, default 1e-5.
        spectral_normalization: bool, default False. Wrap both maps in
            `kgan.layers.SpectralNormalization` (BigGAN's generator does).
        kernel_initializer: initializer of W_γ and W_β, default
            `"orthogonal"` (BigGAN's).

    Example:
        >>> layer = kgan.layers.ConditionalBatchNormalization()
        >>> layer([np.ones((4, 8, 8, 16), "float32"), np.ones((4, 20), "float32")]).shape
        (4, 8, 8, 16)

    Reference:
        de Vries et al. 2017, "Modulating early visual processing by language"
        (conditional BN); Brock, Donahue & Simonyan 2019, "Large Scale GAN
        Training for High Fidelity Natural Image Synthesis" (BigGAN).
    """

    def __init__(self, momentum=0.9, epsilon=1e-5, spectral_normalization=False,
                 kernel_initializer="orthogonal", **kwargs):
        super().__init__(**kwargs)
        self.momentum = check_number_in(momentum, "momentum", 0, 1, closed="left")
        self.epsilon = check_positive(epsilon, "epsilon")
        check_bool(spectral_normalization, "spectral_normalization")
        self.spectral_normalization = spectral_normalization
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def _linear(self, units, name):
        dense = keras.layers.Dense(
            units, use_bias=False, kernel_initializer=self.kernel_initializer, name=name
        )
        return SpectralNormalization(dense, name=name + "_sn") if self.spectral_normalization else dense

    def build(self, input_shape):
        x_shape, condition_shape = input_shape
        if len(condition_shape) != 2 or condition_shape[-1] is None:
            raise ValueError(
                "ConditionalBatchNormalization takes [x, condition] with condition of shape "
                f"(batch, D). Received: condition shape {tuple(condition_shape)}"
            )
        channels = x_shape[-1]
        self.batch_norm = keras.layers.BatchNormalization(
            momentum=self.momentum, epsilon=self.epsilon, center=False, scale=False,
            name="batch_norm",
        )
        self.batch_norm.build(x_shape)
        self.gain = self._linear(channels, "gain")
        self.gain.build(condition_shape)
        self.bias = self._linear(channels, "bias")
        self.bias.build(condition_shape)

    def call(self, inputs, training=False):
        x, condition = inputs
        normalized = self.batch_norm(x, training=training)
        shape = (-1,) + (1,) * (len(x.shape) - 2) + (x.shape[-1],)
        gain = ops.reshape(1.0 + self.gain(condition, training=training), shape)
        bias = ops.reshape(self.bias(condition, training=training), shape)
        return normalized * gain + bias

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {
            **super().get_config(),
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "spectral_normalization": self.spectral_normalization,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }
