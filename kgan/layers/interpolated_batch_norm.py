"""Inference batch normalisation with per-sample mixes of stored statistics sets (BigGAN-deep)."""

import keras
from keras import ops

from kgan.layers.spectral_normalization import SpectralNormalization
from kgan.utils.validation import check_bool, check_int, check_positive


@keras.saving.register_keras_serializable(package="kgan")
class InterpolatedBatchNormalization(keras.layers.Layer):
    """Batch normalisation with statistics mixed from `num_sets` stored sets.

    Inputs `[x, set_weights]` or, with `conditional`, `[x, set_weights,
    condition]`: `x` `(batch, ..., C)`, `set_weights` `(batch, num_sets)` (each
    row mixes the stored sets, e.g. `kgan.networks.biggan_deep_statistics_weights`
    of a truncation), `condition` `(batch, D)`. With μ = set_weights · means and
    σ² = set_weights · variances (`(num_sets, C)` non-trainable weights), the
    output is

        y = (x − μ) / √(σ² + ε) · g + b,

    where g = 1 + condition · W_γ and b = condition · W_β (spectrally normalised
    `(D, C)` kernels without bias) with `conditional`, else a learned `(C,)`
    gain and bias. BigGAN-deep's released generators store 51 sets measured at
    truncations 0, 0.02, ..., 1; the statistics never update (there is no
    training mode), unlike `kgan.layers.ConditionalBatchNormalization`.

    Args:
        num_sets: int > 0, the number of stored statistics sets.
        conditional: bool, default True.
        epsilon: float > 0, default 1e-4 (BigGAN-deep's).
        keep_v: bool, default True. Passed to the spectral normalisations of
            the conditional maps (`kgan.layers.SpectralNormalization`).

    Example:
        >>> layer = kgan.layers.InterpolatedBatchNormalization(3)
        >>> x, weights = np.ones((2, 4, 4, 8), "float32"), np.eye(3, dtype="float32")[:2]
        >>> layer([x, weights, np.ones((2, 6), "float32")]).shape
        (2, 4, 4, 8)

    Reference:
        Brock, Donahue & Simonyan 2019, "Large Scale GAN Training for High
        Fidelity Natural Image Synthesis" (BigGAN-deep; statistics per
        truncation as in its TF Hub modules and `pytorch-pretrained-biggan`).
    """

    def __init__(self, num_sets, conditional=True, epsilon=1e-4, keep_v=True, **kwargs):
        super().__init__(**kwargs)
        self.num_sets = check_int(num_sets, "num_sets")
        self.conditional = check_bool(conditional, "conditional")
        self.epsilon = check_positive(epsilon, "epsilon")
        self.keep_v = check_bool(keep_v, "keep_v")

    def _linear(self, units, name):
        dense = keras.layers.Dense(units, use_bias=False, name=name)
        return SpectralNormalization(dense, keep_v=self.keep_v, name=name + "_sn")

    def build(self, input_shape):
        if len(input_shape) != (3 if self.conditional else 2):
            raise ValueError(
                "InterpolatedBatchNormalization takes [x, set_weights] (and condition when "
                f"conditional). Received: {len(input_shape)} inputs, conditional={self.conditional}"
            )
        channels = input_shape[0][-1]
        if tuple(input_shape[1][1:]) != (self.num_sets,):
            raise ValueError(
                f"set_weights must have shape (batch, {self.num_sets}). "
                f"Received: set_weights shape {tuple(input_shape[1])}"
            )
        stored = {"shape": (self.num_sets, channels), "trainable": False}
        self.means = self.add_weight(initializer="zeros", name="means", **stored)
        self.variances = self.add_weight(initializer="ones", name="variances", **stored)
        if self.conditional:
            self.gain = self._linear(channels, "gain")
            self.gain.build(input_shape[2])
            self.bias = self._linear(channels, "bias")
            self.bias.build(input_shape[2])
        else:
            self.gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma")
            self.beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta")

    def call(self, inputs):
        x, set_weights = inputs[0], inputs[1]
        shape = (-1,) + (1,) * (len(x.shape) - 2) + (x.shape[-1],)
        mean = ops.reshape(ops.matmul(set_weights, self.means), shape)
        variance = ops.reshape(ops.matmul(set_weights, self.variances), shape)
        normalized = (x - mean) / ops.sqrt(variance + self.epsilon)
        if self.conditional:
            gain = 1.0 + ops.reshape(self.gain(inputs[2]), shape)
            return normalized * gain + ops.reshape(self.bias(inputs[2]), shape)
        return normalized * self.gamma + self.beta

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {
            **super().get_config(),
            "num_sets": self.num_sets,
            "conditional": self.conditional,
            "epsilon": self.epsilon,
            "keep_v": self.keep_v,
        }
