"""DCGAN: the GAN with the DCGAN paper's convolutional networks."""

import keras

from kgan.models.gan import GAN
from kgan.networks.dcgan import dcgan_discriminator, dcgan_generator


@keras.saving.register_keras_serializable(package="kgan")
class DCGAN(GAN):
    """Deep convolutional GAN, built from `kgan.networks.dcgan_*` by default.

    Args:
        image_shape: `(size, size, channels)`, default `(32, 32, 1)`; size one
            of 16, 28, 32, 64, ... (4·2^k or 7·2^k), channels 1 or 3.
        latent_dim: int > 0, default 100 (the paper's).
        base_filters: int, default 64; width of the built networks.
        generator, discriminator: optional built models replacing the defaults.
        loss, d_steps, label_smoothing, seed: as in `kgan.models.GAN`.

    Images are float in [-1, 1], NHWC. Default optimizers: Adam(2e-4, β₁=0.5).

    Example:
        >>> x, _ = kgan.data.load_digits(image_size=32)
        >>> model = kgan.models.DCGAN(image_shape=(32, 32, 1), latent_dim=64)
        >>> model.compile()
        >>> model.fit(x, batch_size=64, epochs=1)

    Reference:
        Radford, Metz & Chintala 2016, "Unsupervised Representation Learning
        with Deep Convolutional Generative Adversarial Networks".
    """

    def __init__(
        self,
        image_shape=(32, 32, 1),
        latent_dim=100,
        base_filters=64,
        generator=None,
        discriminator=None,
        **kwargs,
    ):
        image_shape = tuple(image_shape)
        if generator is None:
            generator = dcgan_generator(latent_dim, image_shape, base_filters)
        if discriminator is None:
            discriminator = dcgan_discriminator(image_shape, base_filters)
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.image_shape = image_shape
        self.base_filters = base_filters

    def get_config(self):
        config = super().get_config()
        config.update({"image_shape": self.image_shape, "base_filters": self.base_filters})
        return config
