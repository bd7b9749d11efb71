"""StarGAN: one generator translating between many domains given a target attribute vector."""

import keras
from keras import ops

from kgan.losses.reconstruction import attribute_classification_loss, l1_loss
from kgan.models.conditional_translation import ConditionalTranslationGAN
from kgan.utils.validation import check_non_negative


@keras.saving.register_keras_serializable(package="kgan")
class StarGAN(ConditionalTranslationGAN):
    """StarGAN: G(x, c) translates image x into the domain described by the
    binary attribute vector c; D has a real/fake head and an attribute head.

    Per batch the target vectors are the batch's own attribute vectors, shuffled
    with the model's seed generator (so multi-attribute targets follow the data).
    The critic minimises the WGAN-GP loss on its real/fake head plus
    `domain_weight`·(attribute cross-entropy on real images); the generator
    minimises −E[D_src(G(x, c))] + `domain_weight`·(attribute cross-entropy of
    G(x, c) against c) + `reconstruction_weight`·E|x − G(G(x, c), c_x)| and,
    with `identity_weight` > 0 (not in the paper, off by default),
    `identity_weight`·E|x − G(x, c_x)|: CycleGAN's identity loss, which pins
    the translation to the own domain to the identity. Without it the cycle
    loss is met as well by a generator that maps some domains to another
    digit and back (seen on the digits recipe: recipes/README.md, `stargan_digits`).

    Args:
        generator: built `keras.Model`, `[images (batch, H, W, C), attributes
            (batch, K)]` → images, in [-1, 1], e.g.
            `kgan.networks.resnet_generator(..., condition_dim=K, padding="zero",
            sampling_kernel_size=4, instance_affine=True)` (StarGAN's own layout).
        discriminator: built `keras.Model`, images → `[patch logits, attribute
            logits (batch, K)]`, e.g. `kgan.networks.stargan_discriminator`; no BatchNorm.
        domain_weight: float ≥ 0, default 1 (λ_cls).
        reconstruction_weight: float ≥ 0, default 10 (λ_rec).
        identity_weight: float ≥ 0, default 0 (the paper: none).
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
        >>> model = kgan.models.StarGAN(g, d, identity_weight=5.0)
        >>> model.compile()   # Adam(1e-4, β=(0.5, 0.999)) as in the paper
        >>> model.fit(images, attributes, batch_size=16)
        >>> thick_slanted = model.translate(images[:8], [[1, 1]] * 8)

    Reference:
        Choi et al. 2018, "StarGAN: Unified Generative Adversarial Networks for
        Multi-Domain Image-to-Image Translation".
    """

    condition_name = "attribute"
    auxiliary_output = "attribute logits"
    condition_range = (0.0, 1.0)
    d_auxiliary_log = "d_domain"
    log_names = ("d_loss", "g_loss", "d_real", "d_fake", "gp", "d_domain", "g_domain", "rec",
                 "identity")

    def __init__(self, generator, discriminator, domain_weight=1.0, reconstruction_weight=10.0,
                 identity_weight=0.0, gp_weight=10.0, d_steps=5, seed=None, **kwargs):
        super().__init__(generator, discriminator, gp_weight=gp_weight, d_steps=d_steps,
                         seed=seed, **kwargs)
        self.domain_weight = check_non_negative(domain_weight, "domain_weight")
        self.reconstruction_weight = check_non_negative(reconstruction_weight, "reconstruction_weight")
        self.identity_weight = check_non_negative(identity_weight, "identity_weight")

    @property
    def auxiliary_weight(self):
        return self.domain_weight

    def auxiliary_loss(self, conditions, predictions):
        return attribute_classification_loss(conditions, predictions)

    def generator_loss(self, batch, noise):
        real, target = batch["real"], noise["target"]
        fake = self.generator([real, target], training=True)
        adversarial, domain = self.generator_adversarial_loss(fake, target)
        rec = l1_loss(real, self.generator([fake, batch["conditions"]], training=True))
        loss = adversarial + self.reconstruction_weight * rec
        logs = {"g_domain": domain, "rec": rec, "identity": ops.zeros(())}
        if self.identity_weight:
            identity = l1_loss(real, self.generator([real, batch["conditions"]], training=True))
            loss = loss + self.identity_weight * identity
            logs["identity"] = identity
        return loss, logs

    def translate(self, images, target_attributes, batch_size=256):
        """Translates images into the domains given by `target_attributes`.

        Args:
            images: array `(n, H, W, C)` in [-1, 1].
            target_attributes: array `(n, K)` in [0, 1].
            batch_size: int, default 256.

        Returns:
            `np.ndarray` `(n, H, W, C)` in [-1, 1].
        """
        return self.translate_to(images, target_attributes, "target_attributes", batch_size)

    def get_config(self):
        config = super().get_config()
        config.update({"domain_weight": self.domain_weight,
                       "reconstruction_weight": self.reconstruction_weight,
                       "identity_weight": self.identity_weight})
        return config
