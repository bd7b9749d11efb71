"""The only package of kgan that imports tensorflow, jax or torch.

It offers the following, selected here from `keras.backend.backend()`:

- `gradients(loss_fn, variables)`: differentiate `loss_fn()` with respect to
  `variables` only; return `(loss, logs, gradients)`. `loss_fn` takes no
  arguments and returns a scalar loss and a dict of scalar tensors to report;
  `variables` is a list of `keras.Variable`; a variable the loss does not
  reach gets a zero gradient. Variables `loss_fn` assigns (BatchNorm
  statistics) keep the assigned values. `loss_fn` must not assign any of
  `variables` (the optimizer updates them): JAX raises a ValueError that
  names the variable (its trace could only drop the assignment), torch's
  autograd raises when the assignment follows a read, and TensorFlow does
  not check.
- `apply_gradients(optimizer, gradients, variables)`: one step of a built
  `keras.optimizers.Optimizer` that owns `variables`.
- `update(loss_fn, variables, optimizer)`: both, return `(loss, logs)`; with a
  `keras.optimizers.LossScaleOptimizer` (`mixed_float16`), dynamic loss
  scaling that skips the step on overflow (`kgan/backend/optimizer_step.py`, written
  once over the three above and `run_if`).
- `input_gradients(fn, x)`: the gradient of `sum(fn(x))` with respect to `x`,
  itself differentiable (double backpropagation), for gradient penalties.
- `without_gradient(fn)`: `fn()` (a tensor or a structure of tensors) with no
  gradient flowing back into it, as `ops.stop_gradient(fn())`; torch runs
  `fn` under `torch.no_grad()`, recording no autograd graph (for the
  discriminator phase's generator forward).
- `run_if(condition, fn)`: call `fn()`, which assigns variables (an optimizer
  step, tracker updates) and returns nothing, only where the scalar boolean
  tensor `condition` holds; the assignments are kept when it runs and the
  variables keep their values when it does not. It works inside compiled
  steps (JAX jit, `tf.function`, XLA), where a Python `if` on a tensor cannot,
  so interval-gated work (lazy regularisation) decides on a step counter.
- `fir_filter(x, taps, down)`: the separable FIR filter `outer(taps, taps)`
  applied to every channel of NHWC `x` (valid positions, correlation),
  keeping every `down`-th output: the core of `kgan.layers.upfirdn2d`
  (a depthwise convolution; shifted sums under XLA, whose CPU depthwise
  convolution is slow: on JAX, and on TensorFlow with `jit_compile=True`).
- `conv(inputs, kernel, strides, padding, data_format, dilation_rate)`:
  `keras.ops.conv`, the same output and gradients; on JAX's CPU, from 2²¹
  output values, the kernel gradient is a matrix product per kernel tap, where
  XLA:CPU's is slow (`kgan.layers.Conv2D`, the equalized and modulated
  convolutions).
- `conv_transpose(inputs, kernel, strides, padding, output_padding,
  data_format, dilation_rate)`: `keras.ops.conv_transpose`, the same output;
  on JAX's CPU a matrix product of the input's patches for the shapes where
  XLA:CPU's transposed convolution is slow (`kgan.layers.Conv2DTranspose`).
- `inference(network, inputs, trace_key=())`: `network(inputs,
  training=False)`, the forward pass of sampling and translation: compiled
  with `jax.jit` on JAX (once per network, input shapes and `trace_key`, a
  hashable value that names the Python state a trace fixes, e.g. noise
  modes), under `torch.no_grad()` on torch, eager on TensorFlow.
- `repeat(count, fn)`: call `fn()` (which assigns variables and returns
  nothing) `count` times, the Python int `count` ≥ 1; compiled steps hold one
  copy of `fn`'s work in a `tf.while_loop` on TensorFlow, so `d_steps`
  critic updates trace and compile once; a Python loop on torch and JAX
  (see `kgan.backend.common.repeat`).
- `replica_context()`: `(replica_id, num_replicas)` inside a `tf.distribute`
  replica (over all workers of a multi-worker run), `(rank, world_size)` on
  torch under a `torch.distributed` group of several ranks, `(0, 1)`
  elsewhere, so per-sample noise can be drawn for the global batch and sliced
  (distributed training then equals single-device training).
- `initialize_processes()`: joins the multi-process run the environment
  describes, as `kgan train --workers N` sets it (torch:
  `RANK`/`WORLD_SIZE`/`MASTER_ADDR`/`MASTER_PORT`, also `torchrun`'s; JAX:
  Keras' `KERAS_DISTRIBUTION_*`, then `DataParallel` over every process's
  devices; TensorFlow: `TF_CONFIG`, then a `MultiWorkerMirroredStrategy` set
  for the whole process); nothing in a single process.
- `per_process_dataset(x, y, batch_size, shuffle)`: under a TensorFlow
  multi-worker run, `fit()`'s arrays (this process's shard) as a distributed
  dataset of this worker's batches of `batch_size` rows (Keras would split
  `batch_size` across the workers); None elsewhere, where `fit()` takes the
  arrays as they are.
- `process_index()`, `process_count()`: this process's rank and the number of
  processes of a multi-process run (`0`, `1` in one process); `is_chief()`:
  whether this process is rank 0, the only one that writes files
  (checkpoints, sample grids, metrics, model files).
- `required_callbacks()`: callbacks `fit()` must add on this backend.
- `enable_compile_cache(directory)`: keep compiled train steps in
  `directory` across processes (JAX's persistent compilation cache; nothing on
  TensorFlow and torch). Off unless asked for: `kgan train --compile-cache
  DIR`, or the environment variable `KGAN_COMPILE_CACHE=DIR`, read when
  `kgan` is imported.
- `jit_compiles_input_gradients()`: whether `jit_compile=True` can compile a
  step that differentiates input gradients (double backward); torch.compile
  cannot.
- `writes_saved_models()`: whether a SavedModel is written in this process
  (torch exports through a TensorFlow-backend subprocess).
- `TrainStep`: a mixin whose `train_step` is what Keras' `fit()` calls on this
  backend; it runs the model's `stateful_train_step(data)`, one training step
  written in `keras.ops` that reads and assigns variables in place (on JAX
  inside a stateless scope over the whole state) and returns its logs.

What two backends share is written once in `kgan/backend/common.py`; each
backend module holds only what differs. Everything above this package is
written in `keras.ops`.
"""

import functools
import os

import keras

from kgan.backend import optimizer_step

_BACKEND = keras.backend.backend()

if _BACKEND == "tensorflow":
    from kgan.backend.common import (
        apply_gradients,
        conv,
        conv_transpose,
        enable_compile_cache,
        inference,
        jit_compiles_input_gradients,
        required_callbacks,
        without_gradient,
        writes_saved_models,
    )
    from kgan.backend.tensorflow import (
        TrainStep,
        fir_filter,
        gradients,
        initialize_processes,
        input_gradients,
        per_process_dataset,
        process_count,
        process_index,
        repeat,
        replica_context,
        run_if,
    )
elif _BACKEND == "jax":
    from kgan.backend.common import (
        apply_gradients,
        jit_compiles_input_gradients,
        per_process_dataset,
        repeat,
        replica_context,
        without_gradient,
        writes_saved_models,
    )
    from kgan.backend.common import shifted_fir_filter as fir_filter
    from kgan.backend.jax import (
        TrainStep,
        conv,
        conv_transpose,
        enable_compile_cache,
        gradients,
        inference,
        initialize_processes,
        input_gradients,
        process_count,
        process_index,
        required_callbacks,
        run_if,
    )
elif _BACKEND == "torch":
    from kgan.backend.common import (
        TrainStep,
        conv,
        conv_transpose,
        enable_compile_cache,
        per_process_dataset,
        repeat,
        required_callbacks,
    )
    from kgan.backend.common import depthwise_fir_filter as fir_filter
    from kgan.backend.torch import (
        apply_gradients,
        gradients,
        inference,
        initialize_processes,
        input_gradients,
        jit_compiles_input_gradients,
        process_count,
        process_index,
        replica_context,
        run_if,
        without_gradient,
        writes_saved_models,
    )
else:
    raise ImportError(
        "kgan supports the tensorflow, jax and torch Keras backends. "
        f"Received: KERAS_BACKEND={_BACKEND!r}"
    )

update = functools.partial(
    optimizer_step.update,
    gradients=gradients,
    apply_gradients=apply_gradients,
    run_if=run_if,
    replica_context=replica_context,
)
update.__doc__ = optimizer_step.update.__doc__

if _BACKEND != "tensorflow":
    from kgan.backend.common import serialize_without_importing_tensorflow

    serialize_without_importing_tensorflow()

if os.environ.get("KGAN_COMPILE_CACHE"):
    enable_compile_cache(os.environ["KGAN_COMPILE_CACHE"])


def is_chief():
    """Whether this process is rank 0 of a multi-process run (or the only process):
    the one that writes checkpoints, sample grids, metrics and model files."""
    return process_index() == 0

__all__ = [
    "TrainStep",
    "apply_gradients",
    "conv",
    "conv_transpose",
    "enable_compile_cache",
    "fir_filter",
    "gradients",
    "inference",
    "initialize_processes",
    "input_gradients",
    "is_chief",
    "jit_compiles_input_gradients",
    "per_process_dataset",
    "process_count",
    "process_index",
    "replica_context",
    "repeat",
    "required_callbacks",
    "run_if",
    "update",
    "without_gradient",
    "writes_saved_models",
]
