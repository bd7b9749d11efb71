"""BigGAN: networks, the model contract, orthogonal regularisation, truncation, export."""

import math
import re

import keras
import numpy as np
import pytest

import kgan
from kgan.models.biggan import truncate_latents
from kgan.utils.sampling import latents
from tests.model_checks import check_model_contract

LATENT_DIM = 6  # two chunks: the first layer and one block
LABELS = np.array([0, 3, 9, 3, 1, 7], "int32")


def _numpy(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def tiny_biggan(**kwargs):
    """8×8 images: G a 4×4 map and one up block with attention after it; D two
    blocks with attention after the first."""
    keras.utils.set_random_seed(0)
    g = kgan.networks.biggan_generator(
        LATENT_DIM, 10, (8, 8, 1), channels=(8, 8), shared_dim=4, attention_resolution=8
    )
    d = kgan.networks.biggan_discriminator((8, 8, 1), 10, channels=(8, 8), attention_resolution=4)
    return kgan.models.BigGAN(g, d, latent_dim=LATENT_DIM, num_classes=10, seed=0, **kwargs)


@pytest.fixture
def digits8():
    x, y = kgan.data.load_digits(image_size=16)
    return x[:32, ::2, ::2], y[:32]


def _still_attention_kernels(model):
    """The attention convolutions the first step leaves unchanged: G's query, key
    and value, D's four (see `test_biggan_contract`)."""
    kernels = {"generator": ("query", "key", "value"),
               "discriminator": ("query", "key", "value", "output")}
    return [
        weight
        for role, names in kernels.items()
        for weight in getattr(model, role).trainable_weights
        if re.search(rf"attention\d+/({'|'.join(names)})_sn/.*kernel$", weight.path)
    ]


def test_biggan_contract(digits8, tmp_path):
    defaults = tiny_biggan()
    assert defaults.d_steps == 2 and defaults.loss_name == "hinge"
    assert defaults.generator_ema is not None and "ortho" in defaults.log_names
    model = tiny_biggan(d_steps=1)  # one D step: half the compile time of the step
    unchanged = {
        # SAGAN's γ starts at 0, so no adversarial gradient reaches the attention
        # convolutions in the first step; the orthogonal regulariser moves only
        # G's output convolution (8 outputs from 4 inputs): the others start
        # orthogonal (orthogonal initializer, no more outputs than inputs).
        "attention γ = 0 at the start; orthogonal kernels stay": _still_attention_kernels,
    }
    loaded = check_model_contract(
        model, *digits8, tmp_path=tmp_path, batch_size=8,
        sample=lambda m: m.generate(LABELS, seed=0, psi=0.7), unchanged=unchanged,
    )
    assert len(_still_attention_kernels(model)) == 7
    assert loaded.orthogonal_weight == 1e-4
    assert loaded.generate(LABELS, seed=0).shape == (6, 8, 8, 1)


def test_networks_shapes_and_hierarchical_latents():
    model = tiny_biggan()
    z = np.random.default_rng(0).normal(size=(2, LATENT_DIM)).astype("float32")
    labels = np.array([1, 2], "int32")
    images = _numpy(model.generator([z, labels]))
    assert images.shape == (2, 8, 8, 1) and np.abs(images).max() <= 1.0
    logits = _numpy(model.discriminator([images, labels]))
    assert logits.shape == (2, 1)
    # Both networks are conditioned on the labels.
    other = np.array([5, 6], "int32")
    assert np.abs(_numpy(model.generator([z, other])) - images).max() > 1e-4
    assert np.abs(_numpy(model.discriminator([images, other])) - logits).max() > 1e-4
    # z is split in two: the first chunk feeds the linear layer, the second the
    # block's conditional BN; each changes the images.
    for chunk in (slice(0, 3), slice(3, 6)):
        changed = z.copy()
        changed[:, chunk] += 1.0
        assert np.abs(_numpy(model.generator([changed, labels])) - images).max() > 1e-4
    with pytest.raises(ValueError, match="multiple of len"):
        kgan.networks.biggan_generator(10, 10, (16, 16, 3), channels=(16, 16, 8))
    with pytest.raises(ValueError, match=r"image_shape must be \(16, 16, C\)"):
        kgan.networks.biggan_generator(12, 10, (32, 32, 3), channels=(16, 16, 8))
    with pytest.raises(ValueError, match="attention_resolution must be"):
        kgan.networks.biggan_discriminator((16, 16, 3), 10, channels=(8, 16), attention_resolution=16)


def test_orthogonal_regularizer_covers_the_generator_kernels_only():
    model = tiny_biggan(orthogonal_weight=0.5)
    kernels = model.orthogonal_variables
    assert kernels and all(v.name == "kernel" for v in kernels)
    paths = [v.path for v in kernels]
    assert not any("shared_embedding" in p for p in paths)
    assert any("cbn" in p for p in paths)  # the conditional BN's gain and bias maps
    loss, logs = model.generator_regularizer({}, {})
    expected = 0.0
    for v in kernels:
        w = _numpy(v).reshape(-1, v.shape[-1]).astype("float64")
        gram = w.T @ w
        expected += np.sum((gram - np.diag(np.diag(gram))) ** 2)
    assert float(_numpy(logs["ortho"])) == pytest.approx(expected, rel=1e-4)
    assert float(_numpy(loss)) == pytest.approx(0.5 * expected, rel=1e-4)
    assert tiny_biggan(orthogonal_weight=0.0).g_reg_interval is None


def test_truncation_keeps_latents_inside_and_has_the_truncated_normal_distribution():
    z = np.random.default_rng(1).standard_normal((200_000,)).astype("float32")
    for threshold in (2.0, 1.0, 0.5):
        truncated = _numpy(truncate_latents(z, threshold))
        assert np.abs(truncated).max() <= threshold
        inside = np.abs(z) <= threshold
        np.testing.assert_array_equal(truncated[inside], z[inside])  # only outliers redrawn
        # Variance of N(0, 1) truncated to [−t, t]: 1 − 2tφ(t) / (2Φ(t) − 1).
        phi = math.exp(-threshold**2 / 2) / math.sqrt(2 * math.pi)
        variance = 1 - 2 * threshold * phi / math.erf(threshold / math.sqrt(2))
        assert truncated.var() == pytest.approx(variance, rel=0.02)
        assert abs(truncated.mean()) < 0.01


def test_generate_truncates_drawn_and_given_latents(digits8):
    model = tiny_biggan()
    z = latents(len(LABELS), LATENT_DIM, 5)
    expected = model.generate(LABELS, z=_numpy(truncate_latents(z, 0.5)))
    np.testing.assert_allclose(model.generate(LABELS, seed=5, psi=0.5), expected, atol=1e-6)
    np.testing.assert_allclose(model.generate(LABELS, z=z, psi=0.5), expected, atol=1e-6)
    assert np.abs(model.generate(LABELS, seed=5) - expected).max() > 1e-4
    with pytest.raises(ValueError, match="psi .* must be a number > 0"):
        model.generate(LABELS, seed=0, psi=0.0)
    with pytest.raises(ValueError, match="must be conditional"):
        g, d = kgan.networks.mlp_generator(4, 2), kgan.networks.mlp_discriminator(2)
        kgan.models.BigGAN(g, d, latent_dim=4, num_classes=10)


def test_export_serves_psi(tmp_path):
    tf = pytest.importorskip("tensorflow")
    model = tiny_biggan()
    contract = kgan.export.export_saved_model(model, tmp_path / "biggan", signatures="serving_default")
    assert contract["truncation"] and contract["kind"] == "conditional"
    z = latents(len(LABELS), LATENT_DIM, 3) * 2.0  # many entries beyond 0.7
    served = tf.saved_model.load(str(tmp_path / "biggan")).signatures["serving_default"](
        z=tf.constant(z), labels=tf.constant(LABELS), psi=tf.constant(0.7)
    )["images"].numpy()
    np.testing.assert_allclose(served, model.generate(LABELS, z=z, psi=0.7), atol=1e-5)
