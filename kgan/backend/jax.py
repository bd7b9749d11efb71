"""JAX implementation of the kgan engine: `jax.value_and_grad` over Keras state.

Keras' JAX trainer calls a pure `train_step(state, data) -> (logs, state)`.
`TrainStep` maps the whole state into one `keras.StatelessScope`, so the
backend-neutral `stateful_train_step` can read and assign variables as if they were
stateful; the scope records every assignment and the new state is read back out.

Inside that scope, `gradients` differentiates with `jax.value_and_grad`: the
variables being differentiated are mapped to traced values in a child scope,
every other variable falls back to the enclosing scope's current value, and
assignments made while computing the loss (BatchNorm statistics, for example)
are returned from the traced function and re-applied outside it, so no traced
value leaks.
"""

import functools
import os
import weakref

import jax
import keras
from keras import StatelessScope, ops

from kgan.backend.common import conv_kernel_gradient, matmul_conv_transpose


class _ChildScope(StatelessScope):
    """A stateless scope that reads unmapped variables from the enclosing scope.

    It also remembers which variables were assigned inside it, so the updates
    can be carried out of a `jax.grad` trace.
    """

    def __init__(self, state_mapping):
        super().__init__(state_mapping=state_mapping, initialize_variables=False)
        self.assigned = {}

    def add_update(self, update):
        variable, _ = update
        self.assigned[id(variable)] = variable
        super().add_update(update)

    def get_current_value(self, variable):
        value = super().get_current_value(variable)
        # `original_scope` (the enclosing scope, set by `__enter__`) is not
        # documented Keras API; tests/test_keras_internals.py guards it.
        if value is None and self.original_scope is not None:
            value = self.original_scope.get_current_value(variable)
        return value


def _functionalize(fn, variables):
    """Wraps `fn(*args) -> (out, aux)` as a pure function of `variables`' values.

    Returns `(pure_fn, assigned)`: `pure_fn(values, *args)` returns
    `(out, (aux, new_values))`; once traced, `assigned` lists the variables
    that `fn` assigned, in the order of `new_values`.

    Raises:
        ValueError: when `fn` assigns one of `variables` (the trace could only
            drop that assignment; the optimizer updates those variables).
    """
    assigned = []

    def pure_fn(values, *args):
        with _ChildScope(list(zip(variables, values))) as scope:
            out, aux = fn(*args)
        differentiated = {id(v) for v in variables}
        for key, variable in scope.assigned.items():
            if key in differentiated:
                raise ValueError(
                    "A differentiated function must not assign the variables it is "
                    "differentiated with respect to (the optimizer updates them). "
                    f"Received: an assignment to variable={variable.path!r}"
                )
        assigned[:] = scope.assigned.values()
        return out, (aux, [scope.get_current_value(v) for v in assigned])

    return pure_fn, assigned


def _reassign(variables, values):
    for variable, value in zip(variables, values):
        variable.assign(value)


def gradients(loss_fn, variables):
    """`kgan.backend.gradients` with `jax.value_and_grad` in a child stateless scope."""
    pure_fn, assigned = _functionalize(loss_fn, variables)
    values = [v.value for v in variables]
    (loss, (logs, new_values)), grads = jax.value_and_grad(pure_fn, has_aux=True)(values)
    _reassign(assigned, new_values)
    return loss, logs, grads


def input_gradients(fn, x):
    """Differentiable gradient of `sum(fn(x))` with respect to the tensor `x`.

    Variable assignments made by `fn` (BatchNorm statistics) are carried out of
    the trace and applied.
    """
    pure_fn, assigned = _functionalize(lambda inputs: (ops.sum(fn(inputs)), None), [])
    gradient, (_, new_values) = jax.grad(lambda inputs: pure_fn([], inputs), has_aux=True)(
        ops.convert_to_tensor(x)
    )
    _reassign(assigned, new_values)
    return gradient


def run_if(condition, fn):
    """`kgan.backend.run_if` with `jax.lax.cond` over the assigned variables.

    `jax.eval_shape` first traces `fn()` in a child scope, running nothing, to
    list the variables it assigns. The true branch runs `fn()` and returns
    their new values, the false branch their current values, so both branches
    have the same structure whichever one `jax.lax.cond` traces first.
    """

    def run():
        with _ChildScope([]) as scope:
            fn()
        return scope

    assigned = []
    jax.eval_shape(lambda: assigned.extend(run().assigned.values()))

    def new_values():
        scope = run()
        return [scope.get_current_value(v) for v in assigned]

    def current_values():
        return [v.value for v in assigned]

    _reassign(
        assigned, jax.lax.cond(ops.convert_to_tensor(condition), new_values, current_values)
    )


def enable_compile_cache(directory):
    """`kgan.backend.enable_compile_cache`: JAX's persistent compilation cache
    in `directory`, every program kept (no minimum compile time or size), so a
    later process that compiles the same step loads it instead."""
    os.makedirs(directory, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", os.path.abspath(directory))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)


def initialize_processes():
    """Joins the multi-controller run that `kgan train --workers` (or the user)
    describes with Keras' variables (`KERAS_DISTRIBUTION_JOB_ADDRESSES`, the
    first one the coordinator; `KERAS_DISTRIBUTION_NUM_PROCESSES`;
    `KERAS_DISTRIBUTION_PROCESS_ID`) and sets `keras.distribution.DataParallel`
    over every process's devices, without auto-sharding: each process feeds its
    `kgan.data.process_shard`. CPU collectives go through gloo. Does nothing
    without more than one process or when joined. Call it before any JAX work."""
    if (int(os.environ.get("KERAS_DISTRIBUTION_NUM_PROCESSES", "1")) <= 1
            or jax.distributed.is_initialized()):
        return
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    keras.distribution.initialize()
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices(), auto_shard_dataset=False)
    )


def process_index():
    """This process's index in a multi-controller run (`jax.process_index()`); 0 alone."""
    return jax.process_index()


def process_count():
    """The processes of a multi-controller run (`jax.process_count()`); 1 alone."""
    return jax.process_count()


class _SynchronousBatchEnd(keras.callbacks.Callback):
    """Makes Keras run batch-end callbacks on the training thread.

    With no callback that overrides `on_train_batch_end`, Keras dispatches the
    batch-end hooks to a background thread that reads the step's sharded logs
    while the next step runs. Under `keras.distribution.DataParallel` on
    virtual CPU devices that interleaving deadlocked XLA's in-process all-reduce
    ("Expected 4 threads to join the rendezvous, but only 3 of them arrived",
    then an abort after 40 s; 4 devices, 256 steps, reproduced every time).
    Overriding the hook turns that dispatch off.
    """

    def on_train_batch_end(self, batch, logs=None):
        pass


def required_callbacks():
    """Callbacks `fit()` needs on this backend: under a `keras.distribution`,
    one that keeps batch-end callbacks synchronous (see `_SynchronousBatchEnd`)."""
    if keras.distribution.distribution() is None:
        return []
    return [_SynchronousBatchEnd()]


# network → {trace key: its jitted inference function}; an entry goes with its network.
_INFERENCE_FUNCTIONS = weakref.WeakKeyDictionary()


def inference(network, inputs, trace_key=()):
    """`kgan.backend.inference`: `network.stateless_call(..., training=False)`
    under `jax.jit`, compiled once per network, `trace_key` and input shapes.

    Run eagerly, JAX dispatches (and on the first call compiles) every op on
    its own: a 32×32 StyleGAN2 generator took 15.6 s for its first batch of
    256 and 2.1 s for each next one; compiled, 8.8 s and 0.42 s. The network's
    non-trainable variables (a noise seed, for example) get the values the
    call leaves, as an eager call would assign them.
    """
    functions = _INFERENCE_FUNCTIONS.setdefault(network, {})
    function = functions.get(trace_key)
    if function is None:
        # A weak reference: the cache must not keep its own key alive.
        reference = weakref.ref(network)

        def call(trainable, non_trainable, x):
            return reference().stateless_call(trainable, non_trainable, x, training=False)

        function = functions[trace_key] = jax.jit(call)
    outputs, non_trainable = function(
        [v.value for v in network.trainable_variables],
        [v.value for v in network.non_trainable_variables],
        inputs,
    )
    _reassign(network.non_trainable_variables, non_trainable)
    return outputs


class TrainStep:
    """Mixin: Keras' JAX trainer calls `train_step(state, data)`, pure."""

    def _state_variables(self):
        return (
            self.trainable_variables,
            self.non_trainable_variables,
            self.optimizer.variables,
            self.metrics_variables,
        )

    def train_step(self, state, data):
        groups = self._state_variables()
        mapping = [
            (variable, value)
            for variables, values in zip(groups, state)
            for variable, value in zip(variables, values)
        ]
        with StatelessScope(state_mapping=mapping) as scope:
            logs = self.stateful_train_step(data)
        new_state = tuple([scope.get_current_value(v) for v in variables] for variables in groups)
        return logs, new_state


def _pair(value):
    return tuple(value) if isinstance(value, (list, tuple)) else (value, value)


def _takes_matmul_form(inputs, data_format, dilation_rate):
    """Whether a convolution may take kgan's matrix-product form on JAX: on the
    CPU, 4-D NHWC, no dilation (each op adds its own conditions)."""
    return (
        jax.default_backend() == "cpu"
        and (data_format or keras.config.image_data_format()) == "channels_last"
        and len(inputs.shape) == 4
        and _pair(dilation_rate) == (1, 1)
    )


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """`kgan.backend.conv_transpose`: `matmul_conv_transpose` on the CPU for
    NHWC inputs, strides up to the kernel size, no output padding or
    dilation, and more than 4 filters; Keras' `ops.conv_transpose`
    elsewhere. With 1–3 filters (an image's channels) XLA's own is as fast or
    faster (batch 64, 16×16×32 → 32×32×1: 27 against 47 ms; 32×32×64 →
    64×64×3: 460 against 740 ms), and on GPUs cuDNN runs it.
    """
    strides, padding = _pair(strides), padding.lower()
    if (
        _takes_matmul_form(inputs, data_format, dilation_rate)
        and padding in ("same", "valid")  # else Keras' op names the bad value
        and output_padding is None
        and all(k >= s for k, s in zip(kernel.shape[:2], strides))
        and kernel.shape[2] > 4
    ):
        return matmul_conv_transpose(inputs, kernel, strides, padding)
    return ops.conv_transpose(inputs, kernel, strides=strides, padding=padding,
                              output_padding=output_padding, data_format=data_format,
                              dilation_rate=dilation_rate)


# The output size (batch·H'·W'·filters) from which `conv` computes the kernel
# gradient as matrix products: from it XLA's was slower in every shape measured
# (figures in `conv`); below it per layer the products ran from 1.8× faster to
# 1.3× slower, the recipes' steps/s moved by −13 % to +93 % in single runs
# whose noise was up to 30 %, and the products compile longer (a 7×7 kernel is 49).
MATMUL_KERNEL_GRADIENT_MIN_OUTPUT = 2**21


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """`kgan.backend.conv`: Keras' `ops.conv`, whose kernel gradient on the CPU
    (NHWC, no dilation or groups, more than 4 filters, an output of at least
    `MATMUL_KERNEL_GRADIENT_MIN_OUTPUT` values) is `conv_kernel_gradient`'s
    matrix products instead of XLA's convolution, which is 1.4–9× slower there
    (forward + both gradients, 2 loaded cores: batch 64, 32²×64 → 64, 3×3:
    2.5 s → 0.42 s; batch 1, 256²×64 → 64: 1.16 → 0.31 s; batch 4, 128²×128 →
    128: 3.3 → 0.96 s; batch 32, 32²×64 → 64, 1×1: 380 → 41 ms). The forward
    and the input gradient stay XLA's. With 1–3 filters XLA's is faster
    (batch 64, 32²×64 → 3: 86 against 167 ms)."""
    strides, padding = _pair(strides), padding.lower()
    if (
        _takes_matmul_form(inputs, data_format, dilation_rate)
        and kernel.shape[2] == inputs.shape[-1]
        and kernel.shape[3] > 4
        and _conv_output_size(inputs.shape, kernel.shape, strides, padding)
        >= MATMUL_KERNEL_GRADIENT_MIN_OUTPUT
    ):
        # Keras variables reach here in eager calls; custom_vjp takes arrays.
        return _conv_with_matmul_kernel_gradient(ops.convert_to_tensor(inputs),
                                                 ops.convert_to_tensor(kernel), strides, padding)
    return ops.conv(inputs, kernel, strides=strides, padding=padding, data_format=data_format,
                    dilation_rate=dilation_rate)


def _conv_output_size(input_shape, kernel_shape, strides, padding):
    """batch·H'·W'·filters; 0 where a size is not known while tracing (an
    exported function's symbolic batch), which keeps XLA's gradient there."""
    batch, height, width, _ = input_shape
    if not all(isinstance(size, int) for size in (batch, height, width)):
        return 0
    if padding == "same":
        sides = [-(-side // stride) for side, stride in zip((height, width), strides)]
    else:
        sides = [(side - k) // stride + 1
                 for side, k, stride in zip((height, width), kernel_shape[:2], strides)]
    return batch * sides[0] * sides[1] * kernel_shape[3]


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def _conv_with_matmul_kernel_gradient(inputs, kernel, strides, padding):
    return ops.conv(inputs, kernel, strides=strides, padding=padding)


def _conv_forward(inputs, kernel, strides, padding):
    return _conv_with_matmul_kernel_gradient(inputs, kernel, strides, padding), (inputs, kernel)


def _conv_backward(strides, padding, residuals, output_gradient):
    inputs, kernel = residuals
    _, input_vjp = jax.vjp(
        lambda x: ops.conv(x, kernel, strides=strides, padding=padding), inputs
    )
    kernel_gradient = conv_kernel_gradient(inputs, output_gradient, kernel.shape, strides, padding)
    return input_vjp(output_gradient)[0], ops.cast(kernel_gradient, kernel.dtype)


_conv_with_matmul_kernel_gradient.defvjp(_conv_forward, _conv_backward)
