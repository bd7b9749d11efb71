"""Salimans et al. 2016 techniques and the LSGAN targets on GAN, against hand computations."""

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from tests.conftest import tiny_mlp_pair, weights_of
from tests.model_checks import check_model_contract


def numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


def batch_and_noise(model, n=8):
    rng = np.random.default_rng(0)
    real = kgan.data.gaussian_mixture("ring8", n, seed=0)
    z = rng.standard_normal((n, model.latent_dim)).astype("float32")
    return {"real": ops.convert_to_tensor(real)}, {"z": ops.convert_to_tensor(z)}


# ------------------------------------------------------------ LSGAN targets
def test_least_squares_targets_reach_both_losses():
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, loss="least_squares",
                            least_squares_targets=(-1, 1, 0))
    batch, noise = batch_and_noise(model)
    real_logits = numpy(d(batch["real"]))
    fake_logits = numpy(d(g(noise["z"])))
    d_loss, _ = model.discriminator_loss(batch, noise)
    expected = 0.5 * np.mean((real_logits - 1) ** 2) + 0.5 * np.mean((fake_logits + 1) ** 2)
    assert float(numpy(d_loss)) == pytest.approx(expected, rel=1e-5)
    g_loss, _ = model.generator_loss(batch, noise)
    assert float(numpy(g_loss)) == pytest.approx(0.5 * np.mean(fake_logits**2), rel=1e-5)
    assert model.get_config()["least_squares_targets"] == (-1.0, 1.0, 0.0)


@pytest.mark.parametrize(
    "loss, targets, message",
    [
        ("non_saturating", (0, 1, 1), "applies to loss='least_squares' only"),
        ("least_squares", (0, 1), "must be three numbers"),
        ("least_squares", "011", "must be three numbers"),
    ],
)
def test_bad_least_squares_targets(loss, targets, message):
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match=message):
        kgan.models.GAN(g, d, latent_dim=4, loss=loss, least_squares_targets=targets)


# ------------------------------------------------------------ feature matching
def test_feature_matching_generator_loss():
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, feature_matching_layer="hidden_1")
    batch, noise = batch_and_noise(model)
    features = keras.Model(d.inputs, d.get_layer("hidden_1").output)
    real = numpy(features(batch["real"]))
    fake = numpy(features(g(noise["z"])))
    expected = np.mean((real.mean(axis=0) - fake.mean(axis=0)) ** 2)
    loss, _ = model.generator_loss(batch, noise)
    assert float(numpy(loss)) == pytest.approx(expected, rel=1e-5)


def test_unknown_feature_matching_layer_lists_the_valid_ones():
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match=r"one of \[.*'hidden_1', .*'hidden_2'"):
        kgan.models.GAN(g, d, latent_dim=4, feature_matching_layer="hiden_1")


# ------------------------------------------------------------ historical averaging
def test_historical_average_after_two_steps():
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, historical_averaging=0.5, seed=0)
    model.compile()
    data = kgan.data.gaussian_mixture("ring8", 32, seed=0)
    variables = model.discriminator_variables + model.generator_variables
    theta = [weights_of(variables)]
    for _ in range(2):  # one step per fit
        history = model.fit(data, batch_size=32, epochs=1, verbose=0)
        theta.append(weights_of(variables))
    averages = weights_of(model.discriminator_history + model.generator_history)
    for average, *values in zip(averages, *theta):
        np.testing.assert_allclose(average, np.mean(values, axis=0), atol=1e-6)
    assert float(numpy(model.historical_count)) == 3.0
    # The second step's discriminator penalty: ‖θ1 − (θ0 + θ1)/2‖² = ‖(θ1 − θ0)/2‖².
    n_d = len(model.discriminator_variables)
    expected = sum(np.sum(((t1 - t0) / 2) ** 2) for t0, t1 in zip(theta[0][:n_d], theta[1][:n_d]))
    assert history.history["d_hist"][-1] == pytest.approx(expected, rel=1e-4)


def test_negative_historical_averaging_is_refused():
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match="historical_averaging must be a number ≥ 0"):
        kgan.models.GAN(g, d, latent_dim=4, historical_averaging=-1.0)


class _LoggedLosses(kgan.models.GAN):
    """Overrides both losses, through super(): GAN's techniques still apply."""

    def discriminator_loss(self, batch, noise):
        loss, logs = super().discriminator_loss(batch, noise)
        return loss, logs

    def generator_loss(self, batch, noise):
        loss, logs = super().generator_loss(batch, noise)
        return loss, logs


class _OwnGeneratorLoss(kgan.models.GAN):
    supports_feature_matching = False


def test_a_subclass_calling_super_keeps_the_techniques():
    g, d = tiny_mlp_pair()
    model = _LoggedLosses(g, d, latent_dim=4, feature_matching_layer="hidden_1",
                          historical_averaging=0.5)
    batch, noise = batch_and_noise(model)
    features = keras.Model(d.inputs, d.get_layer("hidden_1").output)
    real, fake = numpy(features(batch["real"])), numpy(features(g(noise["z"])))
    loss, logs = model.generator_loss(batch, noise)
    # θ = θ̄ at construction: the historical term is 0, the loss is feature matching.
    assert float(numpy(logs["g_hist"])) == 0.0
    expected = np.mean((real.mean(axis=0) - fake.mean(axis=0)) ** 2)
    assert float(numpy(loss)) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    "make, argument",
    [
        (_OwnGeneratorLoss, {"feature_matching_layer": "hidden_1"}),
        (kgan.models.R3GAN, {"feature_matching_layer": "hidden_1"}),
        (kgan.models.R3GAN, {"historical_averaging": 1.0}),
        (kgan.models.WGANGP, {"historical_averaging": 1.0}),
    ],
    ids=["declared", "r3gan_fm", "r3gan_hist", "wgan_gp_hist"],
)
def test_a_subclass_that_declares_no_support_refuses_the_technique(make, argument):
    g, d = tiny_mlp_pair()
    (name,) = argument
    support = "supports_" + ("feature_matching" if name == "feature_matching_layer" else name)
    message = rf"{name} must be left unset for {make.__name__}: .* declares {support} = False"
    with pytest.raises(ValueError, match=message):
        make(g, d, latent_dim=4, **argument)


def test_wgan_gp_keeps_gans_generator_loss_and_feature_matching():
    g, d = tiny_mlp_pair()
    model = kgan.models.WGANGP(g, d, latent_dim=4, feature_matching_layer="hidden_1")
    assert model.feature_discriminator is not None


def test_contract_with_every_switch(tmp_path, ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, loss="least_squares",
                            least_squares_targets=(-1, 1, 0), feature_matching_layer="hidden_2",
                            historical_averaging=0.1, seed=0)
    loaded = check_model_contract(model, ring_data[:64], tmp_path=tmp_path)
    for saved, restored in zip(model.discriminator_history + model.generator_history,
                               loaded.discriminator_history + loaded.generator_history):
        np.testing.assert_array_equal(numpy(saved), numpy(restored))
    assert float(numpy(loaded.historical_count)) == 3.0


# ------------------------------------------------------------ minibatch layers
def minibatch_discrimination_reference(x, kernel, num_kernels, kernel_dim):
    m = (x @ kernel).reshape(len(x), num_kernels, kernel_dim)
    out = np.zeros((len(x), num_kernels))
    for i in range(len(x)):
        for j in range(len(x)):
            out[i] += np.exp(-np.abs(m[i] - m[j]).sum(axis=-1))
    return np.concatenate([x, out], axis=1)


def test_minibatch_discrimination_matches_the_paper():
    x = np.random.default_rng(0).standard_normal((5, 6)).astype("float32")
    layer = kgan.layers.MinibatchDiscrimination(num_kernels=3, kernel_dim=2)
    out = numpy(layer(x))
    expected = minibatch_discrimination_reference(x, numpy(layer.kernel), 3, 2)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def minibatch_stddev_reference(x, group_size, num_features):
    n, h, w, c = x.shape
    group = min(group_size, n)
    y = x.reshape(group, n // group, h, w, num_features, c // num_features)
    std = np.sqrt(((y - y.mean(axis=0)) ** 2).mean(axis=0) + 1e-8)  # [n/G, H, W, F, c]
    stat = std.mean(axis=(1, 2, 4))  # [n/G, F]
    out = np.empty((n, h, w, num_features), "float32")
    for k in range(n):
        out[k] = stat[k % (n // group)]  # sample k is in group k mod (n / G)
    return np.concatenate([x, out], axis=-1)


@pytest.mark.parametrize("n, group_size, num_features", [(8, 4, 2), (3, 4, 1)])
def test_minibatch_stddev_matches_stylegan2(n, group_size, num_features):
    x = np.random.default_rng(1).standard_normal((n, 3, 2, 4)).astype("float32")
    layer = kgan.layers.MinibatchStdDev(group_size=group_size, num_features=num_features)
    np.testing.assert_allclose(
        numpy(layer(x)), minibatch_stddev_reference(x, group_size, num_features), rtol=1e-5
    )


def test_minibatch_layers_round_trip_in_a_keras_file(tmp_path):
    images = keras.Input((4, 4, 2))
    h = kgan.layers.MinibatchStdDev(group_size=2, num_features=1)(images)
    h = kgan.layers.MinibatchDiscrimination(num_kernels=4, kernel_dim=3)(keras.layers.Flatten()(h))
    model = keras.Model(images, h)
    assert model.output_shape == (None, 4 * 4 * 3 + 4)
    x = np.random.default_rng(2).standard_normal((4, 4, 4, 2)).astype("float32")
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(numpy(loaded(x)), numpy(model(x)), rtol=1e-6)
    assert loaded.layers[1].get_config()["group_size"] == 2


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: kgan.layers.MinibatchDiscrimination(0, 3), "num_kernels must be an integer ≥ 1"),
        (lambda: kgan.layers.MinibatchDiscrimination(3, 2.5), "kernel_dim must be an integer ≥ 1"),
        (lambda: kgan.layers.MinibatchStdDev(group_size=-1), "group_size must be an integer ≥ 1"),
        (lambda: kgan.layers.MinibatchDiscrimination(2, 2)(np.zeros((2, 3, 3), "float32")),
         "flatten them first"),
        (lambda: kgan.layers.MinibatchStdDev()(np.zeros((2, 6), "float32")), "NHWC images"),
        (lambda: kgan.layers.MinibatchStdDev(num_features=2)(np.zeros((2, 2, 2, 3), "float32")),
         "num_features must divide"),
    ],
)
def test_minibatch_layers_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()
