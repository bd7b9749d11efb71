"""StarGAN: the model contract on two attributes, the domain loss, bad input."""

import keras
import numpy as np
import pytest

import kgan
from tests.model_checks import check_model_contract


def networks(num_domains=2):
    keras.utils.set_random_seed(0)
    g = kgan.networks.resnet_generator((16, 16, 1), base_filters=8, num_blocks=1,
                                       num_downsamples=1, condition_dim=num_domains,
                                       padding="zero")
    d = kgan.networks.stargan_discriminator((16, 16, 1), num_domains, base_filters=8,
                                            num_layers=2)
    return g, d


def test_stargan_contract(tmp_path):
    images, attributes, _ = kgan.data.domain_digits(image_size=16, split="test")
    targets = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], "float32")
    model = kgan.models.StarGAN(*networks(), d_steps=1, seed=0)
    check_model_contract(model, images[:32], attributes[:32], tmp_path, batch_size=16,
                         sample=lambda m: m.translate(images[:4], targets))


def test_attribute_classification_loss():
    attributes = np.array([[1.0, 0.0]], "float32")
    logits = np.array([[0.0, 2.0]], "float32")
    # −log σ(0) − log(1 − σ(2)) = log 2 + softplus(2)
    expected = np.log(2.0) + np.log1p(np.exp(2.0))
    value = float(keras.ops.convert_to_numpy(
        kgan.losses.attribute_classification_loss(attributes, logits)))
    assert value == pytest.approx(expected, rel=1e-5)


def test_domain_digits():
    images, attributes, labels = kgan.data.domain_digits(image_size=16, split="test")
    assert attributes.shape == (len(images), 2) and set(np.unique(attributes)) == {0.0, 1.0}
    inverted = attributes[:, 1] == 1
    # inverted digits are mostly bright (background −1 becomes +1)
    assert images[inverted].mean() > 0.1 > -0.1 > images[~inverted].mean()


def test_bad_input():
    g, d = networks()
    _, d3 = networks(num_domains=3)
    with pytest.raises(ValueError, match="attribute logits"):
        kgan.models.StarGAN(g, d3)
    model = kgan.models.StarGAN(g, d)
    model.compile()
    images = np.zeros((4, 16, 16, 1), "float32")
    with pytest.raises(ValueError, match=r"shape \(4, 2\)"):
        model.fit(images, np.zeros((4, 3), "float32"))
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        model.fit(images, np.full((4, 2), 2.0, "float32"))
    with pytest.raises(ValueError, match="target_attributes must be"):
        model.translate(images, np.zeros((4, 5), "float32"))
