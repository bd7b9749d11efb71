"""Zi2Zi: the model contract, its loss composition, the glyph-style data and bad input."""

import keras
import numpy as np
import pytest

import kgan
from kgan.data.translation import GLYPH_STYLES
from kgan.networks.resnet_generator import TileCondition
from tests.model_checks import check_model_contract

NUM_STYLES = len(GLYPH_STYLES)


def networks(num_styles=NUM_STYLES):
    keras.utils.set_random_seed(0)
    g = kgan.networks.zi2zi_generator((16, 16, 1), num_styles, embedding_dim=8, base_filters=8,
                                      max_filters=16, depth=2)
    d = kgan.networks.stargan_discriminator((16, 16, 2), num_styles, base_filters=8, num_layers=2)
    return g, d


@pytest.fixture(scope="module")
def glyphs():
    source, target, styles, _ = kgan.data.style_digits(image_size=16, split="test")
    return source[:32], target[:32], styles[:32]


def test_zi2zi_contract_and_loss_composition(glyphs, tmp_path):
    source, target, styles = glyphs
    model = kgan.models.Zi2Zi(*networks(), l1_weight=100.0, constant_weight=15.0,
                              style_weight=2.0, seed=0)
    loaded = check_model_contract(model, [source, styles], target, tmp_path, batch_size=16,
                                  sample=lambda m: m.translate(source[:5], np.arange(5)))
    history = model.history.history
    # g_loss = g_adv + λ_L1·L1 + λ_const·const + λ_style·style on every batch, so for the means.
    np.testing.assert_allclose(
        history["g_loss"][-1],
        history["g_adv"][-1] + 100.0 * history["l1"][-1] + 15.0 * history["const"][-1]
        + 2.0 * history["g_style"][-1], rtol=1e-4)
    assert history["const"][-1] > 0.0 and history["d_style"][-1] > 0.0
    assert loaded.num_styles == NUM_STYLES
    # The style input matters: one glyph in five styles gives five images.
    styled = model.translate(source[:1].repeat(NUM_STYLES, axis=0), np.arange(NUM_STYLES))
    assert np.abs(styled[1:] - styled[:1]).max(axis=(1, 2, 3)).min() > 0.0


def test_style_digits_renders_every_style():
    digits, _ = kgan.data.load_digits(image_size=16, split="test")
    source, target, styles, labels = kgan.data.style_digits(image_size=16, split="test")
    assert len(source) == NUM_STYLES * len(digits)
    np.testing.assert_array_equal(styles[:NUM_STYLES], np.arange(NUM_STYLES))
    np.testing.assert_array_equal(source[:NUM_STYLES], np.repeat(digits[:1], NUM_STYLES, axis=0))
    assert len(set(labels[:NUM_STYLES])) == 1
    ink = [(target[styles == k] > 0.0).mean() for k in range(NUM_STYLES)]
    plain = (digits > 0.0).mean()
    thick, thin, _, inverted, _ = ink
    assert thick > plain > thin and inverted > 0.5
    # inverted is the exact negative
    np.testing.assert_array_equal(target[3], -source[3])


def test_bad_input(glyphs):
    source, target, styles = glyphs
    g, d = networks()
    with pytest.raises(ValueError, match="style logits"):
        kgan.models.Zi2Zi(g, kgan.networks.patchgan_discriminator((16, 16, 2), 8, num_layers=2))
    images, styles_in = keras.Input((16, 16, 1)), keras.Input((), dtype="int32")
    h = TileCondition()([images, keras.layers.Embedding(NUM_STYLES, 2)(styles_in)])
    no_encoder = keras.Model([images, styles_in], keras.layers.Conv2D(1, 3, padding="same")(h))
    with pytest.raises(ValueError, match="nested model named 'encoder'"):
        kgan.models.Zi2Zi(no_encoder, d)
    with pytest.raises(ValueError, match="constant_weight"):
        kgan.models.Zi2Zi(g, d, constant_weight=-1.0)
    model = kgan.models.Zi2Zi(g, d)
    model.compile()
    with pytest.raises(ValueError, match=r"fit\(\[source, styles\], target\)"):
        model.fit(source, target)
    with pytest.raises(ValueError, match=r"styles must be in \[0, 5\)"):
        model.fit([source, np.full(len(source), 5, "int32")], target)
    with pytest.raises(ValueError, match="as many x images"):
        model.fit([source, styles], target[:8])
    with pytest.raises(ValueError, match="x must have shape"):
        model.fit([np.zeros((32, 16, 16, 3), "float32"), styles], target)
    with pytest.raises(ValueError, match=r"styles must be integer style indices of shape \(2,\)"):
        model.translate(source[:2], [0.5, 1.5])
