"""Zi2Zi: pix2pix with a style embedding, a style-classifying discriminator and a constant loss."""

import keras
import numpy as np
from keras import ops

from kgan.backend import without_gradient
from kgan.losses.reconstruction import content_loss, l1_loss
from kgan.losses.semi_supervised import masked_classification_loss
from kgan.models.pix2pix import Pix2Pix
from kgan.utils.sampling import generate_in_batches
from kgan.utils.validation import check_images, check_non_negative


@keras.saving.register_keras_serializable(package="kgan")
class Zi2Zi(Pix2Pix):
    """Zi2Zi: one generator writes a source glyph in any of `num_styles` styles.

    Pix2Pix (paired source → target, conditional PatchGAN on (source, image)
    pairs, λ·L1) where the generator also takes a style index, embedded and
    appended at the U-Net bottleneck, and the discriminator also classifies the
    style of the image it sees (an auxiliary-classifier head). Per batch:

    - D minimises the adversarial loss on (source, target) against (source,
      G(source, s)) plus `style_weight`·½(CE(s, style logits of the real pair)
      + CE(s, style logits of the translated pair));
    - G minimises the adversarial loss + `l1_weight`·E|target − G(source, s)|
      + `constant_weight`·E[(E(source) − E(G(source, s)))²] + `style_weight`·
      CE(s, style logits of the translated pair), where E is the generator's
      own encoder (its bottleneck features): the translated glyph must encode
      like its source, whatever the style.

    CE is the softmax cross-entropy over styles (the reference code uses a
    sigmoid per style on one-hot targets; softmax is the single-label form).
    The style embedding is trained with the generator (the reference code
    leaves its random embedding out of the generator's variables).

    Args:
        generator: built `keras.Model`, `[images (batch, H, W, C_in), styles
            int32 (batch,)]` → images `(batch, H, W, C_out)`, in [-1, 1], with a
            nested model named `"encoder"` (images → features, the last output
            the bottleneck), e.g. `kgan.networks.zi2zi_generator`.
        discriminator: built `keras.Model`, `(batch, H, W, C_in + C_out)` →
            `[patch logits (batch, ...), style logits (batch, num_styles)]`, e.g.
            `kgan.networks.stargan_discriminator((H, W, C_in + C_out), num_styles)`.
        l1_weight: float ≥ 0, default 100.
        constant_weight: float ≥ 0, default 15 (the reference code's Lconst_penalty).
        style_weight: float ≥ 0, default 1 (Lcategory_penalty).
        loss: str, default `"non_saturating"`; see `kgan.losses.get_adversarial_loss`.
        d_steps: int ≥ 1, default 1.
        seed: int or None.

    Data: `fit([source, styles], target)`: source glyphs, int style indices
    `(n,)` in [0, num_styles), the source glyphs rendered in those styles.

    Example:
        >>> source, target, styles, _ = kgan.data.style_digits(image_size=16)
        >>> g = kgan.networks.zi2zi_generator((16, 16, 1), num_styles=5, base_filters=16)
        >>> d = kgan.networks.stargan_discriminator((16, 16, 2), 5, base_filters=16,
        ...                                         num_layers=3)
        >>> model = kgan.models.Zi2Zi(g, d)
        >>> model.compile()
        >>> model.fit([source, styles], target, batch_size=32)
        >>> outlines = model.translate(source[:8], [4] * 8)

    Reference:
        Tian 2017, "zi2zi: Master Chinese Calligraphy with Conditional Adversarial
        Networks" (github.com/kaonashi-tyc/zi2zi); Isola et al. 2017 (pix2pix);
        Odena et al. 2017 (auxiliary classifier); Taigman et al. 2017 (constant loss).
    """

    log_names = ("d_loss", "g_loss", "d_real", "d_fake", "d_style", "g_adv", "l1", "const",
                 "g_style")

    def __init__(self, generator, discriminator, l1_weight=100.0, constant_weight=15.0,
                 style_weight=1.0, loss="non_saturating", d_steps=1, seed=None, **kwargs):
        super().__init__(generator, discriminator, l1_weight=l1_weight, loss=loss,
                         d_steps=d_steps, seed=seed, **kwargs)
        self.constant_weight = check_non_negative(constant_weight, "constant_weight")
        self.style_weight = check_non_negative(style_weight, "style_weight")
        inputs = generator.inputs
        if len(inputs) != 2 or len(inputs[1].shape) != 1 or "int" not in str(inputs[1].dtype):
            raise ValueError(
                "The generator must take [images, styles int32 (batch,)]. Received a generator "
                f"with inputs {[(tuple(i.shape), str(i.dtype)) for i in inputs]}."
            )
        try:
            generator.get_layer("encoder")
        except ValueError as error:
            raise ValueError(
                "The generator must contain its encoder as a nested model named 'encoder' "
                "(kgan.networks.zi2zi_generator does), for the constant loss. Received a "
                f"generator {generator.name!r} without one."
            ) from error
        outputs = discriminator.outputs
        if len(outputs) != 2 or len(outputs[1].shape) != 2:
            raise ValueError(
                "The discriminator must return [patch logits, style logits (batch, num_styles)]. "
                f"Received outputs {[tuple(o.shape) for o in outputs]}."
            )
        self.num_styles = int(outputs[1].shape[1])

    @property
    def encoder(self):
        """The generator's encoder (its nested model `"encoder"`)."""
        return self.generator.get_layer("encoder")

    def _check_styles(self, styles, count, name):
        styles = np.asarray(styles)
        if styles.shape != (count,) or styles.dtype.kind not in "iu":
            raise ValueError(
                f"{name} must be integer style indices of shape ({count},). Received: "
                f"{name}.shape={styles.shape}, dtype={styles.dtype}"
            )
        if count and (styles.min() < 0 or styles.max() >= self.num_styles):
            raise ValueError(
                f"{name} must be in [0, {self.num_styles}) (num_styles={self.num_styles}). "
                f"Received values from {styles.min()} to {styles.max()}."
            )
        return styles.astype("int32")

    def check_data(self, x, y):
        if isinstance(x, np.ndarray) or (isinstance(x, (list, tuple)) and len(x) != 2):
            raise ValueError(
                "Zi2Zi trains on fit([source, styles], target): x must be a list of the source "
                "images and their int style indices."
            )
        if not isinstance(x, (list, tuple)) or not isinstance(x[0], np.ndarray):
            return
        source, styles = x
        super().check_data(source, y)
        self._check_styles(styles, len(source), "styles")

    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None or not isinstance(x, (list, tuple)):
            raise ValueError("Zi2Zi trains on fit([source, styles], target).")
        return {"source": x[0], "styles": ops.cast(x[1], "int32"), "target": y}

    def discriminator_loss(self, batch, noise):
        source, styles = batch["source"], batch["styles"]
        fake = without_gradient(lambda: self.generator([source, styles], training=True))
        real_logits, real_styles = self._logits(source, batch["target"])
        fake_logits, fake_styles = self._logits(source, fake)
        adversarial = self._d_loss_fn(real_logits, fake_logits)
        style = 0.5 * (masked_classification_loss(real_styles, styles)
                       + masked_classification_loss(fake_styles, styles))
        return adversarial + self.style_weight * style, {
            "d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits), "d_style": style}

    def generator_loss(self, batch, noise):
        source, styles = batch["source"], batch["styles"]
        fake = self.generator([source, styles], training=True)
        fake_logits, fake_styles = self._logits(source, fake)
        adversarial = self._g_loss_fn(fake_logits)
        l1 = l1_loss(batch["target"], fake)
        constant = content_loss(self.encoder(source, training=True)[-1],
                                self.encoder(fake, training=True)[-1])
        style = masked_classification_loss(fake_styles, styles)
        loss = (adversarial + self.l1_weight * l1 + self.constant_weight * constant
                + self.style_weight * style)
        return loss, {"g_adv": adversarial, "l1": l1, "const": constant, "g_style": style}

    # ------------------------------------------------------------ translating
    def translate(self, images, styles, batch_size=256):
        """Writes source glyphs in the given styles, generator in inference mode.

        Args:
            images: array `(n, H, W, C_in)` in [-1, 1].
            styles: int array `(n,)` in [0, num_styles).
            batch_size: int, default 256.

        Returns:
            `np.ndarray` `(n, H, W, C_out)` in [-1, 1].
        """
        images = check_images(images, self.source_shape)
        styles = self._check_styles(styles, len(images), "styles")
        return generate_in_batches(self.sampling_generator, [images, styles], batch_size)

    def get_config(self):
        config = super().get_config()
        config.update({"constant_weight": self.constant_weight, "style_weight": self.style_weight})
        return config
