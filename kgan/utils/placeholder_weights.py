"""Networks built to receive weights from a file, without drawing random initial values.

A loader builds the network, then assigns its weights from the file, so the
random values its initializers would draw are thrown away. On JAX they are not
free: each random draw compiles a program per weight shape. Loading the
`grey64_cond` NVlabs test pickle on JAX took 36–39 s drawing and 1.6–2.0 s
without; a kgan StyleGAN2 `.keras` file of it 39–44 s and 2.1–2.3 s (default
XLA flags, 2 CPU cores; TensorFlow and torch draw eagerly and gain little).

Inside a `PlaceholderWeights` context a variable whose initializer is random
(a `keras.initializers` random one) starts as NaN instead, drawn by nothing.
Initializers that draw nothing (zeros, ones, constants, a seed generator's
state) run as usual. After loading, `check_all_assigned()` proves that every
placeholder was replaced (one left behind would turn the network's outputs into
NaN), or `initialize_unassigned()` draws the initial values of those the file
did not hold.
"""

import keras
import numpy as np
from keras.src.initializers.random_initializers import RandomInitializer

_INITIALIZE = "_initialize_with_initializer"  # tests/test_keras_internals.py guards it


class PlaceholderWeights:
    """A context (reusable) in which variables whose initializer is random hold NaN.

    Attributes:
        variables: list of `(variable, initializer)` created with a placeholder.

    Example:
        >>> placeholders = PlaceholderWeights()
        >>> with placeholders:
        ...     network = build_network(config)
        >>> copy_weights(network, tensors)
        >>> placeholders.check_all_assigned()
    """

    def __init__(self):
        self.variables = []

    def __enter__(self):
        variable_class = keras.Variable  # the backend's variable class
        self._owned = _INITIALIZE in vars(variable_class)
        self._initialize = initialize = getattr(variable_class, _INITIALIZE)

        def initialize_without_drawing(variable, initializer):
            if isinstance(initializer, RandomInitializer):
                self.variables.append((variable, initializer))
                initializer = _nan_placeholder
            initialize(variable, initializer)

        setattr(variable_class, _INITIALIZE, initialize_without_drawing)
        return self

    def __exit__(self, *exc_info):
        if self._owned:
            setattr(keras.Variable, _INITIALIZE, self._initialize)
        else:
            delattr(keras.Variable, _INITIALIZE)

    def unassigned(self):
        """`(variable, initializer)` of the variables still holding their placeholder."""
        return [(variable, initializer) for variable, initializer in self.variables
                if np.isnan(keras.ops.convert_to_numpy(variable.value)).all()]

    def check_all_assigned(self):
        """Raises RuntimeError naming the variables still holding their placeholder."""
        left = [variable.path for variable, _ in self.unassigned()]
        if left:
            raise RuntimeError(f"The loader left {len(left)} weights unassigned (a kgan bug): "
                               f"{left[:8]}")

    def initialize_unassigned(self):
        """Draws the initial values of the variables still holding their placeholder."""
        for variable, initializer in self.unassigned():
            variable.assign(initializer(variable.shape, dtype=variable.dtype))


def _nan_placeholder(shape, dtype=None):
    return np.full(shape, np.nan, keras.backend.standardize_dtype(dtype))
