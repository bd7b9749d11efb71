"""Layers of style-based generators: styles from w, per-pixel noise, a learned constant."""

import math

import keras
from keras import ops

from kgan.layers.equalized import EqualizedDense
from kgan.utils.validation import check_bool, check_int, check_positive

NOISE_MODES = ("random", "const", "none")


def _image_shape(input_shape):
    """The shape of x from the input shape of `x` or of `[x, noise]`."""
    nested = isinstance(input_shape[0], (list, tuple))
    return input_shape[0] if nested else input_shape


def _check_pair(inputs, layer):
    if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
        raise ValueError(
            f"{layer} takes a list [x, w] of images (batch, H, W, C) and latents (batch, w_dim). "
            f"Received: {inputs!r}"
        )


def _check_image_and_latent(input_shape, layer):
    _check_pair(input_shape, layer)
    x_shape, w_shape = (tuple(shape) for shape in input_shape)
    if len(x_shape) != 4 or x_shape[-1] is None or len(w_shape) != 2 or w_shape[-1] is None:
        raise ValueError(
            f"{layer} takes [x, w] of shapes (batch, H, W, C) and (batch, w_dim). "
            f"Received: input_shape={input_shape!r}"
        )
    return x_shape, w_shape


@keras.saving.register_keras_serializable(package="kgan")
class AdaptiveInstanceNormalization(keras.layers.Layer):
    """Adaptive instance normalisation (AdaIN) with a learned affine map of w, as in StyleGAN.

    Each channel of each sample is normalised over height and width,
    `x̂ = (x − mean) / sqrt(var + epsilon)`, then given the style's scale and
    bias: `(1 + y_s) · x̂ + y_b`, where `[y_s, y_b] = A(w)` and A is an
    `EqualizedDense(2·C, gain=1)` with zero initial bias (so the style starts
    near the identity scale, StyleGAN's `style_mod`).

    Args:
        epsilon: float > 0, default 1e-8.

    Inputs: `[x, w]`, `x` `(batch, H, W, C)` and `w` `(batch, w_dim)`.
    Output: `(batch, H, W, C)`.

    Example:
        >>> layer = kgan.layers.AdaptiveInstanceNormalization()
        >>> layer([np.ones((2, 4, 4, 8), "float32"), np.ones((2, 16), "float32")]).shape
        (2, 4, 4, 8)

    Reference:
        Huang & Belongie 2017, "Arbitrary Style Transfer in Real-time with
        Adaptive Instance Normalization"; Karras et al. 2019, "A Style-Based
        Generator Architecture for Generative Adversarial Networks".
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = check_positive(epsilon, "epsilon")

    def build(self, input_shape):
        x_shape, w_shape = _check_image_and_latent(input_shape, "AdaptiveInstanceNormalization")
        self.affine = EqualizedDense(2 * x_shape[-1], gain=1.0, name="affine")
        self.affine.build(w_shape)

    def call(self, inputs):
        _check_pair(inputs, "AdaptiveInstanceNormalization")
        x, w = inputs
        mean, variance = ops.moments(x, axes=(1, 2), keepdims=True)
        normalized = (x - mean) * ops.rsqrt(variance + self.epsilon)
        scale, bias = ops.split(self.affine(w), 2, axis=-1)
        return normalized * (1.0 + scale[:, None, None, :]) + bias[:, None, None, :]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="kgan")
class NoiseInjection(keras.layers.Layer):
    """Adds per-pixel Gaussian noise with a learned per-channel strength: `x + s ⊙ n`.

    `n` is one noise image `(batch, H, W, 1)` broadcast over channels and `s`
    `(C,)` starts at zero. Where `n` comes from (`noise_mode`, as in NVlabs):

    - `"random"`: drawn from N(0, 1) at every call with the layer's
      `keras.random.SeedGenerator` (its state is a non-trainable variable, so
      it advances under JAX jit and is saved with the model);
    - `"const"`: a fixed noise image drawn once when the layer is built and
      stored as a non-trainable variable (deterministic inference);
    - `"none"`: no noise.

    A call on `[x, noise]` uses the given `noise` `(batch, H, W, 1)` instead.
    `noise_mode` is an attribute that may be changed after construction (e.g.
    for sampling); `kgan.models.StyleGAN.generate` does this for you.

    Args:
        noise_mode: `"random"` (default), `"const"` or `"none"`.
        seed: int or None, seed of the layer's random noise.

    Input: `x` `(batch, H, W, C)`, or `[x, noise]`. Output: `(batch, H, W, C)`.

    Example:
        >>> layer = kgan.layers.NoiseInjection(noise_mode="const")
        >>> layer(np.ones((2, 4, 4, 8), "float32")).shape
        (2, 4, 4, 8)

    Reference:
        Karras et al. 2019, "A Style-Based Generator Architecture for
        Generative Adversarial Networks", Section 2.
    """

    def __init__(self, noise_mode="random", seed=None, **kwargs):
        super().__init__(**kwargs)
        self.noise_mode = noise_mode
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    @property
    def noise_mode(self):
        return self._noise_mode

    @noise_mode.setter
    def noise_mode(self, value):
        if value not in NOISE_MODES:
            raise ValueError(f"noise_mode must be one of {NOISE_MODES}. Received: noise_mode={value!r}")
        self._noise_mode = value

    def build(self, input_shape):
        shape = tuple(_image_shape(input_shape))
        if len(shape) != 4 or None in shape[1:]:
            raise ValueError(
                "NoiseInjection takes NHWC images with a static height, width and channels. "
                f"Received: input_shape={input_shape!r}"
            )
        self.strength = self.add_weight(shape=(shape[-1],), initializer="zeros", name="strength")
        self.const_noise = self.add_weight(
            shape=(*shape[1:3], 1),
            initializer=keras.initializers.RandomNormal(stddev=1.0, seed=self.seed),
            trainable=False,
            name="const_noise",
        )

    def call(self, inputs):
        if isinstance(inputs, (list, tuple)):
            x, noise = inputs
        elif self.noise_mode == "none":
            return inputs
        elif self.noise_mode == "const":
            x, noise = inputs, ops.expand_dims(self.const_noise, 0)
        else:
            x = inputs
            shape = (ops.shape(x)[0], *x.shape[1:3], 1)
            noise = keras.random.normal(shape, seed=self.seed_generator, dtype=x.dtype)
        return x + ops.cast(noise, x.dtype) * ops.cast(self.strength, x.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(_image_shape(input_shape))

    def get_config(self):
        return {**super().get_config(), "noise_mode": self.noise_mode, "seed": self.seed}


@keras.saving.register_keras_serializable(package="kgan")
class ModulatedConv2D(keras.layers.Layer):
    """StyleGAN2's modulated (and demodulated) convolution, with its style affine map.

    The style `s = A(w)` `(batch, C_in)` comes from an `EqualizedDense(C_in,
    bias_init=1, gain=1)`. Each sample's kernel is the equalised kernel
    `W / sqrt(k²·C_in)` (W ~ N(0, 1)) modulated per input channel,
    `W'[.., i, o] = W[.., i, o] · s_i`, and, with `demodulate=True`,
    demodulated per output channel, `W''[.., o] = W'[.., o] / sqrt(Σ_{kh,kw,i}
    W'[.., i, o]² + 1e-8)` (unit L2 norm per output channel; see
    `modulated_kernel`). Then a bias is added.

    Implementation: the per-sample kernels are never built. Scaling the kernel's
    input channels by `s` equals scaling the input's channels by `s`, and
    scaling its output channels by `d` equals scaling the output, so the layer
    computes `conv(x ⊙ s, W) ⊙ d` with `d_o = 1/sqrt(Σ_i s_i² Σ_{kh,kw} W[.., i,
    o]² + 1e-8)`: one ordinary convolution shared by the batch (NVlabs'
    non-fused path). We chose it over the fused grouped convolution (batch
    folded into channels, `groups=batch`) because keras.ops has no grouped
    convolution argument, TensorFlow's CPU kernels reject grouped
    convolutions, and a batch-dependent kernel shape would retrace under jit;
    this form runs unchanged on TensorFlow, JAX and torch, under jit, with a
    batch-independent memory cost. It is the same function as the per-sample
    weight formulation.

    Args:
        filters: int > 0, output channels.
        kernel_size: int > 0, side of the square kernel ("same" padding).
        demodulate: bool, default True. False for toRGB layers.
        use_bias: bool, default True.

    Inputs: `[x, w]`, `x` `(batch, H, W, C_in)` and `w` `(batch, w_dim)`.
    Output: `(batch, H, W, filters)`.

    Example:
        >>> layer = kgan.layers.ModulatedConv2D(8, 3)
        >>> layer([np.ones((2, 4, 4, 4), "float32"), np.ones((2, 16), "float32")]).shape
        (2, 4, 4, 8)

    Reference:
        Karras et al. 2020, "Analyzing and Improving the Image Quality of
        StyleGAN", Section 2.2.
    """

    def __init__(self, filters, kernel_size, demodulate=True, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.filters = check_int(filters, "filters")
        self.kernel_size = check_int(kernel_size, "kernel_size")
        self.demodulate = check_bool(demodulate, "demodulate")
        self.use_bias = check_bool(use_bias, "use_bias")

    def build(self, input_shape):
        x_shape, w_shape = _check_image_and_latent(input_shape, "ModulatedConv2D")
        channels, k = x_shape[-1], self.kernel_size
        self.affine = EqualizedDense(channels, bias_init=1.0, gain=1.0, name="affine")
        self.affine.build(w_shape)
        self.weight_scale = 1.0 / math.sqrt(k * k * channels)
        self.kernel = self.add_weight(
            shape=(k, k, channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

    def _kernel(self):
        return ops.cast(self.kernel, self.compute_dtype) * self.weight_scale

    def modulated_kernel(self, w):
        """The per-sample kernels the layer applies: `(batch, k, k, C_in, filters)`."""
        kernel = self._kernel()[None] * self.affine(w)[:, None, None, :, None]
        if self.demodulate:
            kernel = kernel * ops.rsqrt(
                ops.sum(ops.square(kernel), axis=(1, 2, 3), keepdims=True) + 1e-8
            )
        return kernel

    def call(self, inputs):
        _check_pair(inputs, "ModulatedConv2D")
        x, w = inputs
        styles = self.affine(w)
        kernel = self._kernel()
        y = ops.conv(x * styles[:, None, None, :], kernel, padding="same")
        if self.demodulate:
            energy = ops.matmul(ops.square(styles), ops.sum(ops.square(kernel), axis=(0, 1)))
            y = y * ops.rsqrt(energy + 1e-8)[:, None, None, :]
        if self.bias is not None:
            y = y + ops.cast(self.bias, y.dtype)
        return y

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape[0])[:3], self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "demodulate": self.demodulate,
                "use_bias": self.use_bias,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="kgan")
class ConstantInput(keras.layers.Layer):
    """A learned constant image `(size, size, channels)`, repeated for each sample.

    The synthesis network of StyleGAN and StyleGAN2 starts from it instead of
    from the latent; the layer's input only gives the batch size.

    Args:
        channels: int > 0.
        size: int > 0, default 4.

    Input: any tensor `(batch, ...)`. Output: `(batch, size, size, channels)`,
    initialised from N(0, 1).

    Example:
        >>> kgan.layers.ConstantInput(8)(np.zeros((2, 6, 16), "float32")).shape
        (2, 4, 4, 8)

    Reference:
        Karras et al. 2019, "A Style-Based Generator Architecture for
        Generative Adversarial Networks", Section 2.
    """

    def __init__(self, channels, size=4, **kwargs):
        super().__init__(**kwargs)
        self.channels = check_int(channels, "channels")
        self.size = check_int(size, "size")

    def build(self, input_shape):
        self.constant = self.add_weight(
            shape=(self.size, self.size, self.channels),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="constant",
        )

    def call(self, inputs):
        constant = ops.cast(self.constant, self.compute_dtype)
        shape = (ops.shape(inputs)[0], self.size, self.size, self.channels)
        return ops.broadcast_to(constant[None], shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "size": self.size}
