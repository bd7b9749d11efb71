"""kgan's PatchGAN and PixelGAN against the pix2pix/CycleGAN authors' code
(junyanz/pytorch-CycleGAN-and-pix2pix): their discriminator files load and give their logits.

The fixtures (state dicts and the authors' eval-mode logits) are written by
tests/fixtures/junyanz/make_fixtures.py from the authors' models/networks.py.
"""

import os

import keras
import numpy as np
import pytest

import kgan

from .conftest import relative_difference

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "junyanz")
TOLERANCE = 1e-4  # max |kgan − authors| / std(authors)

# fixture name → the options the file was written with (as in make_fixtures.py)
CONFIGS = {
    "basic_batch": dict(netD="basic", norm="batch", input_nc=6, ndf=4),
    "basic_instance": dict(netD="basic", norm="instance", input_nc=3, ndf=4),
    "n_layers4_instance": dict(netD="n_layers", n_layers_D=4, norm="instance", input_nc=6, ndf=4),
    "n_layers4_none": dict(netD="n_layers", n_layers_D=4, norm="none", input_nc=3, ndf=4),
    "pixel_batch": dict(netD="pixel", norm="batch", input_nc=3, ndf=8),
    "pixel_none": dict(netD="pixel", norm="none", input_nc=6, ndf=8),
}


def _reference(name):
    """(NHWC inputs in [-1, 1], the authors' eval-mode logits NHWC)."""
    data = np.load(os.path.join(FIXTURES, f"{name}.npz"))
    inputs = data["pixels"].astype("float32") / np.float32(127.5) - 1
    return inputs.transpose(0, 2, 3, 1), data["eval"].transpose(0, 2, 3, 1)


def _relative_difference(discriminator, inputs, expected):
    logits = keras.ops.convert_to_numpy(discriminator(inputs, training=False))
    assert logits.shape == expected.shape
    return relative_difference(logits, expected)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_discriminator_equals_the_authors(name):
    inputs, expected = _reference(name)
    discriminator = kgan.pretrained.load_junyanz_discriminator(
        os.path.join(FIXTURES, f"{name}_net_D.pth"), image_size=inputs.shape[1:3], **CONFIGS[name])
    assert _relative_difference(discriminator, inputs, expected) <= TOLERANCE


def test_old_file_with_instance_norm_statistics_loads(tmp_path):
    # PyTorch before 0.4 saved InstanceNorm running statistics; the authors' loader drops them.
    torch = pytest.importorskip("torch")
    state = torch.load(os.path.join(FIXTURES, "basic_instance_net_D.pth"), weights_only=True)
    for index, channels in ((3, 8), (6, 16), (9, 32)):  # the three InstanceNorm modules
        state[f"model.{index}.running_mean"] = torch.randn(channels)
        state[f"model.{index}.running_var"] = torch.rand(channels) + 0.5
        state[f"model.{index}.num_batches_tracked"] = torch.tensor(7)
    path = tmp_path / "old_net_D.pth"
    torch.save(state, path)
    inputs, expected = _reference("basic_instance")
    discriminator = kgan.pretrained.load_junyanz_discriminator(
        path, image_size=inputs.shape[1:3], **CONFIGS["basic_instance"])
    assert _relative_difference(discriminator, inputs, expected) <= TOLERANCE


@pytest.mark.parametrize(
    "name, options, error, message",
    [
        ("basic_batch", dict(netD="global"), ValueError, "netD must be one of"),
        ("basic_batch", dict(norm="group"), ValueError, "norm must be one of"),
        # an instance-norm file read as batch norm: the batch norm's tensors are missing
        ("basic_instance", dict(norm="batch"), ValueError, "has no tensor 'model.3.weight'"),
        # read without normalisation: the instance-norm convolutions' biases have no place
        ("basic_instance", dict(norm="none"), ValueError, "lacks: \\['model.2.bias'"),
        ("basic_batch", dict(ndf=8), ValueError, "'model.0' has shape"),
        ("basic_batch", dict(input_nc=3), ValueError, "'model.0' has shape"),
        ("n_layers4_none", dict(netD="basic"), ValueError, "has no tensor 'model.11.bias'"),
        ("basic_batch", dict(netD="n_layers", n_layers_D=0), ValueError, "n_layers_D"),
        ("missing", {}, FileNotFoundError, "junyanz/pytorch-CycleGAN-and-pix2pix"),
    ],
)
def test_refusals(name, options, error, message):
    options = {**CONFIGS.get(name, CONFIGS["basic_batch"]), "image_size": 32, **options}
    with pytest.raises(error, match=message):
        kgan.pretrained.load_junyanz_discriminator(
            os.path.join(FIXTURES, f"{name}_net_D.pth"), **options)
