"""Generator EMA in the base class: the average, its decay, saving and sampling."""

import keras
import numpy as np
import pytest

import kgan
from kgan.utils.sampling import generate_in_batches, latents
from tests.conftest import tiny_dcgan_pair, tiny_mlp_pair, weights_of
from tests.model_checks import check_model_contract
from tests.test_cyclegan import networks as cyclegan_networks
from tests.test_pix2pix import networks as pix2pix_networks
from tests.test_srgan import networks as srgan_networks
from tests.test_zi2zi import NUM_STYLES
from tests.test_zi2zi import networks as zi2zi_networks


def _gan(**kwargs):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, seed=0, **kwargs)
    model.compile(g_optimizer=keras.optimizers.SGD(0.05), d_optimizer=keras.optimizers.SGD(0.05))
    return model


def _one_step(model, x):
    model.fit(x, batch_size=32, epochs=1, steps_per_epoch=1, shuffle=False, verbose=0)
    return weights_of(model.generator.weights)


def test_ema_is_the_hand_computed_average_after_two_steps(ring_data):
    decay = 0.9
    model = _gan(ema_decay=decay)
    w0 = weights_of(model.generator.weights)
    np.testing.assert_array_equal(
        np.concatenate([w.ravel() for w in weights_of(model.generator_ema.weights)]),
        np.concatenate([w.ravel() for w in w0]),
    )
    w1 = _one_step(model, ring_data)
    w2 = _one_step(model, ring_data)
    for a, b, c, ema in zip(w0, w1, w2, weights_of(model.generator_ema.weights)):
        expected = decay * (decay * a + (1 - decay) * b) + (1 - decay) * c
        np.testing.assert_allclose(ema, expected, rtol=1e-5, atol=1e-7)
    assert not np.allclose(w2[0], weights_of(model.generator_ema.weights)[0])


def test_half_life_in_images_sets_the_decay_from_the_batch(ring_data):
    model = _gan(ema_half_life_images=64)
    w0 = weights_of(model.generator.weights)
    w1 = _one_step(model, ring_data)  # batch 32: decay = 0.5 ** (32 / 64)
    decay = 0.5**0.5
    for a, b, ema in zip(w0, w1, weights_of(model.generator_ema.weights)):
        np.testing.assert_allclose(ema, decay * a + (1 - decay) * b, rtol=1e-5, atol=1e-7)


def test_non_trainable_weights_are_copied(digits16):
    x, _ = digits16
    g, d = tiny_dcgan_pair()
    model = kgan.models.GAN(g, d, latent_dim=8, ema_decay=0.99, seed=0)
    model.compile()
    model.fit(x[:32], batch_size=32, epochs=1, verbose=0)
    moving = [(w, e) for w, e in zip(g.weights, model.generator_ema.weights) if not w.trainable]
    assert moving, "the DCGAN generator has BatchNorm statistics"
    for weight, average in moving:
        np.testing.assert_array_equal(weights_of([weight])[0], weights_of([average])[0])


def test_keras_roundtrip_keeps_the_ema_and_generate_uses_it(ring_data, tmp_path):
    model = _gan(ema_decay=0.5)
    assert model.sampling_generator is model.generator_ema
    assert not model.generator_ema.trainable_variables
    loaded = check_model_contract(model, ring_data, None, tmp_path)
    for a, b in zip(weights_of(model.generator_ema.weights), weights_of(loaded.generator_ema.weights)):
        np.testing.assert_array_equal(a, b)
    z = latents(6, 4, seed=0)
    np.testing.assert_allclose(
        loaded.generate(z=z), generate_in_batches(model.generator_ema, [z], 256), atol=1e-6
    )
    assert not np.allclose(loaded.generate(z=z), generate_in_batches(model.generator, [z], 256))


def test_without_ema_sampling_uses_the_generator():
    model = _gan()
    assert model.generator_ema is None
    assert model.sampling_generator is model.generator


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"ema_decay": 1.0}, r"ema_decay must be a number in \(0, 1\). Received: ema_decay=1.0"),
        ({"ema_decay": 0}, r"ema_decay must be a number in \(0, 1\)"),
        ({"ema_decay": True}, r"ema_decay must be a number in \(0, 1\)"),
        ({"ema_half_life_images": 0}, "ema_half_life_images must be a finite number > 0"),
        ({"ema_half_life_images": "10k"}, "ema_half_life_images must be a finite number > 0"),
        ({"ema_decay": 0.99, "ema_half_life_images": 1000}, "give one"),
    ],
)
def test_ema_options_are_validated(kwargs, message):
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match=message):
        kgan.models.GAN(g, d, latent_dim=4, **kwargs)


def _translation_case(name):
    """`(model, x, y)` for a model whose batch has no `"real"` key: 8 random
    examples, the model given a 100-image EMA half-life."""
    rng = np.random.default_rng(0)

    def images(side, channels=1):
        return rng.uniform(-1.0, 1.0, (8, side, side, channels)).astype("float32")

    ema = {"ema_half_life_images": 100.0, "seed": 0}
    if name == "Pix2Pix":
        return kgan.models.Pix2Pix(*pix2pix_networks(), **ema), images(16), images(16)
    if name == "Zi2Zi":
        styles = rng.integers(0, NUM_STYLES, 8).astype("int32")
        return kgan.models.Zi2Zi(*zi2zi_networks(), **ema), [images(16), styles], images(16)
    if name == "CycleGAN":
        return kgan.models.CycleGAN(*cyclegan_networks(), **ema), images(16), images(16)
    return (
        kgan.models.SRGAN(*srgan_networks(), content_network=None, **ema),
        images(4),
        images(16),
    )


@pytest.mark.parametrize("name", ["Pix2Pix", "Zi2Zi", "CycleGAN", "SRGAN"])
def test_half_life_in_images_for_models_whose_batch_has_no_real_key(name):
    model, x, y = _translation_case(name)
    model.compile()
    trainable = [i for i, w in enumerate(model.generator.weights) if w.trainable]
    w0 = weights_of(model.generator.weights)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    w1 = weights_of(model.generator.weights)
    decay = 0.5 ** (8 / 100.0)  # one step of a batch of 8
    ema = weights_of(model.generator_ema.weights)
    for i in trainable:
        np.testing.assert_allclose(ema[i], decay * w0[i] + (1 - decay) * w1[i], rtol=1e-5,
                                   atol=1e-6)
