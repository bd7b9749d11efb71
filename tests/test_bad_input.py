"""Bad input across the public API: each case gets a clear message.

Every case is one line of the table: what is called, and a pattern the error
message must match (what was expected, and what was received). The cases run
on whichever backend is active.
"""

import os
import warnings

import keras
import numpy as np
import pytest

import kgan
from kgan.recipe import main as recipe_main
from kgan.recipe import with_overrides
from tests.conftest import tiny_dcgan_pair, tiny_mlp_pair
from tests.test_biggan import tiny_biggan
from tests.test_stylegan import networks as stylegan_networks

RECIPE_DEFAULTS = {"epochs": 30, "batch_size": 64, "loss": "non_saturating", "ema": False}


def gan(**kwargs):
    g, d = tiny_mlp_pair()
    return kgan.models.GAN(g, d, latent_dim=4, **kwargs)


def compiled_gan():
    model = gan()
    model.compile()
    return model


def cgan(compile=True):
    g, d = tiny_dcgan_pair(latent_dim=8 + 10, include_head=False)
    model = kgan.models.CGAN(g, d, latent_dim=8, num_classes=10)
    if compile:
        model.compile()
    return model


def ring(n=64):
    return kgan.data.gaussian_mixture("ring8", n, seed=0)


def digits(n=8):
    x, y = kgan.data.load_digits(image_size=16)
    return x[:n], y[:n]


def with_value(array, index, value):
    array = array.copy()
    array[index] = value
    return array


def fit(model, x, y=None):
    return model.fit(x, y, batch_size=8, epochs=1, verbose=0)


def image_model_with_lambda(path):
    z = keras.Input((4,))
    out = keras.layers.Lambda(lambda t: t * 2.0)(keras.layers.Dense(2)(z))
    g = keras.Model(z, out)
    _, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4)
    model.save(path)
    return keras.saving.load_model(path)  # safe_mode=True by default


# (case id, callable, regex the ValueError's message must match)
CASES = [
    # ------------------------------------------------ model construction
    ("latent_dim_zero", lambda: kgan.models.GAN(*tiny_mlp_pair(), latent_dim=0),
     r"latent_dim must be an integer ≥ 1. Received: latent_dim=0"),
    ("latent_dim_float", lambda: kgan.models.GAN(*tiny_mlp_pair(), latent_dim=4.0),
     r"latent_dim must be an integer ≥ 1. Received: latent_dim=4.0"),
    ("latent_dim_bool", lambda: kgan.models.GAN(*tiny_mlp_pair(), latent_dim=True),
     r"latent_dim must be an integer ≥ 1"),
    ("generator_input_vs_latent_dim", lambda: kgan.models.GAN(*tiny_mlp_pair(4), latent_dim=5),
     r"latents of shape \(batch, 5\).*Received a generator with input shape \(None, 4\)"),
    ("generator_output_vs_discriminator_input",
     lambda: kgan.models.GAN(tiny_mlp_pair()[0], kgan.networks.mlp_discriminator(3), latent_dim=4),
     r"output shape must match the discriminator.*Received: generator output \(None, 2\), "
     r"discriminator input \(None, 3\)"),
    ("unknown_loss", lambda: gan(loss="least_square"), r"loss must be one of"),
    ("label_smoothing_with_hinge", lambda: gan(loss="hinge", label_smoothing=0.1),
     r"label_smoothing applies to the cross-entropy losses"),
    ("label_smoothing_one", lambda: gan(label_smoothing=1.0),
     r"label_smoothing must be a number in \[0, 1\). Received: label_smoothing=1.0"),
    ("label_smoothing_negative", lambda: gan(label_smoothing=-0.1),
     r"label_smoothing must be a number in \[0, 1\)"),
    ("d_steps_zero", lambda: gan(d_steps=0), r"d_steps must be an integer ≥ 1. Received: d_steps=0"),
    ("d_steps_float", lambda: gan(d_steps=1.5), r"d_steps must be an integer ≥ 1"),
    ("g_steps_zero", lambda: gan(g_steps=0), r"g_steps must be an integer ≥ 1. Received: g_steps=0"),
    ("unbuilt_discriminator",
     lambda: kgan.models.GAN(tiny_mlp_pair()[0], keras.Sequential([keras.layers.Dense(1)]),
                             latent_dim=4), r"discriminator must be built"),
    ("generator_not_a_model", lambda: kgan.models.GAN(lambda z: z, tiny_mlp_pair()[1], latent_dim=4),
     r"generator must be a keras.Model. Received: generator=function"),
    ("wgan_gp_negative_weight",
     lambda: kgan.models.WGANGP(*tiny_mlp_pair(), latent_dim=4, gp_weight=-1.0),
     r"gp_weight must be a number ≥ 0. Received: gp_weight=-1.0"),
    ("cgan_one_class",
     lambda: kgan.models.CGAN(*tiny_dcgan_pair(latent_dim=9, include_head=False), latent_dim=8,
                              num_classes=1), r"num_classes must be an integer ≥ 2"),
    ("cgan_unknown_conditioning",
     lambda: kgan.models.CGAN(*tiny_dcgan_pair(latent_dim=18, include_head=False), latent_dim=8,
                              num_classes=10, conditioning="film"), r"conditioning must be one of"),
    ("cgan_concat_without_label_channels",
     lambda: kgan.models.CGAN(*tiny_dcgan_pair(latent_dim=18), latent_dim=8, num_classes=10,
                              conditioning="concat"), r"extra channels"),
    ("dcgan_image_size", lambda: kgan.models.DCGAN(image_shape=(24, 24, 1), base_filters=8),
     r"image size must be 4·2\^k or 7·2\^k.*Received: image_size=24"),
    ("dcgan_channels", lambda: kgan.models.DCGAN(image_shape=(16, 16, 2), base_filters=8),
     r"channels 1 or 3. Received: image_shape=\(16, 16, 2\)"),
    ("mlp_width_zero", lambda: kgan.networks.mlp_generator(4, 2, width=0),
     r"width must be an integer ≥ 1. Received: width=0"),
    # ------------------------------------------------ GAN arguments a subclass fixes
    ("r3gan_loss", lambda: kgan.models.R3GAN(*tiny_mlp_pair(), latent_dim=4, loss="hinge"),
     r"loss must be left unset for R3GAN, whose loss is the relativistic pairing loss. "
     r"Received: loss='hinge'"),
    ("r3gan_label_smoothing",
     lambda: kgan.models.R3GAN(*tiny_mlp_pair(), latent_dim=4, label_smoothing=0.1),
     r"label_smoothing must be left unset for R3GAN.*Received: label_smoothing=0.1"),
    ("r3gan_least_squares_targets",
     lambda: kgan.models.R3GAN(*tiny_mlp_pair(), latent_dim=4, least_squares_targets=(0, 1, 1)),
     r"least_squares_targets must be left unset for R3GAN"),
    ("r3gan_r1_gamma", lambda: kgan.models.R3GAN(*tiny_mlp_pair(), latent_dim=4, r1_gamma=1.0),
     r"r1_gamma must be left unset for R3GAN, which weighs R1 and R2 by gamma"),
    ("wgan_loss", lambda: kgan.models.WGAN(*tiny_mlp_pair(), latent_dim=4, loss="hinge"),
     r"loss must be left unset for WGAN, whose loss is the Wasserstein loss"),
    ("wgan_gp_loss", lambda: kgan.models.WGANGP(*tiny_mlp_pair(), latent_dim=4, loss="hinge"),
     r"loss must be left unset for WGANGP, whose loss is the Wasserstein loss"),
    ("stylegan_latent_dim",
     lambda: kgan.models.StyleGAN(*stylegan_networks(kgan.networks.stylegan_synthesis),
                                  latent_dim=8),
     r"latent_dim must be left unset for StyleGAN, which reads it from the generator"),
    ("stylegan2_loss",
     lambda: kgan.models.StyleGAN2(*stylegan_networks(kgan.networks.stylegan2_synthesis),
                                   loss="hinge"),
     r"loss must be left unset for StyleGAN2, whose loss is the non-saturating loss"),
    ("biggan_conditioning", lambda: tiny_biggan(conditioning="concat"),
     r"conditioning must be left unset for BigGAN, whose networks are conditional already"),
    ("biggan_embedding_dim", lambda: tiny_biggan(embedding_dim=4),
     r"embedding_dim must be left unset for BigGAN"),
    # ------------------------------------------------ compile
    ("compile_single_optimizer", lambda: gan().compile(optimizer="adam"),
     r"takes g_optimizer and d_optimizer.*Received: optimizer='adam'"),
    ("compile_loss", lambda: gan().compile(loss="mse"), r"losses are part of the model"),
    ("compile_metrics", lambda: gan().compile(metrics=["mae"]), r"Received: metrics=\['mae'\]"),
    ("compile_same_optimizer_twice",
     lambda: gan().compile(g_optimizer=(o := keras.optimizers.Adam()), d_optimizer=o),
     r"two distinct optimizer objects"),
    ("compile_unknown_optimizer_name", lambda: gan().compile(g_optimizer="adamm"),
     r"Could not interpret optimizer identifier: adamm"),
    ("adversarial_optimizer_not_an_optimizer",
     lambda: kgan.training.AdversarialOptimizer("adam", keras.optimizers.Adam()),
     r"must be a keras.optimizers.Optimizer instance. Received: generator='adam'"),
    # ------------------------------------------------ fit data
    ("fit_before_compile", lambda: fit(gan(), ring()), r"compile"),
    ("data_nan", lambda: fit(compiled_gan(), with_value(ring(), (10, 1), np.nan)),
     r"NaN or Inf values .* index \(10, 1\)"),
    ("data_inf", lambda: fit(compiled_gan(), with_value(ring(), (3, 0), np.inf)),
     r"NaN or Inf values .* index \(3, 0\)"),
    ("data_feature_shape", lambda: fit(compiled_gan(), np.zeros((8, 3), "float32")),
     r"must have shape \(num_samples, \*\(2,\)\).*Received: x.shape=\(8, 3\)"),
    ("data_images_for_mlp", lambda: fit(compiled_gan(), np.zeros((8, 16, 16, 1), "float32")),
     r"Received: x.shape=\(8, 16, 16, 1\)"),
    ("data_empty", lambda: fit(compiled_gan(), np.zeros((0, 2), "float32")),
     r"Training data is empty. Received: x.shape=\(0, 2\)"),
    ("data_strings", lambda: fit(compiled_gan(), np.array([["a", "b"]] * 8)),
     r"x must be a numeric array.*Received: x.dtype=<U1"),
    ("data_objects", lambda: fit(compiled_gan(), np.array([[None, 1.0]] * 8, dtype=object)),
     r"x must be a numeric array.*Received: x.dtype=object"),
    ("cgan_labels_out_of_range", lambda: fit(cgan(), digits()[0], digits()[1] + 5),
     r"y must be in \[0, 10\) \(num_classes=10\). Received values from \d+ to 1[0-4]"),
    ("cgan_negative_labels", lambda: fit(cgan(), digits()[0], digits()[1] - 10),
     r"y must be in \[0, 10\).*Received values from -\d+"),
    ("cgan_float_labels", lambda: fit(cgan(), digits()[0], digits()[1].astype("float32")),
     r"y must be integers. Received dtype float32"),
    ("cgan_labels_missing", lambda: fit(cgan(), digits()[0]), r"call fit\(x, y\) with labels"),
    ("cgan_label_count", lambda: fit(cgan(), digits(8)[0], digits(8)[1][:7]),
     r"one label per sample. Received 8 samples and 7 labels"),
    ("data_list_of_samples", lambda: fit(compiled_gan(), list(ring(8))),
     r"x must be one array \(num_samples, ...\) for GAN: Keras reads a list as the inputs of "
     r"a multi-input model. Stack a list of samples with np.stack\(x\). "
     r"Received: x=a list of length 8"),
    ("data_list_of_one_array", lambda: fit(compiled_gan(), [ring(8)]),
     r"x must be one array.*Received: x=a list of length 1"),
    ("cgan_labels_list", lambda: fit(cgan(), digits()[0], list(digits()[1])),
     r"y must be one array \(num_samples, ...\) for CGAN.*Received: y=a list of length 8"),
    # ------------------------------------------------ generation
    ("generate_without_count", lambda: gan().generate(), r"generate\(\) needs num_samples or z"),
    ("generate_fractional_count", lambda: gan().generate(num_samples=2.5),
     r"num_samples must be an integer ≥ 0. Received: num_samples=2.5"),
    ("generate_negative_count", lambda: gan().generate(-1),
     r"num_samples must be an integer ≥ 0. Received: num_samples=-1"),
    ("generate_latent_shape", lambda: gan().generate(z=np.zeros((3, 5))),
     r"z must have shape \(num_samples, 4\). Received: z.shape=\(3, 5\)"),
    ("generate_batch_size", lambda: gan().generate(4, batch_size=0),
     r"batch_size must be an integer ≥ 1. Received: batch_size=0"),
    ("cgan_generate_label_range", lambda: cgan(False).generate(labels=[3, -1]),
     r"labels must be in \[0, 10\)"),
    ("cgan_generate_latent_count", lambda: cgan(False).generate(labels=[1, 2], z=np.zeros((3, 8))),
     r"z must have shape \(2, 8\), one latent per label. Received: z.shape=\(3, 8\)"),
    # ------------------------------------------------ data helpers
    ("mixture_unknown_name", lambda: kgan.data.gaussian_mixture("ring9", 10),
     r"mixture name must be one of \['grid25', 'ring8'\]. Received: 'ring9'"),
    ("mixture_no_samples", lambda: kgan.data.gaussian_mixture("ring8", 0),
     r"num_samples must be an integer ≥ 1"),
    ("digits_image_size", lambda: kgan.data.load_digits(image_size=4),
     r"image_size must be an integer ≥ 8. Received: image_size=4"),
    ("digits_split", lambda: kgan.data.load_digits(split="val"),
     r"split must be 'all', 'train' or 'test'. Received: split='val'"),
    ("images_outside_value_range",
     lambda: kgan.data.images_from_array(np.full((2, 4, 4), 300.0)),
     r"must lie in value_range=\(0, 255\). Received values from 300"),
    ("images_rank", lambda: kgan.data.images_from_array(np.zeros((4, 4))),
     r"shape \(n, h, w\) or \(n, h, w, c\). Received: \(4, 4\)"),
    ("images_value_range_order",
     lambda: kgan.data.images_from_array(np.zeros((1, 4, 4)), value_range=(1, 0)),
     r"value_range must be \(low, high\) with high > low"),
    ("image_folder_missing", lambda: kgan.data.load_image_folder("/nonexistent/kgan", 16, 1),
     r"Image folder not found: '/nonexistent/kgan'"),
    # ------------------------------------------------ recipes (config overrides)
    ("recipe_unknown_key", lambda: with_overrides(RECIPE_DEFAULTS, ["epoch=3"]),
     r"Unknown config key 'epoch'. Valid keys: batch_size, ema, epochs, loss"),
    ("recipe_bad_int", lambda: with_overrides(RECIPE_DEFAULTS, ["epochs=ten"]),
     r"epochs must be an integer. Received: epochs='ten'"),
    ("recipe_bad_bool", lambda: with_overrides(RECIPE_DEFAULTS, ["ema=maybe"]),
     r"ema must be true or false. Received: ema='maybe'"),
    ("recipe_missing_equals", lambda: with_overrides(RECIPE_DEFAULTS, ["epochs"]),
     r"Overrides are key=value. Received: 'epochs'"),
    # ------------------------------------------------ callbacks
    ("checkpoint_keep_zero", lambda: kgan.callbacks.Checkpoint("ckpt", keep=0),
     r"keep must be an integer ≥ 1. Received: keep=0"),
    ("checkpoint_every_zero", lambda: kgan.callbacks.Checkpoint("ckpt", every_n_epochs=0),
     r"every_n_epochs must be an integer ≥ 1"),
    ("checkpoint_empty_directory", lambda: kgan.callbacks.Checkpoint(""),
     r"directory must be a non-empty path. Received: directory=''"),
    ("nan_guard_flag", lambda: kgan.callbacks.NaNGuard(check_weights="yes"),
     r"check_weights must be True or False. Received: check_weights='yes'"),
    ("sample_grid_every_zero", lambda: kgan.callbacks.SampleGrid("grids", every_n_epochs=0),
     r"every_n_epochs must be an integer ≥ 1"),
]


def test_there_are_at_least_30_cases():
    assert len(CASES) >= 30
    assert len({case_id for case_id, _, _ in CASES}) == len(CASES)


def test_generate_zero_samples_is_an_empty_batch():
    assert gan().generate(0).shape == (0, 2)
    assert gan().generate(z=np.zeros((0, 4))).shape == (0, 2)
    g, d = tiny_dcgan_pair(latent_dim=8)
    images = kgan.models.GAN(g, d, latent_dim=8).generate(0, seed=0)
    assert images.shape == (0, *g.output_shape[1:]) and images.dtype == np.float32


@pytest.mark.parametrize("call, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


# ---------------------------------------------------------------- not ValueErrors

def test_batch_size_larger_than_the_data_warns():
    message = r"batch_size=64 is larger than the training data \(8 samples\): each epoch is one "
    with pytest.warns(UserWarning, match=message + r"batch of 8. Pass a batch_size ≤ 8."):
        compiled_gan().fit(ring(8), batch_size=64, epochs=1, verbose=0)
    with pytest.warns(UserWarning, match=message):  # batch_size given positionally
        compiled_gan().fit(ring(8), None, 64, verbose=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compiled_gan().fit(ring(8), batch_size=8, epochs=1, verbose=0)
    assert not [w for w in caught if "batch_size" in str(w.message)]


def test_images_outside_minus_one_one_warn_with_the_rescale_option():
    keras.utils.set_random_seed(0)
    model = kgan.models.DCGAN(image_shape=(16, 16, 1), latent_dim=8, base_filters=8, seed=0)
    model.compile()
    x = (digits(8)[0] + 1.0) * 127.5  # [0, 255]
    with pytest.warns(UserWarning, match=r"in \[-1, 1\].*Received values in \[0, 255\].*"
                                         r"images_from_array\(x, value_range=\(0, 255\)\)"):
        fit(model, x)


def test_recipe_command_line_refuses_unknown_key(capsys):
    with pytest.raises(SystemExit) as exit_info:
        recipe_main(RECIPE_DEFAULTS, run=lambda config: {}, argv=["--set", "lr=1"])
    assert exit_info.value.code == 2
    assert "Unknown config key 'lr'. Valid keys: batch_size, ema, epochs, loss" in (
        capsys.readouterr().err
    )


def test_keras_files_load_in_safe_mode(tmp_path):
    # A .keras file that holds Python code (a Lambda) is refused by default.
    with pytest.raises(ValueError, match="safe_mode"):
        image_model_with_lambda(os.path.join(str(tmp_path), "lambda.keras"))


def test_corrupted_checkpoint_is_a_clear_error(tmp_path):
    path = tmp_path / "epoch-000001.kgan-ckpt"
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(kgan.callbacks.CheckpointError, match="must start with a kgan checkpoint"):
        kgan.callbacks.checkpoint.read_checkpoint(str(path))
