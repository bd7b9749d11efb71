"""Pix2Pix: the model contract, its loss composition and bad input."""

import keras
import numpy as np
import pytest

import kgan
from tests.model_checks import check_model_contract


def networks(target_channels=1):
    keras.utils.set_random_seed(0)
    g = kgan.networks.unet_generator((16, 16, 1), output_channels=target_channels, base_filters=8,
                                     max_filters=8)
    d = kgan.networks.patchgan_discriminator((16, 16, 1 + target_channels), base_filters=8,
                                             num_layers=2)
    return g, d


@pytest.fixture(scope="module")
def pairs():
    source, target, _ = kgan.data.paired_digits("edges", image_size=16, split="test")
    return source[:32], target[:32]


def test_pix2pix_contract_and_loss_composition(pairs, tmp_path):
    source, target = pairs
    model = kgan.models.Pix2Pix(*networks(), l1_weight=100.0, seed=0)
    model.compile()
    history = model.fit(source, target, batch_size=16, epochs=1, verbose=0).history
    # g_loss = g_adv + λ·L1 on every batch, so also for the epoch means.
    np.testing.assert_allclose(history["g_loss"][-1],
                               history["g_adv"][-1] + 100.0 * history["l1"][-1], rtol=1e-4)
    assert model.is_translator and model.sampling_generator is model.generator
    check_model_contract(model, source, target, tmp_path, batch_size=16,
                         sample=lambda m: m.translate(source[:4]))


@pytest.mark.parametrize(
    "x, y, message",
    [
        (np.zeros((8, 16, 16, 1), "float32"), None, "paired images"),
        (np.zeros((8, 16, 16, 1), "float32"), np.zeros((6, 16, 16, 1), "float32"), "as many"),
        (np.zeros((8, 16, 16, 3), "float32"), np.zeros((8, 16, 16, 1), "float32"), "x must have"),
        (np.zeros((8, 16, 16, 1), "float32"), np.zeros((8, 8, 8, 1), "float32"), "y must have"),
    ],
)
def test_bad_data(x, y, message):
    model = kgan.models.Pix2Pix(*networks())
    model.compile()
    with pytest.raises(ValueError, match=message):
        model.fit(x, y, epochs=1, verbose=0)


def test_bad_construction():
    g, _ = networks()
    _, d_wrong = networks(target_channels=2)
    with pytest.raises(ValueError, match="concatenated along channels"):
        kgan.models.Pix2Pix(g, d_wrong)
    with pytest.raises(ValueError, match="l1_weight"):
        kgan.models.Pix2Pix(*networks(), l1_weight=-1.0)
    model = kgan.models.Pix2Pix(*networks())
    with pytest.raises(ValueError, match="images must have shape"):
        model.translate(np.zeros((2, 16, 16, 3), "float32"))
