"""kgan.layers for style-based generators, each against its definition in numpy."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan.layers.equalized import scaled_activation
from kgan.networks.stylegan import LabelProjection
from tests.conftest import BACKEND


def numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


def round_trip(layer, *inputs):
    """Output of a copy rebuilt from get_config() with the same weights."""
    clone = layer.__class__.from_config(layer.get_config())
    clone(*inputs)
    clone.set_weights(layer.get_weights())
    return numpy(clone(*inputs))


def test_equalized_dense_scales_its_weights_at_run_time():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    layer = kgan.layers.EqualizedDense(4, bias_init=1.0, lr_multiplier=0.01, gain=2.0)
    out = numpy(layer(x))
    kernel, bias = (numpy(v) for v in (layer.kernel, layer.bias))
    # Stored weights ~ N(0, 1/lr²); the effective bias starts at bias_init.
    assert np.std(kernel) == pytest.approx(100.0, rel=0.5)
    np.testing.assert_allclose(bias * 0.01, 1.0, rtol=1e-6)
    expected = x @ (kernel * 2.0 * 0.01 / math.sqrt(5)) + bias * 0.01
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(round_trip(layer, x), out, rtol=1e-6)


def test_equalized_conv_matches_a_he_scaled_convolution():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(1).normal(size=(2, 6, 6, 3)).astype("float32")
    layer = kgan.layers.EqualizedConv2D(4, 3, strides=2, activation="relu")
    out = numpy(layer(x))
    assert out.shape == tuple(layer.compute_output_shape(x.shape)) == (2, 3, 3, 4)
    plain = keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")
    plain.build(x.shape)
    kernel = numpy(layer.kernel) * math.sqrt(2.0) / math.sqrt(3 * 3 * 3)
    plain.set_weights([kernel, numpy(layer.bias)])
    np.testing.assert_allclose(out, numpy(plain(x)), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(round_trip(layer, x), out, rtol=1e-6)


def test_pixel_normalization_gives_unit_rms_features():
    x = np.random.default_rng(2).normal(size=(2, 3, 3, 5)).astype("float32") * 7
    out = numpy(kgan.layers.PixelNormalization()(x))
    expected = x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + 1e-8)
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    np.testing.assert_allclose(np.mean(out**2, axis=-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: kgan.layers.EqualizedDense(0), "units must be an integer ≥ 1"),
        (lambda: kgan.layers.EqualizedDense(4, lr_multiplier=0), "lr_multiplier must be a finite number > 0"),
        (lambda: kgan.layers.EqualizedConv2D(4, 3, padding="full"), "padding must be"),
        (lambda: kgan.layers.PixelNormalization(epsilon=-1.0), "epsilon must be a finite number > 0"),
        (lambda: kgan.layers.EqualizedConv2D(4, 3, down=2, strides=2), "down > 1 takes strides=1"),
        (lambda: kgan.layers.EqualizedConv2D(4, 3, down=0), "down must be an integer ≥ 1"),
        (lambda: kgan.layers.EqualizedConv2D(4, 3, resample_kernel=()), "kernel must be a non-empty"),
        (lambda: kgan.layers.EqualizedDense(4, activation_gain=0), "activation_gain must be a finite"),
        (lambda: kgan.layers.EqualizedDense(4, clamp=-1.0), "clamp must be a finite number > 0"),
        (lambda: kgan.layers.ModulatedConv2D(4, 3, demodulate=1), "demodulate must be True"),
        (lambda: kgan.layers.ModulatedConv2D(4, 2), "kernel_size must be odd"),
        (lambda: kgan.layers.ModulatedConv2D(4, 3, up=4), "up must be 1 or 2"),
        (lambda: kgan.layers.ModulatedConv2D(4, 1, up=2), "up=2 takes kernel_size ≥ 3"),
        (lambda: kgan.layers.ModulatedConv2D(4, 3, use_noise=1), "use_noise must be True"),
        (lambda: kgan.layers.ModulatedConv2D(4, 3, clamp=0), "clamp must be a finite number > 0"),
        (lambda: kgan.layers.ModulatedConv2D(4, 3, activation_gain=-1), "activation_gain must be"),
        (lambda: kgan.layers.NoiseInjection(noise_mode="fixed"), "noise_mode must be one of"),
        (lambda: kgan.layers.NoiseInjection(per_channel=1), "per_channel must be True"),
        (lambda: kgan.layers.Resample2D(up=2, down=2), "up and down cannot both"),
        (lambda: kgan.layers.Resample2D(kernel=()), "kernel must be a non-empty"),
        (lambda: kgan.layers.ConstantInput(0), "channels must be an integer ≥ 1"),
    ],
)
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_modulated_conv_demodulated_kernels_have_unit_norm_per_output_channel():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 5, 3)).astype("float32")
    w = rng.normal(size=(2, 4)).astype("float32")
    layer = kgan.layers.ModulatedConv2D(6, 3)
    out = numpy(layer([x, w]))
    kernels = numpy(layer.modulated_kernel(w))
    assert kernels.shape == (2, 3, 3, 3, 6)
    norms = np.sqrt((kernels**2).sum(axis=(1, 2, 3)))
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)
    # The definition (NVlabs'): W' = W · s_i with the stored W ~ N(0, 1), W'' = W' / ‖W'‖
    # per output channel.
    styles = w @ (numpy(layer.affine.kernel) / 2.0) + numpy(layer.affine.bias)
    modulated = numpy(layer.kernel)[None] * styles[:, None, None, :, None]
    demodulated = modulated / np.sqrt((modulated**2).sum(axis=(1, 2, 3), keepdims=True) + 1e-8)
    np.testing.assert_allclose(kernels, demodulated, rtol=1e-4, atol=1e-6)
    # The layer (activations scaled, one shared convolution) equals a per-sample convolution.
    for i in range(2):
        expected = numpy(ops.conv(x[i : i + 1], kernels[i], padding="same")) + numpy(layer.bias)
        np.testing.assert_allclose(out[i : i + 1], expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(round_trip(layer, [x, w]), out, rtol=1e-6)


def test_modulated_conv_demodulates_the_unscaled_kernel():
    """Tiny styles make the 1e-8 of the demodulation visible: NVlabs demodulates
    W · s with the stored W, not W / sqrt(k²·C_in) · s (a 27 times smaller energy)."""
    keras.utils.set_random_seed(0)
    w = np.random.default_rng(3).normal(size=(2, 4)).astype("float32")
    layer = kgan.layers.ModulatedConv2D(6, 3)
    layer([np.ones((2, 5, 5, 3), "float32"), w])
    layer.affine.kernel.assign(np.zeros((4, 3), "float32"))
    layer.affine.bias.assign(np.full((3,), 3e-5, "float32"))  # s = 3e-5
    modulated = numpy(layer.kernel) * 3e-5
    energy = (modulated**2).sum(axis=(0, 1, 2))
    expected = modulated / np.sqrt(energy + 1e-8)
    assert np.all(energy > 1e-8) and np.all(energy / 27 < 1e-8)  # the two scalings differ here
    np.testing.assert_allclose(numpy(layer.modulated_kernel(w)), np.stack([expected] * 2),
                               rtol=1e-4)


def test_modulated_conv_without_demodulation_only_modulates():
    keras.utils.set_random_seed(0)
    w = np.random.default_rng(4).normal(size=(2, 4)).astype("float32")
    layer = kgan.layers.ModulatedConv2D(2, 1, demodulate=False, use_bias=False)
    layer([np.ones((2, 4, 4, 3), "float32"), w])
    styles = numpy(layer.affine(w))
    expected = numpy(layer.kernel)[None] / np.sqrt(3) * styles[:, None, None, :, None]
    np.testing.assert_allclose(numpy(layer.modulated_kernel(w)), expected, rtol=1e-5)


def test_adaptive_instance_normalization():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(5)
    x = rng.normal(2.0, 3.0, size=(2, 4, 4, 3)).astype("float32")
    w = rng.normal(size=(2, 5)).astype("float32")
    layer = kgan.layers.AdaptiveInstanceNormalization()
    out = numpy(layer([x, w]))
    style = w @ numpy(layer.affine.kernel) / np.sqrt(5) + numpy(layer.affine.bias)
    scale, bias = style[:, None, None, :3], style[:, None, None, 3:]
    normalized = (x - x.mean(axis=(1, 2), keepdims=True)) / np.sqrt(
        x.var(axis=(1, 2), keepdims=True) + 1e-8
    )
    np.testing.assert_allclose(out, normalized * (1 + scale) + bias, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(round_trip(layer, [x, w]), out, rtol=1e-6)


@pytest.mark.parametrize("per_channel, strength", [
    (False, np.array(0.5, "float32")),  # StyleGAN2: one strength per layer
    (True, np.array([0.5, -1.0, 2.0], "float32")),  # StyleGAN: one per channel
])
def test_noise_injection_modes(per_channel, strength):
    keras.utils.set_random_seed(0)
    x = np.ones((2, 4, 4, 3), "float32")
    layer = kgan.layers.NoiseInjection(seed=1, per_channel=per_channel)
    layer(x)
    assert tuple(layer.strength.shape) == strength.shape
    layer.strength.assign(strength)
    first, second = numpy(layer(x)), numpy(layer(x))
    assert not np.allclose(first, second)  # random: new noise per call ...
    noise = (first - x) / strength
    np.testing.assert_allclose(noise, noise[..., :1].repeat(3, axis=-1), rtol=1e-4, atol=1e-5)
    assert first[0, :, :, 0].std() > 0.1 and not np.allclose(noise[0], noise[1])
    layer.noise_mode = "const"  # ... const: the stored noise image, the same for every sample
    expected = x + numpy(layer.const_noise)[None] * strength
    np.testing.assert_allclose(numpy(layer(x)), expected, rtol=1e-6)
    layer.noise_mode = "none"
    np.testing.assert_array_equal(numpy(layer(x)), x)
    given = np.full((2, 4, 4, 1), 2.0, "float32")
    np.testing.assert_allclose(numpy(layer([x, given])), x + 2.0 * strength, rtol=1e-6)
    with pytest.raises(ValueError, match="noise_mode must be one of"):
        layer.noise_mode = "fixed"


def fir_reference(x, taps, before, after, gain=1.0):
    """NVlabs' upfirdn2d filter in plain numpy: pad both spatial axes by `before`,
    `after` (a negative pad crops), correlate with the 2-D filter normalised to sum `gain`."""
    x = np.pad(x, [(0, 0), *[(max(before, 0), max(after, 0))] * 2, (0, 0)])
    x = x[:, max(-before, 0) : x.shape[1] - max(-after, 0), max(-before, 0) : x.shape[2] - max(-after, 0)]
    k = np.outer(taps, taps)
    k = k / k.sum() * gain
    n = len(taps)
    out_h, out_w = x.shape[1] - n + 1, x.shape[2] - n + 1
    out = np.zeros((x.shape[0], out_h, out_w, x.shape[3]))
    for i in range(n):
        for j in range(n):
            out += k[i, j] * x[:, i : i + out_h, j : j + out_w]
    return out


def upfirdn_reference(x, taps, up, down):
    """upfirdn2d in plain numpy: zero insertion, padding, 2-D correlation, subsampling."""
    batch, height, width, channels = x.shape
    if up > 1:
        upsampled = np.zeros((batch, height * up, width * up, channels), x.dtype)
        upsampled[:, ::up, ::up] = x
        x = upsampled
    n = len(taps)
    before, after = ((n + up - 1) // 2, (n - up) // 2) if up > 1 else (
        ((n - down + 1) // 2, (n - down) // 2) if down > 1 else (n // 2, (n - 1) // 2)
    )
    return fir_reference(x, taps, before, after, gain=up**2)[:, ::down, ::down]


def correlate_reference(x, kernel, stride=1):
    """Valid 2-D correlation in plain numpy: x `(batch, H, W, C_in)`, kernel `(k, k, C_in, C_out)`."""
    k = kernel.shape[0]
    out_h, out_w = (x.shape[1] - k) // stride + 1, (x.shape[2] - k) // stride + 1
    out = np.zeros((x.shape[0], out_h, out_w, kernel.shape[3]))
    for i in range(k):
        for j in range(k):
            window = x[:, i : i + stride * (out_h - 1) + 1 : stride, j : j + stride * (out_w - 1) + 1 : stride]
            out += window @ kernel[i, j]
    return out


def transposed_conv_reference(x, kernel, stride):
    """Transposed convolution in plain numpy (full output): input pixel (r, c) adds
    `x[r, c] · kernel` to the k×k window at (stride·r, stride·c)."""
    batch, height, width, _ = x.shape
    k = kernel.shape[0]
    out = np.zeros((batch, stride * (height - 1) + k, stride * (width - 1) + k, kernel.shape[3]))
    for r in range(height):
        for c in range(width):
            out[:, stride * r : stride * r + k, stride * c : stride * c + k] += np.einsum(
                "bi,hwio->bhwo", x[:, r, c], kernel
            )
    return out


def leaky_relu(x):
    return np.where(x > 0, x, 0.2 * x)


@pytest.mark.parametrize("up, down", [(2, 1), (1, 2), (1, 1)])
def test_resample_matches_upfirdn_in_numpy(up, down):
    x = np.random.default_rng(6).normal(size=(2, 6, 6, 3)).astype("float32")
    layer = kgan.layers.Resample2D(up=up, down=down)
    out = numpy(layer(x))
    assert out.shape == (2, 6 * up // down, 6 * up // down, 3)
    np.testing.assert_allclose(out, upfirdn_reference(x, (1, 3, 3, 1), up, down), atol=1e-5)
    # Away from the borders a constant image stays constant (the filter's gain).
    flat = numpy(layer(np.ones((1, 8, 8, 1), "float32")))
    centre = flat[0, 2:-2, 2:-2, 0]
    np.testing.assert_allclose(centre, 1.0, rtol=1e-6)
    np.testing.assert_allclose(round_trip(layer, x), out, rtol=1e-6)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="TensorFlow picks the filter per graph")
@pytest.mark.parametrize("up, down", [(2, 1), (1, 2)])
def test_resample_under_xla_matches_the_depthwise_convolution(up, down):
    """On TensorFlow a graph that XLA compiles (`jit_compile=True`) filters with shifted
    sums, the rest with a depthwise convolution: the same numbers, forward and backward."""
    import tensorflow as tf

    x = tf.constant(np.random.default_rng(7).normal(size=(2, 8, 8, 3)).astype("float32"))
    layer = kgan.layers.Resample2D(up=up, down=down)
    results, depthwise_ops = [], []
    for jit_compile in (False, True):
        @tf.function(jit_compile=jit_compile)
        def forward_and_gradient(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = layer(x)
                loss = tf.reduce_sum(tf.square(y))
            return y, tape.gradient(loss, x)

        results.append([v.numpy() for v in forward_and_gradient(x)])
        graph = forward_and_gradient.get_concrete_function(x).graph
        depthwise_ops.append(any("Depthwise" in op.type for op in graph.get_operations()))
    assert depthwise_ops == [True, False]
    np.testing.assert_allclose(results[1][0], results[0][0], atol=1e-5)
    np.testing.assert_allclose(results[1][1], results[0][1], atol=1e-4)
    np.testing.assert_allclose(results[0][0], upfirdn_reference(x.numpy(), (1, 3, 3, 1), up, down),
                               atol=1e-5)


def test_constant_input_repeats_its_learned_image():
    layer = kgan.layers.ConstantInput(5, size=4)
    out = numpy(layer(np.zeros((3, 7), "float32")))
    assert out.shape == (3, 4, 4, 5)
    np.testing.assert_array_equal(out, np.repeat(numpy(layer.constant)[None], 3, axis=0))


@pytest.mark.parametrize("kernel_size, taps", [(3, (1, 3, 3, 1)), (3, (1, 2, 1)), (5, (1, 3, 3, 1)),
                                             (5, (1, 2, 1))])
def test_modulated_conv_up_is_a_transposed_convolution_then_the_fir_filter(kernel_size, taps):
    """NVlabs' SynthesisLayer(up=2): per sample, the demodulated W·s flipped as a stride-2
    transposed convolution, the FIR filter (gain 4, conv2d_resample's padding), the
    noise, the bias, leaky ReLU times √2, clipped to ±clamp."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 4, 4, 3)).astype("float32")
    w = rng.normal(size=(2, 5)).astype("float32")
    layer = kgan.layers.ModulatedConv2D(
        6, kernel_size, up=2, use_noise=True, activation="leaky_relu", activation_gain=math.sqrt(2),
        clamp=0.8, resample_kernel=taps,
    )
    layer([x, w])
    layer.bias.assign(rng.normal(size=(6,)).astype("float32") * 0.3)
    layer.noise.strength.assign(0.7)
    layer.noise.noise_mode = "const"
    out = numpy(layer([x, w]))
    assert out.shape == tuple(layer.compute_output_shape([x.shape, w.shape])) == (2, 8, 8, 6)
    assert tuple(layer.noise.strength.shape) == ()  # StyleGAN2: one noise strength per layer
    styles = numpy(layer.affine(w))
    k, f = kernel_size, len(taps)
    before = k // 2 + (f + 1) // 2 - (k - 1)
    after = k // 2 + (f - 2) // 2 - (k - 2)
    expected = []
    for i in range(2):
        kernel = numpy(layer.kernel) * styles[i][None, None, :, None]
        kernel = kernel / np.sqrt((kernel**2).sum(axis=(0, 1, 2)) + 1e-8)
        y = transposed_conv_reference(x[i : i + 1], kernel[::-1, ::-1], 2)
        expected.append(fir_reference(y, taps, before, after, gain=4.0))
    y = np.concatenate(expected) + 0.7 * numpy(layer.noise.const_noise)[None] + numpy(layer.bias)
    y = np.clip(leaky_relu(y) * math.sqrt(2), -0.8, 0.8)
    assert 0.1 < np.mean(np.abs(y) == 0.8) < 0.9  # the clamp acts on some outputs only
    np.testing.assert_allclose(out, y, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kernel_size", [3, 1])
def test_equalized_conv_down_filters_then_strides_as_nvlabs(kernel_size):
    """NVlabs' Conv2dLayer(down=2): the FIR filter padded by k//2 + (4 − 2 + 1)//2 before and
    k//2 + (4 − 2)//2 after, then the equalised kernel with stride 2, no padding (a 1×1
    kernel filters and subsamples first: the same numbers)."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(8)
    x = rng.normal(size=(2, 8, 8, 3)).astype("float32")
    layer = kgan.layers.EqualizedConv2D(5, kernel_size, gain=1.0, down=2, activation="leaky_relu",
                                        activation_gain=math.sqrt(2))
    layer(x)
    layer.bias.assign(rng.normal(size=(5,)).astype("float32"))
    out = numpy(layer(x))
    assert out.shape == tuple(layer.compute_output_shape(x.shape)) == (2, 4, 4, 5)
    pad = kernel_size // 2
    filtered = fir_reference(x, (1, 3, 3, 1), pad + 1, pad + 1)
    kernel = numpy(layer.kernel) / math.sqrt(kernel_size**2 * 3)
    expected = leaky_relu(correlate_reference(filtered, kernel, 2) + numpy(layer.bias)) * math.sqrt(2)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(round_trip(layer, x), out, rtol=1e-6)


def test_scaled_activation_multiplies_after_the_activation_then_clamps():
    x = np.linspace(-3.0, 3.0, 13).astype("float32")
    relu = keras.activations.get("leaky_relu")
    out = numpy(scaled_activation(ops.convert_to_tensor(x), relu, gain=2.0, clamp=1.5))
    expected = np.clip(leaky_relu(x) * 2.0, -1.5, 1.5)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert (np.abs(expected) == 1.5).any() and (np.abs(expected) < 1.5).any()
    np.testing.assert_array_equal(numpy(scaled_activation(x, relu)), leaky_relu(x))
    # EqualizedDense applies it after the bias.
    keras.utils.set_random_seed(0)
    layer = kgan.layers.EqualizedDense(4, gain=1.0, activation="leaky_relu", activation_gain=2.0,
                                       clamp=1.5)
    inputs = np.random.default_rng(9).normal(size=(6, 3)).astype("float32")
    layer(inputs)
    layer.bias.assign(np.array([0.5, -0.5, 1.0, 0.0], "float32"))
    linear = inputs @ (numpy(layer.kernel) / math.sqrt(3)) + numpy(layer.bias)
    np.testing.assert_allclose(numpy(layer(inputs)), np.clip(leaky_relu(linear) * 2.0, -1.5, 1.5),
                               rtol=1e-5, atol=1e-6)


def test_label_projection():
    rng = np.random.default_rng(10)
    x, cmap = (rng.normal(size=(3, 6)).astype("float32") for _ in range(2))
    out = numpy(LabelProjection()([x, cmap]))
    np.testing.assert_allclose(out, (x * cmap).sum(axis=1, keepdims=True) / math.sqrt(6),
                               rtol=1e-5)
    # The conditional discriminator: the projection of its 4×4 output on the mapped label.
    keras.utils.set_random_seed(0)
    d = kgan.networks.stylegan2_discriminator((8, 8, 1), 64, 8, c_dim=3, cmap_dim=6,
                                              mapping_layers=2)
    images = rng.normal(size=(2, 8, 8, 1)).astype("float32")
    c = np.eye(3, dtype="float32")[[0, 2]]
    features = keras.Model(d.inputs[0], d.get_layer("b4_out").output)(images)
    cmap = d.get_layer("mapping")(c)
    assert tuple(cmap.shape) == (2, 6)
    expected = (numpy(features) * numpy(cmap)).sum(axis=1, keepdims=True) / math.sqrt(6)
    np.testing.assert_allclose(numpy(d([images, c])), expected, rtol=1e-4, atol=1e-5)


SYNTHESIS, DISCRIMINATOR = kgan.networks.stylegan2_synthesis, kgan.networks.stylegan2_discriminator


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: SYNTHESIS(8, (8, 8, 1), 64, 8, architecture="resnet"),
         r"architecture must be one of \('skip', 'orig'\). Received: architecture='resnet'"),
        (lambda: SYNTHESIS(8, (8, 8, 1), 64, 8, conv_clamp=0), "conv_clamp must be a finite number > 0"),
        (lambda: SYNTHESIS(8, (8, 8, 1), 64, 8, use_noise=None), "use_noise must be True or False"),
        (lambda: SYNTHESIS(8, (2, 2, 1), 64, 8), "size a power of 2 ≥ 4"),
        (lambda: DISCRIMINATOR((8, 8, 1), 64, 8, architecture="dense"),
         r"architecture must be one of \('resnet', 'skip', 'orig'\). Received: architecture='dense'"),
        (lambda: DISCRIMINATOR((8, 8, 1), 64, 8, conv_clamp=-256.0), "conv_clamp must be a finite number > 0"),
        (lambda: DISCRIMINATOR((8, 8, 1), 64, 8, mbstd_num_channels=-1),
         "mbstd_num_channels must be an integer ≥ 0. Received: mbstd_num_channels=-1"),
        (lambda: DISCRIMINATOR((8, 8, 1), 64, 8, c_dim=-1), "c_dim must be an integer ≥ 0"),
        (lambda: DISCRIMINATOR((8, 8, 1), 64, 8, c_dim=3, cmap_dim=0), "cmap_dim must be an integer ≥ 1"),
        (lambda: kgan.networks.stylegan_mapping(0, 8), "latent_dim and c_dim cannot both be 0"),
    ],
)
def test_style_builders_reject_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("architecture", ["skip", "orig"])
def test_synthesis_and_discriminator_build_at_four_pixels(architecture):
    keras.utils.set_random_seed(0)
    synthesis = SYNTHESIS(8, (4, 4, 3), 64, 8, architecture=architecture)
    assert synthesis.input_shape == (None, 2, 8)  # b4_conv1 and b4_torgb
    images = numpy(synthesis(np.zeros((2, 2, 8), "float32")))
    assert images.shape == (2, 4, 4, 3)
    assert numpy(DISCRIMINATOR((4, 4, 3), 64, 8)(images)).shape == (2, 1)


def test_new_arguments_survive_get_config():
    """Each layer rebuilt from get_config() has the same arguments and, with the same
    weights (noise strengths and constant noise images included), the same output."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(2, 4, 4, 3)).astype("float32")
    w = rng.normal(size=(2, 5)).astype("float32")
    layers = [
        (kgan.layers.EqualizedConv2D(4, 3, down=2, resample_kernel=(1, 2, 1), activation="leaky_relu",
                                     activation_gain=1.5, clamp=0.5), x),
        (kgan.layers.EqualizedDense(4, activation="leaky_relu", activation_gain=1.5, clamp=0.5), w),
        (kgan.layers.NoiseInjection(noise_mode="const", per_channel=True), x),
        (kgan.layers.ModulatedConv2D(4, 3, up=2, use_noise=True, activation="leaky_relu",
                                     activation_gain=1.5, clamp=0.5, resample_kernel=(1, 2, 1)),
         [x, w]),
    ]
    for layer, inputs in layers:
        layer(inputs)
        for variable in layer.weights:  # non-zero noise strengths
            variable.assign(rng.normal(size=variable.shape).astype("float32"))
        clone = layer.__class__.from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()
        clone(inputs)
        clone.set_weights(layer.get_weights())
        for network in (layer, clone):
            if getattr(network, "noise", None) is not None:
                network.noise.noise_mode = "const"
        np.testing.assert_allclose(numpy(clone(inputs)), numpy(layer(inputs)), rtol=1e-6,
                                   err_msg=layer.name)
    config = layers[3][0].get_config()
    assert (config["up"], config["use_noise"], config["clamp"]) == (2, True, 0.5)
    assert layers[0][0].get_config()["resample_kernel"] == (1.0, 2.0, 1.0)
