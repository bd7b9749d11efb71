"""Quality metrics: FID, KID, Inception Score, precision/recall over feature arrays,
the digits feature extractor ("FID-digits") and evaluators."""

from kgan.metrics.digits import (
    DigitsEvaluator,
    DigitsFeatureExtractor,
    digits_features,
    load_digits_classifier,
)
from kgan.metrics.features import FeatureEvaluator
from kgan.metrics.frechet import (
    FeatureStatistics,
    feature_statistics,
    fid_from_features,
    frechet_distance,
)
from kgan.metrics.inception_score import inception_score
from kgan.metrics.kid import kid, polynomial_mmd2
from kgan.metrics.mode_coverage import mode_coverage
from kgan.metrics.precision_recall import precision_recall
from kgan.metrics.reference import reference_statistics

__all__ = [
    "DigitsEvaluator",
    "DigitsFeatureExtractor",
    "FeatureEvaluator",
    "FeatureStatistics",
    "digits_features",
    "feature_statistics",
    "fid_from_features",
    "frechet_distance",
    "inception_score",
    "kid",
    "load_digits_classifier",
    "mode_coverage",
    "polynomial_mmd2",
    "precision_recall",
    "reference_statistics",
]
