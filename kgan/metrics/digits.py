"""FID-digits and friends: metrics on the bundled digits in the feature space of
the digits classifier that kgan trains (`recipes/digits_classifier.py`) and ships
(`saved_models/digits_classifier.keras`, also installed as package data).

Protocol ("digits32"): images `(n, s, s, 1)` in [-1, 1]; sizes other than 32
are resized to 32×32 by bilinear interpolation (`scipy.ndimage.zoom`, order 1,
grid mode, as `kgan.data.load_digits` upsamples); features are the 64-d
`features` layer (ReLU), class probabilities the softmax output. The reference
set is the 359-image test split, passed through the same pipeline at the
generator's resolution, so real train vs test gives the floor (`real_floor()`).
"""

import functools
import os

import keras
import numpy as np
from scipy import ndimage

from kgan.backend import inference
from kgan.data.digits import load_digits
from kgan.metrics.features import FeatureEvaluator
from kgan.metrics.inception_score import inception_score
from kgan.saving import load_model
from kgan.utils.validation import check_int

NUM_CLASSES = 10
CLASSIFIER_SIZE = 32
CLASSIFIER_FILE = "digits_classifier.keras"
PROTOCOL = "digits32-bilinear"
MIN_SAMPLES = 10  # the fewest generated images DigitsEvaluator.evaluate scores
_PACKAGE_ASSET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets",
                              CLASSIFIER_FILE)


def shipped_classifier_path(file_name, environment_variable, package_asset):
    """Where a shipped classifier `file_name` is: `$<environment_variable>`, else
    `package_asset` (in the repository a link into `saved_models/`; a built wheel
    holds the file itself). Its recipe is `recipes/<file_name without .keras>.py`."""
    candidates = [os.environ.get(environment_variable), package_asset]
    for path in candidates:
        if path and os.path.exists(path):
            return path
    recipe = os.path.splitext(file_name)[0]
    raise FileNotFoundError(
        f"The classifier {file_name} was not found (looked in: "
        f"{', '.join(p for p in candidates if p)}). It ships in the repository's saved_models/ "
        f"and as package data; to rebuild it run `python recipes/{recipe}.py`, or set "
        f"{environment_variable} to its path."
    )


def digits_classifier_path():
    """Where the shipped classifier is: `$KGAN_DIGITS_CLASSIFIER`, else the package
    data `kgan/metrics/assets/digits_classifier.keras` (in the repository a link to
    `saved_models/digits_classifier.keras`; a built wheel holds the file itself)."""
    return shipped_classifier_path(CLASSIFIER_FILE, "KGAN_DIGITS_CLASSIFIER", _PACKAGE_ASSET)


@functools.lru_cache(maxsize=4)
def load_classifier_file(path):
    """A classifier `.keras` file as a `keras.Model`, loaded once per process and
    absolute path (safe mode, not compiled)."""
    return load_model(path, compile=False)


def load_digits_classifier(path=None):
    """The digits classifier as a `keras.Model` (images → class probabilities),
    loaded once per process and path (safe mode)."""
    return load_classifier_file(os.path.abspath(path or digits_classifier_path()))


def to_classifier_input(images, size=CLASSIFIER_SIZE):
    """Images `(n, s, s, 1)` in [-1, 1] → float32 `(n, size, size, 1)` (default
    32), clipped to [-1, 1]; other sizes resized by bilinear interpolation."""
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4 or images.shape[1] != images.shape[2] or images.shape[3] != 1:
        raise ValueError(f"Digit images must be (n, size, size, 1). Received shape {images.shape}.")
    if not np.isfinite(images).all():
        raise ValueError("images contain NaN or Inf values.")
    images = np.clip(images, -1.0, 1.0)
    if images.shape[1] != size:
        zoom = size / images.shape[1]
        images = ndimage.zoom(images, (1, zoom, zoom, 1), order=1, grid_mode=True, mode="nearest")
    return images.astype("float32")


class DigitsFeatureExtractor:
    """The shipped digits classifier as a feature extractor.

    Args:
        path: optional path of a `.keras` classifier with a `features` layer and a
            softmax output; default `digits_classifier_path()`.
        batch_size: int, default 256. Every batch is padded to this size, so each
            backend runs (and JAX compiles) one input shape only.

    Example:
        >>> extractor = DigitsFeatureExtractor()
        >>> features, probabilities = extractor.features_and_probabilities(images)
        >>> features.shape, probabilities.shape   # (n, 64), (n, 10)
    """

    name = "digits_classifier"
    protocol = PROTOCOL
    input_size = CLASSIFIER_SIZE
    load_classifier = staticmethod(load_digits_classifier)

    def __init__(self, path=None, batch_size=256):
        check_int(batch_size, "batch_size")
        self.path = path
        self.batch_size = batch_size
        classifier = self.load_classifier(path)
        self.model = keras.Model(classifier.inputs[0],
                                 [classifier.get_layer("features").output, classifier.outputs[0]])
        self.feature_dim = self.model.outputs[0].shape[-1]

    def features_and_probabilities(self, images):
        """Features `(n, 64)` and class probabilities `(n, 10)`, float64 numpy."""
        images = to_classifier_input(images, self.input_size)
        features, probabilities = [], []
        for start in range(0, len(images), self.batch_size):
            batch = images[start : start + self.batch_size]
            padded = np.concatenate(
                [batch, np.full((self.batch_size - len(batch), *batch.shape[1:]), -1.0, "float32")])
            f, p = inference(self.model, padded)
            features.append(keras.ops.convert_to_numpy(f)[: len(batch)])
            probabilities.append(keras.ops.convert_to_numpy(p)[: len(batch)])
        if not features:
            return np.zeros((0, self.feature_dim)), np.zeros((0, NUM_CLASSES))
        return (np.concatenate(features).astype("float64"),
                np.concatenate(probabilities).astype("float64"))

    def __call__(self, images):
        """Features `(n, 64)`, float64."""
        return self.features_and_probabilities(images)[0]


@functools.lru_cache(maxsize=1)
def _default_extractor():
    return DigitsFeatureExtractor()


def digits_features(images):
    """Features `(n, 64)` of digit images `(n, s, s, 1)` in [-1, 1] from the shipped classifier."""
    return _default_extractor()(images)


class DigitsEvaluator:
    """Scores generated digits against the held-out test split, in the feature space
    of the shipped digits classifier.

    Args:
        image_size: int, the size of the images the generator makes, default 32.
        metrics: feature metrics to compute, default `("fid", "kid", "precision",
            "recall")` (see `FeatureEvaluator`); reported with the suffix `_digits`.
        kid_subsets: int, default 100; kid_subset_size: int, default 1000 (capped
            at the 359 test images).
        extractor: optional `DigitsFeatureExtractor`.

    Example:
        >>> evaluator = DigitsEvaluator(image_size=32)
        >>> evaluator.evaluate(model.generate(1000, seed=0))
        {'fid_digits': ..., 'kid_digits': ..., 'inception_score_digits': ..., 'classes_covered': 10, ...}
    """

    suffix = "_digits"

    def __init__(self, image_size=32, metrics=("fid", "kid", "precision", "recall"),
                 kid_subsets=100, kid_subset_size=1000, extractor=None):
        self.image_size = image_size
        self.extractor = extractor or self.default_extractor()
        self._train = self.load_split("train")
        test_x, self.test_labels = self.load_split("test")
        features, self._test_probabilities = self.extractor.features_and_probabilities(test_x)
        self.features = FeatureEvaluator(self.extractor, features, metrics, suffix=self.suffix,
                                         kid_subsets=kid_subsets, kid_subset_size=kid_subset_size)

    @staticmethod
    def default_extractor():
        """The shared `DigitsFeatureExtractor` of the shipped classifier."""
        return _default_extractor()

    def load_split(self, split):
        """`(images, labels)` of the real `"train"` or `"test"` split at `image_size`."""
        return load_digits(image_size=self.image_size, split=split)

    def real_floor(self):
        """The figures of the real train split (1,437 images) against the test split,
        plus `test_accuracy`, the classifier's accuracy on the test split."""
        train_x, train_y = self._train
        result = self.evaluate(train_x, train_y)
        result["test_accuracy"] = float(
            (self._test_probabilities.argmax(axis=1) == self.test_labels).mean())
        return result

    def evaluate(self, images, labels=None):
        """Figures for generated images `(n, s, s, 1)` in [-1, 1].

        Args:
            images: generated digits, n ≥ `MIN_SAMPLES` (10).
            labels: optional ints `(n,)`, the classes a conditional model was asked for.

        Returns:
            dict: `fid_digits` (≥ 0, lower is better), `kid_digits` and
            `kid_digits_std` (unbiased MMD², cubic kernel), `precision_digits`, `recall_digits`,
            `inception_score_digits` (in [1, 10], 10 splits),
            `classes_covered` (int ≤ 10, classes predicted for at least 1 % of
            samples), `class_share_min` (smallest predicted-class share),
            `confidence` (mean top probability), and with labels
            `conditional_accuracy` (fraction classified as asked).
        """
        if len(images) < MIN_SAMPLES:
            raise ValueError(f"images must hold at least {MIN_SAMPLES} digits. "
                             f"Received: len(images)={len(images)}")
        features, probabilities = self.extractor.features_and_probabilities(images)
        result = self.features.evaluate_features(features)
        predicted = probabilities.argmax(axis=1)
        shares = np.bincount(predicted, minlength=NUM_CLASSES) / len(predicted)
        result.update({
            "inception_score" + self.suffix: inception_score(probabilities, splits=min(10, len(images)))[0],
            "classes_covered": int((shares >= 0.01).sum()),
            "class_share_min": float(shares.min()),
            "confidence": float(probabilities.max(axis=1).mean()),
        })
        if labels is not None:
            result["conditional_accuracy"] = float((predicted == np.asarray(labels)).mean())
        return result
