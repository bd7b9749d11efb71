"""Differentiable augmentation of discriminator inputs: DiffAugment and ADA.

`DiffAugment(policy)` augments real and fake images alike with differentiable
`keras.ops` transformations; `AdaptiveAugment` applies them with ADA's adaptive
probability. A GAN takes either (or a policy string) as `augment=`.
"""

from kgan.augment.adaptive import AdaptiveAugment
from kgan.augment.diff_augment import POLICY_NAMES, DiffAugment, get
from kgan.augment.ops import adjust_color, color, cut_out, cutout, translate, translation

__all__ = [
    "POLICY_NAMES",
    "AdaptiveAugment",
    "DiffAugment",
    "adjust_color",
    "color",
    "cut_out",
    "cutout",
    "get",
    "translate",
    "translation",
]
