"""Generator and discriminator builders."""

from kgan.networks.conditional import conditional_discriminator, conditional_generator
from kgan.networks.dcgan import dcgan_discriminator, dcgan_generator
from kgan.networks.mlp import mlp_discriminator, mlp_generator

__all__ = [
    "conditional_discriminator",
    "conditional_generator",
    "dcgan_discriminator",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
]
