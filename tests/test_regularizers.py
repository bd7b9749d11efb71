"""R1/R2 penalties, the GAN's penalty options, and regulariser phases in the base class."""

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from tests.conftest import BACKEND, tiny_mlp_pair, weights_of
from tests.model_checks import SHIFT_INVARIANT_CRITIC, check_model_contract


def value(x):
    return float(ops.convert_to_numpy(x))


# ---------------------------------------------------------------- penalties

def test_r1_and_r2_are_mean_squared_gradient_norms():
    gradients = np.array([[3.0, 4.0], [0.0, 0.5]], dtype="float32")  # |g|² = 25, 0.25
    assert value(kgan.losses.r1_penalty(gradients)) == pytest.approx(12.625, rel=1e-6)
    assert value(kgan.losses.r2_penalty(gradients)) == pytest.approx(12.625, rel=1e-6)
    images = np.array([1.0, 2.0, 0.0, 2.0, 1.0, 1.0, 1.0, 1.0], "float32").reshape(2, 2, 2, 1)
    assert value(kgan.losses.r1_penalty(images)) == pytest.approx((9 + 4) / 2, rel=1e-6)


def _linear_gan(**kwargs):
    keras.utils.set_random_seed(0)
    generator = kgan.networks.mlp_generator(2, 2, width=4, depth=1)
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    discriminator.set_weights([np.array([[3.0], [-4.0]], "float32"), np.array([0.5], "float32")])
    return kgan.models.GAN(generator, discriminator, latent_dim=2, seed=0, **kwargs)


@pytest.mark.parametrize("r1_gamma, r2_gamma", [(2.0, 0.0), (0.0, 4.0), (2.0, 4.0)])
def test_gan_penalty_is_half_gamma_times_penalty(r1_gamma, r2_gamma):
    # D(x) = x·w + b has ∇D = w at every input: R1 = R2 = |w|² = 25.
    model = _linear_gan(r1_gamma=r1_gamma, r2_gamma=r2_gamma)
    batch = {"real": np.ones((3, 2), "float32")}
    noise = {"z": np.zeros((3, 2), "float32")}
    loss, logs = model.discriminator_regularizer(batch, noise)
    assert value(loss) == pytest.approx((r1_gamma + r2_gamma) / 2 * 25.0, rel=1e-5)
    expected = {name for name, gamma in (("r1", r1_gamma), ("r2", r2_gamma)) if gamma}
    assert set(logs) == expected
    assert all(value(logs[name]) == pytest.approx(25.0, rel=1e-5) for name in expected)
    assert model.d_reg_interval == 1
    assert model.uses_input_gradients


def test_penalties_differentiate_through_the_augmentation():
    # D(x) = Σ x has ∇D = 1 everywhere; through cutout, ∇_x D(cutout(x)) is the
    # cutout's keep mask, so R1 = R2 = the mean count of kept pixels (< 64).
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(64),
                                  keras.layers.Reshape((8, 8, 1))])
    discriminator = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(1, kernel_initializer="ones")])
    model = kgan.models.GAN(generator, discriminator, latent_dim=2, r1_gamma=2.0, r2_gamma=2.0,
                            augment="cutout", seed=0)
    batch = {"real": np.ones((4, 8, 8, 1), "float32")}
    noise = model.sample_noise(batch)
    _, logs = model.discriminator_regularizer(batch, noise)
    for name, role in (("r1", "real"), ("r2", "fake")):
        kept = ops.convert_to_numpy(model.augmented(batch["real"], noise, role))
        expected = kept.reshape(4, -1).sum(axis=1).mean()
        assert expected < 64
        assert value(logs[name]) == pytest.approx(expected, rel=1e-5)


def test_gan_without_penalties_has_no_regularizer():
    model = _linear_gan()
    assert model.d_reg_interval is None
    assert model.log_names == ("d_loss", "g_loss", "d_real", "d_fake")
    assert not model.uses_input_gradients


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"r1_gamma": -1.0}, "r1_gamma must be a number ≥ 0. Received: r1_gamma=-1.0"),
        ({"r2_gamma": "10"}, "r2_gamma must be a number ≥ 0"),
        ({"reg_interval": 0}, "reg_interval must be an integer ≥ 1. Received: reg_interval=0"),
        ({"reg_interval": 4.0}, "reg_interval must be an integer ≥ 1"),
        ({"reg_interval": True}, "reg_interval must be an integer ≥ 1"),
    ],
)
def test_gan_penalty_options_are_validated(kwargs, message):
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match=message):
        kgan.models.GAN(g, d, latent_dim=4, **kwargs)


def _penalised_gan():
    g, d = tiny_mlp_pair()
    return kgan.models.GAN(g, d, latent_dim=4, r1_gamma=1.0, r2_gamma=0.5, reg_interval=2, seed=0)


def _penalised_wgan_gp():
    g, d = tiny_mlp_pair()
    return kgan.models.WGANGP(g, d, latent_dim=4, d_steps=2, r1_gamma=0.1, seed=0)


@pytest.mark.parametrize(
    "make, unchanged",
    [(_penalised_gan, None), (_penalised_wgan_gp, SHIFT_INVARIANT_CRITIC)],
    ids=["gan_lazy", "wgan_gp_r1"],
)
def test_penalised_models_meet_the_contract(make, unchanged, tmp_path):
    model = make()
    x = kgan.data.gaussian_mixture("ring8", 128, seed=0)
    loaded = check_model_contract(model, x, None, tmp_path, unchanged=unchanged)
    assert loaded.reg_interval == model.reg_interval
    assert loaded.r1_gamma == model.r1_gamma
    # The restored optimizer carries the correction once, not twice.
    assert float(loaded.d_optimizer.learning_rate) == pytest.approx(
        float(model.d_optimizer.learning_rate)
    )


# ---------------------------------------------------------------- phases

class Probe(kgan.training.AdversarialModel):
    """Linear G and D whose main losses have zero gradient: with SGD, weights
    move only in regulariser phases. Each regulariser counts its runs; the D
    regulariser's gradient for D's bias is 1 and the G regulariser's gradient
    for each of G's two biases is 1/2."""

    log_names = ("d_loss", "g_loss", "d_reg", "g_reg")

    def __init__(self, d_interval=None, g_interval=None):
        keras.utils.set_random_seed(0)
        generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
        discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        super().__init__(generator, discriminator, seed=0)
        self.d_interval, self.g_interval = d_interval, g_interval
        self.d_runs = keras.Variable(0, dtype="int32", trainable=False, name="d_runs")
        self.g_runs = keras.Variable(0, dtype="int32", trainable=False, name="g_runs")

    @property
    def d_reg_interval(self):
        return self.d_interval

    @property
    def g_reg_interval(self):
        return self.g_interval

    def sample_noise(self, batch):
        return {"z": keras.random.normal((ops.shape(batch["real"])[0], 2), seed=self.seed_generator)}

    def discriminator_loss(self, batch, noise):
        return 0.0 * ops.mean(self.discriminator(batch["real"])), {}

    def generator_loss(self, batch, noise):
        return 0.0 * ops.mean(self.discriminator(self.generator(noise["z"]))), {}

    def discriminator_regularizer(self, batch, noise):
        self.d_runs.assign_add(1)
        loss = ops.mean(self.discriminator(batch["real"]))
        return loss, {"d_reg": loss}

    def generator_regularizer(self, batch, noise):
        self.g_runs.assign_add(1)
        loss = ops.mean(self.generator(noise["z"]))
        return loss, {"g_reg": loss}


def _bias(network):
    return weights_of([network.weights[1]])[0]


class _BiasRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.d, self.g = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.d.append(_bias(self.model.discriminator)[0])
        self.g.append(_bias(self.model.generator)[0])


def _iterations(optimizer):
    return int(ops.convert_to_numpy(optimizer.iterations))


JIT = ["auto"] + ([True] if BACKEND == "tensorflow" else [])


@pytest.mark.parametrize("jit_compile", JIT)
@pytest.mark.parametrize("side", ["discriminator", "generator"])
def test_lazy_regularizer_runs_every_interval_under_jit(side, jit_compile, ring_data):
    k, lr = 4, 0.1
    model = Probe(**{("d_interval" if side == "discriminator" else "g_interval"): k})
    model.compile(
        g_optimizer=keras.optimizers.SGD(lr), d_optimizer=keras.optimizers.SGD(lr),
        jit_compile=jit_compile,
    )
    g_before, d_before = weights_of(model.generator.weights), weights_of(model.discriminator.weights)
    recorder = _BiasRecorder()
    model.fit(ring_data, batch_size=32, epochs=1, shuffle=False, verbose=0,
              callbacks=[recorder])  # 8 steps: the regulariser runs at steps 0 and 4
    runs = {"discriminator": model.d_runs, "generator": model.g_runs}
    assert int(ops.convert_to_numpy(runs[side])) == 2
    other = "generator" if side == "discriminator" else "discriminator"
    assert int(ops.convert_to_numpy(runs[other])) == 0
    lazy_optimizer = model.d_optimizer if side == "discriminator" else model.g_optimizer
    plain_optimizer = model.g_optimizer if side == "discriminator" else model.d_optimizer
    assert _iterations(lazy_optimizer) == 8 + 2
    assert _iterations(plain_optimizer) == 8
    assert _iterations(model.optimizer) == 8
    # One regulariser step moves the bias by lr·k/(k+1) (corrected rate) × k
    # (scaled loss) × its gradient (1 for D, 1/2 for G).
    step = lr * k / (k + 1) * k * (1.0 if side == "discriminator" else 0.5)
    trace = recorder.d if side == "discriminator" else recorder.g
    np.testing.assert_allclose(trace, [-step] * 4 + [-2 * step] * 4, rtol=1e-5)
    # The other network never moves.
    untouched = model.generator if side == "discriminator" else model.discriminator
    before = g_before if side == "discriminator" else d_before
    for a, b in zip(before, weights_of(untouched.weights)):
        np.testing.assert_array_equal(a, b)
    logs_name = "d_reg" if side == "discriminator" else "g_reg"
    assert np.isfinite(model.get_metrics_result()[logs_name])


def test_interval_one_adds_the_regularizer_to_every_main_step(ring_data):
    lr = 0.1
    model = Probe(d_interval=1)
    model.compile(g_optimizer=keras.optimizers.SGD(lr), d_optimizer=keras.optimizers.SGD(lr))
    model.fit(ring_data, batch_size=32, epochs=1, verbose=0)
    assert int(ops.convert_to_numpy(model.d_runs)) == 8
    assert _iterations(model.d_optimizer) == 8
    assert float(model.d_optimizer.learning_rate) == pytest.approx(lr)
    np.testing.assert_allclose(_bias(model.discriminator), [-lr * 8], rtol=1e-5)


def test_lazy_interval_corrects_the_optimizer_and_keeps_the_given_config():
    k = 4
    model = Probe(d_interval=k)
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=10, decay_rate=0.5)
    given_d = keras.optimizers.Adam(2e-3, beta_1=0.5, beta_2=0.99)
    model.compile(g_optimizer=keras.optimizers.Adam(schedule), d_optimizer=given_d)
    c = k / (k + 1)
    assert float(model.d_optimizer.learning_rate) == pytest.approx(2e-3 * c, rel=1e-6)
    assert model.d_optimizer.beta_1 == pytest.approx(0.5**c)
    assert model.d_optimizer.beta_2 == pytest.approx(0.99**c)
    assert float(given_d.learning_rate) == pytest.approx(2e-3)  # the given object is untouched
    assert float(model.g_optimizer.learning_rate) == pytest.approx(1e-3)  # G has no regulariser
    config = model.get_compile_config()
    assert config["d_optimizer"]["config"]["learning_rate"] == pytest.approx(2e-3)
    # A scheduled rate is scaled too.
    lazy_g = Probe(g_interval=k)
    lazy_g.compile(g_optimizer=keras.optimizers.Adam(schedule))
    assert float(lazy_g.g_optimizer.learning_rate) == pytest.approx(1e-3 * c, rel=1e-6)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(lazy_g.g_optimizer))
    assert float(restored.learning_rate) == pytest.approx(1e-3 * c, rel=1e-6)


def test_lazy_correction_counts_every_main_update_between_regularizer_steps():
    # Two D updates per step, R1 every 4 steps: 8 main updates, then one R1 update.
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, r1_gamma=0.1, reg_interval=4, d_steps=2, seed=0)
    model.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.99))
    c = 8 / 9
    assert float(model.d_optimizer.learning_rate) == pytest.approx(1e-3 * c, rel=1e-6)
    assert model.d_optimizer.beta_2 == pytest.approx(0.99**c)


def test_lazy_regularizer_with_a_schedule_round_trips_through_a_keras_file(tmp_path):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, r1_gamma=0.1, reg_interval=4, seed=0)
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=10, decay_rate=0.5)
    model.compile(d_optimizer=keras.optimizers.Adam(schedule))
    model.save(tmp_path / "lazy.keras")
    loaded = keras.saving.load_model(tmp_path / "lazy.keras")
    # Corrected once (rate × 4/5), from the given schedule.
    rate = keras.optimizers.serialize(loaded.d_optimizer)["config"]["learning_rate"]
    assert rate == keras.optimizers.serialize(model.d_optimizer)["config"]["learning_rate"]
    assert (rate["registered_name"], rate["config"]["factor"]) == ("kgan>_ScaledSchedule", 0.8)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(loaded.optimizer))
    assert float(restored.discriminator.learning_rate) == pytest.approx(1e-3 * 0.8, rel=1e-6)


def test_a_scaled_schedule_serialised_before_its_move_still_loads():
    # As kgan wrote it while the class lived in kgan.training.adversarial_model.
    config = {
        "module": "kgan.training.adversarial_model",
        "class_name": "_ScaledSchedule",
        "config": {
            "schedule": {
                "module": "keras.optimizers.schedules",
                "class_name": "ExponentialDecay",
                "config": {"initial_learning_rate": 0.001, "decay_steps": 10, "decay_rate": 0.5,
                           "staircase": False, "name": "ExponentialDecay"},
                "registered_name": None,
            },
            "factor": 0.8,
        },
        "registered_name": "kgan>_ScaledSchedule",
    }
    schedule = keras.optimizers.schedules.deserialize(config)
    assert float(schedule(10)) == pytest.approx(1e-3 * 0.5 * 0.8, rel=1e-6)
