"""GANimation: the model contract, the attention composition, the condition data, bad input."""

import keras
import numpy as np
import pytest

import kgan
from kgan.data.translation import render_conditions
from kgan.networks.ganimation import AttentionBlend
from tests.model_checks import check_model_contract


def networks(condition_dim=2):
    keras.utils.set_random_seed(0)
    g = kgan.networks.ganimation_generator((16, 16, 1), condition_dim, base_filters=8,
                                           num_blocks=1, num_downsamples=1)
    d = kgan.networks.stargan_discriminator((16, 16, 1), condition_dim, base_filters=8,
                                            num_layers=2)
    return g, d


def test_ganimation_contract(tmp_path):
    images, conditions, _ = kgan.data.condition_digits(image_size=16, split="test")
    targets = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], "float32")
    model = kgan.models.GANimation(*networks(), d_steps=1, seed=0)
    check_model_contract(model, images[:32], conditions[:32], tmp_path, batch_size=16,
                         sample=lambda m: m.translate(images[:4], targets))
    history = model.history.history
    assert 0.0 < history["attention"][-1] < 2.0 and history["smooth"][-1] >= 0.0


def test_attention_blend_keeps_the_input_where_attention_is_one():
    images = np.full((1, 2, 2, 1), 0.5, "float32")
    colour = np.full((1, 2, 2, 1), -1.0, "float32")
    attention = np.array([1.0, 0.0, 0.25, 0.5], "float32").reshape(1, 2, 2, 1)
    out = keras.ops.convert_to_numpy(AttentionBlend()([images, colour, attention])).ravel()
    np.testing.assert_allclose(out, [0.5, -1.0, 0.25 * 0.5 - 0.75, 0.5 * 0.5 - 0.5])


def test_condition_regression_loss():
    conditions = np.array([[0.0, 1.0], [0.5, 0.5]], "float32")
    predictions = np.array([[1.0, 1.0], [0.0, 1.5]], "float32")
    # per sample ‖·‖²: 1 and 0.25 + 1 = 1.25; mean 1.125
    value = keras.ops.convert_to_numpy(
        kgan.losses.condition_regression_loss(conditions, predictions))
    assert float(value) == pytest.approx(1.125)


def test_condition_digits_render_their_conditions():
    digits, _ = kgan.data.load_digits(image_size=16, split="test")
    grid = np.array([[0.0, 1.0], [0.5, 1.0], [1.0, 1.0], [1.0, 0.0]], "float32")
    rendered = render_conditions(digits[[0, 0, 0, 0]], grid)
    ink = ((rendered + 1.0) / 2.0).sum(axis=(1, 2, 3))
    assert ink[0] < ink[1] < ink[2] and ink[3] < ink[2]   # thicker, then dimmer
    np.testing.assert_allclose(rendered[1], digits[0], atol=1e-6)  # t = ½, b = 1: as drawn
    images, conditions, _ = kgan.data.condition_digits(image_size=16, split="test")
    assert conditions.shape == (len(images), 2) and 0.0 <= conditions.min() < conditions.max() <= 1


def test_bad_input():
    g, d = networks()
    _, d3 = networks(condition_dim=3)
    with pytest.raises(ValueError, match="condition predictions"):
        kgan.models.GANimation(g, d3)
    plain = kgan.networks.resnet_generator((16, 16, 1), base_filters=8, num_blocks=1,
                                           num_downsamples=1, condition_dim=2, padding="zero")
    with pytest.raises(ValueError, match="layer named 'attention'"):
        kgan.models.GANimation(plain, d)
    with pytest.raises(ValueError, match="smoothness_weight"):
        kgan.models.GANimation(g, d, smoothness_weight=-1.0)
    model = kgan.models.GANimation(g, d)
    model.compile()
    images = np.zeros((4, 16, 16, 1), "float32")
    with pytest.raises(ValueError, match=r"shape \(4, 2\)"):
        model.fit(images, np.zeros((4, 3), "float32"))
    with pytest.raises(ValueError, match="x must have shape"):
        model.fit(np.zeros((4, 16, 16, 3), "float32"), np.zeros((4, 2), "float32"))
    with pytest.raises(ValueError, match="conditions must be condition vectors"):
        model.translate(images, np.zeros((4, 5), "float32"))
