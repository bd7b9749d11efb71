"""Every model: config round-trip, `.keras` save/load, a short fit, bad input.

Each case states only its constructor and data; the checks are shared.
"""

import keras
import numpy as np
import pytest

import kgan
from tests.conftest import tiny_dcgan_pair, tiny_mlp_pair
from tests.model_checks import ACTIVE_HINGE, SHIFT_INVARIANT_CRITIC, check_model_contract


def gan(loss):
    def make():
        g, d = tiny_mlp_pair()
        return kgan.models.GAN(g, d, latent_dim=4, loss=loss, seed=0), "ring"
    return make


def gan_smoothed():
    g, d = tiny_mlp_pair()
    return kgan.models.GAN(g, d, latent_dim=4, label_smoothing=0.1, d_steps=2, seed=0), "ring"


def wgan_gp():
    g, d = tiny_mlp_pair()
    return kgan.models.WGANGP(g, d, latent_dim=4, d_steps=2, seed=0), "ring"


def wgan_gp_images():
    g, d = tiny_dcgan_pair(normalization="layer")
    return kgan.models.WGANGP(g, d, latent_dim=8, d_steps=1, seed=0), "digits"


def dcgan():
    keras.utils.set_random_seed(0)
    return kgan.models.DCGAN(image_shape=(16, 16, 1), latent_dim=8, base_filters=8, seed=0), "digits"


def cgan(conditioning):
    def make():
        if conditioning == "concat":
            g, d = tiny_dcgan_pair(latent_dim=8 + 10, extra_channels=10)
        else:
            g, d = tiny_dcgan_pair(latent_dim=8 + 10, include_head=False)
        model = kgan.models.CGAN(g, d, latent_dim=8, num_classes=10, conditioning=conditioning,
                                 seed=0)
        return model, "labelled_digits"
    return make


CASES = {
    "gan_minimax": gan("minimax"),
    "gan_non_saturating": gan("non_saturating"),
    "gan_least_squares": gan("least_squares"),
    "gan_hinge": gan("hinge"),
    "gan_wasserstein": gan("wasserstein"),
    "gan_smoothed": gan_smoothed,
    "wgan_gp": wgan_gp,
    "wgan_gp_images": wgan_gp_images,
    "dcgan": dcgan,
    "cgan_concat": cgan("concat"),
    "cgan_projection": cgan("projection"),
}


# Trained variables that the first step leaves unchanged by construction.
UNCHANGED = {
    "gan_hinge": ACTIVE_HINGE,
    "gan_wasserstein": SHIFT_INVARIANT_CRITIC,
    "wgan_gp": SHIFT_INVARIANT_CRITIC,
    "wgan_gp_images": SHIFT_INVARIANT_CRITIC,
}


def data_for(kind):
    if kind == "ring":
        return kgan.data.gaussian_mixture("ring8", 128, seed=0), None
    x, y = kgan.data.load_digits(image_size=16)
    return x[:64], (y[:64] if kind == "labelled_digits" else None)


def generate(model, n=6):
    if isinstance(model, kgan.models.CGAN):
        return model.generate(labels=np.arange(n) % 10, seed=0)
    return model.generate(n, seed=0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_model_contract(name, tmp_path):
    model, kind = CASES[name]()
    x, y = data_for(kind)
    check_model_contract(model, x, y, tmp_path, sample=generate, unchanged=UNCHANGED.get(name))


# ---------------------------------------------------------------- bad input

def test_latent_dim_must_be_positive():
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match="latent_dim must be an integer ≥ 1"):
        kgan.models.GAN(g, d, latent_dim=0)


def test_generator_must_take_latent_dim():
    g, d = tiny_mlp_pair(latent_dim=4)
    with pytest.raises(ValueError, match=r"latents of shape \(batch, 5\)"):
        kgan.models.GAN(g, d, latent_dim=5)


def test_generator_output_must_match_discriminator_input():
    g, _ = tiny_mlp_pair()
    d = kgan.networks.mlp_discriminator(3)
    with pytest.raises(ValueError, match="output shape must match the discriminator"):
        kgan.models.GAN(g, d, latent_dim=4)


def test_unknown_loss_name():
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match="loss must be one of"):
        kgan.models.GAN(g, d, latent_dim=4, loss="least_square")


def test_label_smoothing_only_for_cross_entropy():
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match="label_smoothing applies"):
        kgan.models.GAN(g, d, latent_dim=4, loss="hinge", label_smoothing=0.1)
    with pytest.raises(ValueError, match=r"label_smoothing must be a number in \[0, 1\)"):
        kgan.models.GAN(g, d, latent_dim=4, label_smoothing=1.0)


def test_d_steps_must_be_positive_integer():
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match="d_steps must be an integer"):
        kgan.models.GAN(g, d, latent_dim=4, d_steps=0)


def test_unbuilt_network_is_rejected():
    g, d = tiny_mlp_pair()
    with pytest.raises(ValueError, match="must be built"):
        kgan.models.GAN(g, keras.Sequential([keras.layers.Dense(1)]), latent_dim=4)


def test_nan_in_data_is_rejected_before_training():
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4)
    model.compile()
    x = kgan.data.gaussian_mixture("ring8", 64, seed=0)
    x[10, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN or Inf .* index \(10, 1\)"):
        model.fit(x, epochs=1, verbose=0)


def test_data_shape_must_match_discriminator():
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4)
    model.compile()
    with pytest.raises(ValueError, match="must have shape"):
        model.fit(np.zeros((8, 3), "float32"), verbose=0)


def _cgan():
    g, d = tiny_dcgan_pair(latent_dim=8 + 10, include_head=False)
    model = kgan.models.CGAN(g, d, latent_dim=8, num_classes=10)
    model.compile()
    return model


def test_cgan_labels_out_of_range():
    model = _cgan()
    x, y = kgan.data.load_digits(image_size=16)
    with pytest.raises(ValueError, match=r"y must be in \[0, 10\)"):
        model.fit(x[:8], y[:8] + 5, verbose=0)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 10\)"):
        model.generate(labels=[3, -1])


def test_cgan_labels_missing():
    model = _cgan()
    x, _ = kgan.data.load_digits(image_size=16)
    with pytest.raises(ValueError, match="call fit\\(x, y\\) with labels"):
        model.fit(x[:8], verbose=0)


def test_cgan_label_count_mismatch():
    model = _cgan()
    x, y = kgan.data.load_digits(image_size=16)
    with pytest.raises(ValueError, match="one label per sample"):
        model.fit(x[:8], y[:7], verbose=0)


def test_cgan_unknown_conditioning():
    g, d = tiny_dcgan_pair(latent_dim=18, include_head=False)
    with pytest.raises(ValueError, match="conditioning must be one of"):
        kgan.models.CGAN(g, d, latent_dim=8, num_classes=10, conditioning="film")


def test_cgan_projection_needs_features():
    g, _ = tiny_dcgan_pair(latent_dim=18)
    x = keras.Input((16, 16, 1))
    image_output = keras.Model(x, keras.layers.Conv2D(1, 3, padding="same")(x))
    with pytest.raises(ValueError, match="must output features"):
        kgan.models.CGAN(g, image_output, latent_dim=8, num_classes=10)


def test_cgan_concat_needs_label_channels():
    g, d = tiny_dcgan_pair(latent_dim=18, channels=1)
    with pytest.raises(ValueError, match="extra channels"):
        kgan.models.CGAN(g, d, latent_dim=8, num_classes=10, conditioning="concat")


def test_generate_needs_count_or_latents():
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4)
    with pytest.raises(ValueError, match=r"generate\(\) needs num_samples or z"):
        model.generate()
    with pytest.raises(ValueError, match=r"z must have shape \(num_samples, 4\)"):
        model.generate(z=np.zeros((3, 5)))
