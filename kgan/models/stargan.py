"""StarGAN: one generator translating between many domains given a target attribute vector."""

import keras
import numpy as np
from keras import ops

from kgan.backend import input_gradients
from kgan.losses import gradient_penalty, interpolate
from kgan.losses.reconstruction import attribute_classification_loss, l1_loss
from kgan.models.gan import generate_in_batches
from kgan.models.pix2pix import check_images, check_weight, image_shape_of
from kgan.training.adversarial_model import AdversarialModel


@keras.saving.register_keras_serializable(package="kgan")
class StarGAN(AdversarialModel):
    """StarGAN: G(x, c) translates image x into the domain described by the
    binary attribute vector c; D has a real/fake head and an attribute head.

    Per batch the target vectors are the batch's own attribute vectors, shuffled
    with the model's seed generator (so multi-attribute targets follow the data).
    The critic minimises the WGAN-GP loss on its real/fake head plus
    `domain_weight`·(attribute cross-entropy on real images); the generator
    minimises −E[D_src(G(x, c))] + `domain_weight`·(attribute cross-entropy of
    G(x, c) against c) + `reconstruction_weight`·E|x − G(G(x, c), c_x)|.

    Args:
        generator: built `keras.Model`, `[images (batch, H, W, C), attributes
            (batch, K)]` → images, in [-1, 1], e.g.
            `kgan.networks.resnet_generator(..., condition_dim=K, padding="zero")`.
        discriminator: built `keras.Model`, images → `[patch logits, attribute
            logits (batch, K)]`, e.g. `kgan.networks.stargan_discriminator`; no BatchNorm.
        domain_weight: float ≥ 0, default 1 (λ_cls).
        reconstruction_weight: float ≥ 0, default 10 (λ_rec).
        gp_weight: float ≥ 0, default 10 (λ_gp).
        d_steps: int ≥ 1, default 5.
        seed: int or None.

    Data: `fit(x, y)`: images and their attribute vectors `(n, K)` in {0, 1}.

    Example:
        >>> images, attributes, _ = kgan.data.domain_digits(image_size=16)
        >>> g = kgan.networks.resnet_generator((16, 16, 1), base_filters=16, num_blocks=2,
        ...                                    condition_dim=2, padding="zero")
        >>> d = kgan.networks.stargan_discriminator((16, 16, 1), 2, base_filters=16,
        ...                                         num_layers=3)
        >>> model = kgan.models.StarGAN(g, d)
        >>> model.compile()   # Adam(1e-4, β=(0.5, 0.999)) as in the paper
        >>> model.fit(images, attributes, batch_size=16)
        >>> thick_inverted = model.translate(images[:8], [[1, 1]] * 8)

    Reference:
        Choi et al. 2018, "StarGAN: Unified Generative Adversarial Networks for
        Multi-Domain Image-to-Image Translation".
    """

    is_translator = True
    uses_input_gradients = True
    log_names = ("d_loss", "g_loss", "d_real", "d_fake", "gp", "d_domain", "g_domain", "rec")

    def __init__(self, generator, discriminator, domain_weight=1.0, reconstruction_weight=10.0,
                 gp_weight=10.0, d_steps=5, seed=None, **kwargs):
        super().__init__(generator, discriminator, d_steps=d_steps, seed=seed, **kwargs)
        self.domain_weight = check_weight(domain_weight, "domain_weight")
        self.reconstruction_weight = check_weight(reconstruction_weight, "reconstruction_weight")
        self.gp_weight = check_weight(gp_weight, "gp_weight")
        if len(generator.inputs) != 2 or len(generator.inputs[1].shape) != 2:
            raise ValueError(
                "The generator must take [images, attributes (batch, num_domains)]. Received a "
                f"generator with inputs {[tuple(i.shape) for i in generator.inputs]}."
            )
        self.image_shape = image_shape_of(generator, "generator")
        self.num_domains = int(generator.inputs[1].shape[1])
        outputs = discriminator.outputs
        if len(outputs) != 2 or tuple(outputs[1].shape[1:]) != (self.num_domains,):
            raise ValueError(
                "The discriminator must return [patch logits, attribute logits (batch, "
                f"{self.num_domains})]. Received outputs {[tuple(o.shape) for o in outputs]}."
            )

    def default_optimizers(self):
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.999, name="g_adam"),
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.999, name="d_adam"),
        )

    def _check_attributes(self, attributes, count, name):
        attributes = np.asarray(attributes, dtype="float32")
        if attributes.shape != (count, self.num_domains):
            raise ValueError(
                f"{name} must be attribute vectors of shape ({count}, {self.num_domains}) "
                f"(num_domains={self.num_domains}). Received: {name}.shape={attributes.shape}"
            )
        if attributes.size and (attributes.min() < 0.0 or attributes.max() > 1.0):
            raise ValueError(
                f"{name} must be in [0, 1] (binary attributes). Received values from "
                f"{attributes.min()} to {attributes.max()}."
            )
        return attributes

    def check_data(self, x, y):
        super().check_data(x, y)
        if not isinstance(x, np.ndarray):
            return
        if y is None:
            raise ValueError("StarGAN trains on (images, attributes): call fit(x, y).")
        check_images(x, self.image_shape, "x")
        self._check_attributes(y, len(x), "y")

    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError("StarGAN trains on (images, attributes): call fit(x, y).")
        return {"real": x, "attributes": ops.cast(y, x.dtype)}

    def sample_noise(self, batch):
        real = batch["real"]
        alpha = self.random_uniform((ops.shape(real)[0], 1, 1, 1))
        target = keras.random.shuffle(batch["attributes"], axis=0, seed=self.seed_generator)
        return {"alpha": alpha, "target": target}

    def _source_logits(self, images):
        return self.discriminator(images, training=True)[0]

    def discriminator_loss(self, batch, noise):
        real = batch["real"]
        fake = ops.stop_gradient(self.generator([real, noise["target"]], training=True))
        real_logits, real_domains = self.discriminator(real, training=True)
        fake_logits = self._source_logits(fake)
        domain = attribute_classification_loss(batch["attributes"], real_domains)
        mixed = interpolate(real, fake, noise["alpha"])
        gp = gradient_penalty(input_gradients(self._source_logits, mixed))
        loss = (ops.mean(fake_logits) - ops.mean(real_logits) + self.domain_weight * domain
                + self.gp_weight * gp)
        return loss, {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits), "gp": gp,
                      "d_domain": domain}

    def generator_loss(self, batch, noise):
        real, target = batch["real"], noise["target"]
        fake = self.generator([real, target], training=True)
        fake_logits, fake_domains = self.discriminator(fake, training=True)
        domain = attribute_classification_loss(target, fake_domains)
        rec = l1_loss(real, self.generator([fake, batch["attributes"]], training=True))
        loss = -ops.mean(fake_logits) + self.domain_weight * domain + self.reconstruction_weight * rec
        return loss, {"g_domain": domain, "rec": rec}

    # ------------------------------------------------------------ translating
    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def translate(self, images, target_attributes, batch_size=256):
        """Translates images into the domains given by `target_attributes`.

        Args:
            images: array `(n, H, W, C)` in [-1, 1].
            target_attributes: array `(n, num_domains)` in [0, 1].
            batch_size: int, default 256.

        Returns:
            `np.ndarray` `(n, H, W, C)` in [-1, 1].
        """
        images = check_images(images, self.image_shape)
        target = self._check_attributes(target_attributes, len(images), "target_attributes")
        return generate_in_batches(self.sampling_generator, [images, target], batch_size)

    def get_config(self):
        config = super().get_config()
        config.update({"domain_weight": self.domain_weight,
                       "reconstruction_weight": self.reconstruction_weight,
                       "gp_weight": self.gp_weight})
        return config
