"""Layers for generators and discriminators."""

from kgan.layers.conditioning import ConcatenateLabels, ProjectionHead

__all__ = ["ConcatenateLabels", "ProjectionHead"]
