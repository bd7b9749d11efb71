"""The unconditional GAN with a choice of adversarial loss."""

import warnings

import keras
import numpy as np
from keras import ops

from kgan.losses import discriminator_minimax_loss, get_adversarial_loss
from kgan.training.adversarial_model import AdversarialModel


def check_latent_dim(latent_dim):
    if not isinstance(latent_dim, int) or isinstance(latent_dim, bool) or latent_dim <= 0:
        raise ValueError(
            f"latent_dim must be a positive integer. Received: latent_dim={latent_dim!r}"
        )


def latents(num_samples, latent_dim, seed):
    """Standard normal latents `(num_samples, latent_dim)` float32 from a numpy seed.

    Drawn with numpy so the same seed gives the same latents on every backend.
    """
    return np.random.default_rng(seed).standard_normal((num_samples, latent_dim)).astype("float32")


def generate_in_batches(network, inputs, batch_size):
    """Runs `network` in inference mode over numpy `inputs` (a list of arrays of
    equal length), `batch_size` rows at a time; returns one numpy array."""
    if batch_size <= 0:
        raise ValueError(f"batch_size must be positive. Received: batch_size={batch_size!r}")
    outputs = []
    for start in range(0, len(inputs[0]), batch_size):
        chunk = [array[start : start + batch_size] for array in inputs]
        outputs.append(
            ops.convert_to_numpy(network(chunk if len(chunk) > 1 else chunk[0], training=False))
        )
    if outputs and outputs[0].dtype != np.float32:  # bfloat16/float16 under mixed precision
        outputs = [output.astype("float32") for output in outputs]
    return np.concatenate(outputs)


def _shape(network, attribute):
    shape = getattr(network, attribute)
    return tuple(shape[0] if isinstance(shape, list) else shape)


@keras.saving.register_keras_serializable(package="kgan")
class GAN(AdversarialModel):
    """Generative adversarial network: G(z) against a discriminator D(x).

    Args:
        generator: built `keras.Model` mapping latents `(batch, latent_dim)` to
            samples `(batch, *sample_shape)`, e.g. images in [-1, 1] (tanh).
        discriminator: built `keras.Model` mapping samples to logits
            `(batch, 1)` (no sigmoid).
        latent_dim: int > 0, size of z ~ N(0, I).
        loss: str, default `"non_saturating"`. One of `"minimax"`,
            `"non_saturating"`, `"least_squares"`, `"hinge"`, `"wasserstein"`
            (see `kgan.losses`).
        d_steps: int ≥ 1, default 1. Discriminator updates per generator update.
        label_smoothing: float in [0, 1), default 0. One-sided label smoothing:
            real targets become `1 - label_smoothing` (minimax and
            non-saturating losses only).
        seed: int or None. Seed of the in-step random generator.

    Data: `fit(x)` with `x` of shape `(num_samples, *sample_shape)`, matching the
    discriminator's input; labels, if given, are ignored.

    Example:
        >>> g = kgan.networks.mlp_generator(latent_dim=8, output_dim=2)
        >>> d = kgan.networks.mlp_discriminator(input_dim=2)
        >>> gan = kgan.models.GAN(g, d, latent_dim=8)
        >>> gan.compile()
        >>> gan.fit(kgan.data.gaussian_mixture("ring8", 2048, seed=0), batch_size=256)
        >>> samples = gan.generate(100, seed=0)  # np.ndarray (100, 2)

    Reference:
        Goodfellow et al. 2014, "Generative Adversarial Nets".
    """

    log_names = ("d_loss", "g_loss", "d_real", "d_fake")

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        loss="non_saturating",
        d_steps=1,
        label_smoothing=0.0,
        seed=None,
        **kwargs,
    ):
        check_latent_dim(latent_dim)
        d_loss_fn, g_loss_fn = get_adversarial_loss(loss)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(
                f"label_smoothing must be in [0, 1). Received: label_smoothing={label_smoothing!r}"
            )
        if label_smoothing and d_loss_fn is not discriminator_minimax_loss:
            raise ValueError(
                "label_smoothing applies to the cross-entropy losses ('minimax', "
                f"'non_saturating') only. Received: loss={loss!r}, "
                f"label_smoothing={label_smoothing!r}"
            )
        super().__init__(generator, discriminator, d_steps=d_steps, seed=seed, **kwargs)
        self.latent_dim = latent_dim
        self.loss_name = loss
        self.label_smoothing = float(label_smoothing)
        self._d_loss_fn = d_loss_fn
        self._g_loss_fn = g_loss_fn
        self._check_networks()

    def _check_networks(self):
        g_in = _shape(self.generator, "input_shape")
        if g_in[1:] != (self.latent_dim,):
            raise ValueError(
                f"The generator must take latents of shape (batch, {self.latent_dim}) "
                f"(latent_dim={self.latent_dim}). Received a generator with input shape {g_in}."
            )
        self._check_sample_shape(_shape(self.generator, "output_shape"))

    def _check_sample_shape(self, g_out):
        d_in = _shape(self.discriminator, "input_shape")
        if g_out[1:] != d_in[1:]:
            raise ValueError(
                "The generator's output shape must match the discriminator's input shape. "
                f"Received: generator output {g_out}, discriminator input {d_in}."
            )

    @property
    def sample_shape(self):
        """Shape of one sample, without the batch axis."""
        return _shape(self.discriminator, "input_shape")[1:]

    def check_data(self, x, y):
        super().check_data(x, y)
        if isinstance(x, np.ndarray) and tuple(x.shape[1:]) != self.sample_shape:
            raise ValueError(
                f"Training data must have shape (num_samples, *{self.sample_shape}) to match "
                f"the discriminator. Received: x.shape={x.shape}"
            )
        if isinstance(x, np.ndarray) and len(x) == 0:
            raise ValueError("Training data is empty. Received: x.shape=" + str(x.shape))
        if isinstance(x, np.ndarray) and x.ndim == 4:
            low, high = float(np.min(x)), float(np.max(x))
            if low < -1.0 - 1e-3 or high > 1.0 + 1e-3:
                warnings.warn(
                    "Training images should be in [-1, 1], the range of the generator's tanh "
                    f"output. Received values in [{low:g}, {high:g}]. Rescale them, e.g. "
                    "kgan.data.images_from_array(x, value_range=(0, 255)) for 8-bit images.",
                    stacklevel=3,
                )

    # ------------------------------------------------------------ losses
    def sample_noise(self, batch):
        batch_size = ops.shape(batch["real"])[0]
        return {"z": self.random_normal((batch_size, self.latent_dim))}

    def discriminator_logits(self, batch, samples):
        return self.discriminator(samples, training=True)

    def generate_for_batch(self, batch, noise, training=True):
        return self.generator(noise["z"], training=training)

    def discriminator_loss(self, batch, noise):
        fake = ops.stop_gradient(self.fake_samples(batch, noise))
        real_logits = self.logits(batch, batch["real"])
        fake_logits = self.logits(batch, fake)
        if self.label_smoothing:
            loss = self._d_loss_fn(real_logits, fake_logits, label_smoothing=self.label_smoothing)
        else:
            loss = self._d_loss_fn(real_logits, fake_logits)
        return loss, {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}

    def generator_loss(self, batch, noise):
        fake_logits = self.logits(batch, self.fake_samples(batch, noise))
        return self._g_loss_fn(fake_logits), {}

    def fake_samples(self, batch, noise):
        """Generated samples for a training batch, in float32 (also under mixed precision)."""
        return ops.cast(self.generate_for_batch(batch, noise), "float32")

    def logits(self, batch, samples):
        """Discriminator logits in float32: losses and penalties stay in full precision."""
        return ops.cast(self.discriminator_logits(batch, samples), "float32")

    # ------------------------------------------------------------ sampling
    def call(self, z, training=False):
        return self.generator(z, training=training)

    def generate(self, num_samples=None, z=None, seed=None, batch_size=256):
        """Generates samples with the generator in inference mode.

        Args:
            num_samples: int, how many; needed unless `z` is given.
            z: array `(num_samples, latent_dim)`, latents to use; default drawn
                from N(0, I) with numpy's generator seeded by `seed`.
            seed: int or None, seed for the latents when `z` is not given.
            batch_size: int, generator batch size.

        Returns:
            `np.ndarray` `(num_samples, *sample_shape)`.
        """
        if z is None:
            if num_samples is None or num_samples <= 0:
                raise ValueError(
                    f"generate() needs num_samples > 0 or z. Received: num_samples={num_samples!r}"
                )
            z = latents(num_samples, self.latent_dim, seed)
        z = np.asarray(z, dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(
                f"z must have shape (num_samples, {self.latent_dim}). Received: z.shape={z.shape}"
            )
        return generate_in_batches(self.sampling_generator, [z], batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "loss": self.loss_name,
                "label_smoothing": self.label_smoothing,
            }
        )
        return config
