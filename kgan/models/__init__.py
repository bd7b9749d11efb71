"""GAN models: each a `keras.Model` trained with `fit()` on any backend."""

from kgan.models.cgan import CGAN
from kgan.models.dcgan import DCGAN
from kgan.models.gan import GAN
from kgan.models.wgan_gp import WGANGP

__all__ = ["CGAN", "DCGAN", "GAN", "WGANGP"]
