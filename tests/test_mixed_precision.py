"""Mixed precision: networks compute in bfloat16, losses and penalties in float32."""

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


def test_mixed_float16_is_refused_clearly(policy):
    policy("mixed_float16")
    g, d = tiny_dcgan_pair()
    model = kgan.models.GAN(g, d, latent_dim=8)
    with pytest.raises(ValueError, match="mixed_float16 policy yet.*mixed_bfloat16"):
        model.compile()
