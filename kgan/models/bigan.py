"""BiGAN / ALI: a generator and an encoder trained against a joint discriminator."""

import copy

import keras
import numpy as np
from keras import ops

from kgan.losses.bidirectional import discriminator_bidirectional_loss, generator_bidirectional_loss
from kgan.models.gan import LatentSampling
from kgan.training.adversarial_model import AdversarialModel, _check_built
from kgan.utils.sampling import generate_in_batches
from kgan.utils.validation import check_int


@keras.saving.register_keras_serializable(package="kgan")
class BiGAN(LatentSampling, AdversarialModel):
    """Bidirectional GAN: G: z → x and E: x → z against a joint D(x, z).

    D learns to tell encoder pairs `(x, E(x))` (labelled real) from generator
    pairs `(G(z), z)` (fake) by cross-entropy; G and E are updated together,
    in one generator step, with the labels inverted
    (`kgan.losses.generator_bidirectional_loss`). At the optimum E inverts G,
    so `reconstruct(x) = G(E(x))` approximates x and E(x) is a learned
    representation. The encoder is deterministic (BiGAN); ALI's stochastic
    encoder is the same game with a sampled E(x).

    Args:
        generator: built `keras.Model`, latents `(batch, latent_dim)` → samples
            `(batch, *sample_shape)` (images in [-1, 1] with tanh), e.g.
            `kgan.networks.dcgan_generator`.
        encoder: built `keras.Model`, samples → latents `(batch, latent_dim)`,
            e.g. `kgan.networks.bigan_encoder`.
        discriminator: built `keras.Model` with inputs `[samples, latents]` →
            logits `(batch, 1)`, e.g. `kgan.networks.bigan_discriminator`.
        latent_dim: int > 0, size of z ~ N(0, I).
        d_steps: int ≥ 1, default 1. Discriminator updates per G/E update.
        seed: int or None. Seed of the in-step random generator.

    Data: `fit(x)` with `x` `(num_samples, *sample_shape)`; labels, if given,
    are ignored.

    Example:
        >>> x, _ = kgan.data.load_digits(image_size=16, split="train")
        >>> g = kgan.networks.dcgan_generator(32, (16, 16, 1), base_filters=32)
        >>> e = kgan.networks.bigan_encoder((16, 16, 1), 32, base_filters=32)
        >>> d = kgan.networks.bigan_discriminator((16, 16, 1), 32, base_filters=32, width=256)
        >>> model = kgan.models.BiGAN(g, e, d, latent_dim=32)
        >>> model.compile()
        >>> model.fit(x, batch_size=64)
        >>> codes = model.encode(x[:10])  # np.ndarray (10, 32)
        >>> x_hat = model.reconstruct(x[:10])  # np.ndarray (10, 16, 16, 1)

    Reference:
        Donahue et al. 2017, "Adversarial Feature Learning"; Dumoulin et al. 2017,
        "Adversarially Learned Inference".
    """

    log_names = ("d_loss", "g_loss", "d_real", "d_fake")

    def __init__(self, generator, encoder, discriminator, latent_dim, d_steps=1, seed=None,
                 **kwargs):
        check_int(latent_dim, "latent_dim")
        _check_built(encoder, "encoder")
        super().__init__(generator, discriminator, d_steps=d_steps, seed=seed, **kwargs)
        self.encoder = encoder
        self.latent_dim = latent_dim
        self._check_networks()

    def _check_networks(self):
        g_in, g_out = self.generator.input_shape, self.generator.output_shape
        e_in, e_out = self.encoder.input_shape, self.encoder.output_shape
        d_in = self.discriminator.input_shape
        if g_in[1:] != (self.latent_dim,):
            raise ValueError(
                f"The generator must take latents of shape (batch, {self.latent_dim}) "
                f"(latent_dim={self.latent_dim}). Received a generator with input shape {g_in}."
            )
        if e_out[1:] != (self.latent_dim,):
            raise ValueError(
                f"The encoder must output latents of shape (batch, {self.latent_dim}) "
                f"(latent_dim={self.latent_dim}). Received an encoder with output shape {e_out}."
            )
        if e_in[1:] != g_out[1:]:
            raise ValueError(
                "The encoder's input shape must match the generator's output shape. "
                f"Received: encoder input {e_in}, generator output {g_out}."
            )
        expected = [tuple(g_out[1:]), (self.latent_dim,)]
        if not isinstance(d_in, list) or [tuple(s[1:]) for s in d_in] != expected:
            raise ValueError(
                "The discriminator must take [samples, latents] with shapes "
                f"[(batch, *{expected[0]}), (batch, {self.latent_dim})]. "
                f"Received a discriminator with input shape {d_in}."
            )

    @property
    def sample_shape(self):
        """Shape of one sample, without the batch axis."""
        return tuple(self.encoder.input_shape[1:])

    @property
    def generator_variables(self):
        """The generator's and the encoder's variables: one optimizer updates both."""
        return self.generator.trainable_variables + self.encoder.trainable_variables

    def check_data(self, x, y):
        super().check_data(x, y)
        if isinstance(x, np.ndarray) and tuple(x.shape[1:]) != self.sample_shape:
            raise ValueError(
                f"Training data must have shape (num_samples, *{self.sample_shape}) to match "
                f"the encoder. Received: x.shape={x.shape}"
            )

    # ------------------------------------------------------------ losses
    def sample_noise(self, batch):
        batch_size = ops.shape(batch["real"])[0]
        return {"z": self.random_normal((batch_size, self.latent_dim))}

    def _logits(self, batch, noise, stop_gradient):
        z_real = self.encoder(batch["real"], training=True)
        fake = self.generator(noise["z"], training=True)
        if stop_gradient:
            z_real, fake = ops.stop_gradient(z_real), ops.stop_gradient(fake)
        real_logits = self.discriminator([batch["real"], z_real], training=True)
        fake_logits = self.discriminator([fake, noise["z"]], training=True)
        return real_logits, fake_logits

    def discriminator_loss(self, batch, noise):
        real_logits, fake_logits = self._logits(batch, noise, stop_gradient=True)
        loss = discriminator_bidirectional_loss(real_logits, fake_logits)
        return loss, {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}

    def generator_loss(self, batch, noise):
        real_logits, fake_logits = self._logits(batch, noise, stop_gradient=False)
        return generator_bidirectional_loss(real_logits, fake_logits), {}

    # ------------------------------------------------------------ inference
    def call(self, z, training=False):
        return self.generator(z, training=training)

    def _samples(self, x):
        x = np.asarray(x, dtype="float32")
        if tuple(x.shape[1:]) != self.sample_shape:
            raise ValueError(
                f"x must have shape (num_samples, *{self.sample_shape}). Received: x.shape={x.shape}"
            )
        return x

    def encode(self, x, batch_size=256):
        """Latents E(x), the encoder in inference mode: `np.ndarray` `(num_samples, latent_dim)`."""
        return generate_in_batches(self.encoder, [self._samples(x)], batch_size)

    def reconstruct(self, x, batch_size=256):
        """G(E(x)) in inference mode: `np.ndarray` `(num_samples, *sample_shape)`."""
        return generate_in_batches(self.sampling_generator, [self.encode(x, batch_size)], batch_size)


    # ------------------------------------------------------------ saving
    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "latent_dim": self.latent_dim,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = copy.deepcopy(config)  # deserialisation consumes nested dicts
        for role in ("generator", "encoder", "discriminator"):
            config[role] = keras.saving.deserialize_keras_object(config[role])
        return cls(**config)
