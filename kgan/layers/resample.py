"""Up- and down-sampling with a low-pass FIR filter (upfirdn2d), in keras.ops."""

import keras
import numpy as np
from keras import ops

from kgan.backend import fir_filter
from kgan.utils.validation import check_int, is_number


def _pads(taps, up, down):
    """NVlabs' padding that makes `upfirdn2d` map H to H·up/down (before and after)."""
    if up > 1:
        return (taps + up - 1) // 2, (taps - up) // 2
    if down > 1:
        return (taps - down + 1) // 2, (taps - down) // 2
    return taps // 2, (taps - 1) // 2


def upfirdn2d(x, kernel, up=1, down=1, padding=None):
    """Upsample by zero insertion, pad, apply a separable FIR filter, downsample.

    The filter is the outer product of the 1-D `kernel` with itself,
    normalised to sum 1 and multiplied by `up²` (so upsampling keeps the mean
    value); it runs as `kgan.backend.fir_filter` with stride `down` (a
    depthwise convolution; shifted sums on JAX). By default
    the padding is NVlabs' `upsample2d`/`downsample2d`/`filter2d` padding, so
    that an `(H, W)` input gives `(H·up/down, W·up/down)`.

    Args:
        x: tensor `(batch, H, W, C)`, static H, W and C.
        kernel: sequence of floats, the 1-D filter taps (e.g. `(1, 3, 3, 1)`).
        up: int ≥ 1, upsampling factor.
        down: int ≥ 1, downsampling factor (not together with `up > 1`).
        padding: `(before, after)` ints applied to both spatial axes after the
            zero insertion (negative: crop), or None for the size-preserving
            default. The
            output side is `(H·up + before + after − taps) // down + 1`.

    Returns:
        Tensor `(batch, H', W', C)`.
    """
    _, height, width, channels = x.shape
    if up > 1:
        x = ops.reshape(x, (-1, height, 1, width, 1, channels))
        x = ops.pad(x, [[0, 0], [0, 0], [0, up - 1], [0, 0], [0, up - 1], [0, 0]])
        x = ops.reshape(x, (-1, height * up, width * up, channels))
    taps = np.asarray(kernel, dtype="float64")
    taps = taps / taps.sum() * up  # outer(taps, taps) sums to up²
    before, after = _pads(len(taps), up, down) if padding is None else padding
    x = ops.pad(x, [[0, 0], [max(before, 0), max(after, 0)], [max(before, 0), max(after, 0)],
                    [0, 0]])
    if before < 0 or after < 0:  # negative padding crops, as in NVlabs' upfirdn2d
        start, stop = max(-before, 0), x.shape[1] - max(-after, 0)
        x = x[:, start:stop, start:stop, :]
    return fir_filter(x, taps, down)


def check_resample_kernel(kernel):
    """The FIR taps as a tuple of floats; ValueError unless a non-empty sequence of numbers > 0."""
    taps = list(kernel) if isinstance(kernel, (list, tuple)) else None
    if not taps or not all(is_number(t) and t > 0 for t in taps):
        raise ValueError(
            f"kernel must be a non-empty sequence of positive numbers. Received: kernel={kernel!r}"
        )
    return tuple(float(t) for t in taps)


@keras.saving.register_keras_serializable(package="kgan")
class Resample2D(keras.layers.Layer):
    """Anti-aliased resampling of NHWC images with a FIR low-pass filter (upfirdn2d).

    `up=2`: insert zeros between pixels, then filter (gain 4), the
    upsampling of StyleGAN and StyleGAN2. `down=2`: filter, then keep every
    second pixel, the downsampling of their discriminators. Both 1: blur only,
    same size. The filter is separable, `outer(kernel, kernel)` normalised; the
    default `[1, 3, 3, 1]` is the binomial filter of the papers. It has no
    weights (`kgan.backend.fir_filter`: a depthwise convolution, shifted sums on JAX).

    Args:
        up: int ≥ 1, default 1. Upsampling factor.
        down: int ≥ 1, default 1. Downsampling factor; `up` and `down` cannot
            both exceed 1.
        kernel: sequence of ≥ 1 positive floats, default `(1, 3, 3, 1)`.

    Input shape: `(batch, H, W, C)` with static H, W, C. Output shape:
    `(batch, H·up/down, W·up/down, C)`; H and W must be multiples of `down`.

    Example:
        >>> kgan.layers.Resample2D(up=2)(np.ones((2, 4, 4, 3), "float32")).shape
        (2, 8, 8, 3)

    Reference:
        Zhang 2019, "Making Convolutional Networks Shift-Invariant Again";
        Karras et al. 2019, "A Style-Based Generator Architecture for Generative
        Adversarial Networks" (bilinear up/downsampling by this filter).
    """

    def __init__(self, up=1, down=1, kernel=(1, 3, 3, 1), **kwargs):
        super().__init__(**kwargs)
        check_int(up, "up")
        check_int(down, "down")
        if up > 1 and down > 1:
            raise ValueError(
                f"up and down cannot both exceed 1 (resample in two layers). "
                f"Received: up={up}, down={down}"
            )
        self.up = up
        self.down = down
        self.kernel = check_resample_kernel(kernel)

    def build(self, input_shape):
        if len(input_shape) != 4 or None in tuple(input_shape[1:]):
            raise ValueError(
                "Resample2D takes NHWC images with a static height, width and channels. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        if input_shape[1] % self.down or input_shape[2] % self.down:
            raise ValueError(
                f"The height and width must be multiples of down={self.down}. "
                f"Received: input_shape={tuple(input_shape)}"
            )

    def call(self, inputs):
        return upfirdn2d(inputs, self.kernel, up=self.up, down=self.down)

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (batch, height * self.up // self.down, width * self.up // self.down, channels)

    def get_config(self):
        return {**super().get_config(), "up": self.up, "down": self.down, "kernel": self.kernel}
