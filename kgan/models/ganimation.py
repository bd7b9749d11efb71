"""GANimation: continuous-condition translation with an attention mask."""

import keras
from keras import ops

from kgan.losses.reconstruction import condition_regression_loss, l1_loss, total_variation_loss
from kgan.models.conditional_translation import ConditionalTranslationGAN
from kgan.utils.validation import check_non_negative


@keras.saving.register_keras_serializable(package="kgan")
class GANimation(ConditionalTranslationGAN):
    """GANimation: G(x, y) renders image x with the continuous condition vector y
    (the paper's action-unit intensities); D judges realism and regresses y.

    The generator outputs A·x + (1 − A)·C from an attention mask A and a colour
    map C: where A → 1 the input pixel is kept. Per batch the target conditions
    y_f are the batch's own conditions y_o shuffled with the model's seed
    generator. The critic minimises the WGAN-GP loss plus `condition_weight`·
    E‖D_y(x) − y_o‖²; the generator minimises −E[D(G(x, y_f))] +
    `condition_weight`·E‖D_y(G(x, y_f)) − y_f‖² + `cycle_weight`·
    E|G(G(x, y_f), y_o) − x| + `attention_weight`·(E[A_f] + E[A_c]) +
    `smoothness_weight`·(TV(A_f) + TV(A_c)), with A_f the mask of the forward
    translation and A_c that of the cycle back (the paper's eq. 7 regularises
    both). TV is `kgan.losses.total_variation_loss`, a mean over pixels.

    Args:
        generator: built `keras.Model`, `[images (batch, H, W, C), conditions
            (batch, K)]` → images, in [-1, 1], with a layer named `"attention"`
            whose output is the mask A `(batch, H, W, 1)` in [0, 1], e.g.
            `kgan.networks.ganimation_generator`.
        discriminator: built `keras.Model`, images → `[patch logits, condition
            predictions (batch, K)]`, e.g. `kgan.networks.stargan_discriminator`
            (its second head is linear); no BatchNorm.
        condition_weight: float ≥ 0, default 10 (λ_y). The paper's 4000 scales
            the official code's per-element mean divided by the batch size; 10
            on the per-sample squared norm balances the critic on these tasks.
        cycle_weight: float ≥ 0, default 10 (λ_idt).
        attention_weight: float ≥ 0, default 0.1 (λ_A).
        smoothness_weight: float ≥ 0, default 0.16: the paper's λ_A·λ_TV = 1e-5
            multiplies a sum over 128×128 pixels; per pixel that is 1e-5·128².
        gp_weight: float ≥ 0, default 10.
        d_steps: int ≥ 1, default 5.
        seed: int or None.

    Data: `fit(x, y)`: images and their condition vectors `(n, K)`.

    Example:
        >>> images, conditions, _ = kgan.data.condition_digits(image_size=16)
        >>> g = kgan.networks.ganimation_generator((16, 16, 1), 2, base_filters=16, num_blocks=2)
        >>> d = kgan.networks.stargan_discriminator((16, 16, 1), 2, base_filters=16, num_layers=3)
        >>> model = kgan.models.GANimation(g, d)
        >>> model.compile()   # Adam(1e-4, β=(0.5, 0.999))
        >>> model.fit(images, conditions, batch_size=16)
        >>> thick_bright = model.translate(images[:8], [[1.0, 1.0]] * 8)

    Reference:
        Pumarola et al. 2018, "GANimation: Anatomically-aware Facial Animation from
        a Single Image".
    """

    condition_name = "condition"
    auxiliary_output = "condition predictions"
    d_auxiliary_log = "d_cond"
    log_names = ("d_loss", "g_loss", "d_real", "d_fake", "gp", "d_cond", "g_cond", "cycle",
                 "attention", "smooth")

    def __init__(self, generator, discriminator, condition_weight=10.0, cycle_weight=10.0,
                 attention_weight=0.1, smoothness_weight=0.16, gp_weight=10.0, d_steps=5,
                 seed=None, **kwargs):
        super().__init__(generator, discriminator, gp_weight=gp_weight, d_steps=d_steps,
                         seed=seed, **kwargs)
        self.condition_weight = check_non_negative(condition_weight, "condition_weight")
        self.cycle_weight = check_non_negative(cycle_weight, "cycle_weight")
        self.attention_weight = check_non_negative(attention_weight, "attention_weight")
        self.smoothness_weight = check_non_negative(smoothness_weight, "smoothness_weight")
        try:
            attention = generator.get_layer("attention").output
        except ValueError as error:
            raise ValueError(
                "The generator must have a layer named 'attention' that outputs the attention "
                "mask (kgan.networks.ganimation_generator does). Received a generator "
                f"{generator.name!r} without one."
            ) from error
        if tuple(attention.shape[1:]) != self.image_shape[:2] + (1,):
            raise ValueError(
                f"The attention mask must have shape (batch, {self.image_shape[0]}, "
                f"{self.image_shape[1]}, 1). Received: {tuple(attention.shape)}"
            )
        # A view of the generator's own layers that also returns the mask; not
        # tracked (its variables are the generator's).
        object.__setattr__(self, "_with_attention",
                           keras.Model(generator.inputs, [generator.outputs[0], attention]))

    @property
    def auxiliary_weight(self):
        return self.condition_weight

    def auxiliary_loss(self, conditions, predictions):
        return condition_regression_loss(conditions, predictions)

    def generator_loss(self, batch, noise):
        real, target = batch["real"], noise["target"]
        fake, fake_mask = self._with_attention([real, target], training=True)
        back, back_mask = self._with_attention([fake, batch["conditions"]], training=True)
        adversarial, condition = self.generator_adversarial_loss(fake, target)
        cycle = l1_loss(real, back)
        attention = ops.mean(fake_mask) + ops.mean(back_mask)
        smooth = total_variation_loss(fake_mask) + total_variation_loss(back_mask)
        loss = (adversarial + self.cycle_weight * cycle + self.attention_weight * attention
                + self.smoothness_weight * smooth)
        return loss, {"g_cond": condition, "cycle": cycle, "attention": attention,
                      "smooth": smooth}

    def translate(self, images, conditions, batch_size=256):
        """Renders images with the given condition vectors.

        Args:
            images: array `(n, H, W, C)` in [-1, 1].
            conditions: array `(n, condition_dim)`.
            batch_size: int, default 256.

        Returns:
            `np.ndarray` `(n, H, W, C)` in [-1, 1].
        """
        return self.translate_to(images, conditions, "conditions", batch_size)

    def get_config(self):
        config = super().get_config()
        config.update({"condition_weight": self.condition_weight,
                       "cycle_weight": self.cycle_weight,
                       "attention_weight": self.attention_weight,
                       "smoothness_weight": self.smoothness_weight})
        return config
