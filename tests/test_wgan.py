"""WGAN: weight clipping after every critic update, on every backend."""

import keras
import numpy as np
import pytest

import kgan
from tests.conftest import changed, tiny_mlp_pair, weights_of
from tests.model_checks import SHIFT_INVARIANT_CRITIC, check_model_contract


def wgan(clip_value=0.01, d_steps=2):
    g, d = tiny_mlp_pair()
    return kgan.models.WGAN(g, d, latent_dim=4, clip_value=clip_value, d_steps=d_steps, seed=0)


def test_contract_and_clipped_critic_after_load(tmp_path, ring_data):
    model = wgan(d_steps=1)
    loaded = check_model_contract(model, ring_data[:64], tmp_path=tmp_path,
                                  unchanged=SHIFT_INVARIANT_CRITIC)
    for variable in loaded.discriminator_variables:
        assert variable.constraint is not None and variable.constraint.clip_value == 0.01


def test_every_critic_weight_is_clipped_after_a_step(ring_data):
    model = wgan(clip_value=0.02)
    before = weights_of(model.discriminator_variables)
    assert max(np.abs(w).max() for w in before) > 0.02  # so the clip has work to do
    g_before = weights_of(model.generator_variables)
    model.compile()
    model.fit(ring_data[:64], batch_size=32, epochs=1, verbose=0)
    after = weights_of(model.discriminator_variables)
    assert any(changed(before, after))  # the output bias gets no Wasserstein gradient
    for weight in after:
        assert np.abs(weight).max() <= 0.02 + 1e-7
    # Only the critic is clipped: the generator keeps weights beyond the range.
    assert max(np.abs(w).max() for w in weights_of(model.generator_variables)) > 0.02
    assert any(changed(g_before, weights_of(model.generator_variables)))


def test_paper_defaults():
    g, d = tiny_mlp_pair()
    model = kgan.models.WGAN(g, d, latent_dim=4)
    assert (model.clip_value, model.d_steps) == (0.01, 5)
    model.compile()
    for optimizer in (model.g_optimizer, model.d_optimizer):
        assert isinstance(optimizer, keras.optimizers.RMSprop)
        assert float(optimizer.learning_rate) == pytest.approx(5e-5)


@pytest.mark.parametrize("clip_value", [0, -0.01, "0.01", True])
def test_bad_clip_value(clip_value):
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match="clip_value must be a finite number > 0"):
        kgan.models.WGAN(g, d, latent_dim=4, clip_value=clip_value)


def test_critic_with_another_constraint_is_refused():
    g, _ = tiny_mlp_pair()
    x = keras.Input((2,))
    d = keras.Model(x, keras.layers.Dense(1, kernel_constraint="non_neg")(x))
    with pytest.raises(ValueError, match="cannot combine that with another constraint"):
        kgan.models.WGAN(g, d, latent_dim=4)
