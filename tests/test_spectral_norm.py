"""kgan.layers.SpectralNormalization: σ against numpy, and inside kgan's train step."""

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from tests.conftest import weights_of
from tests.model_checks import ACTIVE_HINGE, check_model_contract


def numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


def spectral_layers(model):
    return [la for la in model.layers if isinstance(la, kgan.layers.SpectralNormalization)]


def largest_singular_value(kernel):
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


def test_networks_wrap_every_weighted_layer_only_when_asked():
    assert not spectral_layers(kgan.networks.mlp_discriminator(2, width=8, depth=1))
    assert not spectral_layers(kgan.networks.dcgan_discriminator((16, 16, 1), base_filters=8))
    assert len(spectral_layers(kgan.networks.mlp_discriminator(2, 8, 2, spectral_norm=True))) == 3


@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_layer_divides_the_kernel_by_its_largest_singular_value(kind):
    keras.utils.set_random_seed(0)
    if kind == "dense":
        inner, x = keras.layers.Dense(5), np.ones((3, 4), "float32")
    else:
        inner, x = keras.layers.Conv2D(3, 2), np.ones((1, 4, 4, 2), "float32")
    layer = kgan.layers.SpectralNormalization(inner, power_iterations=50)
    layer.build(x.shape)
    kernel = numpy(inner.kernel)
    u_before = numpy(layer.vector_u)
    out = numpy(layer(x, training=True))  # 50 power iterations: σ converged
    assert not np.allclose(numpy(layer.vector_u), u_before)
    np.testing.assert_array_equal(numpy(inner.kernel), kernel)  # the raw W is kept
    sigma = largest_singular_value(kernel)
    inner.kernel.assign(kernel / sigma)
    np.testing.assert_allclose(out, numpy(inner(x)), rtol=1e-4, atol=1e-5)
    inner.kernel.assign(kernel)
    # Inference reuses the stored u without advancing it.
    u = numpy(layer.vector_u)
    np.testing.assert_allclose(numpy(layer(x)), out, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(numpy(layer.vector_u), u)


def test_spectral_norm_trains_and_round_trips(tmp_path, digits16):
    keras.utils.set_random_seed(0)
    g = kgan.networks.dcgan_generator(8, (16, 16, 1), base_filters=8)
    d = kgan.networks.dcgan_discriminator(
        (16, 16, 1), base_filters=8, normalization=None, spectral_norm=True
    )
    layers = spectral_layers(d)
    assert len(layers) == 3  # both convolutions and the head
    u_before = weights_of([layer.vector_u for layer in layers])
    model = kgan.models.GAN(g, d, latent_dim=8, loss="hinge", seed=0)
    loaded = check_model_contract(model, digits16[0][:64], tmp_path=tmp_path,
                                  unchanged=ACTIVE_HINGE)
    # The power-iteration vectors advanced (also under JAX jit and tf.function) ...
    u_after = weights_of([layer.vector_u for layer in layers])
    assert all(not np.allclose(a, b) for a, b in zip(u_before, u_after))
    # ... so the estimate of σ(W) converges: the kernels used have σ near 1.
    for layer in layers:
        assert largest_singular_value(numpy(layer.normalized_kernel())) == pytest.approx(
            1.0, abs=0.1
        )
    # The .keras file restores u.
    for saved, back in zip(layers, spectral_layers(loaded.discriminator)):
        np.testing.assert_array_equal(numpy(saved.vector_u), numpy(back.vector_u))


def test_bad_arguments():
    with pytest.raises(ValueError, match="spectral_norm must be True or False"):
        kgan.networks.mlp_discriminator(2, spectral_norm="yes")
    with pytest.raises(ValueError, match="spectral_norm must be True or False"):
        kgan.networks.dcgan_discriminator((16, 16, 1), spectral_norm=1)
    with pytest.raises(ValueError, match="power_iterations must be an integer ≥ 1"):
        kgan.layers.SpectralNormalization(keras.layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="needs a layer with a `kernel`"):
        kgan.layers.SpectralNormalization(keras.layers.ReLU())(np.ones((1, 2), "float32"))
