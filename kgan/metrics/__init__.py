"""Quality metrics: FID, KID, Inception Score, precision/recall over feature arrays,
the digits and MNIST feature extractors ("FID-digits", "FID-MNIST"),
the Stacked-MNIST mode count, the Inception extractors (the FID
Inception network, "inception_keras") with named resize protocols, and evaluators."""

from kgan.metrics.digits import (
    DigitsEvaluator,
    DigitsFeatureExtractor,
    digits_features,
    load_digits_classifier,
)
from kgan.metrics.features import FeatureEvaluator, feature_extractor
from kgan.metrics.frechet import (
    FeatureStatistics,
    feature_statistics,
    fid_from_features,
    frechet_distance,
)
from kgan.metrics.inception import FIDInceptionExtractor, KerasInceptionExtractor
from kgan.metrics.inception_network import fid_inception_network
from kgan.metrics.inception_score import inception_score
from kgan.metrics.kid import kid, polynomial_mmd2
from kgan.metrics.mnist import (
    MNISTEvaluator,
    MNISTFeatureExtractor,
    StackedMNISTEvaluator,
    load_mnist_classifier,
    stacked_mnist_modes,
)
from kgan.metrics.mode_coverage import mode_coverage
from kgan.metrics.precision_recall import precision_recall
from kgan.metrics.reference import reference_statistics
from kgan.metrics.resize import resize_images
from kgan.metrics.translation import ink_colour_accuracy, psnr, translation_scores

__all__ = [
    "DigitsEvaluator",
    "DigitsFeatureExtractor",
    "FeatureEvaluator",
    "FeatureStatistics",
    "FIDInceptionExtractor",
    "KerasInceptionExtractor",
    "MNISTEvaluator",
    "MNISTFeatureExtractor",
    "StackedMNISTEvaluator",
    "digits_features",
    "feature_extractor",
    "feature_statistics",
    "fid_inception_network",
    "fid_from_features",
    "frechet_distance",
    "inception_score",
    "ink_colour_accuracy",
    "kid",
    "load_digits_classifier",
    "load_mnist_classifier",
    "mode_coverage",
    "polynomial_mmd2",
    "precision_recall",
    "psnr",
    "translation_scores",
    "reference_statistics",
    "resize_images",
    "stacked_mnist_modes",
]
