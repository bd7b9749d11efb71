"""The shared part of StarGAN and GANimation: WGAN-GP translation to a target condition vector."""

import keras
import numpy as np
from keras import ops

from kgan.backend import input_gradients, without_gradient
from kgan.losses import gradient_penalty, interpolate
from kgan.training.adversarial_model import AdversarialModel
from kgan.utils.sampling import generate_in_batches
from kgan.utils.shapes import image_shape_of
from kgan.utils.validation import check_images, check_non_negative


class ConditionalTranslationGAN(AdversarialModel):
    """A generator G(x, c) that renders image x with a condition vector c, and a
    critic with a real/fake patch head and an auxiliary head that reads c back.

    Per batch the target vectors are the batch's own condition vectors, shuffled
    with the model's seed generator (so targets follow the data's joint
    distribution). The critic minimises the WGAN-GP loss on its patch head plus
    `auxiliary_weight`·`auxiliary_loss(c_x, D_aux(x))` on real images;
    `generator_adversarial_loss` gives the generator's matching terms. Both
    optimizers default to Adam(1e-4, β = (0.5, 0.999)), as in both papers.

    A subclass sets `condition_name` (the singular used in messages, e.g.
    `"attribute"`), `auxiliary_output` (what D's second head returns, for
    messages), `auxiliary_loss` (a function `(conditions, predictions) ->
    scalar`), `d_auxiliary_log` (the log name of the critic's auxiliary loss),
    `condition_range` (None or `(low, high)`, checked on numpy input), the
    property `auxiliary_weight`, and `generator_loss`.

    Args:
        generator: built `keras.Model`, `[images (batch, H, W, C), conditions
            (batch, K)]` → images.
        discriminator: built `keras.Model`, images → `[patch logits, auxiliary
            outputs (batch, K)]`; no BatchNorm (the gradient penalty is per sample).
        gp_weight: float ≥ 0, default 10 (λ_gp).
        d_steps: int ≥ 1, default 5.
        seed: int or None.

    Data: `fit(x, y)`: images and their condition vectors `(n, K)`.

    Reference:
        Gulrajani et al. 2017, "Improved Training of Wasserstein GANs"; Odena et
        al. 2017, "Conditional Image Synthesis with Auxiliary Classifier GANs".
    """

    is_translator = True
    uses_input_gradients = True
    condition_name = None
    auxiliary_output = None
    condition_range = None
    d_auxiliary_log = None

    def __init__(self, generator, discriminator, gp_weight=10.0, d_steps=5, seed=None, **kwargs):
        super().__init__(generator, discriminator, d_steps=d_steps, seed=seed, **kwargs)
        self.gp_weight = check_non_negative(gp_weight, "gp_weight")
        if len(generator.inputs) != 2 or len(generator.inputs[1].shape) != 2:
            raise ValueError(
                f"The generator must take [images, {self.condition_name}s (batch, "
                f"{self.condition_name}_dim)]. Received a generator with inputs "
                f"{[tuple(i.shape) for i in generator.inputs]}."
            )
        self.image_shape = image_shape_of(generator, "generator")
        self.condition_dim = int(generator.inputs[1].shape[1])
        outputs = discriminator.outputs
        if len(outputs) != 2 or tuple(outputs[1].shape[1:]) != (self.condition_dim,):
            raise ValueError(
                f"The discriminator must return [patch logits, {self.auxiliary_output} (batch, "
                f"{self.condition_dim})]. Received outputs {[tuple(o.shape) for o in outputs]}."
            )

    @property
    def auxiliary_weight(self):
        raise NotImplementedError(f"{type(self).__name__} must define auxiliary_weight.")

    def auxiliary_loss(self, conditions, predictions):
        raise NotImplementedError(f"{type(self).__name__} must define auxiliary_loss().")

    def default_optimizers(self):
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.999, name="g_adam"),
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.999, name="d_adam"),
        )

    def check_conditions(self, conditions, count, name):
        """Converts `conditions` to float32 numpy and checks shape `(count, K)`,
        finiteness and `condition_range`."""
        conditions = np.asarray(conditions, dtype="float32")
        if conditions.shape != (count, self.condition_dim):
            raise ValueError(
                f"{name} must be {self.condition_name} vectors of shape ({count}, "
                f"{self.condition_dim}) (condition_dim={self.condition_dim}). Received: "
                f"{name}.shape={conditions.shape}"
            )
        if not np.isfinite(conditions).all():
            raise ValueError(f"{name} must be finite. Received NaN or Inf values.")
        if self.condition_range is not None and conditions.size:
            low, high = self.condition_range
            if conditions.min() < low or conditions.max() > high:
                raise ValueError(
                    f"{name} must be in [{low:g}, {high:g}]. Received values from "
                    f"{conditions.min()} to {conditions.max()}."
                )
        return conditions

    def _missing_conditions(self):
        return ValueError(
            f"{type(self).__name__} trains on (images, {self.condition_name} vectors): "
            "call fit(x, y)."
        )

    def check_data(self, x, y):
        super().check_data(x, y)
        if not isinstance(x, np.ndarray):
            return
        if y is None:
            raise self._missing_conditions()
        check_images(x, self.image_shape, "x")
        self.check_conditions(y, len(x), "y")

    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise self._missing_conditions()
        return {"real": x, "conditions": ops.cast(y, x.dtype)}

    def sample_noise(self, batch):
        real = batch["real"]
        alpha = self.random_uniform((ops.shape(real)[0], 1, 1, 1))
        target = keras.random.shuffle(batch["conditions"], axis=0, seed=self.seed_generator)
        return {"alpha": alpha, "target": target}

    def _source_logits(self, images):
        return self.discriminator(images, training=True)[0]

    def discriminator_loss(self, batch, noise):
        real = batch["real"]
        fake = without_gradient(lambda: self.generator([real, noise["target"]], training=True))
        real_logits, real_auxiliary = self.discriminator(real, training=True)
        fake_logits = self._source_logits(fake)
        auxiliary = self.auxiliary_loss(batch["conditions"], real_auxiliary)
        mixed = interpolate(real, fake, noise["alpha"])
        gp = gradient_penalty(input_gradients(self._source_logits, mixed))
        loss = (ops.mean(fake_logits) - ops.mean(real_logits)
                + self.auxiliary_weight * auxiliary + self.gp_weight * gp)
        return loss, {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits), "gp": gp,
                      self.d_auxiliary_log: auxiliary}

    def generator_adversarial_loss(self, fake, target):
        """`(−E[D(fake)] + auxiliary_weight·aux, aux)`, aux the auxiliary loss of
        the critic's reading of `fake` against the `target` conditions."""
        fake_logits, fake_auxiliary = self.discriminator(fake, training=True)
        auxiliary = self.auxiliary_loss(target, fake_auxiliary)
        return -ops.mean(fake_logits) + self.auxiliary_weight * auxiliary, auxiliary

    # ------------------------------------------------------------ translating
    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def translate_to(self, images, conditions, name, batch_size):
        """`translate` of a subclass: checks its arguments (`name`: the
        conditions' argument name) and runs the sampling generator in batches."""
        images = check_images(images, self.image_shape)
        conditions = self.check_conditions(conditions, len(images), name)
        return generate_in_batches(self.sampling_generator, [images, conditions], batch_size)

    def get_config(self):
        config = super().get_config()
        config["gp_weight"] = self.gp_weight
        return config
