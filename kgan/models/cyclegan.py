"""CycleGAN: unpaired translation between two domains with cycle consistency."""

import copy

import keras
from keras import ops

from kgan.backend import without_gradient
from kgan.losses import get_adversarial_loss
from kgan.losses.reconstruction import l1_loss
from kgan.training.adversarial_model import AdversarialModel
from kgan.utils.sampling import generate_in_batches
from kgan.utils.shapes import image_shape_of, output_shape_of
from kgan.utils.validation import check_images, check_int, check_non_negative, check_pairs

_ROLES = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")
# kgan's least-squares losses carry LSGAN's ½; the full loss is twice theirs.
_FULL_SCALE = {"least_squares": 2.0}


def query_history_pool(pool, filled, fresh, uniform, random_index):
    """One query of the image history pool (Shrivastava et al. 2017), in `keras.ops`.

    While the pool is not full every fresh image is stored and returned. Once it
    is full, each fresh image, with probability ½ (`uniform < 0.5`), is swapped
    with the stored image at `random_index`: the stored one is returned and the
    fresh one takes its place; otherwise the fresh image is returned and the pool
    is unchanged. Fresh images that land on the same slot in one batch are
    averaged into it.

    Args:
        pool: `(pool_size, H, W, C)` stored images.
        filled: int32 scalar, how many slots hold images (the first `filled`).
        fresh: `(batch, H, W, C)` newly generated images.
        uniform: `(batch,)` uniform draws in [0, 1).
        random_index: int32 `(batch,)` draws in `[0, pool_size)`.

    Returns:
        `(images, new_pool, new_filled)`: the `(batch, H, W, C)` images to show the
        discriminator, the updated pool and count.
    """
    size = ops.shape(pool)[0]
    batch = ops.shape(fresh)[0]
    fill_slot = ops.cast(filled, "int32") + ops.arange(batch, dtype="int32")
    filling = fill_slot < size
    swap = ops.logical_and(ops.logical_not(filling), uniform < 0.5)
    slot = ops.where(filling, fill_slot, ops.cast(random_index, "int32"))
    per_image = (-1, 1, 1, 1)
    images = ops.where(ops.reshape(swap, per_image), ops.take(pool, slot, axis=0), fresh)
    write = ops.cast(ops.logical_or(filling, swap), fresh.dtype)
    assignment = ops.one_hot(slot, size, dtype=fresh.dtype) * write[:, None]  # (batch, size)
    counts = ops.sum(assignment, axis=0)
    written = ops.matmul(ops.transpose(assignment), ops.reshape(fresh, (batch, -1)))
    written = ops.reshape(written / ops.maximum(counts, 1.0)[:, None], ops.shape(pool))
    new_pool = ops.where(ops.reshape(counts > 0, per_image), written, pool)
    new_filled = ops.minimum(ops.cast(filled, "int32") + batch, size)
    return images, new_pool, new_filled


@keras.saving.register_keras_serializable(package="kgan")
class CycleGAN(AdversarialModel):
    """CycleGAN: G_ab: A → B and G_ba: B → A trained from unpaired images.

    Discriminators D_a and D_b each minimise half their adversarial loss on
    their domain, seeing translated images through a history pool of the last
    `pool_size` translations; the generators minimise the full adversarial
    losses plus
    `cycle_weight`·(E|G_ba(G_ab(a)) − a| + E|G_ab(G_ba(b)) − b|) plus
    `identity_weight`·(E|G_ab(b) − b| + E|G_ba(a) − a|). The pools are model
    variables: they live through JAX jit, `fit()` calls and `.keras` saving.
    The base class' `generator` is G_ab and its `discriminator` is D_b.

    The scale is the paper's (section 4 and its code): with least squares, G
    minimises E[(D(G(a)) − 1)²] and D minimises ½(E[(D(b) − 1)²] + E[D(G(a))²]).
    kgan's least-squares pair keeps LSGAN's ½ on both sides
    (`kgan.losses.generator_least_squares_loss`), so CycleGAN doubles it for
    the full loss (D's is then halved back); every other loss is already at
    full scale.

    Args:
        generator_ab: built `keras.Model`, images of A `(batch, *shape_a)` →
            images of B `(batch, *shape_b)`, in [-1, 1]
            (`kgan.networks.resnet_generator` or `unet_generator`).
        generator_ba: built `keras.Model`, B → A.
        discriminator_a: built `keras.Model`, A images → logits `(batch, ...)`
            (`kgan.networks.patchgan_discriminator`).
        discriminator_b: built `keras.Model`, B images → logits.
        cycle_weight: float ≥ 0, default 10.
        identity_weight: float ≥ 0, default 5 (half the cycle weight, as in the
            paper); 0 switches the identity loss off. Needs shape_a == shape_b.
        pool_size: int ≥ 0, default 50; 0 shows the discriminators the newest
            translations only.
        loss: str, default `"least_squares"`; see `kgan.losses.get_adversarial_loss`.
        d_steps: int ≥ 1, default 1.
        seed: int or None.

    Data: `fit(x, y)`: x images of A, y images of B, the same number of each
    (their pairing carries no meaning). With the paper's schedule, add
    `kgan.callbacks.LinearLearningRateDecay`.

    Example:
        >>> a, b, _, _ = kgan.data.unpaired_digits(image_size=16)
        >>> def g(): return kgan.networks.resnet_generator((16, 16, 1), base_filters=8, num_blocks=2)
        >>> def d(): return kgan.networks.patchgan_discriminator((16, 16, 1), 8, num_layers=2)
        >>> model = kgan.models.CycleGAN(g(), g(), d(), d())
        >>> model.compile()
        >>> model.fit(a, b, batch_size=16, epochs=2)
        >>> thick = model.translate(a[:8])          # A → B
        >>> thin = model.translate(thick, direction="b_to_a")

    Reference:
        Zhu et al. 2017, "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks"; Shrivastava et al. 2017 (history pool); Mao et al.
        2017 (least-squares loss).
    """

    is_translator = True
    log_names = ("d_loss", "g_loss", "d_a", "d_b", "g_adv", "cycle", "identity")

    def __init__(self, generator_ab, generator_ba, discriminator_a, discriminator_b,
                 cycle_weight=10.0, identity_weight=5.0, pool_size=50, loss="least_squares",
                 d_steps=1, seed=None, **kwargs):
        d_loss_fn, g_loss_fn = get_adversarial_loss(loss)
        super().__init__(generator_ab, discriminator_b, d_steps=d_steps, seed=seed, **kwargs)
        for network, role in ((generator_ba, "generator_ba"), (discriminator_a, "discriminator_a")):
            if not isinstance(network, keras.Model) or not network.built:
                raise ValueError(
                    f"{role} must be a built keras.Model. Received: {role}={network!r}"
                )
        self.generator_ba = generator_ba
        self.discriminator_a = discriminator_a
        self.cycle_weight = check_non_negative(cycle_weight, "cycle_weight")
        self.identity_weight = check_non_negative(identity_weight, "identity_weight")
        self.pool_size = check_int(pool_size, "pool_size", minimum=0)
        self.loss_name = loss
        scale = _FULL_SCALE.get(loss, 1.0)
        self._d_loss_fn = lambda real, fake: 0.5 * scale * d_loss_fn(real, fake)
        self._g_loss_fn = lambda fake: scale * g_loss_fn(fake)
        self.shape_a = image_shape_of(generator_ab, "generator_ab")
        self.shape_b = output_shape_of(generator_ab)
        self._check_shapes()
        if pool_size:
            self.pool_a = self.add_weight(shape=(pool_size, *self.shape_a), initializer="zeros",
                                          trainable=False, name="pool_a")
            self.pool_b = self.add_weight(shape=(pool_size, *self.shape_b), initializer="zeros",
                                          trainable=False, name="pool_b")
            self.pool_filled = self.add_weight(shape=(), initializer="zeros", dtype="int32",
                                               trainable=False, name="pool_filled")

    def _check_shapes(self):
        expected = {
            "generator_ba input": (image_shape_of(self.generator_ba, "generator_ba"), self.shape_b),
            "generator_ba output": (output_shape_of(self.generator_ba), self.shape_a),
            "discriminator_a input": (
                image_shape_of(self.discriminator_a, "discriminator_a"), self.shape_a),
            "discriminator_b input": (
                image_shape_of(self.discriminator, "discriminator_b"), self.shape_b),
        }
        for what, (received, wanted) in expected.items():
            if received != wanted:
                raise ValueError(
                    f"The {what} must have shape {wanted} (generator_ab maps {self.shape_a} to "
                    f"{self.shape_b}). Received: {received}"
                )
        if self.identity_weight and self.shape_a != self.shape_b:
            raise ValueError(
                "The identity loss needs domains of the same shape. Use identity_weight=0. "
                f"Received: shape_a={self.shape_a}, shape_b={self.shape_b}, "
                f"identity_weight={self.identity_weight}"
            )

    @property
    def generator_ab(self):
        return self.generator

    @property
    def discriminator_b(self):
        return self.discriminator

    @property
    def generator_variables(self):
        return self.generator.trainable_variables + self.generator_ba.trainable_variables

    @property
    def discriminator_variables(self):
        return self.discriminator_a.trainable_variables + self.discriminator.trainable_variables

    def check_data(self, x, y):
        super().check_data(x, y)
        check_pairs(x, y, self.shape_a, self.shape_b, "CycleGAN", pairs="unpaired")

    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError("CycleGAN trains on two domains: call fit(x, y) with x in A, y in B.")
        return {"a": x, "b": y}

    def sample_noise(self, batch):
        if not self.pool_size:
            return {}
        size = ops.shape(batch["a"])[0]
        noise = {}
        for domain in ("a", "b"):
            noise[f"uniform_{domain}"] = self.random_uniform((size,))
            noise[f"index_{domain}"] = self.per_replica(
                lambda shape: keras.random.randint(
                    shape, 0, self.pool_size, seed=self.seed_generator
                ),
                (size,),
            )
        return noise

    def _from_pool(self, fake_a, fake_b, noise):
        if not self.pool_size:
            return fake_a, fake_b
        filled = self.pool_filled.value
        shown = {}
        for domain, fake, pool in (("a", fake_a, self.pool_a), ("b", fake_b, self.pool_b)):
            shown[domain], new_pool, new_filled = query_history_pool(
                pool.value, filled, fake, noise[f"uniform_{domain}"], noise[f"index_{domain}"]
            )
            pool.assign(new_pool)
        self.pool_filled.assign(new_filled)
        return shown["a"], shown["b"]

    def discriminator_loss(self, batch, noise):
        fake_b = without_gradient(lambda: self.generator(batch["a"], training=True))
        fake_a = without_gradient(lambda: self.generator_ba(batch["b"], training=True))
        fake_a, fake_b = self._from_pool(fake_a, fake_b, noise)
        d_a = self._d_loss_fn(self.discriminator_a(batch["a"], training=True),
                              self.discriminator_a(fake_a, training=True))
        d_b = self._d_loss_fn(self.discriminator(batch["b"], training=True),
                              self.discriminator(fake_b, training=True))
        return d_a + d_b, {"d_a": d_a, "d_b": d_b}

    def generator_loss(self, batch, noise):
        a, b = batch["a"], batch["b"]
        fake_b = self.generator(a, training=True)
        fake_a = self.generator_ba(b, training=True)
        adversarial = self._g_loss_fn(self.discriminator(fake_b, training=True)) + self._g_loss_fn(
            self.discriminator_a(fake_a, training=True)
        )
        cycle = l1_loss(a, self.generator_ba(fake_b, training=True)) + l1_loss(
            b, self.generator(fake_a, training=True)
        )
        loss = adversarial + self.cycle_weight * cycle
        logs = {"g_adv": adversarial, "cycle": cycle, "identity": ops.zeros(())}
        if self.identity_weight:
            identity = l1_loss(b, self.generator(b, training=True)) + l1_loss(
                a, self.generator_ba(a, training=True)
            )
            loss = loss + self.identity_weight * identity
            logs["identity"] = identity
        return loss, logs

    # ------------------------------------------------------------ translating
    def call(self, images, training=False):
        return self.generator(images, training=training)

    def translate(self, images, direction="a_to_b", batch_size=256):
        """Translates images with a generator in inference mode.

        Args:
            images: array `(num_images, *shape)` in [-1, 1], of domain A for
                `"a_to_b"` (default, G_ab) or of B for `"b_to_a"` (G_ba).
            direction: `"a_to_b"` or `"b_to_a"`.
            batch_size: int, default 256.

        Returns:
            `np.ndarray` of translated images in [-1, 1].
        """
        if direction not in ("a_to_b", "b_to_a"):
            raise ValueError(
                f"direction must be 'a_to_b' or 'b_to_a'. Received: direction={direction!r}"
            )
        forward = direction == "a_to_b"
        images = check_images(images, self.shape_a if forward else self.shape_b)
        network = self.sampling_generator if forward else self.generator_ba
        return generate_in_batches(network, [images], batch_size)

    # ------------------------------------------------------------ saving
    def get_config(self):
        config = super().get_config()
        config["generator_ab"] = config.pop("generator")
        config["discriminator_b"] = config.pop("discriminator")
        config.update(
            {
                "generator_ba": keras.saving.serialize_keras_object(self.generator_ba),
                "discriminator_a": keras.saving.serialize_keras_object(self.discriminator_a),
                "cycle_weight": self.cycle_weight,
                "identity_weight": self.identity_weight,
                "pool_size": self.pool_size,
                "loss": self.loss_name,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = copy.deepcopy(config)
        for role in _ROLES:
            config[role] = keras.saving.deserialize_keras_object(config[role])
        return cls(**config)
