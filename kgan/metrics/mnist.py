"""FID-MNIST and the Stacked-MNIST mode count, in the feature space of the MNIST
classifier that kgan trains (`recipes/mnist_classifier.py`) and ships
(`saved_models/mnist_classifier.keras`, also installed as package data).

Protocol ("mnist28"): images `(n, s, s, 1)` in [-1, 1]; sizes other than 28
are resized to 28×28 by bilinear interpolation (`scipy.ndimage.zoom`, order 1,
grid mode, as `kgan.data.load_mnist` resizes); features are the 64-d `features`
layer (ReLU), class probabilities the softmax output. The reference set is the
test split of the chosen MNIST source (500 bundled digits), passed through the
same pipeline at the generator's resolution, so real train vs test gives the
floor (`MNISTEvaluator.real_floor()`).

Stacked MNIST ("modes / KL", VEEGAN; PacGAN): each of the three channels of a
sample is classified; the digit triple is its mode (1,000 modes). `modes` counts
the modes with at least one sample; `kl` is KL(p ‖ uniform) = Σ p·ln(1000·p) of
the generated mode histogram p. 26,000 samples by default (VEEGAN, PacGAN);
even perfect samples then have KL ≈ 999 / (2·26,000) ≈ 0.019 from sampling
alone (see saved_models/README.md for the measured real-data floor).
"""

import functools
import os

import numpy as np

from kgan.data.mnist import IMAGE_SIZE, NUM_STACKED_MODES, load_mnist
from kgan.metrics.digits import (
    DigitsEvaluator,
    DigitsFeatureExtractor,
    load_classifier_file,
    shipped_classifier_path,
)
from kgan.utils.validation import check_int

CLASSIFIER_FILE = "mnist_classifier.keras"
PROTOCOL = "mnist28-bilinear"
STACKED_SAMPLES = 26_000  # VEEGAN's and PacGAN's sample count
_PACKAGE_ASSET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets",
                              CLASSIFIER_FILE)


def mnist_classifier_path():
    """Where the shipped MNIST classifier is: `$KGAN_MNIST_CLASSIFIER`, else the
    package data `kgan/metrics/assets/mnist_classifier.keras` (in the repository a
    link to `saved_models/mnist_classifier.keras`)."""
    return shipped_classifier_path(CLASSIFIER_FILE, "KGAN_MNIST_CLASSIFIER", _PACKAGE_ASSET)


def load_mnist_classifier(path=None):
    """The MNIST classifier as a `keras.Model` (`(n, 28, 28, 1)` images in [-1, 1]
    → class probabilities `(n, 10)`), loaded once per process and path (safe mode)."""
    return load_classifier_file(os.path.abspath(path or mnist_classifier_path()))


class MNISTFeatureExtractor(DigitsFeatureExtractor):
    """The shipped MNIST classifier as a feature extractor (protocol "mnist28").

    Args:
        path: optional path of a `.keras` classifier with a `features` layer and a
            softmax output; default `mnist_classifier_path()`.
        batch_size: int, default 1000. Every batch is padded to this size, so each
            backend runs (and JAX compiles) one input shape only.

    Example:
        >>> extractor = MNISTFeatureExtractor()
        >>> features, probabilities = extractor.features_and_probabilities(images)
        >>> features.shape, probabilities.shape   # (n, 64), (n, 10)
    """

    name = "mnist_classifier"
    protocol = PROTOCOL
    input_size = IMAGE_SIZE
    load_classifier = staticmethod(load_mnist_classifier)

    def __init__(self, path=None, batch_size=1000):
        super().__init__(path, batch_size)


@functools.lru_cache(maxsize=1)
def _default_extractor():
    return MNISTFeatureExtractor()


class MNISTEvaluator(DigitsEvaluator):
    """Scores generated MNIST digits against the held-out test split, in the
    feature space of the shipped MNIST classifier ("FID-MNIST").

    Args:
        image_size: int, the size of the images the generator makes, default 28.
        source: the MNIST source of the real splits, default `"bundled"`
            (4,500 train / 500 test digits); `path`, `data_dir`: see
            `kgan.data.load_mnist`.
        metrics: feature metrics, default `("fid", "kid", "precision", "recall")`
            (see `FeatureEvaluator`); reported with the suffix `_mnist`.
        kid_subsets: int, default 100; kid_subset_size: int, default 1000
            (capped at the smaller set).
        extractor: optional `MNISTFeatureExtractor`.

    `evaluate(images, labels=None)` returns `fid_mnist`, `kid_mnist`,
    `kid_mnist_std`, `precision_mnist`, `recall_mnist`, `inception_score_mnist`,
    `classes_covered`, `class_share_min`, `confidence` and with labels
    `conditional_accuracy` (see `DigitsEvaluator.evaluate`); `real_floor()` the
    same figures for the real train split, plus the classifier's `test_accuracy`.

    Example:
        >>> evaluator = MNISTEvaluator(image_size=28)
        >>> evaluator.evaluate(model.generate(1000, seed=0))
        {'fid_mnist': ..., 'kid_mnist': ..., 'classes_covered': 10, ...}
    """

    suffix = "_mnist"

    def __init__(self, image_size=IMAGE_SIZE, source="bundled", path=None, data_dir=None,
                 metrics=("fid", "kid", "precision", "recall"), kid_subsets=100,
                 kid_subset_size=1000, extractor=None):
        self.source = source
        self.path = path
        self.data_dir = data_dir
        super().__init__(image_size, metrics, kid_subsets, kid_subset_size, extractor)

    @staticmethod
    def default_extractor():
        """The shared `MNISTFeatureExtractor` of the shipped classifier."""
        return _default_extractor()

    def load_split(self, split):
        """`(images, labels)` of the real `"train"` or `"test"` split at `image_size`."""
        return load_mnist(self.source, split, path=self.path, data_dir=self.data_dir,
                          image_size=self.image_size)


def stacked_mnist_modes(samples, num_samples=STACKED_SAMPLES, seed=0, extractor=None):
    """Modes covered and KL to uniform of Stacked-MNIST samples (VEEGAN; PacGAN).

    Each channel is classified by the MNIST classifier (resized to 28×28 as in
    the "mnist28" protocol); the triple `(d₁, d₂, d₃)` of channels 0, 1, 2 is the
    sample's mode `100·d₁ + 10·d₂ + d₃`.

    Args:
        samples: float images `(n, s, s, 3)` in [-1, 1], all scored; or a model
            with `generate(num_samples, seed=...)` (every unconditional kgan
            model), asked for `num_samples` images.
        num_samples: int, default 26,000; the sample count drawn from a model
            (ignored for arrays).
        seed: int, default 0, the model's sampling seed.
        extractor: optional `MNISTFeatureExtractor` (default: the shipped
            classifier).

    Returns:
        dict: `modes` (int in [1, 1000], modes with at least one sample), `kl`
        (float ≥ 0, KL(mode histogram ‖ uniform over 1,000), natural log; 0 for
        exactly uniform, ln 1000 ≈ 6.91 for one mode), `channel_kl` (3 floats
        in [0, ln 10]: KL(channel c's digit histogram ‖ uniform over 10), how
        evenly each channel's digits come out; when the channels are drawn
        independently, `kl` is their sum, so `kl` well above
        `sum(channel_kl)` means the triples are unevenly combined, not the
        digits) and `num_samples`.

    Example:
        >>> images, _ = kgan.data.stacked_mnist(26000, seed=1)
        >>> kgan.metrics.stacked_mnist_modes(images)    # the real-data floor
        {'modes': 1000, 'kl': 0.02..., 'num_samples': 26000}
        >>> kgan.metrics.stacked_mnist_modes(model)     # 26,000 generated samples

    Reference:
        Srivastava et al. 2017, "VEEGAN: Reducing Mode Collapse in GANs using
        Implicit Variational Learning"; Lin et al. 2018, "PacGAN: The power of
        two samples in generative adversarial networks".
    """
    if hasattr(samples, "generate"):
        samples = samples.generate(check_int(num_samples, "num_samples"), seed=seed)
    images = np.asarray(samples, dtype="float32")
    if images.ndim != 4 or images.shape[1] != images.shape[2] or images.shape[3] != 3:
        raise ValueError(f"Stacked-MNIST samples must be (n, size, size, 3). "
                         f"Received: shape={images.shape}")
    if len(images) == 0:
        raise ValueError("Stacked-MNIST samples must hold at least one image. Received: 0")
    size = images.shape[1]
    channels = np.moveaxis(images, 3, 1).reshape(-1, size, size, 1)
    _, probabilities = (extractor or _default_extractor()).features_and_probabilities(channels)
    digits = probabilities.argmax(axis=1).reshape(-1, 3)
    counts = np.bincount(digits @ np.array([100, 10, 1]), minlength=NUM_STACKED_MODES)
    return {
        "modes": int((counts > 0).sum()),
        "kl": _kl_to_uniform(counts),
        "channel_kl": [_kl_to_uniform(np.bincount(digits[:, c], minlength=10)) for c in range(3)],
        "num_samples": len(images),
    }


class StackedMNISTEvaluator:
    """`stacked_mnist_modes` as an evaluator, so `kgan.callbacks.MetricsCallback`
    logs modes and KL during training (how coverage moves with the epochs).

    `evaluate(images, labels=None)`: images `(n, s, s, 3)` in [-1, 1] (labels are
    ignored: the mode is read off the channels) → dict of `modes` (int in
    [1, 1000]), `kl` (float ≥ 0) and `digit_kl` (float ≥ 0, the sum of
    `channel_kl`: the part of `kl` from unevenly drawn digits).

    Args:
        extractor: optional `MNISTFeatureExtractor` (default: the shipped classifier).

    Example:
        >>> coverage = kgan.callbacks.MetricsCallback(
        ...     every_n_epochs=2, num_samples=26000,
        ...     evaluator=kgan.metrics.StackedMNISTEvaluator(), metrics=("modes", "kl"))
        >>> model.fit(stacks, epochs=20, callbacks=[coverage])
        >>> coverage.epochs, coverage.history["kl"]
    """

    def __init__(self, extractor=None):
        self.extractor = extractor

    def evaluate(self, images, labels=None):
        result = stacked_mnist_modes(images, extractor=self.extractor)
        return {"modes": result["modes"], "kl": result["kl"],
                "digit_kl": float(sum(result["channel_kl"]))}


def _kl_to_uniform(counts):
    """KL(histogram ‖ uniform over its bins), natural log, of a count vector."""
    shares = counts[counts > 0] / counts.sum()
    return float(np.sum(shares * np.log(shares * len(counts))))
