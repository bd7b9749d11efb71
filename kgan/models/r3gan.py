"""R3GAN: the relativistic pairing loss with R1 and R2 penalties."""

import keras
from keras import ops

from kgan.backend import without_gradient
from kgan.losses import discriminator_relativistic_loss, generator_relativistic_loss
from kgan.models.gan import GAN
from kgan.utils.validation import check_positive, refuse_fixed_options

# gamma="auto": γ = AUTO_GAMMA_PER_VARIANCE × the data's variance per coordinate.
AUTO_GAMMA_PER_VARIANCE = 0.2
# The generator EMA's per-step decay when neither ema_decay nor ema_half_life_images is given.
DEFAULT_EMA_DECAY = 0.998


def auto_gamma(real):
    """R3GAN's `gamma="auto"`: 0.2 × the variance of `real` per coordinate.

    R1 and R2 are squared input gradients, so scaling the data by s divides
    them by s²: a γ that grows with the square of the data's spread keeps the
    penalty's strength the same whatever the data's units.

    Args:
        real: tensor `(batch ≥ 2, ...)`, a batch of real samples.

    Returns:
        float32 scalar tensor ≥ 0: 0.2 × the mean over coordinates of the
        variance over the batch (e.g. 1.6 on grid-25, 0.1 on ring-8).
    """
    flat = ops.reshape(ops.cast(real, "float32"), (ops.shape(real)[0], -1))
    return AUTO_GAMMA_PER_VARIANCE * ops.mean(ops.var(flat, axis=0))


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
        gamma: float > 0 or `"auto"` (default). Weight γ of R1 and R2.
            `"auto"` sets γ at the first training step from that batch of
            real samples: γ = 0.2 × their variance per coordinate (the mean
            over coordinates of the variance over the batch; `auto_gamma`),
            e.g. 0.1 for ring-8, 1.6 for grid-25, 0.05 for images in
            [-1, 1] with a per-pixel std of 0.5. R1 and R2 scale with
            1 / (the data's scale)², so this γ gives data in any units the
            same penalty strength. The value
            is kept in the non-trainable variable `gamma_value` (saved with
            the model; 0 until the first step). The paper uses 0.05
            (CIFAR-10), 0.5 (ImageNet 32), 2 (FFHQ 64) and 150 (FFHQ 256),
            decayed 10× over training.
        reg_interval: int ≥ 1, default 1 (the paper's setting). k > 1 makes
            the penalties lazy (every k steps, StyleGAN2's correction).
        d_steps: int ≥ 1, default 1.
        ema_decay: float in (0, 1) or None, default 0.998 (unless
            `ema_half_life_images` is given): the per-step decay of the
            generator EMA that `generate()` samples, as the paper does; a
            half-life of about 350 steps, near NVlabs' batch · 10/32 kimg.
            None disables it. On the 2-D mixtures (grid-25, 3×128 MLPs,
            10,000 steps) it raised the share of samples near a mode from
            77 % to 95 %.
        ema_half_life_images: see `kgan.training.AdversarialModel`.
        augment: as in `kgan.models.GAN`: every discriminator input, real and
            fake, in both losses and in R1/R2 (taken through the augmentation).
        seed: int or None.
        **kwargs: other `kgan.models.GAN` arguments; `loss`, `label_smoothing`,
            `least_squares_targets`, `r1_gamma` and `r2_gamma` are refused
            (R3GAN fixes its loss and weighs both penalties by `gamma`).

    `compile()` defaults to Adam(1e-3, β1 = 0, β2 = 0.99, ε = 1e-8) for both
    networks: the paper's betas, and the learning rate of NVlabs' ProGAN and
    StyleGAN (the paper uses 2e-4, decayed to 5e-5, with β2 raised from 0.9 to
    0.99 over training). With 2e-4, R3GAN on the 2-D mixtures had not
    converged after 10,000 steps (grid-25: 13–38 % of samples near a mode,
    against 95 % with 1e-3; `benchmarks/mixtures.py --defaults-only`).

    Example:
        >>> g = kgan.networks.mlp_generator(latent_dim=8, output_dim=2)
        >>> d = kgan.networks.mlp_discriminator(input_dim=2)
        >>> model = kgan.models.R3GAN(g, d, latent_dim=8)  # gamma="auto"
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
        gamma="auto",
        reg_interval=1,
        d_steps=1,
        seed=None,
        **kwargs,
    ):
        if gamma != "auto":
            try:
                check_positive(gamma, "gamma")
            except ValueError:
                raise ValueError(
                    f'gamma must be a finite number > 0 or "auto". Received: gamma={gamma!r}'
                ) from None
        if "ema_decay" not in kwargs and kwargs.get("ema_half_life_images") is None:
            kwargs["ema_decay"] = DEFAULT_EMA_DECAY
        fixed_loss = "whose loss is the relativistic pairing loss"
        refuse_fixed_options("R3GAN", kwargs, {
            "loss": fixed_loss,
            "label_smoothing": fixed_loss,
            "least_squares_targets": fixed_loss,
            "r1_gamma": "which weighs R1 and R2 by gamma",
            "r2_gamma": "which weighs R1 and R2 by gamma",
        })
        # GAN's R1 and R2 at unit weight; discriminator_regularizer scales both by γ.
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            r1_gamma=1.0,
            r2_gamma=1.0,
            reg_interval=reg_interval,
            d_steps=d_steps,
            seed=seed,
            **kwargs,
        )
        self.gamma = gamma if gamma == "auto" else float(gamma)
        self.gamma_value = keras.Variable(
            0.0 if gamma == "auto" else float(gamma), trainable=False, name="gamma_value"
        )
        self.loss_name = "relativistic"

    def default_optimizers(self):
        return (
            keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8, name="g_adam"),
            keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8, name="d_adam"),
        )

    def discriminator_loss(self, batch, noise):
        fake = without_gradient(lambda: self.generate_for_batch(batch, noise))
        real_logits = self.discriminate(batch, batch["real"], noise, "real")
        fake_logits = self.discriminate(batch, fake, noise, "fake")
        loss = discriminator_relativistic_loss(real_logits, fake_logits)
        return loss, self.discriminator_logs(real_logits, fake_logits)

    def generator_loss(self, batch, noise):
        fake_logits = self.discriminate(batch, self.generate_for_batch(batch, noise), noise, "fake")
        real_logits = self.discriminate(batch, batch["real"], noise, "real")
        return generator_relativistic_loss(real_logits, fake_logits), {}

    def stateful_train_step(self, data):
        if self.gamma == "auto":
            # Set once, from the first batch; a loaded model keeps its saved value.
            real = self.unpack_batch(data)["real"]
            current = self.gamma_value.value
            self.gamma_value.assign(ops.where(ops.equal(current, 0.0), auto_gamma(real), current))
        return super().stateful_train_step(data)

    def discriminator_regularizer(self, batch, noise):
        loss, logs = super().discriminator_regularizer(batch, noise)
        return self.gamma_value * loss, logs

    def get_config(self):
        config = super().get_config()
        for key in ("loss", "label_smoothing", "least_squares_targets", "r1_gamma", "r2_gamma"):
            config.pop(key)
        config["gamma"] = self.gamma
        return config
