"""Generator and discriminator builders."""

from kgan.networks.bigan import bigan_discriminator, bigan_encoder
from kgan.networks.conditional import conditional_discriminator, conditional_generator
from kgan.networks.dcgan import dcgan_discriminator, dcgan_generator
from kgan.networks.mlp import mlp_discriminator, mlp_generator
from kgan.networks.patchgan import patchgan_discriminator, stargan_discriminator
from kgan.networks.resnet_generator import resnet_generator
from kgan.networks.semi_supervised import semi_supervised_discriminator
from kgan.networks.srgan import srgan_discriminator, srgan_generator, vgg19_content_network
from kgan.networks.unet import unet_generator

__all__ = [
    "bigan_discriminator",
    "bigan_encoder",
    "semi_supervised_discriminator",
    "conditional_discriminator",
    "conditional_generator",
    "dcgan_discriminator",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "patchgan_discriminator",
    "resnet_generator",
    "srgan_discriminator",
    "srgan_generator",
    "stargan_discriminator",
    "unet_generator",
    "vgg19_content_network",
]
