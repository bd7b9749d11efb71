"""The base class of every kgan GAN: alternating adversarial updates in `fit()`."""

import copy
import inspect
import types
import warnings

import keras
import numpy as np
from keras import ops

from kgan.backend import (
    TrainStep,
    jit_compiles_input_gradients,
    per_process_dataset,
    repeat,
    replica_context,
    required_callbacks,
    run_if,
    update,
)
from kgan.data.pipeline import ArrayDataset
from kgan.training.adversarial_optimizer import (
    AdversarialOptimizer,
    lazy_regularization_optimizer,
)
from kgan.utils.validation import check_int, check_number_in, check_positive


def _check_built(network, role):
    if not isinstance(network, keras.Model):
        raise ValueError(f"{role} must be a keras.Model. Received: {role}={type(network).__name__}")
    if not network.built:
        raise ValueError(
            f"{role} must be built before it is given to a GAN (create it with keras.Input "
            f"or call {role}.build(input_shape)). Received an unbuilt model {network.name!r}."
        )


def _check_ema(ema_decay, ema_half_life_images, ema_rampup):
    if ema_decay is not None and ema_half_life_images is not None:
        raise ValueError(
            "ema_decay and ema_half_life_images are two ways to set the same decay; give one. "
            f"Received: ema_decay={ema_decay!r}, ema_half_life_images={ema_half_life_images!r}"
        )
    if ema_decay is not None:
        check_number_in(ema_decay, "ema_decay", 0, 1, closed="neither")
    if ema_half_life_images is not None:
        check_positive(ema_half_life_images, "ema_half_life_images")
    if ema_rampup is not None:
        check_positive(ema_rampup, "ema_rampup")
        if ema_half_life_images is None:
            raise ValueError(
                "ema_rampup must come with ema_half_life_images (it ramps up the half-life). "
                f"Received: ema_rampup={ema_rampup!r}, ema_half_life_images=None"
            )


def _warn_if_batch_exceeds_data(x, batch_size):
    """Warns when `fit()`'s `batch_size` exceeds the number of samples of array
    data `x`: Keras then trains every epoch on one short batch, silently."""
    if x is None or batch_size is None:
        return
    shape = getattr(keras.tree.flatten(x)[0], "shape", None)  # None for a dataset
    if shape and shape[0] is not None and batch_size > shape[0]:
        warnings.warn(
            f"batch_size={batch_size} is larger than the training data ({shape[0]} samples): "
            f"each epoch is one batch of {shape[0]}. Pass a batch_size ≤ {shape[0]}.",
            stacklevel=3,
        )


def _batches_arrays(x, y, arguments):
    """Whether `fit()` batches `x` (and `y`) itself: numpy arrays, without the
    Keras options an `ArrayDataset` does not take (sample weights, a validation
    split, `shuffle="batch"`)."""
    return (isinstance(x, np.ndarray) and (y is None or isinstance(y, np.ndarray))
            and arguments.get("sample_weight") is None
            and not arguments.get("validation_split")
            and arguments.get("shuffle", True) in (True, False))


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
      `compile()` then corrects that side's optimizer (learning rate × c,
      β1 and β2 raised to c, c = mk/(mk+1) with m = `d_steps` or `g_steps`
      that side's main updates per step; StyleGAN2's k/(k+1) for m = 1). `d_loss` and `g_loss` report the main
      (adversarial) losses without the regulariser, whose logs have their own
      names; a lazy regulariser's logs average over the steps where it ran.

    This class owns the schedule (per batch: `d_steps` discriminator updates,
    the lazy discriminator regulariser when due, `g_steps` generator updates, the
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
    `MetricsCallback` and export use it). Why not Keras' optimizer EMA:
    docs/DESIGN_NOTES.md.

    Args:
        generator: built `keras.Model`.
        discriminator: built `keras.Model`.
        d_steps: int ≥ 1, default 1. Discriminator (critic) updates per generator
            update. Each uses the same real batch and fresh noise.
        g_steps: int ≥ 1, default 1. Generator updates per batch, after the
            discriminator's. Each uses the same batch and fresh noise. PacGAN's
            Stacked MNIST runs (after DCGAN-tensorflow) update the generator
            twice per discriminator update, so that D's loss does not fall to 0.
        ema_decay: float in (0, 1) or None, default None. Per-step decay of the
            generator EMA (e.g. 0.999).
        ema_half_life_images: float > 0 or None, default None. The EMA's
            half-life in training images (StyleGAN's `ema_kimg` × 1000): the
            per-step decay is `0.5 ** (batch_size / ema_half_life_images)`,
            computed in the step from the global batch size. Exclusive with
            `ema_decay`.
        ema_rampup: float > 0 or None, default None. StyleGAN2-ADA's EMA
            ramp-up (its `auto` and `cifar` configurations use 0.05): the
            half-life is `min(ema_half_life_images, images_seen · ema_rampup)`,
            `images_seen = optimizer.iterations × global batch size` (the
            images of the previous steps), so the EMA copies the generator at
            step 0 and follows it closely early on. Needs
            `ema_half_life_images`.
        seed: int or None, default None. Seed of the model's
            `keras.random.SeedGenerator`, the only source of randomness in a step.
    """

    log_names = ("d_loss", "g_loss")
    # True for variants whose losses differentiate through input gradients
    # (penalties): `compile()` refuses jit_compile=True where the backend cannot.
    uses_input_gradients = False

    def __init__(
        self,
        generator,
        discriminator,
        d_steps=1,
        g_steps=1,
        ema_decay=None,
        ema_half_life_images=None,
        ema_rampup=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_built(generator, "generator")
        _check_built(discriminator, "discriminator")
        check_int(d_steps, "d_steps")
        check_int(g_steps, "g_steps")
        _check_ema(ema_decay, ema_half_life_images, ema_rampup)
        self.generator = generator
        self.discriminator = discriminator
        self.d_steps = d_steps
        self.g_steps = g_steps
        self.ema_decay = ema_decay
        self.ema_half_life_images = ema_half_life_images
        self.ema_rampup = ema_rampup
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

        Subclasses extend it (shapes, labels); the base refuses lists (Keras
        reads a list as the inputs of a multi-input model, which none of these
        models is; Zi2Zi unpacks its `[source, styles]` first) and checks
        finiteness.
        """
        for name, array in (("x", x), ("y", y)):
            if isinstance(array, (list, tuple)):
                raise ValueError(
                    f"Training data {name} must be one array (num_samples, ...) for "
                    f"{type(self).__name__}: Keras reads a list as the inputs of a multi-input "
                    f"model. Stack a list of samples with np.stack({name}). Received: {name}=a "
                    f"{type(array).__name__} of length {len(array)}"
                )
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
        self._given_jit_compile = kwargs.get("jit_compile", "auto")
        # Class and config now, serialised only when saved (get_compile_config). A
        # read-only mapping, not a dict: Keras' attribute tracking would wrap a
        # dict and the dicts in it in containers that reference the model.
        self._given_optimizers = types.MappingProxyType(
            {
                "g_optimizer": (type(g_optimizer), g_optimizer.get_config()),
                "d_optimizer": (type(d_optimizer), d_optimizer.get_config()),
            }
        )
        if (self.g_reg_interval or 1) > 1:
            g_optimizer = lazy_regularization_optimizer(g_optimizer, self.g_reg_interval,
                                                        self.g_steps)
        if (self.d_reg_interval or 1) > 1:
            d_optimizer = lazy_regularization_optimizer(d_optimizer, self.d_reg_interval,
                                                        self.d_steps)
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
            self.uses_input_gradients
            and kwargs.get("jit_compile") is True
            and not jit_compiles_input_gradients()
        ):
            backend = keras.backend.backend()
            raise ValueError(
                f"{type(self).__name__} differentiates input gradients (a penalty), which the "
                f"{backend} backend cannot jit-compile (no double backward). Use jit_compile=False "
                f"or 'auto' on the {backend} backend. Received: jit_compile=True"
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
            **{
                name: keras.optimizers.serialize(cls.from_config(copy.deepcopy(config)))
                for name, (cls, config) in self._given_optimizers.items()
            },
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
        """`keras.Model.fit`, with GAN batches: numpy arrays `x` (and labels or
        targets `y`) are cut into batches of exactly `batch_size` rows
        (`kgan.data.pipeline.ArrayDataset`, drawn in a new order every epoch
        from numpy's global generator when `shuffle`). The `N mod batch_size`
        rows left over sit out the epoch, others every epoch, as GAN training
        loops do (`drop_last`): a short last batch would compile the whole step
        again and give BatchNorm a few rows' statistics. Data of fewer rows
        than `batch_size` is one batch. A dataset, generator or `PyDataset` is
        used as given."""
        if not self.compiled:
            raise ValueError(
                f"{type(self).__name__} must be compiled before fit(). Call compile() first "
                "(with g_optimizer and d_optimizer, or none for the defaults)."
            )
        self.check_data(x, y)
        arguments = inspect.signature(super().fit).bind(x, y, *args, **kwargs).arguments
        _warn_if_batch_exceeds_data(x, arguments.get("batch_size"))
        extra = required_callbacks()
        if extra:
            arguments["callbacks"] = list(arguments.get("callbacks") or []) + extra
        batch_size, shuffle = arguments.get("batch_size") or 32, arguments.get("shuffle", True)
        # A TensorFlow multi-worker run trains on this worker's own batches
        # (the dataset shuffles them).
        dataset = per_process_dataset(x, y, batch_size, shuffle)
        if dataset is None and _batches_arrays(x, y, arguments):
            dataset = ArrayDataset(x, y, batch_size, shuffle=bool(shuffle),
                                   drop_remainder=True, workers=1)
        if dataset is not None:
            arguments.update(x=dataset, y=None, batch_size=None, shuffle=False)
        return super().fit(**arguments)

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

    def _update_ema(self, batch_size):
        if self.ema_decay is not None:
            decay = self.ema_decay
        else:
            # The half-life counts the images of the global batch (every replica's).
            images = ops.cast(batch_size * replica_context()[1], "float32")
            half_life = self.ema_half_life_images
            if self.ema_rampup is not None:
                seen = ops.cast(self.optimizer.iterations, "float32") * images
                half_life = ops.minimum(half_life, seen * self.ema_rampup)
            # At step 0 with the ramp-up the half-life is 0: decay 0, a copy.
            decay = ops.power(0.5, images / ops.maximum(half_life, 1e-8))
        for average, weight in zip(self.generator_ema.weights, self.generator.weights):
            if weight.trainable:
                average.assign(weight + decay * (average - weight))
            else:
                average.assign(weight)

    def end_of_step(self, batch, batch_size):
        """Bookkeeping after both players' updates (running averages of weights):
        the generator EMA here; a variant that keeps more extends it (calling
        `super()`). It assigns variables only, with `keras.ops`, under jit.

        Args:
            batch: dict, the batch from `unpack_batch`.
            batch_size: int scalar tensor, the number of examples in the batch
                on this replica (see `examples_in`).
        """
        if self.generator_ema is not None:
            self._update_ema(batch_size)

    @staticmethod
    def examples_in(data):
        """The number of examples in `data`, one batch as `fit()` gives it to
        the train step, whatever keys `unpack_batch` names: axis 0 of its first
        tensor (Keras batches every tensor of x, y and sample_weight on axis 0)."""
        return ops.shape(keras.tree.flatten(data)[0])[0]

    def stateful_train_step(self, data):
        """One training step on one batch (`kgan.backend.TrainStep` calls it):
        `d_steps` D updates and the lazy D regulariser when due, `g_steps` G
        updates and the lazy G regulariser when due, then `end_of_step` (the
        generator EMA)."""
        batch = self.unpack_batch(data)
        d_phase = (self.discriminator_variables, self.d_optimizer)
        g_phase = (self.generator_variables, self.g_optimizer)
        # A loop where the backend compiles it as one (TensorFlow): one critic step traced.
        repeat(
            self.d_steps,
            lambda: self._main_phase(
                "d_loss",
                self.discriminator_loss,
                self.discriminator_regularizer,
                self.d_reg_interval,
                batch,
                *d_phase,
            ),
        )
        self._lazy_phase(self.discriminator_regularizer, self.d_reg_interval, batch, *d_phase)
        repeat(
            self.g_steps,
            lambda: self._main_phase(
                "g_loss",
                self.generator_loss,
                self.generator_regularizer,
                self.g_reg_interval,
                batch,
                *g_phase,
            ),
        )
        self._lazy_phase(self.generator_regularizer, self.g_reg_interval, batch, *g_phase)
        self.end_of_step(batch, self.examples_in(data))
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
                "g_steps": self.g_steps,
                "ema_decay": self.ema_decay,
                "ema_half_life_images": self.ema_half_life_images,
                "ema_rampup": self.ema_rampup,
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
