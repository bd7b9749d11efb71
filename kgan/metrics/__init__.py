"""Quality metrics."""

from kgan.metrics.digits import DigitsEvaluator
from kgan.metrics.frechet import feature_statistics, frechet_distance
from kgan.metrics.mode_coverage import mode_coverage

__all__ = ["DigitsEvaluator", "feature_statistics", "frechet_distance", "mode_coverage"]
