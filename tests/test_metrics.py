"""Mode coverage, the Fréchet distance and the digits evaluator."""

import os

import keras
import numpy as np
import pytest

import kgan
from kgan.metrics import mode_coverage


def test_mode_coverage_known_answers():
    centers, std = kgan.data.mixture_modes("ring8")
    perfect = np.repeat(centers, 10, axis=0)
    result = mode_coverage(perfect, centers, std)
    assert result == {"modes": 8, "high_quality": 1.0, "reverse_kl": pytest.approx(0.0)}
    # Half the samples on mode 0, half far away: one mode, 50 % quality, KL = log 8.
    collapsed = np.concatenate([np.repeat(centers[:1], 10, 0), np.full((10, 2), 5.0)])
    result = mode_coverage(collapsed, centers, std)
    assert result["modes"] == 1 and result["high_quality"] == 0.5
    assert result["reverse_kl"] == pytest.approx(np.log(8))
    # Exactly 3σ away counts; just beyond does not.
    edge = centers[:2] + np.array([[2.99 * std, 0.0], [3.01 * std, 0.0]])
    assert mode_coverage(edge, centers, std)["modes"] == 1


def test_mode_coverage_on_true_samples_is_near_the_ceiling():
    centers, std = kgan.data.mixture_modes("grid25")
    result = mode_coverage(kgan.data.gaussian_mixture("grid25", 2500, seed=0), centers, std)
    assert result["modes"] == 25
    assert result["high_quality"] == pytest.approx(0.989, abs=0.01)  # P(χ²₂ ≤ 9)
    assert result["reverse_kl"] < 0.02


def test_mode_coverage_errors():
    centers, std = kgan.data.mixture_modes("ring8")
    with pytest.raises(ValueError, match="std must be a finite number > 0"):
        mode_coverage(centers, centers, 0.0)
    with pytest.raises(ValueError, match="samples must hold only finite values.*2 of 2 rows"):
        mode_coverage(np.full((2, 2), np.nan), centers, std)
    with pytest.raises(ValueError, match="samples.shape=\\(3, 3\\), centers.shape=\\(8, 2\\)"):
        mode_coverage(np.zeros((3, 3)), centers, std)


def test_mode_coverage_rejects_bad_centres_and_scales():
    centers, std = kgan.data.mixture_modes("ring8")
    broken = centers.copy()
    broken[2, 0] = np.nan  # one NaN centre used to give 0 modes, silently
    with pytest.raises(ValueError, match="centers must hold only finite values.*1 of 8 rows.*row 2"):
        mode_coverage(centers, broken, std)
    with pytest.raises(ValueError, match="centers must be an array \\(n, d\\) with n ≥ 1"):
        mode_coverage(centers, centers[:0], std)
    for bad in (np.inf, np.nan, "0.1", True):  # inf would call every sample high quality
        with pytest.raises(ValueError, match="std must be a finite number > 0"):
            mode_coverage(centers, centers, bad)
    assert mode_coverage(centers, centers, np.float32(std))["modes"] == 8


def test_translation_metrics_reject_non_finite_images_and_bad_arguments():
    images = np.zeros((3, 4, 4, 3), "float32")
    broken = images.copy()
    broken[1, 2, 0, 0] = np.nan  # used to give a NaN PSNR and ink class 0, silently
    with pytest.raises(ValueError, match="images must hold only finite values.*1 of 3 images.*image 1"):
        kgan.metrics.psnr(broken, images)
    with pytest.raises(ValueError, match="reference must hold only finite values"):
        kgan.metrics.psnr(images, broken)
    with pytest.raises(ValueError, match="value_range must be a finite number > 0"):
        kgan.metrics.psnr(images, images, value_range=0.0)
    labels = np.array([0, 1, 2])
    with pytest.raises(ValueError, match="images must hold only finite values.*image 1"):
        kgan.metrics.ink_colour_accuracy(broken, labels)
    with pytest.raises(ValueError, match="labels must be a vector \\(3,\\)"):
        kgan.metrics.ink_colour_accuracy(images, labels[:1])  # used to broadcast


@pytest.fixture(scope="module")
def evaluator():
    return kgan.metrics.DigitsEvaluator(image_size=32, kid_subsets=10)


def test_digits_evaluator_separates_real_from_noise(evaluator):
    floor = evaluator.real_floor()
    assert floor["test_accuracy"] > 0.99  # the shipped classifier: 357 / 359
    x, y = kgan.data.load_digits(image_size=32, split="test")
    real = evaluator.evaluate(x, y)
    noise = evaluator.evaluate(np.random.default_rng(0).uniform(-1, 1, x.shape))
    assert real["classes_covered"] == 10 and real["conditional_accuracy"] > 0.98
    assert real["fid_digits"] < 1e-6 < floor["fid_digits"] < 10 < 100 < noise["fid_digits"]
    assert floor["kid_digits"] < noise["kid_digits"] and real["precision_digits"] == 1.0
    assert noise["precision_digits"] < 0.2 < 0.8 < floor["precision_digits"]
    assert 1.0 <= noise["inception_score_digits"] < 3 < 8 < floor["inception_score_digits"] <= 10
    one_digit = evaluator.evaluate(np.repeat(x[:1], 200, axis=0))
    assert one_digit["classes_covered"] == 1 and one_digit["recall_digits"] < 0.1
    assert one_digit["inception_score_digits"] == pytest.approx(1.0, abs=1e-3)


def test_digits_evaluator_needs_ten_images(evaluator):
    x, _ = kgan.data.load_digits(image_size=32, split="test")
    with pytest.raises(ValueError, match=r"at least 10 digits. Received: len\(images\)=9"):
        evaluator.evaluate(x[:9])
    assert evaluator.evaluate(x[:10])["classes_covered"] >= 1


def test_fid_digits_rises_with_noise_and_blur(evaluator):
    from scipy import ndimage

    train, _ = kgan.data.load_digits(image_size=32, split="train")
    train = train[:400]
    rng = np.random.default_rng(0)
    noisy = [evaluator.evaluate(np.clip(train + s * rng.standard_normal(train.shape), -1, 1))
             for s in (0.0, 0.2, 0.5)]
    blurred = [evaluator.evaluate(ndimage.gaussian_filter(train, (0, s, s, 0)))
               for s in (1.0, 2.0)]
    fids = [r["fid_digits"] for r in noisy]
    assert fids == sorted(fids) and fids[-1] > 2 * fids[0]
    assert fids[0] < blurred[0]["fid_digits"] < blurred[1]["fid_digits"]


def test_digits_features_shape_and_classifier_file():
    x, y = kgan.data.load_digits(image_size=32, split="test")
    features = kgan.metrics.digits_features(x[:10])
    assert features.shape == (10, 64) and features.dtype == np.float64
    x16, _ = kgan.data.load_digits(image_size=16, split="test")  # resized to 32 px first
    assert kgan.metrics.digits_features(x16[:10]).shape == (10, 64)
    classifier = kgan.metrics.load_digits_classifier()
    probabilities = keras.ops.convert_to_numpy(classifier(x[:10], training=False))
    np.testing.assert_array_equal(probabilities.argmax(1), y[:10])
    assert kgan.metrics.digits.digits_classifier_path().endswith("digits_classifier.keras")
    assert os.path.getsize(kgan.metrics.digits.digits_classifier_path()) < 2_000_000
    with pytest.raises(ValueError, match="must be \\(n, size, size, 1\\)"):
        kgan.metrics.digits_features(np.zeros((2, 8, 8, 3)))


def test_missing_classifier_error_names_the_file(monkeypatch, tmp_path):
    monkeypatch.setattr(kgan.metrics.digits, "_PACKAGE_ASSET", str(tmp_path / "a.keras"))
    monkeypatch.delenv("KGAN_DIGITS_CLASSIFIER", raising=False)
    with pytest.raises(FileNotFoundError, match="digits_classifier.keras.*recipes/digits_classifier"):
        kgan.metrics.digits.digits_classifier_path()
