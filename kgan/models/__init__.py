"""GAN models: each a `keras.Model` trained with `fit()` on any backend."""

from kgan.models.bigan import BiGAN
from kgan.models.cgan import CGAN
from kgan.models.cyclegan import CycleGAN
from kgan.models.dcgan import DCGAN
from kgan.models.gan import GAN
from kgan.models.pix2pix import Pix2Pix
from kgan.models.r3gan import R3GAN
from kgan.models.semi_supervised import SemiSupervisedGAN
from kgan.models.srgan import SRGAN
from kgan.models.stargan import StarGAN
from kgan.models.wgan import WGAN
from kgan.models.wgan_gp import WGANGP

__all__ = ["BiGAN", "SemiSupervisedGAN", "CGAN", "CycleGAN", "DCGAN", "GAN", "Pix2Pix", "R3GAN", "SRGAN", "StarGAN", "WGAN", "WGANGP"]
