"""SRGAN: 4× super-resolution with a content loss and an adversarial loss."""

import copy

import keras
from keras import ops

from kgan.backend import without_gradient
from kgan.losses import get_adversarial_loss
from kgan.losses.reconstruction import content_loss
from kgan.training.adversarial_model import AdversarialModel
from kgan.utils.sampling import generate_in_batches
from kgan.utils.shapes import image_shape_of, output_shape_of
from kgan.utils.validation import check_images, check_non_negative, check_pairs


@keras.saving.register_keras_serializable(package="kgan")
class SRGAN(AdversarialModel):
    """SRGAN: G upsamples low-resolution images; D tells real from upsampled.

    The generator minimises `content_weight`·content + `adversarial_weight`·adversarial,
    where content is the mean squared error between `content_network` features of
    the real and the generated high-resolution images, or between their pixels
    when `content_network` is None (SRResNet-MSE). The content network is frozen.

    Args:
        generator: built `keras.Model`, low-resolution images `(batch, h, w, c)`
            in [-1, 1] → `(batch, H, W, c)` in [-1, 1], e.g.
            `kgan.networks.srgan_generator` (4×).
        discriminator: built `keras.Model`, `(batch, H, W, c)` → logits
            (`kgan.networks.srgan_discriminator`).
        content_network: built `keras.Model` or None (default: pixel MSE), high-
            resolution images → features, e.g. `kgan.networks.vgg19_content_network`
            (VGG19 features, needs the ImageNet weights on disk) or any small
            network of yours.
        content_weight: float ≥ 0, default 1.
        adversarial_weight: float ≥ 0, default 1e-3.
        loss: str, default `"non_saturating"` (see `kgan.losses.get_adversarial_loss`).
        d_steps: int ≥ 1, default 1.
        seed: int or None.

    Data: `fit(x, y)`: x low-resolution images, y the matching high-resolution ones.

    Example:
        >>> small, full, _ = kgan.data.paired_digits("downsampled", image_size=32)
        >>> g = kgan.networks.srgan_generator((8, 8, 1), filters=16, num_blocks=2)
        >>> d = kgan.networks.srgan_discriminator((32, 32, 1), base_filters=16, num_levels=2)
        >>> model = kgan.models.SRGAN(g, d)
        >>> model.compile()
        >>> model.fit(small, full, batch_size=32)
        >>> upscaled = model.translate(small[:8])   # (8, 32, 32, 1)

    Reference:
        Ledig et al. 2017, "Photo-Realistic Single Image Super-Resolution Using a
        Generative Adversarial Network".
    """

    is_translator = True
    log_names = ("d_loss", "g_loss", "d_real", "d_fake", "content", "g_adv")

    def __init__(self, generator, discriminator, content_network=None, content_weight=1.0,
                 adversarial_weight=1e-3, loss="non_saturating", d_steps=1, seed=None, **kwargs):
        d_loss_fn, g_loss_fn = get_adversarial_loss(loss)
        super().__init__(generator, discriminator, d_steps=d_steps, seed=seed, **kwargs)
        self.low_shape = image_shape_of(generator, "generator")
        self.high_shape = output_shape_of(generator)
        if image_shape_of(discriminator, "discriminator") != self.high_shape:
            raise ValueError(
                f"The discriminator must take the generator's outputs, shape {self.high_shape}. "
                f"Received a discriminator with input shape {discriminator.inputs[0].shape}."
            )
        if content_network is not None:
            if not isinstance(content_network, keras.Model) or not content_network.built:
                raise ValueError(
                    "content_network must be a built keras.Model or None. "
                    f"Received: content_network={content_network!r}"
                )
            if image_shape_of(content_network, "content_network") != self.high_shape:
                raise ValueError(
                    f"content_network must take images of shape {self.high_shape}. Received "
                    f"input shape {content_network.inputs[0].shape}."
                )
            content_network.trainable = False
        self.content_network = content_network
        self.content_weight = check_non_negative(content_weight, "content_weight")
        self.adversarial_weight = check_non_negative(adversarial_weight, "adversarial_weight")
        self.loss_name = loss
        self._d_loss_fn, self._g_loss_fn = d_loss_fn, g_loss_fn

    def check_data(self, x, y):
        super().check_data(x, y)
        check_pairs(x, y, self.low_shape, self.high_shape, "SRGAN")

    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError("SRGAN trains on (low, high) resolution pairs: call fit(x, y).")
        return {"low": x, "high": y}

    def discriminator_loss(self, batch, noise):
        fake = without_gradient(lambda: self.generator(batch["low"], training=True))
        real_logits = self.discriminator(batch["high"], training=True)
        fake_logits = self.discriminator(fake, training=True)
        loss = self._d_loss_fn(real_logits, fake_logits)
        return loss, {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}

    def _features(self, images):
        if self.content_network is None:
            return images
        return self.content_network(images, training=False)

    def generator_loss(self, batch, noise):
        fake = self.generator(batch["low"], training=True)
        content = content_loss(self._features(batch["high"]), self._features(fake))
        adversarial = self._g_loss_fn(self.discriminator(fake, training=True))
        loss = self.content_weight * content + self.adversarial_weight * adversarial
        return loss, {"content": content, "g_adv": adversarial}

    # ------------------------------------------------------------ translating
    def call(self, images, training=False):
        return self.generator(images, training=training)

    def translate(self, images, batch_size=256):
        """Upscales low-resolution images `(n, h, w, c)` in [-1, 1]; returns numpy `(n, H, W, c)`."""
        images = check_images(images, self.low_shape)
        return generate_in_batches(self.sampling_generator, [images], batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "content_network": None if self.content_network is None
                else keras.saving.serialize_keras_object(self.content_network),
                "content_weight": self.content_weight,
                "adversarial_weight": self.adversarial_weight,
                "loss": self.loss_name,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = copy.deepcopy(config)  # deserialisation consumes nested dicts
        for role in ("generator", "discriminator", "content_network"):
            if config.get(role) is not None:
                config[role] = keras.saving.deserialize_keras_object(config[role])
        return cls(**config)
