"""SampleGrid during fit() on the active backend."""

import os

import numpy as np
import pytest
from PIL import Image

import kgan
from tests.conftest import tiny_dcgan_pair, tiny_mlp_pair


def test_sample_grid_writes_image_grids(tmp_path, digits16):
    x, _ = digits16
    g, d = tiny_dcgan_pair()
    model = kgan.models.GAN(g, d, latent_dim=8)
    model.compile()
    grid = kgan.callbacks.SampleGrid(str(tmp_path), every_n_epochs=2, num_samples=16)
    model.fit(x, batch_size=32, epochs=4, verbose=0, callbacks=[grid])
    assert [os.path.basename(p) for p in grid.paths] == [
        "samples_epoch_0002.png", "samples_epoch_0004.png"]
    with Image.open(grid.paths[-1]) as image:
        pixels = np.asarray(image.convert("L"), dtype="float32")
    assert pixels.shape[0] > 50 and pixels.std() > 1.0  # a real picture, not blank
    # The grid shows the current generator: JAX state must be synced into it.
    assert not np.array_equal(
        np.asarray(Image.open(grid.paths[0]).convert("L")), pixels
    )


def test_sample_grid_writes_the_final_grid_of_a_short_run(tmp_path, digits16):
    x, _ = digits16
    g, d = tiny_dcgan_pair()
    model = kgan.models.GAN(g, d, latent_dim=8)
    model.compile()
    grid = kgan.callbacks.SampleGrid(str(tmp_path), every_n_epochs=5, num_samples=4)
    model.fit(x[:64], batch_size=32, epochs=2, verbose=0, callbacks=[grid])
    assert sorted(os.listdir(tmp_path)) == ["samples_epoch_0002.png"]
    assert grid.paths == [str(tmp_path / "samples_epoch_0002.png")]


def test_sample_grid_scatter_for_2d_and_labels_for_conditional(tmp_path, ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4)
    model.compile()
    grid = kgan.callbacks.SampleGrid(str(tmp_path / "ring"), num_samples=100)
    model.fit(ring_data, batch_size=64, epochs=1, verbose=0, callbacks=[grid])
    assert os.path.exists(grid.paths[0])


def test_sample_grid_arguments():
    with pytest.raises(ValueError, match="every_n_epochs"):
        kgan.callbacks.SampleGrid("x", every_n_epochs=0)


def test_image_columns_put_one_example_a_row(tmp_path):
    grey = np.full((4, 5, 6, 1), -1.0, "float32")
    grey[1] = 1.0  # example 1 white
    rgb = np.zeros((4, 5, 6, 3), "float32")
    rgb[..., 0] = 1.0  # red
    grid = kgan.callbacks.plots.tile_images(
        np.stack([np.repeat(grey[:3], 3, -1), rgb[:3]], axis=1).reshape(6, 5, 6, 3), cols=2)
    assert grid.shape == (3 * 6 + 1, 2 * 7 + 1, 3)
    # row 1 (example 1), column 0: white; column 1: red
    np.testing.assert_array_equal(grid[7, 1], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(grid[7, 8], [1.0, 0.5, 0.5])
    path = kgan.callbacks.save_image_columns([grey, rgb], str(tmp_path / "c.png"), title="t")
    assert Image.open(path).size[0] > 0
    with pytest.raises(ValueError, match="one height and width"):
        kgan.callbacks.save_image_columns([grey, rgb[:, :4]], str(tmp_path / "d.png"))
    with pytest.raises(ValueError, match="at least 3 images"):
        kgan.callbacks.save_image_columns([grey[:2], rgb[:2]], str(tmp_path / "e.png"))


def test_save_image_grid_rejects_bad_shape(tmp_path):
    with pytest.raises(ValueError, match="images must be"):
        kgan.callbacks.save_image_grid(np.zeros((4, 8, 8, 2)), str(tmp_path / "a.png"))
