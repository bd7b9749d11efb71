"""BigGAN's pieces against their definitions: conditional BN, self-attention,
the orthogonal penalty."""

import keras
import numpy as np
import pytest

import kgan

RNG = np.random.default_rng(0)


def _numpy(x):
    return np.asarray(keras.ops.convert_to_numpy(x), dtype="float64")


def test_conditional_batch_norm_is_batch_norm_then_conditional_gain_and_bias():
    x = RNG.normal(size=(6, 3, 3, 4)).astype("float32") * 2.0 + 1.0
    condition = RNG.normal(size=(6, 5)).astype("float32")
    layer = kgan.layers.ConditionalBatchNormalization(epsilon=1e-3)
    layer([x, condition])
    w_gain = RNG.normal(size=(5, 4)).astype("float32")
    w_bias = RNG.normal(size=(5, 4)).astype("float32")
    layer.gain.kernel.assign(w_gain)
    layer.bias.kernel.assign(w_bias)

    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    normalized = (x - mean) / np.sqrt(var + 1e-3)
    gain = (1.0 + condition @ w_gain)[:, None, None, :]
    bias = (condition @ w_bias)[:, None, None, :]
    expected = normalized * gain + bias
    np.testing.assert_allclose(_numpy(layer([x, condition], training=True)), expected, atol=1e-4)
    # Inference uses the moving statistics; a zero condition leaves x̂ as it is.
    moving_mean = _numpy(layer.batch_norm.moving_mean)
    moving_var = _numpy(layer.batch_norm.moving_variance)
    zero = np.zeros_like(condition)
    np.testing.assert_allclose(
        _numpy(layer([x, zero], training=False)),
        (x - moving_mean) / np.sqrt(moving_var + 1e-3), atol=1e-4,
    )


def test_conditional_batch_norm_with_spectral_normalization_divides_the_maps_by_sigma():
    x = RNG.normal(size=(4, 6)).astype("float32")
    condition = RNG.normal(size=(4, 3)).astype("float32")
    layer = kgan.layers.ConditionalBatchNormalization(spectral_normalization=True)
    layer([x, condition])
    assert isinstance(layer.gain, kgan.layers.SpectralNormalization)
    # Inference: moving statistics still at (0, 1), kernels W/σ(W) from the stored u.
    normalized = x / np.sqrt(1.0 + 1e-5)
    gain = 1.0 + condition @ _numpy(layer.gain.normalized_kernel())
    bias = condition @ _numpy(layer.bias.normalized_kernel())
    np.testing.assert_allclose(
        _numpy(layer([x, condition], training=False)), normalized * gain + bias, atol=1e-5
    )
    restored = kgan.layers.ConditionalBatchNormalization.from_config(layer.get_config())
    assert restored.spectral_normalization and restored.epsilon == layer.epsilon


def test_conditional_batch_norm_rejects_bad_arguments():
    with pytest.raises(ValueError, match="momentum must be"):
        kgan.layers.ConditionalBatchNormalization(momentum=1.0)
    with pytest.raises(ValueError, match=r"condition of shape \(batch, D\)"):
        kgan.layers.ConditionalBatchNormalization()(
            [np.zeros((2, 4), "float32"), np.zeros((2, 3, 3), "float32")]
        )


def _attention_reference(x, wq, wk, wv, wo, gamma):
    """SAGAN/BigGAN attention in numpy: 1×1 convs, 2×2 max-pooled keys and values."""
    b, h, w, c = x.shape

    def pool(t):
        return t.reshape(b, h // 2, 2, w // 2, 2, -1).max(axis=(2, 4))

    query = (x @ wq).reshape(b, h * w, -1)
    key = pool(x @ wk).reshape(b, h * w // 4, -1)
    value = pool(x @ wv).reshape(b, h * w // 4, -1)
    logits = query @ key.transpose(0, 2, 1)
    attention = np.exp(logits - logits.max(-1, keepdims=True))
    attention /= attention.sum(-1, keepdims=True)
    return x + gamma * ((attention @ value).reshape(b, h, w, -1) @ wo)


def test_self_attention_starts_as_identity_and_matches_its_definition():
    x = RNG.normal(size=(2, 4, 6, 16)).astype("float32")
    layer = kgan.layers.SelfAttention(spectral_normalization=False)
    out = layer(x)
    assert tuple(out.shape) == x.shape
    np.testing.assert_array_equal(_numpy(out), x)  # γ = 0 at initialisation

    kernels = [_numpy(conv.kernel)[0, 0] for conv in
               (layer.query, layer.key, layer.value, layer.output_conv)]
    assert [k.shape for k in kernels] == [(16, 2), (16, 2), (16, 8), (8, 16)]
    layer.gamma.assign(0.7)
    np.testing.assert_allclose(
        _numpy(layer(x)), _attention_reference(x, *kernels, 0.7), atol=1e-4
    )


def test_self_attention_with_spectral_normalization_round_trips_and_rejects_odd_maps():
    x = RNG.normal(size=(2, 4, 4, 8)).astype("float32")
    layer = kgan.layers.SelfAttention()
    np.testing.assert_array_equal(_numpy(layer(x, training=True)), x)
    assert isinstance(layer.query, kgan.layers.SpectralNormalization)
    assert kgan.layers.SelfAttention.from_config(layer.get_config()).spectral_normalization
    with pytest.raises(ValueError, match="even height and width"):
        kgan.layers.SelfAttention()(np.zeros((1, 3, 4, 8), "float32"))
    with pytest.raises(ValueError, match="multiple of 8"):
        kgan.layers.SelfAttention()(np.zeros((1, 4, 4, 6), "float32"))


def test_orthogonal_penalty_against_hand_computed_values():
    # W = [[1, 0], [1, 1]]: WᵀW = [[2, 1], [1, 1]], off-diagonal squares 1 + 1.
    w = np.array([[1.0, 0.0], [1.0, 1.0]], "float32")
    assert float(_numpy(kgan.losses.orthogonal_penalty(w))) == pytest.approx(2.0)
    # Orthogonal filters of any norm cost nothing (the norms are not constrained).
    assert float(_numpy(kgan.losses.orthogonal_penalty(np.diag([3.0, 0.5]).astype("float32")))) == 0
    # A conv kernel (1, 2, 1, 3) → W (2, 3) = [[1, 2, 0], [0, 1, 1]];
    # WᵀW off-diagonal: (0,1)=2, (0,2)=0, (1,2)=1, twice each: 2·(4 + 0 + 1) = 10.
    kernel = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]], "float32").reshape(1, 2, 1, 3)
    assert float(_numpy(kgan.losses.orthogonal_penalty(kernel))) == pytest.approx(10.0)
    # Not Keras' OrthogonalRegularizer, which normalises and averages |cosines|.
    keras_value = float(_numpy(keras.regularizers.OrthogonalRegularizer(1.0, "columns")(w)))
    assert keras_value != pytest.approx(2.0)
    with pytest.raises(ValueError, match="rank ≥ 2"):
        kgan.losses.orthogonal_penalty(np.ones(3, "float32"))
