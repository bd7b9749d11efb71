"""The class-conditional GAN."""

import keras
import numpy as np
from keras import ops

from kgan.models.gan import GAN
from kgan.networks.conditional import conditional_discriminator, conditional_generator
from kgan.utils.sampling import generate_in_batches, latents
from kgan.utils.validation import check_int, check_labels


def _num_inputs(network):
    return len(network.inputs) if getattr(network, "inputs", None) else 1


@keras.saving.register_keras_serializable(package="kgan")
class CGAN(GAN):
    """Conditional GAN: G(z, y) against D(x, y) for integer labels y.

    Networks with one input are wrapped: the generator receives
    `concat(z, embed(y))` (`kgan.networks.conditional_generator`) and the
    discriminator is conditioned by `conditioning`
    (`kgan.networks.conditional_discriminator`): `"concat"` appends the one-hot
    label as extra channels, `"projection"` adds ⟨embed(y), φ(x)⟩ to a linear
    head on the discriminator's features. Networks that already take
    `[inputs, labels]` are used as they are.

    Args:
        generator: built `keras.Model`; unconditional with input size
            `latent_dim + embedding_dim`, or conditional `[z, labels]`.
        discriminator: built `keras.Model`; see `conditioning`, or conditional
            `[x, labels]` → logits.
        latent_dim: int > 0.
        num_classes: int ≥ 2; labels are ints in `[0, num_classes)`.
        conditioning: `"projection"` (default) or `"concat"`.
        embedding_dim: int or None (default `num_classes`), the generator's label
            embedding size.
        loss, d_steps, label_smoothing, seed: as in `kgan.models.GAN`.

    Data: `fit(x, y)` with labels `y` int `(num_samples,)`.

    Example:
        >>> x, y = kgan.data.load_digits(image_size=32)
        >>> g = kgan.networks.dcgan_generator(64 + 10, (32, 32, 1))
        >>> d = kgan.networks.dcgan_discriminator((32, 32, 1), include_head=False)
        >>> model = kgan.models.CGAN(g, d, latent_dim=64, num_classes=10)
        >>> model.compile()
        >>> model.fit(x, y, batch_size=64)
        >>> sevens = model.generate(labels=[7] * 16, seed=0)

    Reference:
        Mirza & Osindero 2014, "Conditional Generative Adversarial Nets";
        Miyato & Koyama 2018, "cGANs with Projection Discriminator".
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        num_classes,
        conditioning="projection",
        embedding_dim=None,
        **kwargs,
    ):
        check_int(num_classes, "num_classes", minimum=2)
        if _num_inputs(generator) == 1:
            generator = conditional_generator(generator, num_classes, embedding_dim)
        if _num_inputs(discriminator) == 1:
            discriminator = conditional_discriminator(discriminator, num_classes, conditioning)
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.num_classes = num_classes
        self.conditioning = conditioning
        self.embedding_dim = embedding_dim

    # ------------------------------------------------------------ data
    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError("CGAN trains on (images, labels) pairs: call fit(x, y) with labels.")
        return {"real": x, "labels": keras.ops.cast(keras.ops.reshape(y, (-1,)), "int32")}

    def _check_labels(self, labels, name="labels"):
        return check_labels(labels, self.num_classes, name)

    def check_data(self, x, y):
        super().check_data(x, y)
        if isinstance(x, np.ndarray):
            if y is None:
                raise ValueError(
                    "CGAN trains on (images, labels) pairs: call fit(x, y) with labels."
                )
            labels = self._check_labels(y, "y")
            if len(labels) != len(x):
                raise ValueError(
                    f"x and y must have one label per sample. Received {len(x)} samples and "
                    f"{len(labels)} labels."
                )

    # ------------------------------------------------------------ losses
    def discriminator_logits(self, batch, samples):
        return ops.cast(self.discriminator([samples, batch["labels"]], training=True), "float32")

    def generate_for_batch(self, batch, noise, training=True):
        return ops.cast(self.generator([noise["z"], batch["labels"]], training=training), "float32")

    # ------------------------------------------------------------ sampling
    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def generate(self, labels, z=None, seed=None, batch_size=256):
        """Generates one sample per label.

        Args:
            labels: ints `(num_samples,)` in `[0, num_classes)`.
            z: optional latents `(num_samples, latent_dim)`; default from `seed`.
            seed: int or None.
            batch_size: int.

        Returns:
            `np.ndarray` `(num_samples, *sample_shape)`.
        """
        labels = self._check_labels(labels)
        if z is None:
            z = latents(len(labels), self.latent_dim, seed)
        z = np.asarray(z, dtype="float32")
        if z.shape != (len(labels), self.latent_dim):
            raise ValueError(
                f"z must have shape ({len(labels)}, {self.latent_dim}), one latent per label. "
                f"Received: z.shape={z.shape}"
            )
        return generate_in_batches(self.sampling_generator, [z, labels], batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_classes": self.num_classes,
                "conditioning": self.conditioning,
                "embedding_dim": self.embedding_dim,
            }
        )
        return config
