"""SRGAN: the model contract with a small content network, the offline VGG19 error."""

import keras
import numpy as np
import pytest

import kgan
from tests.model_checks import check_model_contract


def networks():
    keras.utils.set_random_seed(0)
    g = kgan.networks.srgan_generator((4, 4, 1), filters=8, num_blocks=1)
    d = kgan.networks.srgan_discriminator((16, 16, 1), base_filters=8, num_levels=2,
                                          dense_units=8)
    return g, d


def small_content_network():
    images = keras.Input((16, 16, 1))
    features = keras.layers.Conv2D(8, 3, strides=2, activation="relu")(images)
    return keras.Model(images, features, name="features")


def test_srgan_contract_with_a_content_network(tmp_path):
    small, full, _ = kgan.data.paired_digits("downsampled", image_size=16, split="test")
    content = small_content_network()
    model = kgan.models.SRGAN(*networks(), content_network=content, seed=0)
    assert not content.trainable
    assert all(id(v) not in {id(w) for w in content.weights} for v in model.generator_variables)
    before = [np.array(w) for w in content.get_weights()]
    loaded = check_model_contract(model, small[:32], full[:32], tmp_path, batch_size=16,
                                  sample=lambda m: m.translate(small[:4]))
    for old, new in zip(before, content.get_weights()):
        np.testing.assert_array_equal(old, new)  # frozen
    assert loaded.content_network is not None
    assert model.translate(small[:2]).shape == (2, 16, 16, 1)


def test_bad_input(tmp_path, monkeypatch):
    g, d = networks()
    wrong = kgan.networks.srgan_discriminator((8, 8, 1), base_filters=8, num_levels=2,
                                              dense_units=8)
    with pytest.raises(ValueError, match="generator's outputs"):
        kgan.models.SRGAN(g, wrong)
    with pytest.raises(ValueError, match="adversarial_weight"):
        kgan.models.SRGAN(g, d, adversarial_weight=-1)
    model = kgan.models.SRGAN(g, d)
    model.compile()
    with pytest.raises(ValueError, match="as many"):
        model.fit(np.zeros((4, 4, 4, 1), "float32"), np.zeros((3, 16, 16, 1), "float32"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(ValueError, match="never downloads"):
        kgan.networks.vgg19_content_network((16, 16, 1))
