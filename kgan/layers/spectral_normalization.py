"""Spectral normalisation as a reparameterisation of a layer's kernel."""

import math

import keras
from keras import ops

from kgan.utils.validation import check_bool, check_int


def _normalize(x):
    return x / (ops.sqrt(ops.sum(ops.square(x))) + 1e-12)


class _KernelScope(keras.StatelessScope):
    """Reads `kernel` as `value` inside the scope; every other variable as outside it.

    Keras variables read their value from the innermost stateless scope, so
    the wrapped layer's unchanged `call` runs on W/σ while the kernel variable
    itself is never assigned. Variables the scope does not map fall back to
    the enclosing scope (kgan's JAX train step maps the whole state there).
    """

    def __init__(self, kernel, value):
        super().__init__(state_mapping=[(kernel, value)], initialize_variables=False)

    def get_current_value(self, variable):
        value = super().get_current_value(variable)
        # `original_scope` (the enclosing scope, set by `__enter__`) is not
        # documented Keras API; tests/test_keras_internals.py guards it.
        if value is None and self.original_scope is not None:
            value = self.original_scope.get_current_value(variable)
        return value


@keras.saving.register_keras_serializable(package="kgan")
class SpectralNormalization(keras.layers.Wrapper):
    """Spectral normalisation of a wrapped layer's kernel (Miyato et al. 2018).

    The wrapped layer runs on W/σ(W), where σ(W) = vᵀ W u is the largest
    singular value of the kernel W (reshaped to `(-1, units)`) estimated by
    power iteration on a stored vector u. With `training=True` each call takes
    `power_iterations` steps from the stored u and stores the new one (u and v
    are constants for the gradient, which flows through W and σ(W), as in the
    paper and `torch.nn.utils.spectral_norm`); with `training=False` it uses
    the stored u as it is. The kernel variable always holds the raw W.

    `keras.layers.SpectralNormalization` instead overwrites the kernel with
    W/σ at every training call. In a GAN, where the discriminator runs on
    real and on fake data in one loss, that in-place write breaks torch's
    autograd ("modified by an inplace operation") for every wrapped layer after
    the first; on JAX inside a differentiated loss the write is dropped, so
    the three backends train different things. This layer has neither problem.

    Args:
        layer: a `keras.layers.Layer` with a `kernel` (Dense, Conv2D, ...) whose
            call has no other state updates.
        power_iterations: int > 0, default 1.
        keep_v: bool, default False. Also store v `(1, rows of W)` as
            `torch.nn.utils.spectral_norm` does: training calls store the last
            v beside u, and inference uses σ = vᵀ W u with both stored vectors
            (torch's eval mode) instead of recomputing v from u. Files written
            by torch hold such a (u, v) pair.

    Example:
        >>> dense = kgan.layers.SpectralNormalization(keras.layers.Dense(8))
        >>> dense(np.ones((2, 4), "float32"), training=True).shape
        (2, 8)

    Reference:
        Miyato et al. 2018, "Spectral Normalization for Generative Adversarial
        Networks".
    """

    def __init__(self, layer, power_iterations=1, keep_v=False, **kwargs):
        super().__init__(layer, **kwargs)
        self.power_iterations = check_int(power_iterations, "power_iterations")
        self.keep_v = check_bool(keep_v, "keep_v")

    def build(self, input_shape):
        super().build(input_shape)
        if not isinstance(getattr(self.layer, "kernel", None), keras.Variable):
            raise ValueError(
                "SpectralNormalization needs a layer with a `kernel` weight (Dense, Conv2D, "
                f"...). Received: {type(self.layer).__name__} {self.layer.name!r}"
            )
        self.vector_u = self.add_weight(
            shape=(1, self.layer.kernel.shape[-1]),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            trainable=False,
            name="vector_u",
        )
        if self.keep_v:
            self.vector_v = self.add_weight(
                shape=(1, math.prod(self.layer.kernel.shape[:-1])),
                initializer=keras.initializers.RandomNormal(stddev=1.0),
                trainable=False,
                name="vector_v",
            )

    def normalized_kernel(self, training=False):
        """W/σ(W); with `training`, also advances and stores u."""
        kernel = self.layer.kernel
        w = ops.reshape(kernel, (-1, kernel.shape[-1]))
        u = self.vector_u.value
        if training:
            for _ in range(self.power_iterations):
                v = _normalize(ops.matmul(u, ops.transpose(w)))
                u = _normalize(ops.matmul(v, w))
            u = ops.stop_gradient(u)
            self.vector_u.assign(u)
            if self.keep_v:
                self.vector_v.assign(ops.stop_gradient(v))
        elif self.keep_v:
            v = self.vector_v.value
        else:
            v = _normalize(ops.matmul(u, ops.transpose(w)))
        v = ops.stop_gradient(v)
        sigma = ops.sum(ops.matmul(v, w) * u)
        return ops.convert_to_tensor(kernel) / sigma

    def call(self, inputs, training=False):
        with _KernelScope(self.layer.kernel, self.normalized_kernel(training)):
            return self.layer(inputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations,
                "keep_v": self.keep_v}
