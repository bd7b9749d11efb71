"""Pix2Pix: paired image-to-image translation with a conditional PatchGAN."""

import keras
from keras import ops

from kgan.backend import without_gradient
from kgan.losses import get_adversarial_loss
from kgan.losses.reconstruction import l1_loss
from kgan.training.adversarial_model import AdversarialModel
from kgan.utils.sampling import generate_in_batches
from kgan.utils.shapes import image_shape_of, output_shape_of
from kgan.utils.validation import check_images, check_non_negative, check_pairs


@keras.saving.register_keras_serializable(package="kgan")
class Pix2Pix(AdversarialModel):
    """Pix2Pix: G(x) learns the paired target y; D judges patches of (x, y) pairs.

    The discriminator sees the source image and the real or translated image
    concatenated along channels and minimises ½·(adversarial loss) (the paper
    halves D's objective); the generator minimises the adversarial loss plus
    `l1_weight`·E|y − G(x)|. The generator's dropout is its noise (no z).

    Args:
        generator: built `keras.Model`, source images `(batch, H, W, C_in)` in
            [-1, 1] → target images `(batch, H, W, C_out)` in [-1, 1], e.g.
            `kgan.networks.unet_generator`.
        discriminator: built `keras.Model`, `(batch, H, W, C_in + C_out)` → logits
            of any shape `(batch, ...)`, e.g. `kgan.networks.patchgan_discriminator`.
        l1_weight: float ≥ 0, default 100 (λ).
        loss: str, default `"non_saturating"`; an adversarial loss of
            `kgan.losses.get_adversarial_loss`.
        d_steps: int ≥ 1, default 1.
        seed: int or None.

    Data: `fit(x, y)`: x the source images, y the target images, paired row by row.

    Example:
        >>> x, y, _ = kgan.data.paired_digits("edges", image_size=16)
        >>> g = kgan.networks.unet_generator((16, 16, 1), base_filters=16)
        >>> d = kgan.networks.patchgan_discriminator((16, 16, 2), base_filters=16, num_layers=2)
        >>> model = kgan.models.Pix2Pix(g, d)
        >>> model.compile()
        >>> model.fit(x, y, batch_size=32)
        >>> digits = model.translate(x[:8])

    Reference:
        Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial Networks".
    """

    is_translator = True
    log_names = ("d_loss", "g_loss", "d_real", "d_fake", "g_adv", "l1")

    def __init__(self, generator, discriminator, l1_weight=100.0, loss="non_saturating",
                 d_steps=1, seed=None, **kwargs):
        d_loss_fn, g_loss_fn = get_adversarial_loss(loss)
        super().__init__(generator, discriminator, d_steps=d_steps, seed=seed, **kwargs)
        self.l1_weight = check_non_negative(l1_weight, "l1_weight")
        self.loss_name = loss
        self._d_loss_fn, self._g_loss_fn = d_loss_fn, g_loss_fn
        self.source_shape = image_shape_of(generator, "generator")
        self.target_shape = output_shape_of(generator)
        pair_shape = self.source_shape[:2] + (self.source_shape[2] + self.target_shape[2],)
        if image_shape_of(discriminator, "discriminator") != pair_shape:
            raise ValueError(
                "The discriminator must take a source image and a target image concatenated "
                f"along channels, shape {pair_shape}. Received a discriminator with input "
                f"shape {image_shape_of(discriminator, 'discriminator')}."
            )

    def check_data(self, x, y):
        super().check_data(x, y)
        check_pairs(x, y, self.source_shape, self.target_shape, "Pix2Pix")

    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError("Pix2Pix trains on paired images: call fit(x, y) with targets y.")
        return {"source": x, "target": y}

    def _logits(self, source, image):
        return self.discriminator(ops.concatenate([source, image], axis=-1), training=True)

    def discriminator_loss(self, batch, noise):
        fake = without_gradient(lambda: self.generator(batch["source"], training=True))
        real_logits = self._logits(batch["source"], batch["target"])
        fake_logits = self._logits(batch["source"], fake)
        loss = 0.5 * self._d_loss_fn(real_logits, fake_logits)
        return loss, {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}

    def generator_loss(self, batch, noise):
        fake = self.generator(batch["source"], training=True)
        adversarial = self._g_loss_fn(self._logits(batch["source"], fake))
        l1 = l1_loss(batch["target"], fake)
        return adversarial + self.l1_weight * l1, {"g_adv": adversarial, "l1": l1}

    # ------------------------------------------------------------ translating
    def call(self, images, training=False):
        return self.generator(images, training=training)

    def translate(self, images, batch_size=256):
        """Translates source images with the generator in inference mode.

        Args:
            images: array `(num_images, H, W, C_in)` in [-1, 1].
            batch_size: int, default 256.

        Returns:
            `np.ndarray` `(num_images, H, W, C_out)` in [-1, 1].
        """
        images = check_images(images, self.source_shape)
        return generate_in_batches(self.sampling_generator, [images], batch_size)

    def get_config(self):
        config = super().get_config()
        config.update({"l1_weight": self.l1_weight, "loss": self.loss_name})
        return config
