"""recipes/stylegan2_images.py: StyleGAN2-ADA's presets, input checks and the batched FID."""

import numpy as np
import pytest

import kgan
from kgan.recipe import load_recipe

recipe = load_recipe("stylegan2_images")


def test_auto_spec_follows_stylegan2_ada():
    config = recipe.resolve({**recipe.CONFIG, "preset": "folder", "data_dir": "ffhq"})
    assert config["image_size"] == 256 and config["tfds_name"] is None
    assert config["batch_size"] == 16 and config["channel_base"] == 16384
    assert config["r1_gamma"] == pytest.approx(0.0002 * 256**2 / 16)  # 0.8192
    assert config["ema_half_life_images"] == pytest.approx(5000)
    assert config["mbstd_group_size"] == 4 and config["mapping_layers"] == 2
    large = recipe.resolve({**recipe.CONFIG, "preset": "folder", "data_dir": "ffhq",
                            "image_size": 1024})
    assert (large["batch_size"], large["channel_base"], large["learning_rate"]) == (4, 32768, 0.002)
    celeba = recipe.resolve({**recipe.CONFIG, "preset": "celeb_a64", "learning_rate": 1e-3})
    assert celeba["tfds_name"] == "celeb_a" and celeba["batch_size"] == 32
    assert celeba["learning_rate"] == 1e-3  # an explicit value beats the spec


def test_cifar_spec():
    config = recipe.resolve(dict(recipe.CONFIG))
    assert config["tfds_name"] == "cifar10" and config["image_size"] == 32
    assert (config["batch_size"], config["r1_gamma"], config["mbstd_group_size"]) == (64, 0.01, 32)
    assert config["mix_prob"] == 0.0 and config["pl_weight"] == 0.0


def test_bad_configs_are_refused_before_work():
    with pytest.raises(ValueError, match="Unknown preset 'ffhq'. Valid presets: cifar10, "):
        recipe.resolve({**recipe.CONFIG, "preset": "ffhq"})
    with pytest.raises(ValueError, match="folder preset needs --set data_dir"):
        recipe.resolve({**recipe.CONFIG, "preset": "folder"})
    with pytest.raises(ValueError, match=r"batch_size \(30\) must be a multiple of mbstd_group"):
        recipe.resolve({**recipe.CONFIG, "batch_size": 30})


def test_missing_tfds_set_names_the_prepare_command(tmp_path):
    pytest.importorskip("tensorflow_datasets")
    config = {**recipe.CONFIG, "tfds_data_dir": str(tmp_path), "fid_weights": None,
              "out_dir": str(tmp_path / "out")}
    with pytest.raises(FileNotFoundError, match="'cifar10' is not prepared"):
        recipe.run(config)
    assert not (tmp_path / "out").exists()


def test_real_batches_stop_at_count(tmp_path):
    array = np.zeros((10, 2, 2, 3), "float32")
    assert [len(b) for b in recipe.real_batches(array, 4, 9)] == [4, 4, 1]
    stream = kgan.data.ImageFolderStream(recipe.SMOKE["data_dir"], 4, batch_size=3, workers=1)
    assert [len(b) for b in recipe.real_batches(stream, 3, 7)] == [3, 3, 1]


def test_feature_scores_are_the_fid_and_kid_of_all_batches():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(40, 5))
    fake = [rng.normal(1.0, 1.0, (8, 5)) for _ in range(3)]

    def extractor(images):
        return np.asarray(images, "float64")

    scores = recipe.feature_scores(extractor, real, [np.clip(b, -1, 1) for b in fake])
    clipped = np.clip(np.concatenate(fake), -1, 1)
    assert scores["num_samples"] == 24
    assert scores["fid"] == pytest.approx(kgan.metrics.fid_from_features(clipped, real))
    assert scores["kid"] == pytest.approx(kgan.metrics.kid(clipped, real)[0])
