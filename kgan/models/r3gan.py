"""R3GAN: the relativistic pairing loss with R1 and R2 penalties."""

import keras
from keras import ops

from kgan.losses import discriminator_relativistic_loss, generator_relativistic_loss
from kgan.models.gan import GAN
from kgan.utils.validation import check_positive, refuse_fixed_options


@keras.saving.register_keras_serializable(package="kgan")
class R3GAN(GAN):
    """Relativistic pairing GAN regularised by R1 and R2 (R3GAN's objective).

    The discriminator minimises E[softplus(D(G(z)) − D(x))] + γ/2 · (R1 + R2),
    where R1 = E[‖∇D(x)‖²] on real samples and R2 = E[‖∇D(G(z))‖²] on
    generated ones; the generator minimises E[softplus(D(x) − D(G(z)))]. Real
    sample i is paired with generated sample i of the batch. The paper shows
    that this loss with both penalties converges locally, so it trains without
    the usual tricks; its architecture (a modernised ResNet) is not part of
    this class: any generator and discriminator work.

    Args:
        generator: built `keras.Model`, latents `(batch, latent_dim)` to samples.
        discriminator: built `keras.Model`, samples to logits `(batch, 1)`. No
            BatchNorm (the penalties are per sample).
        latent_dim: int > 0.
        gamma: float > 0, default 1. Weight γ of R1 and R2. The paper uses
            0.05 (CIFAR-10), 0.5 (ImageNet 32), 2 (FFHQ 64) and 150 (FFHQ 256),
            decayed 10× over training; scale it with the data's resolution.
        reg_interval: int ≥ 1, default 1 (the paper's setting). k > 1 makes
            the penalties lazy (every k steps, StyleGAN2's correction).
        d_steps: int ≥ 1, default 1.
        ema_decay, ema_half_life_images: generator EMA (the paper samples an
            EMA generator), see `kgan.training.AdversarialModel`.
        augment: as in `kgan.models.GAN`: every discriminator input, real and
            fake, in both losses and in R1/R2 (taken through the augmentation).
        seed: int or None.
        **kwargs: other `kgan.models.GAN` arguments; `loss`, `label_smoothing`,
            `least_squares_targets`, `r1_gamma` and `r2_gamma` are refused
            (R3GAN fixes its loss and weighs both penalties by `gamma`).

    `compile()` defaults to Adam(2e-4, β1 = 0, β2 = 0.99, ε = 1e-8) for both
    networks, the paper's optimizer (it also decays the learning rate to 5e-5
    and raises β2 from 0.9 to 0.99 over training).

    Example:
        >>> g = kgan.networks.mlp_generator(latent_dim=8, output_dim=2)
        >>> d = kgan.networks.mlp_discriminator(input_dim=2)
        >>> model = kgan.models.R3GAN(g, d, latent_dim=8, gamma=0.1)
        >>> model.compile()
        >>> model.fit(kgan.data.gaussian_mixture("ring8", 2048, seed=0), batch_size=256)
        >>> samples = model.generate(100, seed=0)

    Reference:
        Huang, Gokaslan, Kuleshov & Tompkin 2024, "The GAN is dead; long live
        the GAN! A Modern Baseline GAN" (NeurIPS 2024); Jolicoeur-Martineau
        2019, "The relativistic discriminator"; Mescheder et al. 2018, "Which
        Training Methods for GANs do actually Converge?" (R1, R2).
    """

    # Both losses are relativistic, not GAN's.
    supports_feature_matching = False
    supports_historical_averaging = False

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        gamma=1.0,
        reg_interval=1,
        d_steps=1,
        seed=None,
        **kwargs,
    ):
        check_positive(gamma, "gamma")
        fixed_loss = "whose loss is the relativistic pairing loss"
        refuse_fixed_options("R3GAN", kwargs, {
            "loss": fixed_loss,
            "label_smoothing": fixed_loss,
            "least_squares_targets": fixed_loss,
            "r1_gamma": "which weighs R1 and R2 by gamma",
            "r2_gamma": "which weighs R1 and R2 by gamma",
        })
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            r1_gamma=gamma,
            r2_gamma=gamma,
            reg_interval=reg_interval,
            d_steps=d_steps,
            seed=seed,
            **kwargs,
        )
        self.gamma = float(gamma)
        self.loss_name = "relativistic"

    def default_optimizers(self):
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.99, epsilon=1e-8, name="g_adam"),
            keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.99, epsilon=1e-8, name="d_adam"),
        )

    def discriminator_loss(self, batch, noise):
        fake = ops.stop_gradient(self.generate_for_batch(batch, noise))
        real_logits = self.discriminate(batch, batch["real"], noise, "real")
        fake_logits = self.discriminate(batch, fake, noise, "fake")
        loss = discriminator_relativistic_loss(real_logits, fake_logits)
        return loss, self.discriminator_logs(real_logits, fake_logits)

    def generator_loss(self, batch, noise):
        fake_logits = self.discriminate(batch, self.generate_for_batch(batch, noise), noise, "fake")
        real_logits = self.discriminate(batch, batch["real"], noise, "real")
        return generator_relativistic_loss(real_logits, fake_logits), {}

    def get_config(self):
        config = super().get_config()
        for key in ("loss", "label_smoothing", "least_squares_targets", "r1_gamma", "r2_gamma"):
            config.pop(key)
        config["gamma"] = self.gamma
        return config
