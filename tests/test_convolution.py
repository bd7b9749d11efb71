"""kgan.layers.Conv2D / Conv2DTranspose and kgan.backend.conv / conv_transpose
against Keras' own convolutions: the same output and gradients on every backend."""

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan.backend.common import conv_kernel_gradient, matmul_conv_transpose
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


@pytest.fixture(autouse=True)
def matmul_kernel_gradient_at_every_size(request, monkeypatch):
    """On JAX, `kgan.backend.conv` takes its matrix-product kernel gradient
    from an output size these small cases stay under; the tests compare that
    form, so they lower the size to 0 (the test of the size itself keeps it)."""
    if BACKEND == "jax" and "keeps_the_size" not in request.node.name:
        import kgan.backend.jax

        monkeypatch.setattr(kgan.backend.jax, "MATMUL_KERNEL_GRADIENT_MIN_OUTPUT", 0)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_backend_conv_transpose_takes_upper_case_padding(padding):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 5, 5, 3)).astype("float32")
    w = rng.normal(size=(3, 3, 8, 3)).astype("float32")
    expected = numpy(ops.conv_transpose(x, w, strides=2, padding=padding))
    got = numpy(kgan.backend.conv_transpose(x, w, strides=2, padding=padding))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_backend_conv_transpose_rejects_an_unknown_padding():
    x = np.zeros((2, 5, 5, 3), "float32")
    w = np.zeros((3, 3, 8, 3), "float32")
    with pytest.raises(ValueError, match="padding=causal"):
        kgan.backend.conv_transpose(x, w, strides=2, padding="causal")


def _twins(filters, kernel_size, strides, padding, name="Conv2DTranspose"):
    """kgan's layer `name` and Keras' with the same weights, built on 8×8×6 inputs."""
    options = dict(strides=strides, padding=padding, activation="tanh")
    ours = getattr(kgan.layers, name)(filters, kernel_size, **options)
    keras_layer = getattr(keras.layers, name)(filters, kernel_size, **options)
    ours.build((None, 8, 8, 6))
    keras_layer.build((None, 8, 8, 6))
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=v.shape).astype("float32") for v in keras_layer.weights]
    ours.set_weights(weights)
    keras_layer.set_weights(weights)
    return ours, keras_layer


@pytest.mark.parametrize("name, strides", [("Conv2DTranspose", 2), ("Conv2D", 1), ("Conv2D", 2)])
@pytest.mark.parametrize("filters", [3, 8])  # 3: Keras' op on every backend; 8: JAX takes the matmul form
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_layer_equals_keras_layer_forward_and_backward(name, strides, filters, padding):
    x = np.random.default_rng(2).normal(size=(2, 8, 8, 6)).astype("float32")
    results = []
    for layer in _twins(filters, 4 if name == "Conv2DTranspose" else 3, strides, padding, name):
        target = ops.convert_to_tensor(np.ones(layer.compute_output_shape(x.shape)[1:], "float32"))

        def loss_fn(layer=layer, target=target):
            return ops.mean(ops.square(layer(x) - target)), {}

        _, _, weight_gradients = kgan.backend.gradients(loss_fn, layer.trainable_variables)
        input_gradient = kgan.backend.input_gradients(lambda v, layer=layer: ops.sin(layer(v)), x)
        results.append([numpy(layer(x)), numpy(input_gradient), *map(numpy, weight_gradients)])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


def test_layers_save_and_load(tmp_path):
    inputs = keras.Input((4, 4, 5))
    hidden = kgan.layers.Conv2DTranspose(6, 4, strides=2, padding="same")(inputs)
    outputs = kgan.layers.Conv2D(7, 3, padding="same")(hidden)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(3).normal(size=(2, 4, 4, 5)).astype("float32")
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert [type(layer) for layer in loaded.layers[1:]] == [kgan.layers.Conv2DTranspose,
                                                            kgan.layers.Conv2D]
    np.testing.assert_allclose(numpy(loaded(x)), numpy(model(x)), rtol=1e-6)


# (height, width, channels, filters, kernel, strides, padding)
CONV_CASES = [
    (8, 8, 6, 8, (3, 3), (1, 1), "same"),     # a ResNet block's, StyleGAN's
    (9, 7, 6, 8, (4, 4), (2, 2), "same"),     # DCGAN's discriminator; odd size: pad at the end
    (9, 9, 5, 7, (3, 3), (2, 2), "valid"),
    (8, 6, 5, 6, (3, 1), (1, 2), "SAME"),     # rectangular; upper case, as ops.conv takes it
    (7, 7, 4, 9, (1, 1), (1, 1), "valid"),    # the pixel discriminator's 1×1
    (7, 7, 4, 3, (3, 3), (1, 1), "same"),     # 3 filters: Keras' gradient on JAX too
]


def _conv_case(height, width, channels, filters, kernel):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, height, width, channels)).astype("float32")
    w = (rng.normal(size=(*kernel, channels, filters)) / np.sqrt(channels)).astype("float32")
    return x, w


@pytest.mark.parametrize("height, width, channels, filters, kernel, strides, padding", CONV_CASES)
def test_conv_kernel_gradient_equals_autodiff(height, width, channels, filters, kernel, strides,
                                              padding):
    x, w = _conv_case(height, width, channels, filters, kernel)
    kernel_variable = keras.Variable(w)
    output_gradient = ops.convert_to_tensor(np.random.default_rng(5).normal(
        size=ops.conv(x, w, strides=strides, padding=padding).shape).astype("float32"))

    def loss_fn():
        y = ops.conv(x, kernel_variable, strides=strides, padding=padding)
        return ops.sum(y * output_gradient), {}

    _, _, (expected,) = kgan.backend.gradients(loss_fn, [kernel_variable])
    got = conv_kernel_gradient(ops.convert_to_tensor(x), output_gradient, w.shape, strides,
                               padding.lower())
    np.testing.assert_allclose(numpy(got), numpy(expected), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("height, width, channels, filters, kernel, strides, padding", CONV_CASES)
def test_conv_equals_keras_conv_to_second_order(height, width, channels, filters, kernel, strides,
                                                padding):
    """Output, input gradient, kernel gradient, and the kernel gradient of an
    input-gradient penalty (R1, WGAN-GP differentiate through it)."""
    x, w = _conv_case(height, width, channels, filters, kernel)
    results = []
    for conv in (ops.conv, kgan.backend.conv):
        kernel_variable = keras.Variable(w)

        def output(v, conv=conv, kernel_variable=kernel_variable):
            return ops.sin(conv(v, kernel_variable, strides=strides, padding=padding))

        def loss_fn(output=output):
            return ops.sum(output(x)), {}

        def penalty_fn(output=output):
            gradient = kgan.backend.input_gradients(output, ops.convert_to_tensor(x))
            return ops.sum(ops.square(gradient)), {}

        _, _, (kernel_gradient,) = kgan.backend.gradients(loss_fn, [kernel_variable])
        _, _, (penalty_gradient,) = kgan.backend.gradients(penalty_fn, [kernel_variable])
        input_gradient = kgan.backend.input_gradients(output, ops.convert_to_tensor(x))
        results.append([numpy(output(x)), numpy(input_gradient), numpy(kernel_gradient),
                        numpy(penalty_gradient)])
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.skipif(BACKEND != "jax", reason="the matmul form is JAX's (CPU) choice")
def test_jax_kernel_gradient_keeps_the_size_and_filter_limits():
    """On JAX's CPU, the kernel gradient of a layer with more than 4 filters and
    an output of at least 2²¹ values compiles to matrix products (XLA:CPU's
    convolution for it is up to 9× slower there), leaving the forward
    convolution; with 1–3 filters or a smaller output Keras' gradient stays."""
    import jax

    convolutions = {}
    for filters, batch in ((3, 32), (64, 32), (64, 2)):  # 32·32²·64 = 2²¹; 2·32²·64 below
        x = np.zeros((batch, 32, 32, 6), "float32")
        for layer in _twins(filters, 3, 1, "same", "Conv2D"):
            variables = [v.value for v in layer.trainable_variables]

            def loss(values, layer=layer, x=x):
                return ops.sum(ops.square(layer.stateless_call(values, [], x)[0]))

            text = jax.jit(jax.grad(loss)).lower(variables).as_text()
            convolutions[type(layer).__module__.split(".")[0], filters, batch] = text.count(
                "stablehlo.convolution")
    assert convolutions == {("kgan", 3, 32): 2, ("keras", 3, 32): 2, ("kgan", 64, 32): 1,
                            ("keras", 64, 32): 2, ("kgan", 64, 2): 2, ("keras", 64, 2): 2}


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
