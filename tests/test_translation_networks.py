"""The translation networks: U-Net, PatchGAN, ResNet and SRGAN builders, PixelShuffle,
instance normalisation."""

import keras
import numpy as np
import pytest

import kgan
from kgan.layers.normalization import normalization_layer
from kgan.networks.resnet_generator import ReflectionPadding2D


def test_unet_generator_shapes_and_skips():
    g = kgan.networks.unet_generator((16, 16, 1), output_channels=3, base_filters=8, max_filters=8)
    assert tuple(g.output_shape) == (None, 16, 16, 3)
    # depth 4 (16 → 1): 3 concatenations (skips); dropout, as in the authors' code, only after
    # the decoder's 8·base_filters layers below the innermost one: depth − 5 of them, none here
    kinds = [type(layer).__name__ for layer in g.layers]
    assert kinds.count("Concatenate") == 3 and kinds.count("Dropout") == 0
    g = kgan.networks.unet_generator((128, 128, 1), base_filters=2)  # the authors' unet_128
    assert [type(layer).__name__ for layer in g.layers].count("Dropout") == 2


def test_patchgan_output_sizes():
    # The authors' 1-pixel padding: the two stride-1 convolutions shrink the map by 1 each.
    for num_layers, size in ((1, 14), (2, 6), (3, 2)):
        d = kgan.networks.patchgan_discriminator((32, 32, 2), base_filters=8, num_layers=num_layers)
        assert tuple(d.output_shape) == (None, size, size, 1)
        d = kgan.networks.patchgan_discriminator((32, 32, 2), base_filters=8, num_layers=num_layers,
                                                 padding="same")
        assert tuple(d.output_shape) == (None, 32 // 2**num_layers, 32 // 2**num_layers, 1)


@pytest.mark.parametrize("normalization, biases", [("batch", 2), ("instance", 5), (None, 2)])
def test_patchgan_weights_follow_the_authors(normalization, biases):
    # Biases only where instance norm follows (and on the first and last convolutions);
    # instance norm has no scale or offset; batch norm has both.
    d = kgan.networks.patchgan_discriminator((32, 32, 2), base_filters=4, num_layers=3,
                                             normalization=normalization)
    names = [w.path.split("/")[-1] for w in d.trainable_weights]
    assert names.count("bias") == biases and names.count("kernel") == 5
    assert names.count("gamma") == (3 if normalization == "batch" else 0)
    affine = kgan.networks.patchgan_discriminator((32, 32, 2), base_filters=4, num_layers=3,
                                                  normalization="instance", instance_affine=True)
    assert len(affine.trainable_weights) == 5 + 5 + 2 * 3  # kernels, biases, scales and offsets
    p = kgan.networks.pixel_discriminator((4, 4, 2), base_filters=4, normalization=normalization)
    assert [tuple(w.shape) for w in p.trainable_weights if w.path.endswith("kernel")] == [
        (1, 1, 2, 4), (1, 1, 4, 8), (1, 1, 8, 1)]
    assert tuple(p.output_shape) == (None, 4, 4, 1)


def test_resnet_generator_with_condition():
    keras.utils.set_random_seed(0)
    g = kgan.networks.resnet_generator((16, 16, 1), base_filters=8, num_blocks=1, condition_dim=3,
                                       padding="zero")
    images = kgan.data.load_digits(image_size=16, split="test")[0][:2]
    out = keras.ops.convert_to_numpy(g([images, np.ones((2, 3), "float32")]))
    assert out.shape == (2, 16, 16, 1)
    other = keras.ops.convert_to_numpy(g([images, np.zeros((2, 3), "float32")]))
    assert np.abs(out - other).max() > 1e-3  # the condition reaches the output
    # Reflection padding + instance norm would make the condition a constant the norm removes.
    with pytest.raises(ValueError, match="must pad with zeros"):
        kgan.networks.resnet_generator((16, 16, 1), base_filters=8, num_blocks=1, condition_dim=3)


def test_resnet_generator_pads_by_reflection():
    x = np.arange(2 * 5 * 4 * 3, dtype="float32").reshape(2, 5, 4, 3)
    layer = ReflectionPadding2D(2)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x)),
                                  np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)], mode="reflect"))
    assert tuple(layer.compute_output_shape((None, 5, 4, 3))) == (None, 9, 8, 3)

    def pads(**kwargs):
        g = kgan.networks.resnet_generator((16, 16, 1), base_filters=4, num_blocks=1, **kwargs)
        return [layer.padding for layer in g.layers if isinstance(layer, ReflectionPadding2D)]

    assert pads() == [3, 1, 1, 3]  # Conv(7), the block's two Conv(3), the output Conv(7)
    assert pads(padding="zero") == []


def test_srgan_networks_upscale_four_times():
    g = kgan.networks.srgan_generator((4, 4, 1), filters=8, num_blocks=1)
    assert tuple(g.output_shape) == (None, 16, 16, 1)
    d = kgan.networks.srgan_discriminator((16, 16, 1), base_filters=8, num_levels=2, dense_units=8)
    assert tuple(d.output_shape) == (None, 1)


def test_pixel_shuffle_matches_manual_rearrangement():
    x = np.arange(2 * 2 * 3 * 8, dtype="float32").reshape(2, 2, 3, 8)
    y = keras.ops.convert_to_numpy(kgan.layers.PixelShuffle(2)(x))
    assert y.shape == (2, 4, 6, 2)
    # output pixel (2i + a, 2j + b), channel c = input (i, j), channel (a·2 + b)·C + c
    for i, j, a, b, c in ((0, 0, 0, 1, 0), (1, 2, 1, 0, 1), (1, 1, 1, 1, 1)):
        assert y[1, 2 * i + a, 2 * j + b, c] == x[1, i, j, (a * 2 + b) * 2 + c]
    layer = kgan.layers.PixelShuffle.from_config(kgan.layers.PixelShuffle(2).get_config())
    assert layer.scale == 2


def test_instance_normalization_is_group_normalization_per_channel():
    layer = normalization_layer("instance")
    x = np.random.default_rng(0).normal(3.0, 2.0, (2, 4, 4, 3)).astype("float32")
    y = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=(1, 2)), 1.0, atol=1e-3)
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(3,), (3,)]  # affine


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: kgan.networks.unet_generator((12, 12, 1), depth=3), "depth"),
        (lambda: kgan.networks.unet_generator((16, 16, 1), dropout=1.0), "dropout"),
        (lambda: kgan.networks.unet_generator((16, 16)), "image_shape"),
        (lambda: kgan.networks.patchgan_discriminator((20, 20, 2), num_layers=3), "num_layers"),
        (lambda: kgan.networks.patchgan_discriminator((20, 20, 2), num_layers=3, padding="same"),
         "num_layers"),
        (lambda: kgan.networks.patchgan_discriminator((16, 16, 2), padding="valid"), "padding"),
        (lambda: kgan.networks.pixel_discriminator((16, 16, 2), normalization="x"),
         "normalization"),
        (lambda: kgan.networks.patchgan_discriminator((16, 16, 2), normalization="x"),
         "normalization"),
        (lambda: kgan.networks.resnet_generator((18, 18, 1), num_downsamples=2), "num_downsamples"),
        (lambda: kgan.networks.resnet_generator((16, 16, 1), padding="same"), "padding must be"),
        (lambda: kgan.networks.srgan_generator((8, 8, 1), scale=3), "scale"),
        (lambda: kgan.layers.PixelShuffle(2)(np.zeros((1, 2, 2, 3), "float32")), "divisible"),
    ],
)
def test_bad_arguments(build, message):
    with pytest.raises(ValueError, match=message):
        build()
