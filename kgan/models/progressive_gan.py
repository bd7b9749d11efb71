"""ProgressiveGAN: networks that grow from 4×4 to the final resolution, trained with WGAN-GP."""

import keras
import numpy as np
from keras import ops

from kgan.backend import input_gradients, without_gradient
from kgan.losses import (
    discriminator_wasserstein_loss,
    drift_penalty,
    generator_wasserstein_loss,
    gradient_penalty,
    interpolate,
)
from kgan.models.gan import LatentSampling
from kgan.networks.progressive import (
    ProgressiveDiscriminator,
    ProgressiveGenerator,
    downsample,
    upsample,
)
from kgan.training.adversarial_model import AdversarialModel
from kgan.utils.validation import check_int, check_non_negative


@keras.saving.register_keras_serializable(package="kgan")
class ProgressiveGAN(LatentSampling, AdversarialModel):
    """Progressive growing of GANs: train at 4×4, then add resolution by fade-in.

    Training starts at level 0 (4×4). Each further level doubles the image
    side up to the networks' `resolution`. A level first fades in for
    `fade_images` training images, with α rising linearly from 0 to 1, then
    stabilises for `stable_images` images at α = 1 (level 0 only stabilises);
    then `kgan.callbacks.ProgressiveGrowing` calls `grow()`. The final level
    trains for as long as `fit()` runs.

    State: the level, α and the images seen in the current stage are
    non-trainable model variables (`level`, `alpha`, `stage_images`), so they
    are saved in `.keras` files and checkpoints, threaded through JAX's
    compiled step, and a loaded model resumes at the same level and α. The
    train step advances `stage_images` and α with `keras.ops` (α for a step
    is its value before the step: the first step after growing uses α = 0).

    Static shapes: both networks hold every level's weights from the start.
    The active level is a Python int read from `level` when the train
    function is made, so each compiled function (JAX jit, `tf.function`)
    works at one resolution; `grow()` makes a new train function, which
    compiles once at the new level (one compilation per level). α stays a
    variable, so the fade-in runs without recompiling.

    Data: `fit(x)` with images at the final resolution `(batch, R, R,
    channels)` in [-1, 1]. Each step average-pools the real batch to the
    active resolution and, during a fade-in, blends it as the paper does:
    `lerp(upsample(downsample(x_l)), x_l, α)`, the same mixture of the lower
    and the new resolution that the generator's fade-in produces.

    Loss (WGAN-GP with the drift term): the critic minimises
    `E[D(G(z))] − E[D(x)] + λ·E[(‖∇D(x̂)‖₂ − 1)²] + ε_drift·E[D(x)²]` with x̂
    on the lines between real and generated samples (uniform per sample);
    the generator minimises `−E[D(G(z))]`. Logs: `d_loss` (all of it),
    `g_loss`, `d_real`, `d_fake`, `gp`, `drift`.

    Sampling: `generate()` returns images at the current level and α, of
    side `current_resolution`, from `sampling_generator` (the generator EMA
    when the model keeps one); SavedModel export serves the same network.

    Args:
        generator: `kgan.networks.ProgressiveGenerator`.
        discriminator: `kgan.networks.ProgressiveDiscriminator` of the same
            `resolution` and `channels`.
        fade_images: int ≥ 1, default 600_000 (the paper). Training images
            over which α rises from 0 to 1 after each growth.
        stable_images: int ≥ 0, default 600_000 (the paper). Training images
            at α = 1 before the next growth (and at level 0).
        gp_weight: float ≥ 0, default 10 (λ).
        drift_weight: float ≥ 0, default 0.001 (ε_drift).
        d_steps: int ≥ 1, default 1 (the paper's n_critic).
        ema_decay, ema_half_life_images: generator EMA (the paper samples a
            generator averaged with decay 0.999), see
            `kgan.training.AdversarialModel`.
        seed: int or None.

    `compile()` defaults to Adam(1e-3, β1 = 0, β2 = 0.99, ε = 1e-8) for both
    networks, the paper's optimizer. Unlike the paper's code, the optimizers'
    state is not reset when the networks grow.

    Example:
        >>> g = kgan.networks.ProgressiveGenerator(latent_dim=32, resolution=16)
        >>> d = kgan.networks.ProgressiveDiscriminator(resolution=16)
        >>> model = kgan.models.ProgressiveGAN(g, d, fade_images=2000, stable_images=2000)
        >>> model.compile()
        >>> x, _ = kgan.data.load_digits(image_size=16)
        >>> model.fit(x[:1024], batch_size=32, epochs=12,
        ...           callbacks=[kgan.callbacks.ProgressiveGrowing()])
        >>> model.current_resolution, model.generate(8, seed=0).shape
        (16, (8, 16, 16, 1))

    Reference:
        Karras, Aila, Laine & Lehtinen 2018, "Progressive Growing of GANs for
        Improved Quality, Stability, and Variation" (ICLR 2018).
    """

    log_names = ("d_loss", "g_loss", "d_real", "d_fake", "gp", "drift")
    uses_input_gradients = True

    def __init__(
        self,
        generator,
        discriminator,
        fade_images=600_000,
        stable_images=600_000,
        gp_weight=10.0,
        drift_weight=0.001,
        d_steps=1,
        seed=None,
        **kwargs,
    ):
        if not isinstance(generator, ProgressiveGenerator):
            raise ValueError(
                "generator must be a kgan.networks.ProgressiveGenerator. "
                f"Received: generator={type(generator).__name__}"
            )
        if not isinstance(discriminator, ProgressiveDiscriminator):
            raise ValueError(
                "discriminator must be a kgan.networks.ProgressiveDiscriminator. "
                f"Received: discriminator={type(discriminator).__name__}"
            )
        for name in ("resolution", "channels"):
            if getattr(generator, name) != getattr(discriminator, name):
                raise ValueError(
                    f"The generator and the discriminator must have the same {name}. Received: "
                    f"generator.{name}={getattr(generator, name)}, "
                    f"discriminator.{name}={getattr(discriminator, name)}"
                )
        check_int(fade_images, "fade_images")
        check_int(stable_images, "stable_images", minimum=0)
        check_non_negative(gp_weight, "gp_weight")
        check_non_negative(drift_weight, "drift_weight")
        check_int(generator.latent_dim, "latent_dim")
        super().__init__(generator, discriminator, d_steps=d_steps, seed=seed, **kwargs)
        self.latent_dim = generator.latent_dim
        self.fade_images = fade_images
        self.stable_images = stable_images
        self.gp_weight = float(gp_weight)
        self.drift_weight = float(drift_weight)
        self.num_levels = generator.num_levels
        self.level = keras.Variable(0, dtype="int32", trainable=False, name="level")
        self.alpha = keras.Variable(1.0, dtype="float32", trainable=False, name="alpha")
        self.stage_images = keras.Variable(0, dtype="int32", trainable=False, name="stage_images")
        # The level the train function computes (a Python int: static shapes).
        self._active_level = 0

    # ------------------------------------------------------------ growth
    @property
    def current_level(self):
        """The level in `self.level` (read eagerly; 0 is 4×4)."""
        return int(ops.convert_to_numpy(self.level))

    @property
    def current_resolution(self):
        """The image side at the current level: 4 · 2^level."""
        return 4 * 2**self.current_level

    @property
    def growth_due(self):
        """True when the current stage has seen its images and a level is left."""
        level = self.current_level
        if level == self.num_levels - 1:
            return False
        stage = self.stable_images + (self.fade_images if level > 0 else 0)
        return int(ops.convert_to_numpy(self.stage_images)) >= stage

    def grow(self):
        """Moves to the next level with α = 0 and a new stage, and remakes the
        train function for its resolution (also inside `fit()`, between batches)."""
        level = self.current_level
        if level == self.num_levels - 1:
            raise ValueError(
                f"The networks are at their final level {level} "
                f"({self.generator.resolution}×{self.generator.resolution}); they cannot grow."
            )
        self.level.assign(level + 1)
        self.alpha.assign(0.0)
        self.stage_images.assign(0)
        if self.compiled:
            self.make_train_function(force=True)

    def make_train_function(self, force=False):
        level = self.current_level
        if level != self._active_level:
            self._active_level = level
            force = True
        return super().make_train_function(force=force)

    # ------------------------------------------------------------ training
    def default_optimizers(self):
        return (
            keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8, name="g_adam"),
            keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8, name="d_adam"),
        )

    def check_data(self, x, y):
        super().check_data(x, y)
        side, channels = self.generator.resolution, self.generator.channels
        if isinstance(x, np.ndarray) and tuple(x.shape[1:]) != (side, side, channels):
            raise ValueError(
                f"Training images must have the final resolution, shape (num_samples, {side}, "
                f"{side}, {channels}), at every level. Received: x.shape={x.shape}"
            )

    def real_at_level(self, images, level, alpha):
        """Real images at the final resolution → the critic's input at `level`:
        average-pooled to 4 · 2^level and, for level > 0, blended with their
        lower-resolution version by the fade-in weight `alpha`."""
        factor = self.generator.resolution // (4 * 2**level)
        images = downsample(ops.convert_to_tensor(images), factor)
        if level == 0:
            return images
        low = upsample(downsample(images, 2), 2)
        return low + ops.cast(alpha, images.dtype) * (images - low)

    def unpack_batch(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        alpha = ops.convert_to_tensor(self.alpha)
        return {
            "real": self.real_at_level(ops.cast(x, "float32"), self._active_level, alpha),
            "alpha": alpha,
        }

    def sample_noise(self, batch):
        batch_size = ops.shape(batch["real"])[0]
        return {
            "z": self.random_normal((batch_size, self.latent_dim)),
            "mix": self.random_uniform((batch_size, 1, 1, 1)),
        }

    def discriminator_logits(self, batch, images):
        return self.discriminator(
            images, level=self._active_level, alpha=batch["alpha"], training=True
        )

    def generate_for_batch(self, batch, noise):
        return self.generator(noise["z"], level=self._active_level, alpha=batch["alpha"],
                              training=True)

    def discriminator_loss(self, batch, noise):
        real = batch["real"]
        fake = without_gradient(lambda: self.generate_for_batch(batch, noise))
        real_logits = self.discriminator_logits(batch, real)
        fake_logits = self.discriminator_logits(batch, fake)
        mixed = interpolate(real, fake, noise["mix"])
        gp = gradient_penalty(input_gradients(lambda x: self.discriminator_logits(batch, x), mixed))
        drift = drift_penalty(real_logits)
        loss = (
            discriminator_wasserstein_loss(real_logits, fake_logits)
            + self.gp_weight * gp
            + self.drift_weight * drift
        )
        logs = {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits), "gp": gp,
                "drift": drift}
        return loss, logs

    def generator_loss(self, batch, noise):
        fake = self.generate_for_batch(batch, noise)
        return generator_wasserstein_loss(self.discriminator_logits(batch, fake)), {}

    def end_of_step(self, batch, batch_size):
        """The EMA, then counts the batch's images into the stage and advances α."""
        super().end_of_step(batch, batch_size)
        seen = self.stage_images + ops.cast(batch_size, "int32")
        self.stage_images.assign(seen)
        if self._active_level > 0:
            self.alpha.assign(ops.minimum(1.0, ops.cast(seen, "float32") / self.fade_images))

    # ------------------------------------------------------------ sampling
    @property
    def sampling_generator(self):
        """A Functional view `z → images` of the generator (its EMA when the
        model keeps one) at the current level and α, sharing its weights: what
        `generate()`, the sample and metric callbacks and SavedModel export use.
        Made anew at each access, so it follows the growth."""
        network = super().sampling_generator
        level, alpha = self.current_level, float(ops.convert_to_numpy(self.alpha))
        z = keras.Input((self.latent_dim,), name="z")
        side = 4 * 2**level
        return keras.Model(z, network(z, level=level, alpha=alpha),
                           name=f"{network.name}_{side}x{side}")

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "fade_images": self.fade_images,
                "stable_images": self.stable_images,
                "gp_weight": self.gp_weight,
                "drift_weight": self.drift_weight,
            }
        )
        return config
