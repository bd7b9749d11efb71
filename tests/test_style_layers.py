"""kgan.layers for style-based generators, each against its definition in numpy."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import kgan


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
        (lambda: kgan.layers.ModulatedConv2D(4, 3, demodulate=1), "demodulate must be True"),
        (lambda: kgan.layers.NoiseInjection(noise_mode="fixed"), "noise_mode must be one of"),
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
    # The definition: W' = W/sqrt(k²·C_in) · s_i, W'' = W' / ‖W'‖ per output channel.
    styles = w @ (numpy(layer.affine.kernel) / 2.0) + numpy(layer.affine.bias)
    modulated = numpy(layer.kernel)[None] / np.sqrt(27) * styles[:, None, None, :, None]
    demodulated = modulated / np.sqrt((modulated**2).sum(axis=(1, 2, 3), keepdims=True) + 1e-8)
    np.testing.assert_allclose(kernels, demodulated, rtol=1e-4, atol=1e-6)
    # The layer (activations scaled, one shared convolution) equals a per-sample convolution.
    for i in range(2):
        expected = numpy(ops.conv(x[i : i + 1], kernels[i], padding="same")) + numpy(layer.bias)
        np.testing.assert_allclose(out[i : i + 1], expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(round_trip(layer, [x, w]), out, rtol=1e-6)


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


def test_noise_injection_modes():
    keras.utils.set_random_seed(0)
    x = np.ones((2, 4, 4, 3), "float32")
    layer = kgan.layers.NoiseInjection(seed=1)
    layer(x)
    strength = np.array([0.5, -1.0, 2.0], "float32")
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


def upfirdn_reference(x, taps, up, down):
    """upfirdn2d in plain numpy: zero insertion, padding, 2-D correlation, subsampling."""
    batch, height, width, channels = x.shape
    if up > 1:
        upsampled = np.zeros((batch, height * up, width * up, channels), x.dtype)
        upsampled[:, ::up, ::up] = x
        x = upsampled
    k = np.outer(taps, taps)
    k = k / k.sum() * up**2
    n = len(taps)
    before, after = ((n + up - 1) // 2, (n - up) // 2) if up > 1 else (
        ((n - down + 1) // 2, (n - down) // 2) if down > 1 else (n // 2, (n - 1) // 2)
    )
    x = np.pad(x, [(0, 0), (before, after), (before, after), (0, 0)])
    out_h, out_w = x.shape[1] - n + 1, x.shape[2] - n + 1
    out = np.zeros((batch, out_h, out_w, channels))
    for i in range(n):
        for j in range(n):
            out += k[i, j] * x[:, i : i + out_h, j : j + out_w]
    return out[:, ::down, ::down]


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


def test_constant_input_repeats_its_learned_image():
    layer = kgan.layers.ConstantInput(5, size=4)
    out = numpy(layer(np.zeros((3, 7), "float32")))
    assert out.shape == (3, 4, 4, 5)
    np.testing.assert_array_equal(out, np.repeat(numpy(layer.constant)[None], 3, axis=0))
