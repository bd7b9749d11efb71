"""kgan.layers.Conv2DTranspose and kgan.backend.conv_transpose against Keras' own
transposed convolution: the same output and gradients on every backend."""

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan.backend.common import matmul_conv_transpose
from tests.conftest import BACKEND

# (height, width, channels, filters, kernel, strides, padding)
CASES = [
    (4, 4, 16, 8, (4, 4), (2, 2), "same"),    # DCGAN's and the U-Net's upsampling
    (5, 3, 3, 7, (3, 3), (2, 2), "same"),     # odd kernel − stride: crop 0 at the start
    (5, 5, 3, 7, (3, 3), (2, 2), "valid"),    # the ResNet generator's (cropped after)
    (6, 4, 4, 5, (5, 2), (3, 2), "same"),     # rectangular kernel and strides
    (6, 4, 4, 5, (5, 2), (3, 2), "valid"),
    (3, 3, 2, 6, (3, 3), (1, 1), "same"),
    (4, 4, 2, 6, (4, 4), (4, 4), "same"),     # kernel = stride: no overlap
]


def numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("height, width, channels, filters, kernel, strides, padding", CASES)
def test_matmul_form_equals_keras_conv_transpose(height, width, channels, filters, kernel,
                                                 strides, padding):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, height, width, channels)).astype("float32")
    w = rng.normal(size=(*kernel, filters, channels)).astype("float32")
    expected = numpy(ops.conv_transpose(x, w, strides=strides, padding=padding))
    got = numpy(matmul_conv_transpose(ops.convert_to_tensor(x), ops.convert_to_tensor(w),
                                      strides, padding))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def _twins(filters, kernel_size, strides, padding):
    """kgan's layer and Keras' with the same weights, built on 8×8×6 inputs."""
    options = dict(strides=strides, padding=padding, activation="tanh")
    ours = kgan.layers.Conv2DTranspose(filters, kernel_size, **options)
    keras_layer = keras.layers.Conv2DTranspose(filters, kernel_size, **options)
    ours.build((None, 8, 8, 6))
    keras_layer.build((None, 8, 8, 6))
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=v.shape).astype("float32") for v in keras_layer.weights]
    ours.set_weights(weights)
    keras_layer.set_weights(weights)
    return ours, keras_layer


@pytest.mark.parametrize("filters", [3, 8])  # 3: Keras' op on every backend; 8: JAX takes the matmul form
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_layer_equals_keras_layer_forward_and_backward(filters, padding):
    x = np.random.default_rng(2).normal(size=(2, 8, 8, 6)).astype("float32")
    results = []
    for layer in _twins(filters, 4, 2, padding):
        target = ops.convert_to_tensor(np.ones(layer.compute_output_shape(x.shape)[1:], "float32"))

        def loss_fn(layer=layer, target=target):
            return ops.mean(ops.square(layer(x) - target)), {}

        _, _, weight_gradients = kgan.backend.gradients(loss_fn, layer.trainable_variables)
        input_gradient = kgan.backend.input_gradients(lambda v, layer=layer: ops.sin(layer(v)), x)
        results.append([numpy(layer(x)), numpy(input_gradient), *map(numpy, weight_gradients)])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


def test_layer_saves_and_loads(tmp_path):
    inputs = keras.Input((4, 4, 5))
    outputs = kgan.layers.Conv2DTranspose(6, 4, strides=2, padding="same")(inputs)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(3).normal(size=(2, 4, 4, 5)).astype("float32")
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert isinstance(loaded.layers[-1], kgan.layers.Conv2DTranspose)
    np.testing.assert_allclose(numpy(loaded(x)), numpy(model(x)), rtol=1e-6)


@pytest.mark.skipif(BACKEND != "jax", reason="the matmul form is JAX's (CPU) choice")
def test_jax_computes_wide_layers_without_a_convolution():
    """On JAX's CPU a layer with more than 4 filters compiles to a matrix product
    (XLA:CPU's transposed convolution is 2.5–12× slower); with 1–3 filters it keeps
    Keras' transposed convolution, which is as fast there."""
    import jax

    x = np.zeros((2, 8, 8, 6), "float32")
    compiled = {}
    for filters in (3, 8):
        layer, _ = _twins(filters, 4, 2, "same")
        variables = [v.value for v in layer.trainable_variables]

        def forward(values, x, layer=layer):
            return layer.stateless_call(values, [], x)[0]

        compiled[filters] = jax.jit(forward).lower(variables, x).as_text()
    assert "convolution" in compiled[3]
    assert "convolution" not in compiled[8] and "dot_general" in compiled[8]
