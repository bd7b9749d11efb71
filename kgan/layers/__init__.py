"""Layers for generators and discriminators."""

from kgan.layers.attention import SelfAttention
from kgan.layers.conditional_batch_norm import ConditionalBatchNormalization
from kgan.layers.conditioning import ConcatenateLabels, ProjectionHead
from kgan.layers.convolution import Conv2D, Conv2DTranspose
from kgan.layers.equalized import EqualizedConv2D, EqualizedDense, PixelNormalization
from kgan.layers.interpolated_batch_norm import InterpolatedBatchNormalization
from kgan.layers.minibatch import MinibatchDiscrimination, MinibatchStdDev, PackSamples
from kgan.layers.pixel_shuffle import PixelShuffle
from kgan.layers.resample import Resample2D
from kgan.layers.spectral_normalization import SpectralNormalization
from kgan.layers.style import (
    AdaptiveInstanceNormalization,
    ConstantInput,
    ModulatedConv2D,
    NoiseInjection,
)

__all__ = [
    "AdaptiveInstanceNormalization",
    "ConcatenateLabels",
    "ConditionalBatchNormalization",
    "ConstantInput",
    "Conv2D",
    "Conv2DTranspose",
    "EqualizedConv2D",
    "EqualizedDense",
    "InterpolatedBatchNormalization",
    "MinibatchDiscrimination",
    "MinibatchStdDev",
    "ModulatedConv2D",
    "NoiseInjection",
    "PackSamples",
    "PixelNormalization",
    "PixelShuffle",
    "ProjectionHead",
    "Resample2D",
    "SelfAttention",
    "SpectralNormalization",
]
