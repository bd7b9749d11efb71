"""PacGAN's packing: the layer's layout, the packed discriminator, and a GAN that trains with it."""

import keras
import numpy as np
import pytest

import kgan


def test_packs_consecutive_samples_side_by_side():
    images = np.arange(6 * 2 * 2 * 3, dtype="float32").reshape(6, 2, 2, 3)
    packed = keras.ops.convert_to_numpy(kgan.layers.PackSamples(2)(images))
    expected = np.concatenate([images[0::2], images[1::2]], axis=-1)  # pack k = samples 2k, 2k+1
    np.testing.assert_array_equal(packed, expected)
    assert kgan.layers.PackSamples(3).compute_output_shape((6, 2, 2, 3)) == (2, 2, 2, 9)


def test_packed_discriminator_scores_packs():
    inner = kgan.networks.dcgan_discriminator((16, 16, 2), base_filters=4)
    discriminator = kgan.networks.pack_discriminator(inner, 2)
    images = np.tanh(np.random.default_rng(0).standard_normal((6, 16, 16, 1))).astype("float32")
    scores = keras.ops.convert_to_numpy(discriminator(images))
    assert scores.shape == (3, 1)
    np.testing.assert_allclose(
        scores[1], keras.ops.convert_to_numpy(inner(np.concatenate([images[2:3], images[3:4]], -1)))[0],
        atol=1e-6)


def test_bad_packing_is_refused():
    with pytest.raises(ValueError, match="num_packed must be"):
        kgan.layers.PackSamples(0)
    inner = kgan.networks.dcgan_discriminator((16, 16, 3), base_filters=4)
    with pytest.raises(ValueError, match="channels are a multiple of num_packed"):
        kgan.networks.pack_discriminator(inner, 2)


def test_gan_with_a_packed_discriminator_trains():
    x = np.tanh(np.random.default_rng(1).standard_normal((16, 16, 16, 1))).astype("float32")
    generator = kgan.networks.dcgan_generator(8, (16, 16, 1), base_filters=4)
    discriminator = kgan.networks.pack_discriminator(
        kgan.networks.dcgan_discriminator((16, 16, 2), base_filters=4), 2)
    model = kgan.models.GAN(generator, discriminator, latent_dim=8, seed=0)
    model.compile()
    history = model.fit(x, batch_size=8, epochs=2, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all() and len(history.history["d_loss"]) == 2
