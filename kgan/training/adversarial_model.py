"""The base class of every kgan GAN: alternating adversarial updates in `fit()`."""

import copy

import keras
import numpy as np
from keras import ops

from kgan.backend import TrainStep, replica_context, required_callbacks, update
from kgan.training.adversarial_optimizer import AdversarialOptimizer


def _check_built(network, role):
    if not isinstance(network, keras.Model):
        raise ValueError(f"{role} must be a keras.Model. Received: {role}={type(network).__name__}")
    if not network.built:
        raise ValueError(
            f"{role} must be built before it is given to a GAN (create it with keras.Input "
            f"or call {role}.build(input_shape)). Received an unbuilt model {network.name!r}."
        )


class AdversarialModel(TrainStep, keras.Model):
    """Alternating discriminator/generator updates; a variant states its losses.

    A subclass defines:

    - `unpack_batch(data) -> dict`: the named tensors of one batch.
    - `sample_noise(batch) -> dict`: every random tensor one phase needs, drawn
      with `self.seed_generator` before the differentiated closures run.
    - `discriminator_loss(batch, noise) -> (loss, logs)` and
      `generator_loss(batch, noise) -> (loss, logs)`: scalar losses plus a dict
      of scalar tensors whose names are in `log_names`.
    - `log_names`: every name it reports (`"d_loss"` and `"g_loss"` are the
      totals and are added by this class).

    This class owns the schedule (`d_steps` discriminator updates, then one
    generator update, per batch), the optimizers, the trackers, the random seed
    and saving. Each train step runs on whichever backend Keras uses, through
    `kgan.backend.update`.

    Args:
        generator: built `keras.Model`.
        discriminator: built `keras.Model`.
        d_steps: int ≥ 1, default 1. Discriminator (critic) updates per generator
            update. Each uses the same real batch and fresh noise.
        seed: int or None, default None. Seed of the model's
            `keras.random.SeedGenerator`, the only source of randomness in a step.
    """

    log_names = ("d_loss", "g_loss")
    # True for variants whose losses differentiate through input gradients
    # (penalties): torch.compile cannot do double backward.
    uses_input_gradients = False

    def __init__(self, generator, discriminator, d_steps=1, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_built(generator, "generator")
        _check_built(discriminator, "discriminator")
        if not isinstance(d_steps, int) or isinstance(d_steps, bool) or d_steps < 1:
            raise ValueError(f"d_steps must be an integer ≥ 1. Received: d_steps={d_steps!r}")
        self.generator = generator
        self.discriminator = discriminator
        self.d_steps = d_steps
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._trackers = {}
        self.built = True

    # ------------------------------------------------------------ variant API
    def unpack_batch(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return {"real": x}

    def sample_noise(self, batch):
        return {}

    def random_normal(self, shape):
        """Standard normal noise of `shape` (axis 0: this batch), from `self.seed_generator`.

        Use it (or `random_uniform`) for every per-sample draw in
        `sample_noise`: under a `tf.distribute` strategy each replica receives
        its rows of the noise a single device would draw for the global batch,
        so distributed training computes the same step as one device.
        """
        return self._per_replica(lambda s: keras.random.normal(s, seed=self.seed_generator), shape)

    def random_uniform(self, shape, minval=0.0, maxval=1.0):
        """Uniform noise in [minval, maxval) of `shape`; see `random_normal`."""
        return self._per_replica(
            lambda s: keras.random.uniform(s, minval, maxval, seed=self.seed_generator), shape
        )

    def _per_replica(self, draw, shape):
        replica, replicas = replica_context()
        if replicas == 1:
            return draw(tuple(shape))
        batch = shape[0]
        noise = draw((batch * replicas, *shape[1:]))
        start = [replica * batch] + [0] * (len(shape) - 1)
        return ops.slice(noise, start, tuple(shape))

    def discriminator_loss(self, batch, noise):
        raise NotImplementedError(f"{type(self).__name__} must define discriminator_loss().")

    def generator_loss(self, batch, noise):
        raise NotImplementedError(f"{type(self).__name__} must define generator_loss().")

    @property
    def sampling_generator(self):
        """The generator used for sampling (`generate()`, callbacks, export).

        The plain generator; a model that keeps an exponential moving average
        of the generator's weights returns that average instead.
        """
        return self.generator

    @property
    def generator_variables(self):
        """Variables the generator optimizer updates."""
        return self.generator.trainable_variables

    @property
    def discriminator_variables(self):
        """Variables the discriminator optimizer updates."""
        return self.discriminator.trainable_variables

    def default_optimizers(self):
        """`(g_optimizer, d_optimizer)` used when `compile()` is given none."""
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.5, name="g_adam"),
            keras.optimizers.Adam(2e-4, beta_1=0.5, name="d_adam"),
        )

    def check_data(self, x, y):
        """Validates numpy training data before `fit()` does any work.

        Subclasses extend it (shapes, labels); the base checks finiteness.
        """
        for name, array in (("x", x), ("y", y)):
            if isinstance(array, np.ndarray) and array.dtype.kind not in "biuf":
                raise ValueError(
                    f"Training data {name} must be a numeric array (float images or samples, "
                    f"int labels). Received: {name}.dtype={array.dtype}"
                )
            if isinstance(array, np.ndarray) and array.dtype.kind == "f":
                bad = ~np.isfinite(array)
                if bad.any():
                    index = tuple(int(i) for i in np.argwhere(bad)[0])
                    raise ValueError(
                        f"Training data {name} contains NaN or Inf values ({int(bad.sum())} "
                        f"entries; the first at index {index}). Clean or drop them before fit()."
                    )

    # ------------------------------------------------------------ training
    def compile(self, g_optimizer=None, d_optimizer=None, **kwargs):
        """Configures the model for training.

        Args:
            g_optimizer: optimizer (instance or name) for the generator side;
                default from `default_optimizers()`.
            d_optimizer: optimizer (instance or name) for the discriminator side.
            **kwargs: `jit_compile`, `run_eagerly`, `steps_per_execution` as in
                `keras.Model.compile`. A GAN takes no `loss`, `optimizer` or
                `metrics`: its losses are its own.
        """
        for forbidden in ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics"):
            if kwargs.get(forbidden) is not None:
                raise ValueError(
                    f"{type(self).__name__}.compile() takes g_optimizer and d_optimizer; its "
                    f"losses are part of the model. Received: {forbidden}={kwargs[forbidden]!r}"
                )
            kwargs.pop(forbidden, None)
        default_g, default_d = self.default_optimizers()
        g_optimizer = keras.optimizers.get(g_optimizer) if g_optimizer is not None else default_g
        d_optimizer = keras.optimizers.get(d_optimizer) if d_optimizer is not None else default_d
        optimizer = AdversarialOptimizer(generator=g_optimizer, discriminator=d_optimizer)
        # Build now: building lazily inside a JAX trace or a tf.function fails.
        optimizer.build(
            {"generator": self.generator_variables, "discriminator": self.discriminator_variables}
        )
        if (
            keras.backend.backend() == "torch"
            and self.uses_input_gradients
            and kwargs.get("jit_compile") is True
        ):
            raise ValueError(
                f"{type(self).__name__} differentiates input gradients (a penalty), which "
                "torch.compile cannot do (no double backward). Use jit_compile=False or 'auto' "
                "on the torch backend. Received: jit_compile=True"
            )
        if self.dtype_policy.name == "mixed_float16":
            raise ValueError(
                "kgan does not support the mixed_float16 policy yet: its loss scaling must run "
                "per adversarial phase, which Keras' LossScaleOptimizer cannot do inside kgan's "
                "train step on every backend. Use keras.mixed_precision.set_dtype_policy("
                "'mixed_bfloat16') (no loss scaling needed). Received: "
                f"dtype_policy={self.dtype_policy.name!r}"
            )
        super().compile(optimizer=optimizer, **kwargs)
        self._trackers = {name: keras.metrics.Mean(name=name) for name in self.log_names}

    @property
    def g_optimizer(self):
        """The generator's optimizer (held by `self.optimizer`)."""
        return self.optimizer.generator

    @property
    def d_optimizer(self):
        """The discriminator's optimizer (held by `self.optimizer`)."""
        return self.optimizer.discriminator

    @property
    def metrics(self):
        return list(self._trackers.values())

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "jit_compile": self._compile_config.config["jit_compile"],
            "run_eagerly": self.run_eagerly,
            "steps_per_execution": self.steps_per_execution,
        }

    def compile_from_config(self, config):
        config = dict(config)
        config["g_optimizer"] = keras.optimizers.deserialize(config["g_optimizer"])
        config["d_optimizer"] = keras.optimizers.deserialize(config["d_optimizer"])
        self.compile(**config)

    def fit(self, x=None, y=None, *args, **kwargs):
        self._assert_compile_called("fit")
        self.check_data(x, y)
        extra = required_callbacks()
        if extra:
            kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + extra
        try:
            return super().fit(x, y, *args, **kwargs)
        finally:
            # A resuming callback (kgan.callbacks.Checkpoint) sets Keras'
            # `_initial_epoch`; Keras never clears it, so a later fit() would
            # skip epochs, also after an exception.
            self._initial_epoch = None

    def _record(self, logs):
        for name, value in logs.items():
            if name not in self._trackers:
                raise ValueError(
                    f"{type(self).__name__} reported {name!r}, which is not in its log_names "
                    f"{self.log_names}."
                )
            self._trackers[name].update_state(value)

    def _phase(self, total_name, loss_fn, variables, optimizer):
        def with_total():
            loss, logs = loss_fn()
            return loss, {total_name: loss, **logs}

        _, logs = update(with_total, variables, optimizer)
        self._record(logs)

    def adversarial_step(self, data):
        """One training step on one batch: `d_steps` D updates, then one G update."""
        batch = self.unpack_batch(data)
        for _ in range(self.d_steps):
            noise = self.sample_noise(batch)
            self._phase(
                "d_loss",
                lambda noise=noise: self.discriminator_loss(batch, noise),
                self.discriminator_variables,
                self.d_optimizer,
            )
        noise = self.sample_noise(batch)
        self._phase(
            "g_loss",
            lambda: self.generator_loss(batch, noise),
            self.generator_variables,
            self.g_optimizer,
        )
        self.optimizer.iterations.assign_add(1)
        return {name: tracker.result() for name, tracker in self._trackers.items()}

    # ------------------------------------------------------------ saving
    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "d_steps": self.d_steps,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = copy.deepcopy(config)  # deserialisation consumes nested dicts
        for role in ("generator", "discriminator"):
            config[role] = keras.saving.deserialize_keras_object(config[role])
        return cls(**config)
