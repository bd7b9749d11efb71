"""Layers of style-based generators: styles from w, per-pixel noise, a learned constant."""

import math

import keras
from keras import ops

from kgan.backend import conv
from kgan.layers.equalized import EqualizedDense, scaled_activation
from kgan.layers.resample import check_resample_kernel, upfirdn2d
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
    """Adds per-pixel Gaussian noise with a learned strength: `x + s · n`.

    `n` is one noise image `(batch, H, W, 1)` broadcast over channels; the
    strength `s` starts at zero and is one scalar per layer (StyleGAN2,
    NVlabs' `noise_strength`) or, with `per_channel=True`, one per channel
    (StyleGAN's). Where `n` comes from (`noise_mode`, as in NVlabs):

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
        per_channel: bool, default False. True: a strength per channel.

    Input: `x` `(batch, H, W, C)`, or `[x, noise]`. Output: `(batch, H, W, C)`.

    Example:
        >>> layer = kgan.layers.NoiseInjection(noise_mode="const")
        >>> layer(np.ones((2, 4, 4, 8), "float32")).shape
        (2, 4, 4, 8)

    Reference:
        Karras et al. 2019, "A Style-Based Generator Architecture for
        Generative Adversarial Networks", Section 2.
    """

    def __init__(self, noise_mode="random", seed=None, per_channel=False, **kwargs):
        super().__init__(**kwargs)
        self.noise_mode = noise_mode
        self.seed = seed
        self.per_channel = check_bool(per_channel, "per_channel")
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
        self.strength = self.add_weight(
            shape=(shape[-1],) if self.per_channel else (), initializer="zeros", name="strength"
        )
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
        return {
            **super().get_config(),
            "noise_mode": self.noise_mode,
            "seed": self.seed,
            "per_channel": self.per_channel,
        }


@keras.saving.register_keras_serializable(package="kgan")
class ModulatedConv2D(keras.layers.Layer):
    """StyleGAN2's synthesis layer: modulated (demodulated) convolution, noise, bias, activation.

    The style `s = A(w)` `(batch, C_in)` comes from an `EqualizedDense(C_in,
    gain=1, bias_init=1)`. Each sample's kernel is the stored kernel W
    (N(0, 1)) modulated per input channel, `W'[.., i, o] = W[.., i, o] · s_i`,
    and, with `demodulate=True`, demodulated per output channel,
    `W''[.., o] = W'[.., o] / sqrt(Σ_{kh,kw,i} W'[.., i, o]² + 1e-8)` (see
    `modulated_kernel`). Without demodulation (toRGB) the kernel is
    `W / sqrt(k²·C_in)` instead (NVlabs scales the style by it). Then, as
    NVlabs' `SynthesisLayer`/`ToRGBLayer`: noise (`use_noise`, a
    `NoiseInjection` sublayer named `noise` with one strength), the bias, the
    activation times `activation_gain`, and clipping to ±`clamp`.

    `up=2` is NVlabs' upsampling convolution: a transposed convolution with
    stride 2 (zeros inserted between pixels, kernel flipped; this layer
    stores the kernel it correlates with, i.e. NVlabs' weight flipped), then
    the `resample_kernel` FIR filter with gain 4, giving `(2H, 2W)`.

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
        kernel_size: int > 0, odd side of the square kernel ("same" padding).
        demodulate: bool, default True. False for toRGB layers.
        use_bias: bool, default True.
        up: 1 (default) or 2, upsampling factor.
        use_noise: bool, default False. Adds per-pixel noise before the bias.
        activation: a Keras activation or its name, default None (linear).
        activation_gain: float > 0, default 1 (StyleGAN2: √2 after leaky ReLU).
        clamp: float > 0 or None (default): clip the output to ±clamp
            (NVlabs' `conv_clamp`).
        resample_kernel: FIR taps for `up=2`, default `(1, 3, 3, 1)`.

    Inputs: `[x, w]`, `x` `(batch, H, W, C_in)` and `w` `(batch, w_dim)`.
    Output: `(batch, H·up, W·up, filters)`.

    Example:
        >>> layer = kgan.layers.ModulatedConv2D(8, 3, up=2, use_noise=True)
        >>> layer([np.ones((2, 4, 4, 4), "float32"), np.ones((2, 16), "float32")]).shape
        (2, 8, 8, 8)

    Reference:
        Karras et al. 2020, "Analyzing and Improving the Image Quality of
        StyleGAN", Section 2.2.
    """

    def __init__(self, filters, kernel_size, demodulate=True, use_bias=True, up=1,
                 use_noise=False, activation=None, activation_gain=1.0, clamp=None,
                 resample_kernel=(1, 3, 3, 1), **kwargs):
        super().__init__(**kwargs)
        self.filters = check_int(filters, "filters")
        self.kernel_size = check_int(kernel_size, "kernel_size")
        if self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd. Received: kernel_size={kernel_size}")
        self.demodulate = check_bool(demodulate, "demodulate")
        self.use_bias = check_bool(use_bias, "use_bias")
        if up not in (1, 2):
            raise ValueError(f"up must be 1 or 2. Received: up={up!r}")
        if up == 2 and self.kernel_size < 3:
            raise ValueError(
                f"up=2 takes kernel_size ≥ 3. Received: kernel_size={kernel_size}"
            )
        self.up = up
        self.use_noise = check_bool(use_noise, "use_noise")
        self.activation = keras.activations.get(activation)
        self.activation_gain = check_positive(activation_gain, "activation_gain")
        self.clamp = None if clamp is None else check_positive(clamp, "clamp")
        self.resample_kernel = check_resample_kernel(resample_kernel)

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
        self.noise = None
        if self.use_noise:
            self.noise = NoiseInjection(name="noise")
            self.noise.build(self.compute_output_shape(input_shape))

    def _kernel(self):
        kernel = ops.cast(self.kernel, self.compute_dtype)
        return kernel if self.demodulate else kernel * self.weight_scale

    def modulated_kernel(self, w):
        """The per-sample kernels the layer applies: `(batch, k, k, C_in, filters)`."""
        kernel = self._kernel()[None] * self.affine(w)[:, None, None, :, None]
        if self.demodulate:
            kernel = kernel * ops.rsqrt(
                ops.sum(ops.square(kernel), axis=(1, 2, 3), keepdims=True) + 1e-8
            )
        return kernel

    def _upsampling_conv(self, x, kernel):
        # Transposed convolution (zero insertion, full padding), then the FIR filter.
        _, height, width, channels = x.shape
        k, taps = self.kernel_size, len(self.resample_kernel)
        x = ops.reshape(x, (-1, height, 1, width, 1, channels))
        x = ops.pad(x, [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]])
        x = ops.reshape(x, (-1, 2 * height, 2 * width, channels))
        x = ops.pad(x, [[0, 0], [k - 1, k - 2], [k - 1, k - 2], [0, 0]])
        x = conv(x, kernel, padding="valid")
        padding = (k // 2 + (taps + 1) // 2 - (k - 1), k // 2 + (taps - 2) // 2 - (k - 2))
        return upfirdn2d(x, self.resample_kernel, padding=padding) * 4.0

    def call(self, inputs):
        _check_pair(inputs, "ModulatedConv2D")
        x, w = inputs
        styles = self.affine(w)
        kernel = self._kernel()
        x = x * styles[:, None, None, :]
        if self.up == 1:
            y = conv(x, kernel, padding="same")
        else:
            y = self._upsampling_conv(x, kernel)
        if self.demodulate:
            energy = ops.matmul(ops.square(styles), ops.sum(ops.square(kernel), axis=(0, 1)))
            y = y * ops.rsqrt(energy + 1e-8)[:, None, None, :]
        if self.noise is not None:
            y = self.noise(y)
        if self.bias is not None:
            y = y + ops.cast(self.bias, y.dtype)
        return scaled_activation(y, self.activation, self.activation_gain, self.clamp)

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = tuple(input_shape[0])
        return (batch, height * self.up, width * self.up, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "demodulate": self.demodulate,
                "use_bias": self.use_bias,
                "up": self.up,
                "use_noise": self.use_noise,
                "activation": keras.activations.serialize(self.activation),
                "activation_gain": self.activation_gain,
                "clamp": self.clamp,
                "resample_kernel": self.resample_kernel,
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


def noise_layers(network):
    """Every `NoiseInjection` in `network`, nested ones included (StyleGAN2's
    sit inside `ModulatedConv2D`): the layers whose `noise_mode` sampling
    sets. `Layer._flatten_layers` is Keras' own traversal (guarded in
    tests/test_keras_internals.py)."""
    return [layer for layer in network._flatten_layers() if isinstance(layer, NoiseInjection)]
