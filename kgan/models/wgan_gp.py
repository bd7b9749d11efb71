"""WGAN-GP: the Wasserstein critic with a gradient penalty."""

import keras
from keras import ops

from kgan.backend import input_gradients, without_gradient
from kgan.losses import gradient_penalty, interpolate
from kgan.models.gan import GAN
from kgan.utils.validation import check_non_negative, refuse_fixed_options


@keras.saving.register_keras_serializable(package="kgan")
class WGANGP(GAN):
    """Wasserstein GAN with gradient penalty.

    The critic minimises E[D(G(z))] − E[D(x)] + λ E[(‖∇D(x̂)‖₂ − 1)²] at points
    x̂ = α x + (1 − α) G(z), with α ~ U[0, 1] drawn per sample; the generator
    minimises −E[D(G(z))]. With `augment`, x and G(z) are the augmented
    batches the critic scores, so x̂ lies between them and the penalty
    constrains the critic on the augmented data it is trained on (no gradient
    through the augmentation). The critic must not use BatchNorm (the penalty is
    per sample); use layer normalisation or none.

    Args:
        generator: built `keras.Model`, latents `(batch, latent_dim)` to samples.
        discriminator: built `keras.Model` (the critic), samples to scores `(batch, 1)`.
        latent_dim: int > 0.
        gp_weight: float ≥ 0, default 10 (λ).
        d_steps: int ≥ 1, default 5 (critic updates per generator update).
        seed: int or None.
        augment: as in `kgan.models.GAN` (keyword).
        **kwargs: other `kgan.models.GAN` arguments; `loss` is refused
            (always `"wasserstein"`).

    Example:
        >>> g = kgan.networks.mlp_generator(latent_dim=8, output_dim=2)
        >>> d = kgan.networks.mlp_discriminator(input_dim=2)
        >>> model = kgan.models.WGANGP(g, d, latent_dim=8)
        >>> model.compile()  # Adam(1e-4, β=(0, 0.9)) as in the paper
        >>> model.fit(kgan.data.gaussian_mixture("ring8", 2048, seed=0), batch_size=256)

    Reference:
        Gulrajani et al. 2017, "Improved Training of Wasserstein GANs".
    """

    log_names = ("d_loss", "g_loss", "d_real", "d_fake", "gp")
    uses_input_gradients = True
    # The critic's loss (with its penalty) is its own, without GAN's historical term.
    supports_historical_averaging = False

    def __init__(
        self, generator, discriminator, latent_dim, gp_weight=10.0, d_steps=5, seed=None, **kwargs
    ):
        check_non_negative(gp_weight, "gp_weight")
        refuse_fixed_options("WGANGP", kwargs, {"loss": "whose loss is the Wasserstein loss"})
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            loss="wasserstein",
            d_steps=d_steps,
            seed=seed,
            **kwargs,
        )
        self.gp_weight = float(gp_weight)

    def default_optimizers(self):
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9, name="g_adam"),
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9, name="d_adam"),
        )

    def sample_noise(self, batch):
        noise = super().sample_noise(batch)
        real = batch["real"]
        alpha_shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        noise["alpha"] = self.random_uniform(alpha_shape)
        return noise

    def discriminator_loss(self, batch, noise):
        real = self.augmented(batch["real"], noise, "real")
        fake = self.augmented(without_gradient(lambda: self.generate_for_batch(batch, noise)), noise, "fake")
        real_logits = self.discriminator_logits(batch, real)
        fake_logits = self.discriminator_logits(batch, fake)
        mixed = interpolate(real, fake, noise["alpha"])
        gradients = input_gradients(lambda x: self.discriminator_logits(batch, x), mixed)
        gp = gradient_penalty(gradients)
        loss = self._d_loss_fn(real_logits, fake_logits) + self.gp_weight * gp
        logs = {**self.discriminator_logs(real_logits, fake_logits), "gp": gp}
        return loss, logs

    def get_config(self):
        config = super().get_config()
        for key in ("loss", "label_smoothing"):
            config.pop(key)
        config["gp_weight"] = self.gp_weight
        return config
