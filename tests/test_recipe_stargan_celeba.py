"""CelebA's folder layout (kgan.data.load_celeba_folder) and recipes/stargan_celeba.py."""

import os
import shutil

import numpy as np
import pytest

import kgan
from kgan.recipe import load_recipe

recipe = load_recipe("stargan_celeba")
CELEBA = recipe.SMOKE["data_dir"]


def test_load_celeba_folder_reads_attributes_and_partition():
    faces, vectors = kgan.data.load_celeba_folder(CELEBA, ["Male", "Blond_Hair"], 8)
    assert faces.shape == (6, 8, 8, 3) and faces.dtype == np.float32  # partition 0: 000001-6
    np.testing.assert_array_equal(vectors, [[0, 0], [1, 1], [0, 0], [1, 0], [0, 1], [1, 0]])
    test_faces, test_vectors = kgan.data.load_celeba_folder(CELEBA, ["Young"], 8, split="test")
    assert len(test_faces) == 2 and test_vectors.tolist() == [[0.0], [0.0]]
    everything, _ = kgan.data.load_celeba_folder(CELEBA, ["Young"], 8, split="all", max_images=7)
    assert len(everything) == 7
    np.testing.assert_array_equal(everything[:6], kgan.data.load_celeba_folder(
        CELEBA, ["Young"], 8)[0])


def test_load_celeba_folder_errors(tmp_path):
    with pytest.raises(ValueError, match=r"unknown: \['Bald'\]. Its attributes: \['Black_Hair'"):
        kgan.data.load_celeba_folder(CELEBA, ["Male", "Bald"], 8)
    with pytest.raises(ValueError, match="split must be one of"):
        kgan.data.load_celeba_folder(CELEBA, ["Male"], 8, split="val")
    with pytest.raises(FileNotFoundError, match="No list_attr_celeba.txt .* never downloads"):
        kgan.data.load_celeba_folder(str(tmp_path), ["Male"], 8)
    broken = tmp_path / "broken"
    shutil.copytree(CELEBA, broken)
    with open(broken / "list_attr_celeba.txt", "a") as table:
        table.write("000009.jpg 1 -1\n")
    with pytest.raises(ValueError, match=r"1 rows do not hold 6 values, e.g. \['000009.jpg'\]"):
        kgan.data.load_celeba_folder(str(broken), ["Male"], 8)


def test_changed_attribute_sets_one_hair_colour_and_flips_the_rest():
    names = ["Black_Hair", "Blond_Hair", "Brown_Hair", "Male", "Young"]
    vectors = np.array([[1, 0, 0, 1, 0], [0, 0, 1, 0, 1]], "float32")
    np.testing.assert_array_equal(recipe.changed_attribute(vectors, 1, names),
                                  [[0, 1, 0, 1, 0], [0, 1, 0, 0, 1]])
    np.testing.assert_array_equal(recipe.changed_attribute(vectors, 3, names),
                                  [[1, 0, 0, 0, 0], [0, 0, 1, 1, 1]])
    np.testing.assert_array_equal(vectors[0], [1, 0, 0, 1, 0])  # not modified in place


def test_missing_data_stops_before_training(tmp_path):
    pytest.importorskip("tensorflow_datasets")
    config = {**recipe.CONFIG, **recipe.SMOKE, "data_dir": None,
              "tfds_data_dir": str(tmp_path / "tfds"), "out_dir": str(tmp_path / "out")}
    with pytest.raises(FileNotFoundError) as raised:
        recipe.run(config)
    assert "'celeb_a' is not prepared" in str(raised.value)
    assert "--set data_dir=DIR" in str(raised.value)
    assert not os.path.exists(tmp_path / "out")
