"""Generator and discriminator builders."""

from kgan.networks.bigan import bigan_discriminator, bigan_encoder
from kgan.networks.biggan import biggan_discriminator, biggan_generator
from kgan.networks.biggan_deep import biggan_deep_generator, biggan_deep_statistics_weights
from kgan.networks.conditional import conditional_discriminator, conditional_generator
from kgan.networks.dcgan import dcgan_discriminator, dcgan_generator
from kgan.networks.ganimation import ganimation_generator
from kgan.networks.mlp import mlp_discriminator, mlp_generator
from kgan.networks.packing import pack_discriminator
from kgan.networks.patchgan import (
    patchgan_discriminator,
    pixel_discriminator,
    stargan_discriminator,
)
from kgan.networks.progressive import ProgressiveDiscriminator, ProgressiveGenerator
from kgan.networks.resnet_generator import resnet_generator
from kgan.networks.semi_supervised import semi_supervised_discriminator
from kgan.networks.srgan import srgan_discriminator, srgan_generator, vgg19_content_network
from kgan.networks.stylegan import (
    stylegan2_discriminator,
    stylegan2_synthesis,
    stylegan_generator,
    stylegan_mapping,
    stylegan_synthesis,
)
from kgan.networks.unet import unet_generator
from kgan.networks.zi2zi import zi2zi_generator

__all__ = [
    "bigan_discriminator",
    "bigan_encoder",
    "biggan_discriminator",
    "biggan_generator",
    "biggan_deep_generator",
    "biggan_deep_statistics_weights",
    "semi_supervised_discriminator",
    "conditional_discriminator",
    "conditional_generator",
    "dcgan_discriminator",
    "dcgan_generator",
    "ganimation_generator",
    "mlp_discriminator",
    "mlp_generator",
    "pack_discriminator",
    "patchgan_discriminator",
    "pixel_discriminator",
    "ProgressiveDiscriminator",
    "ProgressiveGenerator",
    "resnet_generator",
    "srgan_discriminator",
    "srgan_generator",
    "stargan_discriminator",
    "stylegan2_discriminator",
    "stylegan2_synthesis",
    "stylegan_generator",
    "stylegan_mapping",
    "stylegan_synthesis",
    "unet_generator",
    "vgg19_content_network",
    "zi2zi_generator",
]
