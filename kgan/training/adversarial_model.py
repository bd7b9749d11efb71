"""The base class of every kgan GAN: alternating adversarial updates in `fit()`."""

import copy

import keras
import numpy as np
from keras import ops

from kgan.backend import TrainStep, replica_context, required_callbacks, run_if, update
from kgan.training.adversarial_optimizer import AdversarialOptimizer


def _check_built(network, role):
    if not isinstance(network, keras.Model):
        raise ValueError(f"{role} must be a keras.Model. Received: {role}={type(network).__name__}")
    if not network.built:
        raise ValueError(
            f"{role} must be built before it is given to a GAN (create it with keras.Input "
            f"or call {role}.build(input_shape)). Received an unbuilt model {network.name!r}."
        )


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_ema(ema_decay, ema_half_life_images):
    if ema_decay is not None and ema_half_life_images is not None:
        raise ValueError(
            "ema_decay and ema_half_life_images are two ways to set the same decay; give one. "
            f"Received: ema_decay={ema_decay!r}, ema_half_life_images={ema_half_life_images!r}"
        )
    if ema_decay is not None and not (_is_number(ema_decay) and 0.0 < ema_decay < 1.0):
        raise ValueError(f"ema_decay must be a float in (0, 1). Received: ema_decay={ema_decay!r}")
    if ema_half_life_images is not None and not (
        _is_number(ema_half_life_images) and ema_half_life_images > 0
    ):
        raise ValueError(
            "ema_half_life_images must be a number > 0 (images). "
            f"Received: ema_half_life_images={ema_half_life_images!r}"
        )


def _frozen_copy(generator):
    """A non-trainable clone of `generator` that starts from its weights."""
    copy_ = keras.models.clone_model(generator)
    if not copy_.built:
        raise ValueError(
            "The generator EMA needs a generator that keras.models.clone_model rebuilds "
            f"(a Functional or Sequential model). Received {type(generator).__name__} "
            f"{generator.name!r}, whose clone is not built."
        )
    copy_.set_weights(generator.get_weights())
    copy_.trainable = False
    return copy_


@keras.saving.register_keras_serializable(package="kgan")
class _ScaledSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """A learning-rate schedule multiplied by a constant `factor`.

    Used for StyleGAN2's lazy-regularisation correction of a scheduled
    learning rate.

    Args:
        schedule: `keras.optimizers.schedules.LearningRateSchedule`.
        factor: float > 0.
    """

    def __init__(self, schedule, factor):
        self.schedule = schedule
        self.factor = float(factor)

    def __call__(self, step):
        return self.schedule(step) * self.factor

    def get_config(self):
        return {
            "schedule": keras.saving.serialize_keras_object(self.schedule),
            "factor": self.factor,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["schedule"] = keras.saving.deserialize_keras_object(config["schedule"])
        return cls(**config)


def _lazy_regularization_optimizer(optimizer, interval):
    """A copy of `optimizer` corrected for a lazy regulariser every `interval` steps.

    With lazy regularisation a network takes k main steps and one regulariser
    step every k train steps, k + 1 optimizer steps where a plain run takes k.
    StyleGAN2 (Karras et al. 2020, Appendix B) keeps the optimizer's time scale
    by multiplying the learning rate by c = k / (k + 1) and raising Adam's
    β1 and β2 to the power c.

    Args:
        optimizer: `keras.optimizers.Optimizer` (not modified).
        interval: int k > 1.

    Returns:
        A new, unbuilt optimizer of the same class.
    """
    ratio = interval / (interval + 1)
    config = optimizer.get_config()
    learning_rate = config["learning_rate"]
    if isinstance(learning_rate, dict):  # a serialised schedule
        schedule = keras.optimizers.schedules.deserialize(learning_rate)
        config["learning_rate"] = _ScaledSchedule(schedule, ratio)
    else:
        config["learning_rate"] = learning_rate * ratio
    for beta in ("beta_1", "beta_2"):
        if beta in config:
            config[beta] = config[beta] ** ratio
    return type(optimizer).from_config(config)


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

    Optionally, regularisers as in StyleGAN2 (Karras et al. 2020):

    - `discriminator_regularizer(batch, noise) -> (loss, logs)` and
      `generator_regularizer(batch, noise) -> (loss, logs)`, enabled by the
      properties `d_reg_interval` / `g_reg_interval` (None: no regulariser;
      an int k ≥ 1 otherwise). With k = 1 the regulariser's loss is added to
      that side's main loss. With k > 1 (lazy regularisation) it is its own
      optimizer step, on its own fresh noise, every k train steps (at steps
      0, k, 2k, ... of `optimizer.iterations`), with the loss multiplied by k;
      `compile()` then corrects that side's optimizer (learning rate × k/(k+1),
      β1 and β2 raised to k/(k+1)). `d_loss` and `g_loss` report the main
      (adversarial) losses without the regulariser, whose logs have their own
      names; a lazy regulariser's logs average over the steps where it ran.

    This class owns the schedule (per batch: `d_steps` discriminator updates,
    the lazy discriminator regulariser when due, one generator update, the
    lazy generator regulariser when due, the generator EMA update), the
    optimizers, the trackers, the random seed and saving. Each train step runs
    on whichever backend Keras uses, through `kgan.backend.update` and, for
    interval-gated phases, `kgan.backend.run_if` (which survives JAX jit and
    `tf.function`).

    Generator EMA: with `ema_decay` or `ema_half_life_images`, the model keeps
    `generator_ema`, a non-trainable clone of the generator updated after the
    generator phases of every train step, `ema = decay·ema + (1 − decay)·w`
    for trainable weights; non-trainable weights (BatchNorm statistics) are
    copied, as in StyleGAN2-ADA. It is tracked by the model, so JAX threads
    it through the compiled step and `.keras` files and checkpoints store it,
    and `sampling_generator` returns it (`generate()`, `SampleGrid`,
    `MetricsCallback` and export use it). Keras' own optimizer EMA
    (`use_ema=True` with `keras.callbacks.SwapEMAWeights`) does not serve a
    GAN: it keeps no second network, so sampling the average means swapping
    it into the live generator; `fit()` ends by overwriting the trained
    weights with the average (`finalize_variable_values`), which breaks a
    resumed run; it averages trainable variables only; and its momentum is
    per optimizer step, not per image.

    Args:
        generator: built `keras.Model`.
        discriminator: built `keras.Model`.
        d_steps: int ≥ 1, default 1. Discriminator (critic) updates per generator
            update. Each uses the same real batch and fresh noise.
        ema_decay: float in (0, 1) or None, default None. Per-step decay of the
            generator EMA (e.g. 0.999).
        ema_half_life_images: float > 0 or None, default None. The EMA's
            half-life in training images (StyleGAN's `ema_kimg` × 1000): the
            per-step decay is `0.5 ** (batch_size / ema_half_life_images)`,
            computed in the step from the size of `batch["real"]`. Exclusive
            with `ema_decay`.
        seed: int or None, default None. Seed of the model's
            `keras.random.SeedGenerator`, the only source of randomness in a step.
    """

    log_names = ("d_loss", "g_loss")
    # True for variants whose losses differentiate through input gradients
    # (penalties): torch.compile cannot do double backward.
    uses_input_gradients = False

    def __init__(
        self,
        generator,
        discriminator,
        d_steps=1,
        ema_decay=None,
        ema_half_life_images=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_built(generator, "generator")
        _check_built(discriminator, "discriminator")
        if not isinstance(d_steps, int) or isinstance(d_steps, bool) or d_steps < 1:
            raise ValueError(f"d_steps must be an integer ≥ 1. Received: d_steps={d_steps!r}")
        _check_ema(ema_decay, ema_half_life_images)
        self.generator = generator
        self.discriminator = discriminator
        self.d_steps = d_steps
        self.ema_decay = ema_decay
        self.ema_half_life_images = ema_half_life_images
        enabled = ema_decay is not None or ema_half_life_images is not None
        self.generator_ema = _frozen_copy(generator) if enabled else None
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
        return self.per_replica(lambda s: keras.random.normal(s, seed=self.seed_generator), shape)

    def random_uniform(self, shape, minval=0.0, maxval=1.0):
        """Uniform noise in [minval, maxval) of `shape`; see `random_normal`."""
        return self.per_replica(
            lambda s: keras.random.uniform(s, minval, maxval, seed=self.seed_generator), shape
        )

    def per_replica(self, draw, shape):
        """`draw(shape)` for this replica's rows of the global batch.

        `draw` takes a shape whose axis 0 is a batch size and returns a tensor
        or a nested structure of tensors whose axis 0 is that batch (per-sample
        noise, augmentation parameters). Under a `tf.distribute` strategy with
        R replicas it is called for the global batch (R × `shape[0]` rows) and
        each replica keeps its own rows, so every replica draws different noise
        and distributed training equals one device; elsewhere it is `draw(shape)`.
        """
        replica, replicas = replica_context()
        shape = tuple(shape)
        if replicas == 1:
            return draw(shape)
        batch = shape[0]
        drawn = draw((batch * replicas, *shape[1:]))
        return keras.tree.map_structure(
            lambda t: ops.slice(t, [replica * batch] + [0] * (len(t.shape) - 1),
                                (batch, *t.shape[1:])),
            drawn,
        )

    def discriminator_loss(self, batch, noise):
        raise NotImplementedError(f"{type(self).__name__} must define discriminator_loss().")

    def generator_loss(self, batch, noise):
        raise NotImplementedError(f"{type(self).__name__} must define generator_loss().")

    @property
    def d_reg_interval(self):
        """None (no discriminator regulariser) or the int k ≥ 1 at which
        `discriminator_regularizer` runs (k = 1: inside the main loss)."""
        return None

    @property
    def g_reg_interval(self):
        """None (no generator regulariser) or the int k ≥ 1 at which
        `generator_regularizer` runs (k = 1: inside the main loss)."""
        return None

    def discriminator_regularizer(self, batch, noise):
        raise NotImplementedError(
            f"{type(self).__name__} sets d_reg_interval and must define "
            "discriminator_regularizer()."
        )

    def generator_regularizer(self, batch, noise):
        raise NotImplementedError(
            f"{type(self).__name__} sets g_reg_interval and must define generator_regularizer()."
        )

    @property
    def sampling_generator(self):
        """The generator used for sampling (`generate()`, callbacks, export):
        `generator_ema` when the model keeps one, else `generator`."""
        return self.generator if self.generator_ema is None else self.generator_ema

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

        Under the `mixed_float16` dtype policy each optimizer is wrapped in a
        `keras.optimizers.LossScaleOptimizer` (unless it is one): every phase
        scales its loss dynamically and skips its update on overflow.
        """
        for forbidden in ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics",
                          "auto_scale_loss"):
            if kwargs.get(forbidden) is not None:
                raise ValueError(
                    f"{type(self).__name__}.compile() takes g_optimizer and d_optimizer; its "
                    f"losses are part of the model. Received: {forbidden}={kwargs[forbidden]!r}"
                )
            kwargs.pop(forbidden, None)
        default_g, default_d = self.default_optimizers()
        g_optimizer = keras.optimizers.get(g_optimizer) if g_optimizer is not None else default_g
        d_optimizer = keras.optimizers.get(d_optimizer) if d_optimizer is not None else default_d
        # The compile config keeps the optimizers as given; a lazy regulariser's
        # correction is applied again whenever the model is compiled.
        object.__setattr__(self, "_given_jit_compile", kwargs.get("jit_compile", "auto"))
        object.__setattr__(
            self,
            "_given_optimizers",
            {
                "g_optimizer": keras.optimizers.serialize(g_optimizer),
                "d_optimizer": keras.optimizers.serialize(d_optimizer),
            },
        )
        if (self.g_reg_interval or 1) > 1:
            g_optimizer = _lazy_regularization_optimizer(g_optimizer, self.g_reg_interval)
        if (self.d_reg_interval or 1) > 1:
            d_optimizer = _lazy_regularization_optimizer(d_optimizer, self.d_reg_interval)
        if self.dtype_policy.name == "mixed_float16":
            # float16 gradients underflow: dynamic loss scaling per phase
            # (kgan.backend.update), one scale per optimizer.
            g_optimizer, d_optimizer = (
                o if isinstance(o, keras.optimizers.LossScaleOptimizer)
                else keras.optimizers.LossScaleOptimizer(o, name=f"{o.name}_loss_scale")
                for o in (g_optimizer, d_optimizer)
            )
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
        # auto_scale_loss=False: Keras would wrap the composite optimizer itself.
        super().compile(optimizer=optimizer, auto_scale_loss=False, **kwargs)
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
            **self._given_optimizers,
            # As given ("auto" by default), not as resolved on this backend:
            # a file saved with JAX's resolved True would turn on torch.compile
            # when the model is loaded on torch.
            "jit_compile": self._given_jit_compile,
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

    def _main_phase(self, total_name, loss, regularizer, interval, batch, variables, optimizer):
        """One optimizer step on `loss(batch, noise)`, plus the regulariser if k = 1."""
        noise = self.sample_noise(batch)

        def objective():
            value, logs = loss(batch, noise)
            logs = {total_name: value, **logs}
            if interval == 1:
                penalty, penalty_logs = regularizer(batch, noise)
                value = value + penalty
                logs.update(penalty_logs)
            return value, logs

        _, logs = update(objective, variables, optimizer)
        self._record(logs)

    def _lazy_phase(self, regularizer, interval, batch, variables, optimizer):
        """The regulariser's own step, k × its loss, at steps 0, k, 2k, ... (k > 1)."""
        if (interval or 1) == 1:
            return
        noise = self.sample_noise(batch)

        def scaled():
            loss, logs = regularizer(batch, noise)
            return interval * loss, logs

        def step():
            _, logs = update(scaled, variables, optimizer)
            self._record(logs)

        run_if(ops.equal(ops.mod(self.optimizer.iterations, interval), 0), step)

    def _update_ema(self, batch):
        if self.ema_decay is not None:
            decay = self.ema_decay
        else:
            batch_size = ops.cast(ops.shape(batch["real"])[0], "float32")
            decay = ops.power(0.5, batch_size / self.ema_half_life_images)
        for average, weight in zip(self.generator_ema.weights, self.generator.weights):
            if weight.trainable:
                average.assign(weight + decay * (average - weight))
            else:
                average.assign(weight)

    def end_of_step(self, batch):
        """Bookkeeping after both players' updates (running averages of weights):
        the generator EMA here; a variant that keeps more extends it (calling
        `super()`). It assigns variables only, with `keras.ops`, under jit."""
        if self.generator_ema is not None:
            self._update_ema(batch)

    def adversarial_step(self, data):
        """One training step on one batch: `d_steps` D updates and the lazy D
        regulariser when due, one G update and the lazy G regulariser when due,
        then `end_of_step` (the generator EMA)."""
        batch = self.unpack_batch(data)
        d_phase = (self.discriminator_variables, self.d_optimizer)
        g_phase = (self.generator_variables, self.g_optimizer)
        for _ in range(self.d_steps):
            self._main_phase(
                "d_loss",
                self.discriminator_loss,
                self.discriminator_regularizer,
                self.d_reg_interval,
                batch,
                *d_phase,
            )
        self._lazy_phase(self.discriminator_regularizer, self.d_reg_interval, batch, *d_phase)
        self._main_phase(
            "g_loss",
            self.generator_loss,
            self.generator_regularizer,
            self.g_reg_interval,
            batch,
            *g_phase,
        )
        self._lazy_phase(self.generator_regularizer, self.g_reg_interval, batch, *g_phase)
        self.end_of_step(batch)
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
                "ema_decay": self.ema_decay,
                "ema_half_life_images": self.ema_half_life_images,
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
