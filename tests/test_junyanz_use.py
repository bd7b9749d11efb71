"""Loaded junyanz networks in use: CycleGAN fine-tuning and SavedModel export.

The networks come from the committed fixtures (tests/fixtures/junyanz/): the
3 → 3 channel ResNet generator serves both directions, the 3-channel PatchGAN
and PixelGAN discriminators judge the two domains.
"""

import json
import os

import keras
import numpy as np

import kgan
from kgan.cli import main
from kgan.export import export_saved_model
from tests.conftest import cli_error, cli_json, serve_exports

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "junyanz")
IMAGE_SIZE = 32


def _generator():
    return kgan.pretrained.load_junyanz_generator(
        os.path.join(FIXTURES, "resnet_9blocks_instance_net_G.pth"), netG="resnet_9blocks",
        norm="instance", ngf=4, image_size=IMAGE_SIZE)


def _images(seed, count):
    rng = np.random.default_rng(seed)
    return np.tanh(rng.standard_normal((count, IMAGE_SIZE, IMAGE_SIZE, 3))).astype("float32")


def test_cyclegan_of_loaded_networks_trains():
    discriminator_a = kgan.pretrained.load_junyanz_discriminator(
        os.path.join(FIXTURES, "basic_instance_net_D.pth"), netD="basic", norm="instance",
        input_nc=3, ndf=4, image_size=IMAGE_SIZE)
    discriminator_b = kgan.pretrained.load_junyanz_discriminator(
        os.path.join(FIXTURES, "pixel_batch_net_D.pth"), netD="pixel", norm="batch",
        input_nc=3, ndf=8, image_size=IMAGE_SIZE)
    model = kgan.models.CycleGAN(_generator(), _generator(), discriminator_a, discriminator_b,
                                 pool_size=4, seed=0)
    model.compile()
    history = model.fit(_images(0, 4), _images(1, 4), batch_size=2, epochs=1, verbose=0)
    assert len(history.history["g_loss"]) == 1
    for name in ("d_loss", "g_loss", "cycle", "identity"):
        assert np.isfinite(history.history[name]).all(), name
    assert model.translate(_images(2, 1)).shape == (1, IMAGE_SIZE, IMAGE_SIZE, 3)


def test_loaded_generator_served_by_plain_tensorflow(tmp_path):
    generator = _generator()
    images = _images(3, 3)
    expected = keras.ops.convert_to_numpy(generator(images, training=False))
    path = str(tmp_path / "junyanz" / "1")
    contract = export_saved_model(generator, path)
    assert contract["signatures"] == ["serving_default"]
    assert contract["image_shape"] == [IMAGE_SIZE, IMAGE_SIZE, 3]
    np.savez(tmp_path / "inputs.npz", images=images)
    np.savez(tmp_path / "expected.npz", images=expected)
    case = {"path": path, **contract, "inputs": str(tmp_path / "inputs.npz"),
            "expected": str(tmp_path / "expected.npz")}
    with open(tmp_path / "cases.json", "w") as file:
        json.dump([case], file)
    assert "checked" in serve_exports(tmp_path / "cases.json")


def test_cli_exports_a_pth_with_the_authors_options(tmp_path, capsys):
    """`kgan export FILE.pth OUT --netG ... --no_dropout` serves the loaded generator."""
    generator = _generator()
    images = _images(4, 2)
    path = str(tmp_path / "cli" / "1")
    pth = os.path.join(FIXTURES, "resnet_9blocks_instance_net_G.pth")
    assert main(["export", pth, path, "--netG", "resnet_9blocks", "--norm", "instance",
                 "--no_dropout", "--ngf", "4", "--image_size", str(IMAGE_SIZE)]) == 0
    assert cli_json(capsys) == {"saved_model": path}
    np.savez(tmp_path / "inputs.npz", images=images)
    np.savez(tmp_path / "expected.npz",
             images=keras.ops.convert_to_numpy(generator(images, training=False)))
    case = {"path": path, "kind": "translator", "latent_dim": None, "num_classes": None,
            "image_shape": [IMAGE_SIZE, IMAGE_SIZE, 3], "signatures": ["serving_default"],
            "inputs": str(tmp_path / "inputs.npz"), "expected": str(tmp_path / "expected.npz")}
    with open(tmp_path / "cases.json", "w") as file:
        json.dump([case], file)
    assert "checked" in serve_exports(tmp_path / "cases.json")


def test_cli_names_what_is_wrong_with_a_pth(tmp_path, capsys):
    pth = os.path.join(FIXTURES, "resnet_9blocks_instance_net_G.pth")
    # Without --no_dropout the authors' network has dropout layers: the file's tensors shift.
    err = cli_error(capsys, ["export", pth, str(tmp_path / "a"), "--ngf", "4",
                             "--image_size", str(IMAGE_SIZE)])
    assert "resnet_9blocks_instance_net_G.pth" in err and "use_dropout=True" in err
    assert "Traceback" not in err
    err = cli_error(capsys, ["sample", pth])
    assert "translates images" in err and "kgan export" in err
    err = cli_error(capsys, ["export", str(tmp_path / "missing.pth"), str(tmp_path / "b")])
    assert "No junyanz/pytorch-CycleGAN-and-pix2pix network file" in err
    assert "download_cyclegan_model.sh" in err and "Traceback" not in err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
