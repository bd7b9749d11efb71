"""The bundled digits, the 2-D mixtures and the image loaders."""

import numpy as np
import pytest

import kgan


def test_digits_shapes_range_and_split():
    x, y = kgan.data.load_digits(image_size=32)
    assert x.shape == (1797, 32, 32, 1) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0
    assert y.dtype == np.int32 and set(np.unique(y)) == set(range(10))
    train_x, _ = kgan.data.load_digits(image_size=16, split="train")
    test_x, _ = kgan.data.load_digits(image_size=16, split="test")
    assert len(train_x) + len(test_x) == 1797 and len(test_x) == 359
    with pytest.raises(ValueError, match="split must be"):
        kgan.data.load_digits(split="validation")
    with pytest.raises(ValueError, match="image_size must be an integer ≥ 8"):
        kgan.data.load_digits(image_size=4)


def test_ring8_has_eight_distinct_modes_at_exact_angles():
    centers, std = kgan.data.mixture_modes("ring8")
    assert std == 0.01 and len(centers) == 8
    angles = np.mod(np.arctan2(centers[:, 1], centers[:, 0]), 2 * np.pi)
    np.testing.assert_allclose(np.sort(angles), 2 * np.pi * np.arange(8) / 8, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 1.0)
    samples = kgan.data.gaussian_mixture("ring8", 4000, seed=0)
    nearest = np.linalg.norm(samples[:, None] - centers[None], axis=-1).argmin(axis=1)
    assert len(np.unique(nearest)) == 8


def test_grid25_centres_and_spread():
    centers, std = kgan.data.mixture_modes("grid25")
    assert std == 0.05 and len(centers) == 25
    assert set(map(tuple, centers)) == {(a, b) for a in (-4, -2, 0, 2, 4) for b in (-4, -2, 0, 2, 4)}
    samples = kgan.data.gaussian_mixture("grid25", 20000, seed=1)
    offsets = samples - np.round(samples / 2) * 2
    assert offsets.std() == pytest.approx(0.05, rel=0.05)
    np.testing.assert_array_equal(samples, kgan.data.gaussian_mixture("grid25", 20000, seed=1))


def test_unknown_mixture():
    with pytest.raises(ValueError, match="mixture name must be one of"):
        kgan.data.gaussian_mixture("ring9", 10)


def test_images_from_array_scales_and_validates():
    raw = np.array([[[0, 255], [51, 204]]], dtype="uint8")
    np.testing.assert_allclose(kgan.data.images_from_array(raw)[0, :, :, 0], [[-1, 1], [-0.6, 0.6]])
    with pytest.raises(ValueError, match="must lie in value_range"):
        kgan.data.images_from_array(np.full((1, 2, 2), 300.0))
    with pytest.raises(ValueError, match="NaN or Inf"):
        kgan.data.images_from_array(np.full((1, 2, 2), np.nan))
    with pytest.raises(ValueError, match=r"\(n, h, w\) or \(n, h, w, c\)"):
        kgan.data.images_from_array(np.zeros((2, 2)))


def test_image_folder_with_classes_crop_and_resize(tmp_path):
    from PIL import Image

    for name, value in (("cats", 0), ("dogs", 255)):
        (tmp_path / name).mkdir()
        for i in range(2):
            Image.new("RGB", (40, 20), (value, value, value)).save(tmp_path / name / f"{i}.png")
    (tmp_path / "dogs" / "notes.txt").write_text("not an image")
    images, labels, names = kgan.data.load_image_folder(str(tmp_path), image_size=8)
    assert images.shape == (4, 8, 8, 3) and names == ["cats", "dogs"]
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    np.testing.assert_allclose(images[:2], -1.0)
    np.testing.assert_allclose(images[2:], 1.0)


def test_image_folder_errors(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        kgan.data.load_image_folder(str(tmp_path / "missing"), 8)
    with pytest.raises(ValueError, match="No images"):
        kgan.data.load_image_folder(str(tmp_path), 8)
