"""Mixed precision: networks compute in bfloat16 or float16 (with dynamic loss scaling),
losses and penalties in float32."""

import keras
import numpy as np
import pytest

import kgan
from tests.conftest import tiny_dcgan_pair


@pytest.fixture
def policy():
    previous = keras.config.dtype_policy()

    def set_policy(name):
        keras.config.set_dtype_policy(name)

    yield set_policy
    keras.config.set_dtype_policy(previous)


@pytest.mark.parametrize("model_class", [kgan.models.GAN, kgan.models.WGANGP])
def test_mixed_bfloat16_trains_with_float32_losses(policy, model_class):
    policy("mixed_bfloat16")
    g, d = tiny_dcgan_pair(normalization="layer")
    assert g.layers[-1].compute_dtype == "bfloat16"
    assert g.layers[-1].variable_dtype == "float32"
    model = model_class(g, d, latent_dim=8, d_steps=1, seed=0)
    model.compile()
    x, _ = kgan.data.load_digits(image_size=16)
    before = [np.array(w) for w in g.get_weights()]
    history = model.fit(x[:64], batch_size=32, epochs=1, verbose=0)
    for name in model.log_names:
        assert np.isfinite(history.history[name][-1]), name
    assert any(not np.array_equal(a, b) for a, b in zip(before, g.get_weights()))
    assert all(w.dtype == np.float32 for w in g.get_weights())
    samples = model.generate(4, seed=0)
    assert samples.dtype == np.float32 and np.isfinite(samples).all()
    # The losses are computed from float32 logits.
    batch = model.unpack_batch(x[:8])
    noise = model.sample_noise(batch)
    loss, _ = model.discriminator_loss(batch, noise)
    assert keras.backend.standardize_dtype(loss.dtype) == "float32"


@pytest.mark.parametrize("model_class", [kgan.models.GAN, kgan.models.WGANGP])
def test_mixed_float16_trains_with_dynamic_loss_scaling(policy, model_class):
    policy("mixed_float16")
    g, d = tiny_dcgan_pair(normalization="layer")
    assert g.layers[-1].compute_dtype == "float16"
    model = model_class(g, d, latent_dim=8, d_steps=1, seed=0)
    model.compile()
    for optimizer in (model.g_optimizer, model.d_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
    x, _ = kgan.data.load_digits(image_size=16)
    before = [np.array(w) for w in g.get_weights()]
    history = model.fit(x[:64], batch_size=32, epochs=1, verbose=0)
    for name in model.log_names:
        assert np.isfinite(history.history[name][-1]), name
    assert any(not np.array_equal(a, b) for a, b in zip(before, g.get_weights()))
    assert int(model.g_optimizer.iterations.numpy()) == 2
    samples = model.generate(4, seed=0)
    assert samples.dtype == np.float32 and np.isfinite(samples).all()


def test_mixed_float16_overflow_skips_the_update_and_halves_the_scale(policy):
    policy("mixed_float16")
    g, d = tiny_dcgan_pair(normalization="layer")
    model = kgan.models.GAN(g, d, latent_dim=8, seed=0)
    model.compile()
    # A scale this large overflows float16 in the backward pass of both networks.
    for optimizer in (model.g_optimizer, model.d_optimizer):
        optimizer.dynamic_scale.assign(1e38)
    networks = g.trainable_weights + d.trainable_weights
    before = [np.array(w) for w in networks]
    x, _ = kgan.data.load_digits(image_size=16)
    model.fit(x[:32], batch_size=32, epochs=1, verbose=0)
    after = [np.array(w) for w in networks]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    for optimizer in (model.g_optimizer, model.d_optimizer):
        assert int(optimizer.iterations.numpy()) == 0
        np.testing.assert_allclose(float(optimizer.dynamic_scale.numpy()), 5e37, rtol=1e-6)
    assert int(model.optimizer.iterations.numpy()) == 1


def test_mixed_float16_round_trips_through_keras_file(policy, tmp_path):
    policy("mixed_float16")
    g, d = tiny_dcgan_pair(normalization="layer")
    model = kgan.models.GAN(g, d, latent_dim=8, seed=0)
    model.compile()
    x, _ = kgan.data.load_digits(image_size=16)
    model.fit(x[:32], batch_size=32, epochs=1, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.g_optimizer, keras.optimizers.LossScaleOptimizer)
    np.testing.assert_allclose(
        float(loaded.d_optimizer.dynamic_scale.numpy()),
        float(model.d_optimizer.dynamic_scale.numpy()),
    )
    np.testing.assert_allclose(loaded.generate(2, seed=1), model.generate(2, seed=1), atol=1e-3)
