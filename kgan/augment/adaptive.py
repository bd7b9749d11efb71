"""ADA: the augmentation probability adapted to the discriminator's overfitting."""

import keras
from keras import ops

from kgan.augment.diff_augment import DiffAugment
from kgan.utils.validation import check_int, check_number_in, check_positive


@keras.saving.register_keras_serializable(package="kgan")
class AdaptiveAugment(DiffAugment):
    """DiffAugment applied with an adaptive probability p (ADA's controller).

    Each transformation of the policy is applied to each sample independently
    with probability p. The discriminator's signs on the augmented real batch
    are accumulated; every `interval` discriminator updates the overfitting
    heuristic r_t = E[sign(D(x_real))] over those updates sets

        p ← clip(p + sign(r_t − target) · n / ramp_images, 0, 1)

    with n the real images seen since the last adjustment (batch · interval),
    so p can move from 0 to 1 in `ramp_images` images. p and the accumulators
    are non-trainable variables of this layer, hence of the model: they are
    updated inside the train step with `keras.ops` only (no Python branch, so
    under JAX jit and `tf.function` too), threaded through JAX's state and
    saved in `.keras` files. A GAN reports `ada_p` (current p) and `ada_rt`
    (the last r_t).

    The transformations are DiffAugment's (`color`, `translation`, `cutout`),
    not the paper's 18-transformation pipeline; the controller is the paper's.

    Args:
        policy: str, default `"color,translation,cutout"` (see `DiffAugment`).
        target: float in (0, 1), default 0.6; the r_t that p steers to.
        interval: int ≥ 1, default 4; discriminator updates between adjustments.
        ramp_images: int > 0, default 500_000; real images for p to go 0 → 1.
        initial_probability: float in [0, 1], default 0.
        translation_ratio, cutout_ratio: as in `DiffAugment`.
        **kwargs: `keras.layers.Layer` arguments (`name`).

    Example:
        >>> x, _ = kgan.data.load_digits(image_size=16)
        >>> augment = kgan.augment.AdaptiveAugment(ramp_images=100_000)
        >>> model = kgan.models.DCGAN(image_shape=(16, 16, 1), latent_dim=32, augment=augment)
        >>> model.compile()
        >>> history = model.fit(x, batch_size=32)  # history.history["ada_p"]

    Reference:
        Karras, Aittala, Hellsten, Laine, Lehtinen & Aila 2020, "Training
        Generative Adversarial Networks with Limited Data".
    """

    log_names = ("ada_p", "ada_rt")

    def __init__(
        self,
        policy="color,translation,cutout",
        target=0.6,
        interval=4,
        ramp_images=500_000,
        initial_probability=0.0,
        translation_ratio=0.125,
        cutout_ratio=0.5,
        **kwargs,
    ):
        super().__init__(policy, translation_ratio, cutout_ratio, **kwargs)
        self.target = check_number_in(target, "target", 0, 1, closed="neither")
        self.interval = check_int(interval, "interval")
        check_positive(ramp_images, "ramp_images")
        self.ramp_images = ramp_images
        self.initial_probability = check_number_in(initial_probability, "initial_probability", 0, 1)

        def state(name, value=0.0):
            return self.add_weight(
                shape=(), initializer=keras.initializers.Constant(value), trainable=False,
                dtype="float32", name=name,
            )

        self.p = state("p", self.initial_probability)
        self.rt = state("rt")
        self.sign_sum = state("sign_sum")
        self.sign_count = state("sign_count")
        self.updates_seen = state("updates_seen")

    def probability(self):
        return ops.convert_to_tensor(self.p)

    def observe(self, real_logits):
        """Accumulates sign(D(real)); every `interval` calls adjusts p.

        Args:
            real_logits: the discriminator's logits on the augmented real
                batch, `(batch, ...)`; a sample's sign is the mean sign of its
                entries (one entry for a `(batch, 1)` head).

        Returns:
            `{"ada_p": p, "ada_rt": r_t}` after this call, scalar tensors.
        """
        logits = ops.cast(ops.stop_gradient(ops.convert_to_tensor(real_logits)), "float32")
        batch = ops.shape(logits)[0]
        signs = ops.mean(ops.reshape(ops.sign(logits), (batch, -1)), axis=1)
        p, rt, sign_sum, sign_count, updates_seen = (
            ops.convert_to_tensor(v)
            for v in (self.p, self.rt, self.sign_sum, self.sign_count, self.updates_seen)
        )
        sign_sum = sign_sum + ops.sum(signs)
        sign_count = sign_count + ops.cast(batch, "float32")
        updates_seen = updates_seen + 1.0
        adjust = updates_seen >= self.interval
        new_rt = sign_sum / sign_count
        step = ops.sign(new_rt - self.target) * sign_count / self.ramp_images
        p = ops.where(adjust, ops.clip(p + step, 0.0, 1.0), p)
        rt = ops.where(adjust, new_rt, rt)
        zero = ops.zeros_like(sign_sum)
        self.p.assign(p)
        self.rt.assign(rt)
        self.sign_sum.assign(ops.where(adjust, zero, sign_sum))
        self.sign_count.assign(ops.where(adjust, zero, sign_count))
        self.updates_seen.assign(ops.where(adjust, zero, updates_seen))
        return {"ada_p": p, "ada_rt": rt}

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "target": self.target,
                "interval": self.interval,
                "ramp_images": self.ramp_images,
                "initial_probability": self.initial_probability,
            }
        )
        return config
