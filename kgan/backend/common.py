"""The parts of the kgan engine that several backends share.

`kgan/backend/__init__.py` takes each of these for the backends it fits and the
backend's own version elsewhere; it imports no framework.
"""

import sys

import keras
import numpy as np
from keras import ops
from keras.src.saving import serialization_lib


def apply_gradients(optimizer, grads, variables):
    """`kgan.backend.apply_gradients`: `optimizer.apply` (TensorFlow, JAX; on JAX
    the assignments go to the enclosing stateless scope)."""
    optimizer.apply(grads, variables)


def replica_context():
    """`(0, 1)`: one program sees the global batch (JAX).

    Under `keras.distribution` JAX runs one global program, also across the
    processes of a multi-controller run, so noise drawn for the global batch is
    already split across devices.
    """
    return 0, 1


def per_process_dataset(x, y, batch_size, shuffle):
    """None: `fit()` takes each process's shard as it is (JAX, torch); see
    `kgan.backend.tensorflow.per_process_dataset`."""
    return None


def without_gradient(fn):
    """`kgan.backend.without_gradient`: `ops.stop_gradient` on every tensor of
    `fn()` (TensorFlow, JAX: the compiled step never computes the cut backward)."""
    return keras.tree.map_structure(ops.stop_gradient, fn())


def inference(network, inputs, trace_key=()):
    """`kgan.backend.inference`: `network(inputs, training=False)` as it is
    (TensorFlow: eager execution runs each op's kernel directly)."""
    return network(inputs, training=False)


def repeat(count, fn):
    """`kgan.backend.repeat`: a Python loop (torch, JAX). On JAX the compiled
    step then holds `count` copies of `fn`'s work: a `jax.lax.fori_loop`
    over the assigned variables compiled one copy (a third less compile time
    for 5 WGAN-GP critic steps) but ran every step twice as slow on CPU, a
    loss after a few dozen steps (benchmarks/README.md, "Compile time")."""
    for _ in range(count):
        fn()


def enable_compile_cache(directory):
    """Nothing: kgan uses no persistent compilation cache on TensorFlow or
    torch (their steps compile in process)."""


def required_callbacks():
    """Callbacks `fit()` needs on this backend: none (TensorFlow, torch)."""
    return []


def jit_compiles_input_gradients():
    """True: `jit_compile=True` compiles a step that differentiates input
    gradients (double backward) with XLA (TensorFlow, JAX)."""
    return True


def writes_saved_models():
    """True: a SavedModel is written in this process (TensorFlow; JAX through
    jax2tf)."""
    return True


class _TensorFlowOnceImported:
    """Keras' lazy `tensorflow` module, available to serialisation only once
    something else has imported TensorFlow."""

    def __init__(self, module):
        self._module = module

    @property
    def available(self):
        return "tensorflow" in sys.modules and self._module.available

    def __getattr__(self, name):
        return getattr(self._module, name)


def serialize_without_importing_tensorflow():
    """Keeps Keras' serialisation from importing TensorFlow (JAX, torch).

    `keras.saving.serialize_keras_object`, which every `get_config` of a
    functional network, `clone_model` (the generator EMA) and `.keras` saving
    run, asks `tf.available` to test for TensorFlow shapes and dtypes; when
    TensorFlow is installed that imports it: 4.7 s, and its CUDA log lines, in
    a process that never uses it. No object is a TensorFlow type before
    TensorFlow is imported, so serialisation is told TensorFlow is available
    only once it is in `sys.modules`. `serialization_lib.tf` is not
    documented Keras API; tests/test_keras_internals.py guards it."""
    if not isinstance(serialization_lib.tf, _TensorFlowOnceImported):
        serialization_lib.tf = _TensorFlowOnceImported(serialization_lib.tf)


class TrainStep:
    """Mixin: Keras' trainer calls `train_step(data)` (torch), which runs the
    model's backend-neutral `stateful_train_step(data)`."""

    def train_step(self, data):
        return self.stateful_train_step(data)


def depthwise_fir_filter(x, taps, down):
    """`kgan.backend.fir_filter` as a depthwise convolution with the filter
    `outer(taps, taps)`: torch's, and TensorFlow's outside XLA (as shifted sums
    TensorFlow's filter ran 8–11× slower, torch's 1.0–1.2×)."""
    channels = x.shape[-1]
    depthwise = np.tile(np.outer(taps, taps)[:, :, None, None], (1, 1, channels, 1))
    return ops.depthwise_conv(x, ops.convert_to_tensor(depthwise, dtype=x.dtype), strides=down,
                              padding="valid")


def shifted_fir_filter(x, taps, down):
    """`kgan.backend.fir_filter` as shifted, weighted sums along H, then W: XLA
    fuses them, while XLA:CPU's depthwise convolution ran StyleGAN2's FIR
    resampling 10–64× slower on JAX (forward and backward, 32×32×32, batch 32:
    upsampling 536 → 54 ms, downsampling 146 → 2.3 ms) and 16–52× slower on
    TensorFlow with XLA (64×64×32 upsampling 1,470 → 93 ms, 16×16×32
    downsampling 290 → 5.6 ms). JAX's, and TensorFlow's under XLA."""
    for axis in (1, 2):
        length = x.shape[axis] - len(taps) + 1
        total = None
        for shift, tap in enumerate(taps):
            index = [slice(None)] * 4
            index[axis] = slice(shift, shift + length, down)
            term = x[tuple(index)] * float(tap)
            total = term if total is None else total + term
        x = total
    return x


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """`kgan.backend.conv_transpose` on TensorFlow and torch: Keras'
    `ops.conv_transpose` (their CPU kernels are not the slow part)."""
    return ops.conv_transpose(inputs, kernel, strides=strides, padding=padding,
                              output_padding=output_padding, data_format=data_format,
                              dilation_rate=dilation_rate)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """`kgan.backend.conv` on TensorFlow and torch: Keras' `ops.conv`. (Their
    kernel gradients were not timed; TensorFlow with `jit_compile=True` goes
    through XLA:CPU too and may share JAX's slow one.)"""
    return ops.conv(inputs, kernel, strides=strides, padding=padding, data_format=data_format,
                    dilation_rate=dilation_rate)


def conv_kernel_gradient(x, output_gradient, kernel_shape, strides, padding):
    """The gradient of `ops.conv(x, kernel, strides, padding)` with respect to its
    kernel `kernel_shape = (kh, kw, channels, filters)`, for NHWC `x` `(batch, H,
    W, channels)` and the gradient of the output `(batch, H', W', filters)`
    (`strides` `(sh, sw)`, `padding` "same" or "valid", no dilation or groups):
    per kernel tap, one matrix product of the input's strided slice
    `(batch·H'·W', channels)` with the output gradient `(batch·H'·W', filters)`.

    XLA:CPU computes this gradient as a convolution whose window is the whole
    output image, which is slow for large outputs: forward + both gradients of
    a 3×3 convolution 32×32×64 → 64, batch 64, 1.9–2.5 s, 0.39–0.44 s with
    this (JAX, 2 loaded cores; where JAX takes it: `kgan.backend.jax.conv`).
    """
    kernel_height, kernel_width, channels, filters = kernel_shape
    stride_height, stride_width = strides
    out_height, out_width = output_gradient.shape[1], output_gradient.shape[2]
    if padding == "same":
        # The "same" padding of Keras, XLA and TensorFlow: the odd row at the end.
        pad_height = max((out_height - 1) * stride_height + kernel_height - x.shape[1], 0)
        pad_width = max((out_width - 1) * stride_width + kernel_width - x.shape[2], 0)
        x = ops.pad(x, ((0, 0), (pad_height // 2, pad_height - pad_height // 2),
                        (pad_width // 2, pad_width - pad_width // 2), (0, 0)))
    output_gradient = ops.reshape(output_gradient, (-1, filters))
    taps = []
    for i in range(kernel_height):
        for j in range(kernel_width):
            tap = x[:, i:i + stride_height * (out_height - 1) + 1:stride_height,
                    j:j + stride_width * (out_width - 1) + 1:stride_width, :]
            taps.append(ops.matmul(ops.transpose(ops.reshape(tap, (-1, channels))),
                                   output_gradient))
    return ops.reshape(ops.stack(taps), kernel_shape)


def matmul_conv_transpose(x, kernel, strides, padding):
    """A transposed convolution of NHWC `x` with a Keras `Conv2DTranspose`
    kernel `(kh, kw, filters, channels)` (`strides` `(sh, sw)` with kh ≥ sh and
    kw ≥ sw, `padding` "same" or "valid", no output padding or dilation), as one
    matrix product: `ops.conv_transpose`'s output to float rounding.

    Output row `o` of stride `s` takes taps `t ≡ o + p (mod s)` of the kernel
    (`p` the rows cropped at the start: `(kh − sh) // 2` for "same", 0 for
    "valid"), so each of the `sh·sw` phases is a stride-1 correlation of `x`
    with `⌈kh/sh⌉ × ⌈kw/sw⌉` taps. All phases are one product of the input's
    patches `(batch, H', W', ⌈kh/sh⌉·⌈kw/sw⌉·channels)` with a
    `(…, sh·sw·filters)` matrix of the taps, whose columns are then
    interleaved into space and cropped. XLA:CPU computes a strided transposed
    convolution as a convolution of a zero-dilated input and its kernel
    gradient as a convolution with an image-sized window, both slow: forward +
    backward at batch 64, 8×8×64 → 16×16×32, 310 → 85 ms; batch 4, 64×64×256
    → 128×128×128 (k 3), 37–39 → 3.0–3.2 s (JAX, 2 loaded cores).
    """
    kernel_height, kernel_width, filters, channels = kernel.shape
    stride_height, stride_width = strides
    taps_height = -(-kernel_height // stride_height)
    taps_width = -(-kernel_width // stride_width)
    # Tap t = r + m·s of phase r becomes patch offset j = taps − 1 − m.
    kernel = ops.pad(kernel, ((0, taps_height * stride_height - kernel_height),
                              (0, taps_width * stride_width - kernel_width), (0, 0), (0, 0)))
    kernel = ops.reshape(kernel, (taps_height, stride_height, taps_width, stride_width,
                                  filters, channels))
    kernel = ops.flip(kernel, axis=(0, 2))
    kernel = ops.transpose(kernel, (0, 2, 5, 1, 3, 4))
    kernel = ops.reshape(kernel, (taps_height * taps_width * channels,
                                  stride_height * stride_width * filters))
    height, width = x.shape[1], x.shape[2]
    rows, columns = height + taps_height - 1, width + taps_width - 1
    x = ops.pad(x, ((0, 0), (taps_height - 1, taps_height - 1),
                    (taps_width - 1, taps_width - 1), (0, 0)))
    patches = ops.concatenate([x[:, i:i + rows, j:j + columns, :]
                               for i in range(taps_height) for j in range(taps_width)], axis=-1)
    y = ops.matmul(patches, kernel)
    y = ops.reshape(y, (-1, rows, columns, stride_height, stride_width, filters))
    y = ops.transpose(y, (0, 1, 3, 2, 4, 5))
    y = ops.reshape(y, (-1, rows * stride_height, columns * stride_width, filters))
    if padding == "same":
        top, left = (kernel_height - stride_height) // 2, (kernel_width - stride_width) // 2
        out_height, out_width = height * stride_height, width * stride_width
    else:
        top, left = 0, 0
        out_height = (height - 1) * stride_height + kernel_height
        out_width = (width - 1) * stride_width + kernel_width
    return y[:, top:top + out_height, left:left + out_width, :]
