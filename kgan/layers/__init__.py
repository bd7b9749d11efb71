"""Layers for generators and discriminators."""

from kgan.layers.conditioning import ConcatenateLabels, ProjectionHead
from kgan.layers.minibatch import MinibatchDiscrimination, MinibatchStdDev
from kgan.layers.pixel_shuffle import PixelShuffle
from kgan.layers.spectral_normalization import SpectralNormalization

__all__ = [
    "ConcatenateLabels",
    "MinibatchDiscrimination",
    "MinibatchStdDev",
    "PixelShuffle",
    "ProjectionHead",
    "SpectralNormalization",
]
