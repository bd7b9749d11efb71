"""Metrics from feature arrays: one evaluator object for FID, KID and precision/recall."""

import numpy as np

from kgan.metrics.checks import check_features
from kgan.metrics.frechet import feature_statistics, frechet_distance
from kgan.metrics.kid import kid
from kgan.metrics.precision_recall import precision_recall
from kgan.utils.validation import check_int

FEATURE_METRICS = ("fid", "kid", "kid_std", "precision", "recall")
EXTRACTORS = ("digits", "mnist", "fid_inception", "inception_keras")


def feature_extractor(name, **kwargs):
    """A feature extractor by name: images → features `(n, d)` (float64 numpy).

    Args:
        name: `"digits"` (`DigitsFeatureExtractor`, the shipped digits classifier,
            "FID-digits"), `"mnist"` (`MNISTFeatureExtractor`, the shipped MNIST
            classifier, "FID-MNIST"), `"fid_inception"` (`FIDInceptionExtractor`, the FID
            Inception network: comparable to published FIDs) or
            `"inception_keras"` (`KerasInceptionExtractor`, not comparable).
        **kwargs: passed to the extractor's constructor (e.g. `resize="clean"`,
            `weights=...`, `batch_size=...`).

    Every extractor has `name` and `protocol` attributes, which
    `reference_statistics` puts into its cache key.

    Example:
        >>> extractor = feature_extractor("fid_inception", resize="clean")
        >>> extractor.name, extractor.protocol
        ('fid_inception', 'clean-299')
    """
    # Imported here: kgan.metrics.digits imports this module.
    from kgan.metrics.digits import DigitsFeatureExtractor
    from kgan.metrics.inception import FIDInceptionExtractor, KerasInceptionExtractor
    from kgan.metrics.mnist import MNISTFeatureExtractor

    classes = dict(zip(EXTRACTORS, (DigitsFeatureExtractor, MNISTFeatureExtractor,
                                    FIDInceptionExtractor, KerasInceptionExtractor), strict=True))
    if name not in classes:
        raise ValueError(f"name must be one of {EXTRACTORS}. Received: name={name!r}")
    return classes[name](**kwargs)


class FeatureEvaluator:
    """Scores samples against reference features with a given feature extractor.

    Args:
        extractor: callable, images `(n, ...)` → features `(n, d)` (numpy), or
            the name of one (`"digits"`, `"mnist"`, `"fid_inception"`, `"inception_keras"`;
            see `feature_extractor`).
        reference_features: array `(n_ref, d)`, the reference set's features.
        metrics: tuple of names from `"fid"`, `"kid"` (with `"kid_std"`),
            `"precision"`, `"recall"`; default `("fid", "kid")`.
        suffix: str appended to every result key (e.g. `"_digits"`: `fid_digits`,
            `kid_digits`, `kid_digits_std`), default "".
        kid_subsets: int, default 100. kid_subset_size: int, default 1000
            (capped at the smaller set). pr_k: int, default 3. seed: int, default 0.

    Example:
        >>> evaluator = FeatureEvaluator(kgan.metrics.digits_features, reference)
        >>> evaluator.evaluate(images)            # {'fid': ..., 'kid': ..., 'kid_std': ...}
    """

    def __init__(self, extractor, reference_features, metrics=("fid", "kid"), suffix="",
                 kid_subsets=100, kid_subset_size=1000, pr_k=3, seed=0):
        unknown = sorted(set(metrics) - set(FEATURE_METRICS))
        if unknown:
            raise ValueError(f"metrics must be among {FEATURE_METRICS}. Received: {unknown}")
        self.extractor = feature_extractor(extractor) if isinstance(extractor, str) else extractor
        self.reference_features = check_features(reference_features, "reference_features",
                                                 min_rows=2)
        self.metrics = tuple(metrics)
        self.suffix = suffix
        self.kid_subsets = check_int(kid_subsets, "kid_subsets", minimum=1)
        self.kid_subset_size = check_int(kid_subset_size, "kid_subset_size", minimum=2)
        self.pr_k = check_int(pr_k, "pr_k", minimum=1)
        self.seed = seed
        self.reference_statistics = feature_statistics(self.reference_features)

    def evaluate_features(self, features):
        """The chosen metrics of features `(n, d)` against the reference, as a dict."""
        features = np.asarray(features, np.float64)
        result = {}
        if "fid" in self.metrics:
            result["fid"] = frechet_distance(*feature_statistics(features),
                                             *self.reference_statistics)
        if "kid" in self.metrics or "kid_std" in self.metrics:
            result["kid"], result["kid_std"] = kid(
                features, self.reference_features, self.kid_subsets, self.kid_subset_size,
                self.seed)
        if "precision" in self.metrics or "recall" in self.metrics:
            result.update(precision_recall(self.reference_features, features, k=self.pr_k))
        return {
            ("kid" + self.suffix + "_std" if name == "kid_std" else name + self.suffix): value
            for name, value in result.items()
        }

    def evaluate(self, images, labels=None):
        """The chosen metrics of `images` (labels are ignored)."""
        del labels
        return self.evaluate_features(self.extractor(images))
