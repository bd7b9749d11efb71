"""BiGAN: its losses by hand, the model contract, encode/reconstruct and bad arguments."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan import losses
from tests.model_checks import check_model_contract

REAL = np.array([[2.0], [-1.0]], dtype="float32")
FAKE = np.array([[0.5], [-3.0]], dtype="float32")
LATENT_DIM = 8


def value(x):
    return float(ops.convert_to_numpy(x))


def softplus(x):
    return math.log1p(math.exp(x))


def test_losses_by_hand():
    # D: −log D(x, E(x)) − log(1 − D(G(z), z)).
    expected_d = (softplus(-2.0) + softplus(1.0)) / 2 + (softplus(0.5) + softplus(-3.0)) / 2
    assert value(losses.discriminator_bidirectional_loss(REAL, FAKE)) == pytest.approx(
        expected_d, rel=1e-6
    )
    # G and E, labels inverted: −log(1 − D(x, E(x))) − log D(G(z), z).
    sigmoid = lambda v: 1 / (1 + math.exp(-v))
    expected_g = -np.mean([math.log(1 - sigmoid(r)) for r in (2.0, -1.0)]) - np.mean(
        [math.log(sigmoid(f)) for f in (0.5, -3.0)]
    )
    assert value(losses.generator_bidirectional_loss(REAL, FAKE)) == pytest.approx(
        expected_g, rel=1e-6
    )


def networks(latent_dim=LATENT_DIM, dropout=0.2):
    keras.utils.set_random_seed(0)
    return (
        kgan.networks.dcgan_generator(latent_dim, (16, 16, 1), base_filters=8),
        kgan.networks.bigan_encoder((16, 16, 1), latent_dim, base_filters=8),
        kgan.networks.bigan_discriminator(
            (16, 16, 1), latent_dim, base_filters=8, width=16, dropout=dropout
        ),
    )


def digits(n=64):
    return kgan.data.load_digits(image_size=16)[0][:n]


def test_model_contract_and_encoder_is_trained(tmp_path):
    g, e, d = networks()
    model = kgan.models.BiGAN(g, e, d, latent_dim=LATENT_DIM, seed=0)
    x = digits()
    # The contract checks that the step changed every weight of G, E and D.
    loaded = check_model_contract(model, x, None, tmp_path, sample=lambda m: m.reconstruct(x[:6]))
    codes = loaded.encode(x[:5])
    assert codes.shape == (5, LATENT_DIM)
    np.testing.assert_allclose(codes, model.encode(x[:5]), atol=1e-5)
    reconstructions = loaded.reconstruct(x[:5])
    assert reconstructions.shape == (5, 16, 16, 1)
    assert np.abs(reconstructions).max() <= 1.0
    np.testing.assert_allclose(
        reconstructions, loaded.generate(z=codes), atol=1e-5, err_msg="reconstruct = G(E(x))"
    )
    assert loaded.generate(3, seed=1).shape == (3, 16, 16, 1)


def test_generator_and_encoder_share_the_generator_step():
    g, e, d = networks(dropout=0.0)
    model = kgan.models.BiGAN(g, e, d, latent_dim=LATENT_DIM, seed=0)
    assert len(model.generator_variables) == len(g.trainable_variables) + len(
        e.trainable_variables
    )
    ids = {id(v) for v in model.generator_variables}
    assert ids.isdisjoint(id(v) for v in model.discriminator_variables)
    x = ops.convert_to_tensor(digits(8))
    batch, noise = {"real": x}, model.sample_noise({"real": x})
    real_logits = d([x, e(x, training=True)], training=True)
    fake_logits = d([g(noise["z"], training=True), noise["z"]], training=True)
    g_loss, _ = model.generator_loss(batch, noise)
    expected = losses.generator_bidirectional_loss(real_logits, fake_logits)
    assert value(g_loss) == pytest.approx(value(expected), rel=1e-5)
    d_loss, logs = model.discriminator_loss(batch, noise)
    expected = losses.discriminator_bidirectional_loss(real_logits, fake_logits)
    assert value(d_loss) == pytest.approx(value(expected), rel=1e-5)
    assert value(logs["d_real"]) == pytest.approx(value(ops.mean(real_logits)), rel=1e-5)


def test_bad_arguments():
    g, e, d = networks()
    with pytest.raises(ValueError, match=r"encoder must output latents of shape \(batch, 8\)"):
        kgan.models.BiGAN(g, kgan.networks.bigan_encoder((16, 16, 1), 4, 8), d, latent_dim=8)
    with pytest.raises(ValueError, match=r"discriminator must take \[samples, latents\]"):
        kgan.models.BiGAN(g, e, kgan.networks.dcgan_discriminator((16, 16, 1), 8), latent_dim=8)
    with pytest.raises(ValueError, match="encoder's input shape must match"):
        kgan.models.BiGAN(g, kgan.networks.bigan_encoder((32, 32, 1), 8, 8), d, latent_dim=8)
    with pytest.raises(ValueError, match="encoder must be built"):
        kgan.models.BiGAN(g, keras.Sequential([keras.layers.Dense(8)]), d, latent_dim=8)
    with pytest.raises(ValueError, match="latent_dim must be an integer ≥ 1"):
        kgan.models.BiGAN(g, e, d, latent_dim=0)
    with pytest.raises(ValueError, match="width must be an integer ≥ 1"):
        kgan.networks.bigan_discriminator((16, 16, 1), 8, width=0)
    model = kgan.models.BiGAN(g, e, d, latent_dim=8)
    with pytest.raises(ValueError, match=r"x must have shape \(num_samples, \*\(16, 16, 1\)\)"):
        model.encode(np.zeros((2, 8, 8, 1), "float32"))
    model.compile()
    with pytest.raises(ValueError, match="must have shape"):
        model.fit(np.zeros((8, 8, 8, 1), "float32"), verbose=0)
