"""Equalised learning rate (Karras et al. 2018) and pixel-wise feature normalisation.

An equalised layer stores its weights as samples of N(0, 1/lr_multiplier²) and
multiplies them at run time by `gain · lr_multiplier / sqrt(fan_in)`, the He
constant. Every weight then has the same dynamic range, so Adam's per-weight
step size (which ignores the weight's scale) changes every layer equally fast;
`lr_multiplier < 1` slows a layer down (StyleGAN's mapping network uses 0.01).
"""

import math

import keras
from keras import ops

from kgan.backend import conv
from kgan.layers.resample import check_resample_kernel, upfirdn2d
from kgan.utils.validation import check_bool, check_int, check_positive, is_int, is_number

HE_GAIN = math.sqrt(2.0)  # He's constant for a following (leaky) ReLU


def scaled_activation(x, activation, gain=1.0, clamp=None):
    """`clip(activation(x) · gain, −clamp, clamp)`: NVlabs' `bias_act` after the bias.

    StyleGAN2 puts He's gain after the activation (`gain=√2` with a leaky
    ReLU) instead of into the weights, and clamps activations to ±`clamp`
    (`conv_clamp`, which keeps float16 in range).

    Args:
        x: tensor. activation: a Keras activation function.
        gain: float > 0. clamp: float > 0 or None (no clamping).
    """
    x = activation(x)
    if gain != 1.0:
        x = x * gain
    if clamp is not None:
        x = ops.clip(x, -clamp, clamp)
    return x


class _Equalized(keras.layers.Layer):
    """The weight/bias bookkeeping that EqualizedDense and EqualizedConv2D share."""

    def __init__(self, use_bias=True, bias_init=0.0, gain=HE_GAIN, lr_multiplier=1.0,
                 activation=None, activation_gain=1.0, clamp=None, **kwargs):
        super().__init__(**kwargs)
        self.use_bias = check_bool(use_bias, "use_bias")
        if not is_number(bias_init):
            raise ValueError(f"bias_init must be a number. Received: bias_init={bias_init!r}")
        self.bias_init = float(bias_init)
        self.gain = check_positive(gain, "gain")
        self.lr_multiplier = check_positive(lr_multiplier, "lr_multiplier")
        self.activation = keras.activations.get(activation)
        self.activation_gain = check_positive(activation_gain, "activation_gain")
        self.clamp = None if clamp is None else check_positive(clamp, "clamp")

    def _add_weights(self, kernel_shape, fan_in, units):
        self.weight_scale = self.gain * self.lr_multiplier / math.sqrt(fan_in)
        self.kernel = self.add_weight(
            shape=kernel_shape,
            initializer=keras.initializers.RandomNormal(stddev=1.0 / self.lr_multiplier),
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            # Stored as bias_init / lr_multiplier so that the bias in use starts at bias_init.
            self.bias = self.add_weight(
                shape=(units,),
                initializer=keras.initializers.Constant(self.bias_init / self.lr_multiplier),
                name="bias",
            )

    def scaled_kernel(self):
        """The kernel in use: the stored kernel times `gain · lr_multiplier / sqrt(fan_in)`."""
        return ops.cast(self.kernel, self.compute_dtype) * self.weight_scale

    def _finish(self, outputs):
        if self.bias is not None:
            outputs = outputs + ops.cast(self.bias, self.compute_dtype) * self.lr_multiplier
        return scaled_activation(outputs, self.activation, self.activation_gain, self.clamp)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "use_bias": self.use_bias,
                "bias_init": self.bias_init,
                "gain": self.gain,
                "lr_multiplier": self.lr_multiplier,
                "activation": keras.activations.serialize(self.activation),
                "activation_gain": self.activation_gain,
                "clamp": self.clamp,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="kgan")
class EqualizedDense(_Equalized):
    """A dense layer with equalised learning rate.

    `y = activation(x · (W · gain · lr_multiplier / sqrt(in_features)) + b · lr_multiplier)`
    with W initialised from N(0, 1/lr_multiplier²) and b from
    `bias_init / lr_multiplier` (so the effective weights start as He-initialised
    and the effective bias as `bias_init`, and both learn `lr_multiplier` times
    as fast as the stored variables).

    Args:
        units: int > 0, the output features.
        use_bias: bool, default True.
        bias_init: float, default 0.0. Initial value of the effective bias
            (StyleGAN2's style affine layers use 1.0).
        gain: float > 0, default √2 (He's constant for a following leaky
            ReLU/ReLU); use 1.0 before a linear output.
        lr_multiplier: float > 0, default 1.0. Learning-rate multiplier of the
            layer (StyleGAN's mapping network: 0.01).
        activation: a Keras activation or its name, default None (linear).
        activation_gain: float > 0, default 1. Multiplies the activation's
            output (StyleGAN2: `gain=1, activation_gain=√2`; see
            `scaled_activation`).
        clamp: float > 0 or None (default): clip the output to ±clamp.

    Input shape: `(..., in_features)`. Output shape: `(..., units)`.

    Example:
        >>> layer = kgan.layers.EqualizedDense(8, lr_multiplier=0.01)
        >>> layer(np.ones((2, 4), "float32")).shape
        (2, 8)

    Reference:
        Karras et al. 2018, "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", Section 4.1; Karras et al. 2019, "A Style-Based
        Generator Architecture for Generative Adversarial Networks" (lr_multiplier).
    """

    def __init__(self, units, use_bias=True, bias_init=0.0, gain=HE_GAIN,
                 lr_multiplier=1.0, activation=None, activation_gain=1.0, clamp=None, **kwargs):
        super().__init__(use_bias=use_bias, bias_init=bias_init, gain=gain,
                         lr_multiplier=lr_multiplier, activation=activation,
                         activation_gain=activation_gain, clamp=clamp, **kwargs)
        self.units = check_int(units, "units")

    def build(self, input_shape):
        fan_in = input_shape[-1]
        if fan_in is None:
            raise ValueError(
                "EqualizedDense needs a known last dimension. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self._add_weights((fan_in, self.units), fan_in, self.units)

    def call(self, inputs):
        return self._finish(ops.matmul(inputs, self.scaled_kernel()))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="kgan")
class EqualizedConv2D(_Equalized):
    """A 2-D convolution (NHWC) with equalised learning rate, optionally downsampling.

    The kernel in use is the stored kernel (N(0, 1/lr_multiplier²)) times
    `gain · lr_multiplier / sqrt(kernel_size² · in_channels)`; the bias as in
    `EqualizedDense`. With `down=2` the layer is NVlabs' `Conv2dLayer(down=2)`:
    the input is low-pass filtered with `resample_kernel` (padded by
    `kernel_size // 2` plus the filter's own padding), then convolved with
    stride 2 and no padding (a 1×1 kernel: filtered and subsampled first).

    Args:
        filters: int > 0, the output channels.
        kernel_size: int > 0, the side of the square kernel.
        strides: int > 0, default 1.
        padding: `"same"` (default) or `"valid"`.
        use_bias: bool, default True.
        bias_init: float, default 0.0. Initial value of the effective bias.
        gain: float > 0, default √2; use 1.0 before a linear output (toRGB).
        lr_multiplier: float > 0, default 1.0.
        activation: a Keras activation or its name, default None (linear).
        activation_gain: float > 0, default 1; clamp: float > 0 or None, as in
            `EqualizedDense`.
        down: int ≥ 1, default 1. Downsampling factor (with `strides=1` and
            `padding="same"`).
        resample_kernel: FIR taps of the downsampling filter, default
            `(1, 3, 3, 1)`.

    Input shape: `(batch, height, width, in_channels)`. Output shape:
    `(batch, height', width', filters)`.

    Example:
        >>> layer = kgan.layers.EqualizedConv2D(8, 3, activation="leaky_relu")
        >>> layer(np.ones((2, 16, 16, 3), "float32")).shape
        (2, 16, 16, 8)

    Reference:
        Karras et al. 2018, "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", Section 4.1.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="same", use_bias=True,
                 bias_init=0.0, gain=HE_GAIN, lr_multiplier=1.0, activation=None,
                 activation_gain=1.0, clamp=None, down=1, resample_kernel=(1, 3, 3, 1),
                 **kwargs):
        super().__init__(use_bias=use_bias, bias_init=bias_init, gain=gain,
                         lr_multiplier=lr_multiplier, activation=activation,
                         activation_gain=activation_gain, clamp=clamp, **kwargs)
        self.filters = check_int(filters, "filters")
        self.kernel_size = check_int(kernel_size, "kernel_size")
        self.strides = check_int(strides, "strides")
        if padding not in ("same", "valid"):
            raise ValueError(f'padding must be "same" or "valid". Received: padding={padding!r}')
        self.padding = padding
        self.down = check_int(down, "down")
        if self.down > 1 and (strides != 1 or padding != "same"):
            raise ValueError(
                "down > 1 takes strides=1 and padding='same' (the layer pads and strides itself). "
                f"Received: down={down}, strides={strides}, padding={padding!r}"
            )
        self.resample_kernel = check_resample_kernel(resample_kernel)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "EqualizedConv2D takes NHWC images (batch, height, width, channels). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        channels = input_shape[-1]
        k = self.kernel_size
        self._add_weights((k, k, channels, self.filters), k * k * channels, self.filters)

    def call(self, inputs):
        if self.down == 1:
            outputs = conv(inputs, self.scaled_kernel(), strides=self.strides,
                               padding=self.padding)
            return self._finish(outputs)
        taps, pad = len(self.resample_kernel), self.kernel_size // 2
        padding = (pad + (taps - self.down + 1) // 2, pad + (taps - self.down) // 2)
        if self.kernel_size == 1:
            x = upfirdn2d(inputs, self.resample_kernel, down=self.down, padding=padding)
            return self._finish(conv(x, self.scaled_kernel(), padding="valid"))
        x = upfirdn2d(inputs, self.resample_kernel, padding=padding)
        outputs = conv(x, self.scaled_kernel(), strides=self.down, padding="valid")
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = input_shape

        def side(n):
            if n is None:
                return None
            if self.padding == "valid":
                n = n - self.kernel_size + 1
            return -(-n // (self.strides * self.down))

        return (batch, side(height), side(width), self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "down": self.down,
                "resample_kernel": self.resample_kernel,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="kgan")
class PixelNormalization(keras.layers.Layer):
    """Pixel-wise feature vector normalisation: `x / sqrt(mean(x², axis) + epsilon)`.

    Normalises each pixel's feature vector (or each latent vector) to unit
    root-mean-square, with no learned parameters. ProgressiveGAN applies it
    after every generator convolution; StyleGAN to z before the mapping network.

    Args:
        epsilon: float > 0, default 1e-8.
        axis: int, default -1 (the channels of NHWC images, the features of vectors).

    Example:
        >>> kgan.layers.PixelNormalization()(np.full((2, 4), 3.0, "float32"))  # all ones

    Reference:
        Karras et al. 2018, "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", Section 4.2.
    """

    def __init__(self, epsilon=1e-8, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = check_positive(epsilon, "epsilon")
        if not is_int(axis):
            raise ValueError(f"axis must be an integer. Received: axis={axis!r}")
        self.axis = axis

    def call(self, inputs):
        return inputs * ops.rsqrt(
            ops.mean(ops.square(inputs), axis=self.axis, keepdims=True) + self.epsilon
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon, "axis": self.axis}
