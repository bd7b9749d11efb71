"""StarGAN: the model contract on two attributes, the domain loss, the domain digits and the
recipe's measurements, bad input."""

import keras
import numpy as np
import pytest

import kgan
from kgan.recipe import load_recipe
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
    model = kgan.models.StarGAN(*networks(), d_steps=1, identity_weight=1.0, seed=0)
    check_model_contract(model, images[:32], attributes[:32], tmp_path, batch_size=16,
                         sample=lambda m: m.translate(images[:4], targets))


def test_identity_loss_is_the_l1_of_the_own_domain_translation():
    images, attributes, _ = kgan.data.domain_digits(image_size=16, split="test")
    tensor = keras.ops.convert_to_tensor
    batch = {"real": tensor(images[:8]), "conditions": tensor(attributes[:8])}
    noise = {"target": tensor(attributes[:8][::-1].copy())}
    g, d = networks()
    without = kgan.models.StarGAN(g, d)
    with_identity = kgan.models.StarGAN(g, d, identity_weight=2.0)
    assert with_identity.get_config()["identity_weight"] == 2.0
    loss0, logs0 = without.generator_loss(batch, noise)
    loss2, logs2 = with_identity.generator_loss(batch, noise)
    expected = np.mean(np.abs(images[:8] - keras.ops.convert_to_numpy(g([images[:8],
                                                                         attributes[:8]]))))
    value = keras.ops.convert_to_numpy
    assert float(value(logs0["identity"])) == 0.0
    assert float(value(logs2["identity"])) == pytest.approx(expected, rel=1e-5)
    assert float(value(loss2)) - float(value(loss0)) == pytest.approx(2.0 * expected, rel=1e-4)
    with pytest.raises(ValueError, match="identity_weight"):
        kgan.models.StarGAN(g, d, identity_weight=-1.0)


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
    plain, _ = kgan.data.load_digits(image_size=16, split="test")
    thick, slanted = attributes[:, 0] == 1, attributes[:, 1] == 1
    np.testing.assert_array_equal(images[~thick & ~slanted], plain[~thick & ~slanted])
    np.testing.assert_allclose(images[thick & slanted],
                               kgan.data.translation.slant(
                                   kgan.data.translation.thicken(plain[thick & slanted])))
    np.testing.assert_array_equal(kgan.data.render_domains(plain, attributes), images)
    with pytest.raises(ValueError, match="domains must have shape"):
        kgan.data.render_domains(plain, attributes[:, :1])
    with pytest.raises(ValueError, match="domains must hold 0 or 1"):
        kgan.data.render_domains(plain, attributes * 0.5)
    inverted_images, inverted, _ = kgan.data.domain_digits(
        image_size=16, split="test", attributes=("inverted",))
    flipped = inverted[:, 0] == 1
    # inverted digits are mostly bright (background −1 becomes +1)
    assert inverted_images[flipped].mean() > 0.1 > -0.1 > inverted_images[~flipped].mean()
    with pytest.raises(ValueError, match="distinct names"):
        kgan.data.domain_digits(attributes=("thick", "bold"))
    with pytest.raises(ValueError, match="distinct names"):
        kgan.data.domain_digits(attributes=("thick", "thick"))


class _PerfectTranslator:
    """Translates a rendered test digit into its true rendering in any domain."""

    def __init__(self, size):
        plain, _ = kgan.data.load_digits(image_size=size, split="test")
        self.plain = {}
        for code in ((0, 0), (0, 1), (1, 0), (1, 1)):
            rendered = kgan.data.render_domains(plain, np.tile([code], (len(plain), 1)))
            self.plain.update({image.tobytes(): digit for image, digit in zip(rendered, plain)})

    def translate(self, images, targets):
        plain = np.stack([self.plain[image.tobytes()] for image in np.asarray(images, "float32")])
        return kgan.data.render_domains(plain, targets)


def test_recipe_measure_scores_a_perfect_translator_at_its_ceiling(tmp_path):
    recipe = load_recipe("stargan_digits")
    config = {**recipe.CONFIG, "probe_epochs": 1, "out_dir": str(tmp_path)}
    scores = recipe.measure(_PerfectTranslator(config["image_size"]), config)
    num_test = len(kgan.data.load_digits(image_size=config["image_size"], split="test")[0])
    assert scores["num_translations"] == 3 * num_test  # every test digit into 3 other domains
    assert scores["digit_accuracy"] == scores["digit_accuracy_on_targets"]
    assert scores["targets"]["l1"] == 0.0 and scores["reconstruction"]["l1"] == 0.0
    assert scores["inputs_to_targets"]["l1"] > 0.1
    assert set(scores["digit_probe_accuracy_by_change"]) == {"thick", "slant", "thick+slant"}


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
