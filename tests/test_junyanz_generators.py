"""kgan's pix2pix/CycleGAN generators against junyanz/pytorch-CycleGAN-and-pix2pix: their files load
and give their outputs.

The fixtures (tests/fixtures/junyanz/, written by make_fixtures.py there with the authors'
models/networks.py) hold each network's state dict as the authors' save_networks writes it and the
outputs their network gave for fixed inputs. Tolerance: max |difference| / std(reference) ≤ 1e-4
(float32 arithmetic in a different order).
"""

import pickle
from pathlib import Path

import keras
import numpy as np
import pytest

import kgan
from kgan.pretrained import junyanz

from .conftest import relative_difference

FIXTURES = Path(__file__).parent / "fixtures" / "junyanz"
TOLERANCE = 1e-4
# fixture name → the authors' define_G options it was written with
GENERATORS = {
    "resnet_9blocks_instance": dict(netG="resnet_9blocks", norm="instance", ngf=4),
    "resnet_6blocks_batch": dict(netG="resnet_6blocks", norm="batch", input_nc=1, ngf=2,
                                 use_dropout=True),
    "resnet_6blocks_none": dict(netG="resnet_6blocks", norm="none", output_nc=1, ngf=2),
    "unet_128_batch": dict(netG="unet_128", norm="batch", output_nc=1, ngf=2, use_dropout=True),
    "unet_256_instance": dict(netG="unet_256", norm="instance", output_nc=1, ngf=2,
                              use_dropout=True),
    "unet_128_none": dict(netG="unet_128", norm="none", input_nc=1, output_nc=2, ngf=2,
                          use_dropout=True),
}


def reference(name):
    """`(inputs NHWC in [-1, 1], eval outputs NHWC, train outputs NHWC or None)`."""
    data = np.load(FIXTURES / f"{name}.npz")
    inputs = data["pixels"].astype("float32") / np.float32(127.5) - 1
    nhwc = (lambda a: np.transpose(a, (0, 2, 3, 1)))  # noqa: E731
    return nhwc(inputs), nhwc(data["eval"]), nhwc(data["train"]) if "train" in data else None


def load(name, **overrides):
    inputs, _, _ = reference(name)
    options = {"image_size": inputs.shape[1:3], **GENERATORS.get(name, {}), **overrides}
    return junyanz.load_junyanz_generator(FIXTURES / f"{name}_net_G.pth", **options)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_equals_the_authors_in_eval_mode(name):
    inputs, expected, _ = reference(name)
    generator = load(name)
    assert relative_difference(generator(inputs, training=False), expected) <= TOLERANCE


def test_batch_norm_unet_equals_the_authors_with_batch_statistics():
    # pix2pix's test-time behaviour without --eval: batch statistics (and dropout, which the
    # fixture switched off: the same weights load into the network without dropout layers).
    inputs, expected_eval, expected_train = reference("unet_128_batch")
    generator = load("unet_128_batch", use_dropout=False)
    assert relative_difference(generator(inputs, training=True), expected_train) <= TOLERANCE
    assert relative_difference(expected_train, expected_eval) > 0.01  # the two modes differ


def test_resnet_with_batch_statistics_equals_the_authors():
    inputs, _, expected_train = reference("resnet_6blocks_batch")
    generator = load("resnet_6blocks_batch")
    for layer in generator.layers:  # the fixture switched dropout off
        if isinstance(layer, keras.layers.Dropout):
            layer.rate = 0.0
    assert relative_difference(generator(inputs, training=True), expected_train) <= TOLERANCE


def test_training_mode_applies_dropout_as_the_authors_test_script():
    inputs, _, _ = reference("unet_128_batch")
    generator = load("unet_128_batch")
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in generator.layers) == 2
    first, second = (keras.ops.convert_to_numpy(generator(inputs, training=True)) for _ in range(2))
    assert np.abs(first - second).max() > 1e-3


def test_old_file_with_instance_norm_statistics_loads():
    # Written with InstanceNorm running statistics (PyTorch < 0.4); the authors' loader drops them.
    inputs, expected, _ = reference("resnet_6blocks_instance_old")
    generator = load("resnet_6blocks_instance_old", netG="resnet_6blocks", norm="instance", ngf=2)
    assert relative_difference(generator(inputs), expected) <= TOLERANCE


def test_instance_norm_statistics_are_refused_where_the_network_has_batch_norm():
    with pytest.raises(ValueError, match="no tensor 'model.2.weight'"):
        load("resnet_6blocks_instance_old", netG="resnet_6blocks", norm="batch", ngf=2)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"netG": "resnet_6blocks"}, "no tensor 'model.16.weight'"),  # block 7 read as upsampling
        ({"netG": "unet_128", "image_size": 128}, "no tensor 'model.model.0.weight'"),
        ({"norm": "batch"}, "no tensor 'model.2.weight'"),  # no batch-norm scale
        ({"ngf": 8}, "has shape"),
        ({"input_nc": 1}, "has shape"),
    ],
)
def test_a_file_of_another_configuration_is_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        load("resnet_9blocks_instance", **overrides)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.pop("model.10.conv_block.1.weight"), "no tensor 'model.10.conv_block.1.weight'"),
        (lambda s: s.update({"model.99.weight": np.zeros(1, "float32")}), "lacks: \\['model.99.weight'\\]"),
    ],
)
def test_a_missing_or_extra_tensor_is_refused(monkeypatch, change, message):
    read = junyanz.read_torch_state_dict

    def changed(path):
        state = read(path)
        change(state)
        return state

    monkeypatch.setattr(junyanz, "read_torch_state_dict", changed)
    with pytest.raises(ValueError, match=message):
        load("resnet_9blocks_instance")


def test_files_that_are_not_state_dicts_are_refused(tmp_path):
    # a training checkpoint (a dict of dicts), random bytes, a plain pickle
    with pytest.raises(ValueError, match="is not a PyTorch state dict"):
        junyanz.load_junyanz_generator(FIXTURES / "checkpoint_not_state_dict.pth", ngf=4)
    for name, content in (("bytes.pth", b"not a torch file"), ("plain.pth", pickle.dumps([1, 2]))):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match="is not a PyTorch state dict"):
            junyanz.load_junyanz_generator(tmp_path / name)


def test_a_missing_file_says_where_the_files_come_from(tmp_path):
    with pytest.raises(FileNotFoundError, match="efrosgans.*never downloads"):
        kgan.pretrained.load_junyanz_generator(tmp_path / "latest_net_G.pth")


@pytest.mark.parametrize(
    "kwargs, message",
    [({"netG": "resnet_12blocks"}, "netG must be one of"), ({"norm": "group"}, "norm must be one of")],
)
def test_unknown_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        junyanz.load_junyanz_generator(FIXTURES / "resnet_9blocks_instance_net_G.pth", **kwargs)
