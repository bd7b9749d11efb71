"""GAN models: each a `keras.Model` trained with `fit()` on any backend."""

from kgan.models.bigan import BiGAN
from kgan.models.biggan import BigGAN
from kgan.models.cgan import CGAN
from kgan.models.cyclegan import CycleGAN
from kgan.models.dcgan import DCGAN
from kgan.models.gan import GAN
from kgan.models.ganimation import GANimation
from kgan.models.pix2pix import Pix2Pix
from kgan.models.progressive_gan import ProgressiveGAN
from kgan.models.r3gan import R3GAN
from kgan.models.semi_supervised import SemiSupervisedGAN
from kgan.models.srgan import SRGAN
from kgan.models.stargan import StarGAN
from kgan.models.stylegan import StyleGAN, StyleGAN2
from kgan.models.wgan import WGAN
from kgan.models.wgan_gp import WGANGP
from kgan.models.zi2zi import Zi2Zi

__all__ = ["BiGAN", "BigGAN", "SemiSupervisedGAN", "CGAN", "CycleGAN", "DCGAN", "GAN", "GANimation", "Pix2Pix", "ProgressiveGAN", "R3GAN", "SRGAN", "StarGAN", "StyleGAN", "StyleGAN2", "WGAN", "WGANGP", "Zi2Zi"]
