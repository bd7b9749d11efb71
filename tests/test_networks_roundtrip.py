"""`.keras` round-trip of every builder in kgan.networks, on the active backend."""

import json

import keras
import numpy as np
import pytest

import kgan

N = kgan.networks
CLASSES = 3

# Every public builder, at a tiny size. A new builder adds its case here.
CASES = {
    "bigan_discriminator": lambda: N.bigan_discriminator((16, 16, 1), latent_dim=4,
                                                         base_filters=4, width=8),
    "bigan_encoder": lambda: N.bigan_encoder((16, 16, 1), latent_dim=4, base_filters=4),
    "conditional_discriminator": lambda: N.conditional_discriminator(
        N.dcgan_discriminator((16, 16, 1), base_filters=4, include_head=False), CLASSES),
    "conditional_generator": lambda: N.conditional_generator(
        N.mlp_generator(4 + CLASSES, 2, width=8, depth=1), CLASSES),
    "dcgan_discriminator": lambda: N.dcgan_discriminator((16, 16, 1), base_filters=4,
                                                         spectral_norm=True),
    "dcgan_generator": lambda: N.dcgan_generator(4, (16, 16, 1), base_filters=4),
    "mlp_discriminator": lambda: N.mlp_discriminator(2, width=8, depth=1),
    "mlp_generator": lambda: N.mlp_generator(4, 2, width=8, depth=1),
    "pack_discriminator": lambda: N.pack_discriminator(
        N.dcgan_discriminator((16, 16, 2), base_filters=4), 2),
    "patchgan_discriminator": lambda: N.patchgan_discriminator((16, 16, 2), base_filters=4,
                                                               num_layers=2),
    "pixel_discriminator": lambda: N.pixel_discriminator((8, 8, 2), base_filters=4,
                                                         normalization="instance"),
    "resnet_generator": lambda: N.resnet_generator((16, 16, 1), base_filters=4, num_blocks=1,
                                                   num_downsamples=1),
    "semi_supervised_discriminator": lambda: N.semi_supervised_discriminator(
        (16, 16, 1), num_classes=CLASSES, base_filters=4),
    "stargan_discriminator": lambda: N.stargan_discriminator((16, 16, 1), num_domains=CLASSES,
                                                             base_filters=4, num_layers=2),
    "srgan_discriminator": lambda: N.srgan_discriminator((16, 16, 1), base_filters=4,
                                                         num_levels=1, dense_units=8),
    "srgan_generator": lambda: N.srgan_generator((8, 8, 1), scale=2, filters=4, num_blocks=1),
    "unet_generator": lambda: N.unet_generator((16, 16, 1), base_filters=4, max_filters=8),
    "ganimation_generator": lambda: N.ganimation_generator((16, 16, 1), 2, base_filters=4,
                                                           num_blocks=1, num_downsamples=1),
    "zi2zi_generator": lambda: N.zi2zi_generator((16, 16, 1), CLASSES, embedding_dim=4,
                                                 base_filters=4, depth=2),
    "biggan_generator": lambda: N.biggan_generator(8, CLASSES, (8, 8, 1), channels=(8, 8),
                                                   shared_dim=4, attention_resolution=8),
    "biggan_deep_generator": lambda: N.biggan_deep_generator(
        layers=[(False, 16, 8), (True, 8, 4), (False, 4, 2), (True, 2, 1)], z_dim=8, channel_width=4,
        num_classes=CLASSES,
        attention_layer_position=1, num_sets=3),
    "biggan_discriminator": lambda: N.biggan_discriminator((8, 8, 1), CLASSES, channels=(8, 8),
                                                           attention_resolution=4),
    "stylegan_mapping": lambda: N.stylegan_mapping(4, 4, num_layers=2),
    "stylegan_synthesis": lambda: N.stylegan_synthesis(4, (8, 8, 1), 64, 8),
    "stylegan2_synthesis": lambda: N.stylegan2_synthesis(4, (8, 8, 1), 64, 8),
    "stylegan_generator": lambda: N.stylegan_generator(N.stylegan_mapping(4, 4, num_layers=2),
                                                       N.stylegan2_synthesis(4, (8, 8, 1), 64, 8)),
    "stylegan2_discriminator": lambda: N.stylegan2_discriminator((8, 8, 1), 64, 8),
    "ProgressiveGenerator": lambda: N.ProgressiveGenerator(4, resolution=8, base_filters=4,
                                                           max_filters=4),
    "ProgressiveDiscriminator": lambda: N.ProgressiveDiscriminator(resolution=8, base_filters=4,
                                                                   max_filters=4),
}
# Variants whose extra layers or arguments a `.keras` file must carry too.
VARIANTS = {
    "stylegan2_synthesis_orig_clamped": lambda: N.stylegan2_synthesis(
        4, (8, 8, 1), 64, 8, architecture="orig", conv_clamp=256.0, use_noise=False),
    "stylegan2_discriminator_conditional_skip": lambda: N.stylegan2_discriminator(
        (8, 8, 1), 64, 8, architecture="skip", conv_clamp=256.0, mbstd_num_channels=2, c_dim=CLASSES,
        mapping_layers=2),
    "dcgan_generator_pacgan_depth": lambda: N.dcgan_generator(4, (28, 28, 3), base_filters=2,
                                                              smallest_size=2),
    "dcgan_discriminator_pacgan_depth": lambda: N.dcgan_discriminator((28, 28, 3), base_filters=2,
                                                                      smallest_size=2),
    "stylegan_generator_conditional": lambda: N.stylegan_generator(
        N.stylegan_mapping(4, 4, num_layers=2, c_dim=CLASSES),
        N.stylegan2_synthesis(4, (8, 8, 1), 64, 8)),
}
# Builders left out, with the reason.
EXCLUDED = {
    "vgg19_content_network": "needs VGG19 ImageNet weights, which are not shipped",
    "biggan_deep_statistics_weights": "not a builder: the BigGAN-deep network's third input",
}


# Subclassed networks have no symbolic inputs: their input shapes (no batch axis).
SUBCLASSED_INPUTS = {"ProgressiveGenerator": [(4,)], "ProgressiveDiscriminator": [(8, 8, 1)]}


def _inputs(name, network, rng):
    specs = [(shape, "float32") for shape in SUBCLASSED_INPUTS.get(name, [])] or [
        (tuple(tensor.shape[1:]), str(tensor.dtype)) for tensor in network.inputs
    ]
    arrays = []
    for item_shape, dtype in specs:
        shape = (2, *item_shape)
        if "int" in dtype:
            arrays.append(rng.integers(0, CLASSES, shape).astype("int32"))
        else:
            arrays.append(np.tanh(rng.standard_normal(shape)).astype("float32"))
    return arrays if len(arrays) > 1 else arrays[0]


def _outputs(network, inputs):
    return [keras.ops.convert_to_numpy(t) for t in keras.tree.flatten(network(inputs))]


def test_every_builder_has_a_case():
    assert sorted([*CASES, *EXCLUDED]) == sorted(N.__all__)


@pytest.mark.parametrize("name", sorted([*CASES, *VARIANTS]))
def test_keras_file_round_trip(name, tmp_path):
    keras.utils.set_random_seed(0)
    network = {**CASES, **VARIANTS}[name]()
    inputs = _inputs(name, network, np.random.default_rng(0))
    path = str(tmp_path / f"{name}.keras")
    network.save(path)
    loaded = keras.saving.load_model(path)
    # Through JSON, as in the file: tuples and lists are the same there.
    assert json.loads(json.dumps(loaded.get_config())) == json.loads(json.dumps(network.get_config()))
    for before, after in zip(_outputs(network, inputs), _outputs(loaded, inputs)):
        np.testing.assert_allclose(after, before, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("name", sorted([*CASES, *VARIANTS]))
def test_builders_use_kgans_convolution_layers(name):
    """Every convolution a builder makes, nested ones included, goes through
    `kgan.backend.conv` / `conv_transpose` (faster on JAX's CPU): none is
    Keras' own layer."""
    network = {**CASES, **VARIANTS}[name]()
    keras_layers = [layer.name for layer in network._flatten_layers()
                    if type(layer) in (keras.layers.Conv2D, keras.layers.Conv2DTranspose)]
    assert keras_layers == []


def test_dcgan_smallest_size_sets_the_depth():
    # PacGAN's Stacked MNIST depth: 2 → 4 → 7 → 14 → 28 (4 → 8 cropped to 7) and back.
    generator = N.dcgan_generator(4, (28, 28, 3), base_filters=2, smallest_size=2)
    feature_sizes = [layer.output.shape[1] for layer in generator.layers
                     if isinstance(layer, keras.layers.BatchNormalization)]
    assert feature_sizes == [2, 4, 7, 14] and generator.output.shape[1:] == (28, 28, 3)
    discriminator = N.dcgan_discriminator((28, 28, 3), base_filters=2, smallest_size=2)
    assert [layer.output.shape[1:] for layer in discriminator.layers
            if isinstance(layer, keras.layers.Conv2D)] == [(14, 14, 2), (7, 7, 4), (4, 4, 8),
                                                           (2, 2, 16)]
    # None keeps the 4·2^k / 7·2^k networks.
    default = N.dcgan_generator(4, (28, 28, 1), base_filters=2)
    assert default.count_params() == N.dcgan_generator(4, (28, 28, 1), base_filters=2,
                                                       smallest_size=7).count_params()
    with pytest.raises(ValueError, match=r"smallest_size must be a size that halving the image "
                       r"size \(rounded up\) reaches at least once: 28 → 14 → 7 → 4 → 2 → 1\. "
                       r"Received: smallest_size=3"):
        N.dcgan_discriminator((28, 28, 1), smallest_size=3)
