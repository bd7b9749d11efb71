"""The semi-supervised GAN: a K-class discriminator that also tells real from fake."""

import keras
import numpy as np
from keras import ops

from kgan.backend import without_gradient
from kgan.losses.semi_supervised import (
    discriminator_semi_supervised_loss,
    generator_feature_matching_loss,
    generator_semi_supervised_loss,
    masked_classification_loss,
)
from kgan.models.gan import LatentSampling
from kgan.training.adversarial_model import AdversarialModel
from kgan.utils.sampling import generate_in_batches
from kgan.utils.shapes import batch_shape_of
from kgan.utils.validation import check_int

GENERATOR_LOSSES = ("feature_matching", "non_saturating")


def _feature_model(discriminator, feature_layer):
    """`x → [features, class_logits]`, sharing the discriminator's layers."""
    if feature_layer is None:
        features = discriminator.layers[-1].input
    else:
        names = [layer.name for layer in discriminator.layers]
        if feature_layer not in names:
            raise ValueError(
                f"feature_layer must name a layer of the discriminator, one of {names}. "
                f"Received: feature_layer={feature_layer!r}"
            )
        features = discriminator.get_layer(feature_layer).output
    return keras.Model(discriminator.inputs, [features, discriminator.outputs[0]])


@keras.saving.register_keras_serializable(package="kgan")
class SemiSupervisedGAN(LatentSampling, AdversarialModel):
    """Semi-supervised GAN: the discriminator is a K-class classifier of real data.

    The discriminator outputs K class logits l(x) and the "fake" class is
    implied, as in Salimans et al. 2016 (§5): its logit is fixed at 0, so
    p(y=k | x) = softmax(l)_k among real classes and
    p(real | x) = Z(x) / (Z(x) + 1) with Z = Σ_k exp l_k, i.e.
    sigmoid(logsumexp l). (K + 1 free outputs are over-parameterised: subtracting
    any f(x) from every logit leaves the softmax unchanged.)

    The discriminator minimises, on each batch,
    `d_sup + d_unsup`: `d_sup` is the cross-entropy over the K classes on the
    batch's labelled samples (`kgan.losses.masked_classification_loss`; 0 if
    the batch has none), `d_unsup` = −log D(x) − log(1 − D(G(z))) on every real
    sample (`kgan.losses.discriminator_semi_supervised_loss`). The generator
    minimises feature matching (the paper's choice for the best classifier) or
    the non-saturating −log D(G(z)).

    Args:
        generator: built `keras.Model`, latents `(batch, latent_dim)` → samples
            `(batch, *sample_shape)` (images in [-1, 1] with tanh).
        discriminator: built functional `keras.Model`, samples → class logits
            `(batch, num_classes)`, e.g. `kgan.networks.semi_supervised_discriminator`.
        latent_dim: int > 0, size of z ~ N(0, I).
        num_classes: int ≥ 2, the K real classes.
        generator_loss: str, default `"feature_matching"`: ‖E f(x) − E f(G(z))‖²
            / F on the discriminator features f (`feature_layer`); or
            `"non_saturating"`.
        feature_layer: str or None, default None: the name of the discriminator
            layer whose output is f; None takes the input of its last layer
            (the features its class logits are computed from). Used only with
            feature matching.
        d_steps: int ≥ 1, default 1. Discriminator updates per generator update.
        seed: int or None. Seed of the in-step random generator.

    Data: `fit(x, y)`, `y` int `(num_samples,)` in [−1, num_classes): a class,
    or −1 for an unlabelled sample. At least one sample must be labelled. With
    few labels, repeat the labelled samples in `x` so that most batches hold
    some (each batch's cross-entropy averages over its labelled samples).

    Example:
        >>> x, y = kgan.data.load_digits(image_size=16, split="train")
        >>> y = np.where(np.arange(len(y)) < 100, y, -1)  # 100 labels
        >>> g = kgan.networks.dcgan_generator(32, (16, 16, 1), base_filters=32)
        >>> d = kgan.networks.semi_supervised_discriminator((16, 16, 1), 10, 32)
        >>> model = kgan.models.SemiSupervisedGAN(g, d, latent_dim=32, num_classes=10)
        >>> model.compile()
        >>> model.fit(x, y, batch_size=64)
        >>> digits = model.predict_classes(x[:10])  # int array (10,)

    Reference:
        Salimans et al. 2016, "Improved Techniques for Training GANs", §3.1, §5;
        Odena 2016, "Semi-Supervised Learning with Generative Adversarial Networks".
    """

    log_names = ("d_loss", "g_loss", "d_sup", "d_unsup")

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        num_classes,
        generator_loss="feature_matching",
        feature_layer=None,
        d_steps=1,
        seed=None,
        **kwargs,
    ):
        check_int(latent_dim, "latent_dim")
        check_int(num_classes, "num_classes", minimum=2)
        if generator_loss not in GENERATOR_LOSSES:
            raise ValueError(
                f"generator_loss must be one of {GENERATOR_LOSSES}. "
                f"Received: generator_loss={generator_loss!r}"
            )
        super().__init__(generator, discriminator, d_steps=d_steps, seed=seed, **kwargs)
        self.latent_dim = latent_dim
        self.num_classes = num_classes
        self.generator_loss_name = generator_loss
        self.feature_layer = feature_layer
        self._check_networks()
        self.feature_discriminator = _feature_model(discriminator, feature_layer)

    def _check_networks(self):
        g_in = batch_shape_of(self.generator, "input_shape")
        g_out = batch_shape_of(self.generator, "output_shape")
        d_in, d_out = self.discriminator.input_shape, self.discriminator.output_shape
        if g_in[1:] != (self.latent_dim,):
            raise ValueError(
                f"The generator must take latents of shape (batch, {self.latent_dim}) "
                f"(latent_dim={self.latent_dim}). Received a generator with input shape {g_in}."
            )
        if not isinstance(d_in, tuple) or not isinstance(d_out, tuple):
            raise ValueError(
                "The discriminator must have one input (samples) and one output (class "
                f"logits). Received input shape {d_in}, output shape {d_out}."
            )
        if g_out[1:] != d_in[1:]:
            raise ValueError(
                "The generator's output shape must match the discriminator's input shape. "
                f"Received: generator output {g_out}, discriminator input {d_in}."
            )
        if d_out[1:] != (self.num_classes,):
            raise ValueError(
                f"The discriminator must output class logits (batch, {self.num_classes}) "
                f"(num_classes={self.num_classes}). Received output shape {d_out}."
            )

    @property
    def sample_shape(self):
        """Shape of one sample, without the batch axis."""
        return tuple(self.discriminator.input_shape[1:])

    # ------------------------------------------------------------ data
    def _check_labels(self, labels, name):
        labels = np.asarray(labels)
        if labels.dtype.kind not in "iu":
            raise ValueError(f"{name} must be integers. Received dtype {labels.dtype}.")
        labels = labels.reshape(-1)
        if labels.size and (labels.min() < -1 or labels.max() >= self.num_classes):
            raise ValueError(
                f"{name} must be in [-1, {self.num_classes}): a class, or -1 for an unlabelled "
                f"sample (num_classes={self.num_classes}). Received values from {labels.min()} "
                f"to {labels.max()}."
            )
        return labels

    def check_data(self, x, y):
        super().check_data(x, y)
        if not isinstance(x, np.ndarray):
            return
        if tuple(x.shape[1:]) != self.sample_shape:
            raise ValueError(
                f"Training data must have shape (num_samples, *{self.sample_shape}) to match "
                f"the discriminator. Received: x.shape={x.shape}"
            )
        if y is None:
            raise ValueError(
                "SemiSupervisedGAN trains on (samples, labels): call fit(x, y) with y = -1 for "
                "unlabelled samples."
            )
        labels = self._check_labels(y, "y")
        if len(labels) != len(x):
            raise ValueError(
                f"x and y must have one label per sample. Received {len(x)} samples and "
                f"{len(labels)} labels."
            )
        if not (labels >= 0).any():
            raise ValueError(
                "y must hold at least one labelled sample (a label ≥ 0); all are -1 "
                "(unlabelled). Received: y with no labels."
            )

    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError(
                "SemiSupervisedGAN trains on (samples, labels): call fit(x, y) with y = -1 for "
                "unlabelled samples."
            )
        return {"real": x, "labels": ops.cast(ops.reshape(y, (-1,)), "int32")}

    def sample_noise(self, batch):
        batch_size = ops.shape(batch["real"])[0]
        return {"z": self.random_normal((batch_size, self.latent_dim))}

    # ------------------------------------------------------------ losses
    def discriminator_loss(self, batch, noise):
        fake = without_gradient(lambda: self.generator(noise["z"], training=True))
        real_logits = self.discriminator(batch["real"], training=True)
        fake_logits = self.discriminator(fake, training=True)
        supervised = masked_classification_loss(real_logits, batch["labels"])
        unsupervised = discriminator_semi_supervised_loss(real_logits, fake_logits)
        return supervised + unsupervised, {"d_sup": supervised, "d_unsup": unsupervised}

    def generator_loss(self, batch, noise):
        fake = self.generator(noise["z"], training=True)
        if self.generator_loss_name == "non_saturating":
            return generator_semi_supervised_loss(self.discriminator(fake, training=True)), {}
        real_features, _ = self.feature_discriminator(batch["real"], training=True)
        fake_features, _ = self.feature_discriminator(fake, training=True)
        return generator_feature_matching_loss(real_features, fake_features), {}

    # ------------------------------------------------------------ inference
    def call(self, z, training=False):
        return self.generator(z, training=training)

    def classify(self, x, batch_size=256):
        """Class probabilities of samples, the discriminator in inference mode.

        Args:
            x: array `(num_samples, *sample_shape)`.
            batch_size: int.

        Returns:
            `np.ndarray` `(num_samples, num_classes)`: softmax over the K real
            classes (p(y | x, real)).
        """
        x = np.asarray(x, dtype="float32")
        if tuple(x.shape[1:]) != self.sample_shape:
            raise ValueError(
                f"x must have shape (num_samples, *{self.sample_shape}). Received: x.shape={x.shape}"
            )
        logits = generate_in_batches(self.discriminator, [x], batch_size)
        logits = logits - logits.max(axis=-1, keepdims=True)
        probabilities = np.exp(logits)
        return probabilities / probabilities.sum(axis=-1, keepdims=True)

    def predict_classes(self, x, batch_size=256):
        """The most probable class of each sample: int `np.ndarray` `(num_samples,)`."""
        return np.argmax(self.classify(x, batch_size), axis=-1).astype("int32")


    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "num_classes": self.num_classes,
                "generator_loss": self.generator_loss_name,
                "feature_layer": self.feature_layer,
            }
        )
        return config
