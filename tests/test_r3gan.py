"""R3GAN and the relativistic pairing loss."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from tests.conftest import tiny_mlp_pair
from tests.model_checks import SHIFT_INVARIANT_CRITIC, check_model_contract

REAL = np.array([[2.0], [-1.0]], dtype="float32")
FAKE = np.array([[0.5], [-3.0]], dtype="float32")


def softplus(x):
    return math.log1p(math.exp(x))


def value(x):
    return float(ops.convert_to_numpy(x))


def test_relativistic_losses():
    # Pairs (real, fake): (2, 0.5) and (-1, -3).
    expected_d = (softplus(0.5 - 2.0) + softplus(-3.0 + 1.0)) / 2
    expected_g = (softplus(2.0 - 0.5) + softplus(-1.0 + 3.0)) / 2
    assert value(kgan.losses.discriminator_relativistic_loss(REAL, FAKE)) == pytest.approx(
        expected_d, rel=1e-6
    )
    assert value(kgan.losses.generator_relativistic_loss(REAL, FAKE)) == pytest.approx(
        expected_g, rel=1e-6
    )


def _linear_r3gan(gamma):
    keras.utils.set_random_seed(0)
    generator = kgan.networks.mlp_generator(2, 2, width=4, depth=1)
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    w, b = np.array([[3.0], [-4.0]], "float32"), np.array([0.5], "float32")
    discriminator.set_weights([w, b])
    return kgan.models.R3GAN(generator, discriminator, latent_dim=2, gamma=gamma, seed=0), w, b


def test_r3gan_objective_is_rpgan_plus_half_gamma_r1_r2():
    model, w, b = _linear_r3gan(gamma=0.1)
    real = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "float32")
    z = np.array([[0.3, -1.0], [1.0, 2.0], [0.0, 0.5]], "float32")
    batch, noise = {"real": real}, {"z": z}
    fake = ops.convert_to_numpy(model.generator(z, training=True))
    real_logits, fake_logits = real @ w + b, fake @ w + b
    d_loss, logs = model.discriminator_loss(batch, noise)
    assert value(d_loss) == pytest.approx(np.mean(np.log1p(np.exp(fake_logits - real_logits))),
                                          rel=1e-5)
    assert value(logs["d_real"]) == pytest.approx(real_logits.mean(), rel=1e-5)
    g_loss, _ = model.generator_loss(batch, noise)
    assert value(g_loss) == pytest.approx(np.mean(np.log1p(np.exp(real_logits - fake_logits))),
                                          rel=1e-5)
    # ∇D = w everywhere: R1 = R2 = |w|² = 25, penalty γ/2 · (R1 + R2) = 2.5.
    penalty, logs = model.discriminator_regularizer(batch, noise)
    assert value(penalty) == pytest.approx(0.1 / 2 * 50.0, rel=1e-5)
    assert value(logs["r1"]) == pytest.approx(25.0, rel=1e-5)
    assert value(logs["r2"]) == pytest.approx(25.0, rel=1e-5)


def _r3gan(**kwargs):
    def make():
        g, d = tiny_mlp_pair()
        return kgan.models.R3GAN(g, d, latent_dim=4, gamma=0.5, seed=0, **kwargs)
    return make


@pytest.mark.parametrize(
    "make", [_r3gan(), _r3gan(reg_interval=2, ema_half_life_images=500.0)], ids=["plain", "lazy_ema"]
)
def test_r3gan_contract(make, tmp_path):
    model = make()
    x = kgan.data.gaussian_mixture("ring8", 128, seed=0)
    loaded = check_model_contract(model, x, None, tmp_path, unchanged=SHIFT_INVARIANT_CRITIC)
    assert set(model.log_names) == {"d_loss", "g_loss", "d_real", "d_fake", "r1", "r2"}
    config = loaded.get_config()
    assert config["gamma"] == 0.5 and "r1_gamma" not in config and "loss" not in config
    assert loaded.loss_name == "relativistic"


def test_r3gan_default_optimizers_are_adam_1e3_with_the_papers_betas():
    g, d = tiny_mlp_pair()
    model = kgan.models.R3GAN(g, d, latent_dim=4)
    model.compile()
    for optimizer in (model.g_optimizer, model.d_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(1e-3)
        assert (optimizer.beta_1, optimizer.beta_2, optimizer.epsilon) == (0.0, 0.99, 1e-8)


@pytest.mark.parametrize("gamma", [0.0, -1.0, True, "1", "Auto"])
def test_r3gan_gamma_must_be_positive(gamma):
    g, d = tiny_mlp_pair()
    with pytest.raises(
        ValueError, match='gamma must be a finite number > 0 or "auto". Received: gamma='
    ):
        kgan.models.R3GAN(g, d, latent_dim=4, gamma=gamma)


def _fit_one_step(model, x):
    model.compile()
    model.fit(x, batch_size=len(x), epochs=1, verbose=0)
    return value(model.gamma_value)


def test_r3gan_auto_gamma_follows_the_data_scale(tmp_path):
    # The default γ is 0.2 × the first batch's variance per coordinate, so data
    # 10× wider gets a 100× larger γ; a saved model keeps the value it set.
    x = kgan.data.gaussian_mixture("ring8", 64, seed=0)
    expected = 0.2 * float(np.mean(np.var(x, axis=0)))
    model = kgan.models.R3GAN(*tiny_mlp_pair(), latent_dim=4, seed=0)
    assert model.gamma == "auto"
    assert _fit_one_step(model, x) == pytest.approx(expected, rel=1e-4)
    wide = kgan.models.R3GAN(*tiny_mlp_pair(), latent_dim=4, seed=0)
    assert _fit_one_step(wide, 10.0 * x) == pytest.approx(100.0 * expected, rel=1e-4)
    path = str(tmp_path / "r3gan.keras")
    wide.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.get_config()["gamma"] == "auto"
    assert value(loaded.gamma_value) == pytest.approx(100.0 * expected, rel=1e-4)
    # Training on goes on with the saved γ, not one from the new data.
    assert _fit_one_step(loaded, x) == pytest.approx(100.0 * expected, rel=1e-4)


def test_r3gan_explicit_gamma_is_kept():
    model = kgan.models.R3GAN(*tiny_mlp_pair(), latent_dim=4, gamma=0.3, seed=0)
    x = kgan.data.gaussian_mixture("ring8", 64, seed=0)
    assert _fit_one_step(model, 10.0 * x) == pytest.approx(0.3)
