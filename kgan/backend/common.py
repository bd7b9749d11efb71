"""The parts of the kgan engine that several backends share.

`kgan/backend/__init__.py` takes each of these for the backends it fits and the
backend's own version elsewhere; it imports no framework.
"""


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


class TrainStep:
    """Mixin: Keras' trainer calls `train_step(data)` (TensorFlow, torch), which
    runs the model's backend-neutral `stateful_train_step(data)`."""

    def train_step(self, data):
        return self.stateful_train_step(data)
