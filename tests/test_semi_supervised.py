"""SemiSupervisedGAN: its losses by hand, the model contract, labels and bad arguments."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan import losses
from kgan.utils.sampling import latents
from tests.model_checks import check_model_contract

LOGITS = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]], dtype="float32")
FAKE = np.array([[-2.0, 0.0, 1.0], [0.0, 0.0, 0.0]], dtype="float32")


def value(x):
    return float(ops.convert_to_numpy(x))


def softplus(x):
    return math.log1p(math.exp(x))


def lse(row):
    return math.log(sum(math.exp(v) for v in row))


def test_unsupervised_losses_use_logsumexp_as_real_logit():
    # D(x) = Z/(Z+1), Z = Σ exp l_k: −log D(x) = softplus(−lse), −log(1 − D) = softplus(lse).
    expected_d = np.mean([softplus(-lse(r)) for r in LOGITS]) + np.mean(
        [softplus(lse(f)) for f in FAKE]
    )
    assert value(losses.discriminator_semi_supervised_loss(LOGITS, FAKE)) == pytest.approx(
        expected_d, rel=1e-6
    )
    z = sum(math.exp(v) for v in FAKE[0])
    expected_g = np.mean([-math.log(z / (z + 1)), softplus(-math.log(3.0))])
    assert value(losses.generator_semi_supervised_loss(FAKE)) == pytest.approx(expected_g, rel=1e-6)


def test_classification_loss_ignores_unlabelled_samples():
    labels = np.array([2, -1], dtype="int32")
    expected = -(LOGITS[0, 2] - lse(LOGITS[0]))
    assert value(losses.masked_classification_loss(LOGITS, labels)) == pytest.approx(
        expected, rel=1e-6
    )
    both = np.array([2, 1], dtype="int32")
    expected_both = (expected - (LOGITS[1, 1] - lse(LOGITS[1]))) / 2
    assert value(losses.masked_classification_loss(LOGITS, both)) == pytest.approx(
        expected_both, rel=1e-6
    )
    none = np.array([-1, -1], dtype="int32")
    assert value(losses.masked_classification_loss(LOGITS, none)) == 0.0


def test_feature_matching_is_squared_distance_of_means():
    real = np.array([[1.0, 2.0], [3.0, 0.0]], dtype="float32")  # mean (2, 1)
    fake = np.array([[0.0, 0.0], [1.0, 4.0]], dtype="float32")  # mean (0.5, 2)
    expected = ((2 - 0.5) ** 2 + (1 - 2) ** 2) / 2
    assert value(losses.generator_feature_matching_loss(real, fake)) == pytest.approx(expected)


def networks(num_classes=10, dropout=0.3):
    keras.utils.set_random_seed(0)
    g = kgan.networks.dcgan_generator(8, (16, 16, 1), base_filters=8)
    d = kgan.networks.semi_supervised_discriminator(
        (16, 16, 1), num_classes, base_filters=8, dropout=dropout
    )
    return g, d


def data(num_labelled=16):
    x, y = kgan.data.load_digits(image_size=16)
    y = y[:64].copy()
    y[num_labelled:] = -1
    return x[:64], y


def test_model_contract(tmp_path):
    g, d = networks()
    model = kgan.models.SemiSupervisedGAN(g, d, latent_dim=8, num_classes=10, seed=0)
    x, y = data()
    loaded = check_model_contract(model, x, y, tmp_path, sample=lambda m: m.classify(x[:6]))
    np.testing.assert_allclose(loaded.generate(4, seed=0), model.generate(4, seed=0), atol=1e-5)
    probabilities = loaded.classify(x[:6])
    assert probabilities.shape == (6, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    classes = loaded.predict_classes(x[:6])
    assert classes.dtype == np.int32
    np.testing.assert_array_equal(classes, probabilities.argmax(axis=1))


@pytest.mark.parametrize("generator_loss", ["feature_matching", "non_saturating"])
def test_losses_of_one_batch(generator_loss):
    g, d = networks(dropout=0.0)
    model = kgan.models.SemiSupervisedGAN(
        g, d, latent_dim=8, num_classes=10, generator_loss=generator_loss, seed=0
    )
    x, y = data(num_labelled=3)
    batch = {"real": ops.convert_to_tensor(x[:8]), "labels": ops.convert_to_tensor(y[:8])}
    noise = {"z": ops.convert_to_tensor(latents(8, 8, seed=0))}
    fake = g(noise["z"], training=True)
    real_logits, fake_logits = d(batch["real"]), d(fake)
    d_loss, logs = model.discriminator_loss(batch, noise)
    sup = losses.masked_classification_loss(real_logits, batch["labels"])
    unsup = losses.discriminator_semi_supervised_loss(real_logits, fake_logits)
    assert value(logs["d_sup"]) == pytest.approx(value(sup), rel=1e-5)
    assert value(d_loss) == pytest.approx(value(sup) + value(unsup), rel=1e-5)
    g_loss, _ = model.generator_loss(batch, noise)
    if generator_loss == "non_saturating":
        expected = losses.generator_semi_supervised_loss(fake_logits)
    else:
        features = keras.Model(d.inputs, d.get_layer("features").output)
        expected = losses.generator_feature_matching_loss(features(batch["real"]), features(fake))
    assert value(g_loss) == pytest.approx(value(expected), rel=1e-5)


def _compiled():
    g, d = networks()
    model = kgan.models.SemiSupervisedGAN(g, d, latent_dim=8, num_classes=10)
    model.compile()
    return model


def test_labels_must_be_in_range():
    model = _compiled()
    x, y = data()
    for bad in (-2, 10):
        y_bad = y.copy()
        y_bad[5] = bad
        with pytest.raises(ValueError, match=r"y must be in \[-1, 10\).*-1 for an unlabelled"):
            model.fit(x, y_bad, verbose=0)
    with pytest.raises(ValueError, match="y must be integers"):
        model.fit(x, y.astype("float32"), verbose=0)


def test_labels_needed_and_at_least_one_labelled():
    model = _compiled()
    x, y = data()
    with pytest.raises(ValueError, match=r"call fit\(x, y\) with y = -1"):
        model.fit(x, verbose=0)
    with pytest.raises(ValueError, match="at least one labelled sample"):
        model.fit(x, np.full(len(x), -1, "int32"), verbose=0)
    with pytest.raises(ValueError, match="one label per sample"):
        model.fit(x, y[:10], verbose=0)
    with pytest.raises(ValueError, match="must have shape"):
        model.classify(x[:, :8, :8])


def test_bad_arguments():
    g, d = networks()
    with pytest.raises(ValueError, match="num_classes must be an integer ≥ 2"):
        kgan.models.SemiSupervisedGAN(g, d, latent_dim=8, num_classes=1)
    with pytest.raises(ValueError, match=r"class logits \(batch, 5\)"):
        kgan.models.SemiSupervisedGAN(g, d, latent_dim=8, num_classes=5)
    with pytest.raises(ValueError, match="generator_loss must be one of"):
        kgan.models.SemiSupervisedGAN(g, d, latent_dim=8, num_classes=10, generator_loss="hinge")
    with pytest.raises(ValueError, match="feature_layer must name a layer .*'features'"):
        kgan.models.SemiSupervisedGAN(g, d, latent_dim=8, num_classes=10, feature_layer="feat")
    with pytest.raises(ValueError, match=r"latents of shape \(batch, 4\)"):
        kgan.models.SemiSupervisedGAN(g, d, latent_dim=4, num_classes=10)
    with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\)"):
        kgan.networks.semi_supervised_discriminator((16, 16, 1), 10, dropout=1.0)
