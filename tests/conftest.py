"""Shared test helpers. The Keras backend is fixed per process by KERAS_BACKEND;
scripts/test.sh runs the suite once per backend."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kgan  # noqa: E402

BACKEND = keras.backend.backend()


def tiny_mlp_pair(latent_dim=4, width=16):
    keras.utils.set_random_seed(0)
    return (
        kgan.networks.mlp_generator(latent_dim, 2, width=width, depth=2),
        kgan.networks.mlp_discriminator(2, width=width, depth=2),
    )


def tiny_dcgan_pair(latent_dim=8, image_size=16, channels=1, include_head=True, extra_channels=0,
                    normalization="batch"):
    keras.utils.set_random_seed(0)
    shape = (image_size, image_size, channels)
    return (
        kgan.networks.dcgan_generator(latent_dim, shape, base_filters=8),
        kgan.networks.dcgan_discriminator(
            (image_size, image_size, channels + extra_channels), base_filters=8,
            include_head=include_head, normalization=normalization,
        ),
    )


def weights_of(variables):
    return [np.array(keras.ops.convert_to_numpy(v)) for v in variables]


def changed(before, after):
    return [not np.array_equal(a, b) for a, b in zip(before, after)]


@pytest.fixture
def ring_data():
    return kgan.data.gaussian_mixture("ring8", 256, seed=0)


@pytest.fixture
def digits16():
    x, y = kgan.data.load_digits(image_size=16)
    return x[:128], y[:128]
