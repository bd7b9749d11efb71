"""One optimizer object that holds a GAN's generator and discriminator optimizers,
and the optimizer correction for a lazy regulariser."""

import types

import keras


@keras.saving.register_keras_serializable(package="kgan")
class AdversarialOptimizer(keras.optimizers.Optimizer):
    """Holds the generator's and the discriminator's optimizers as one.

    A GAN trains two networks with two optimizers, but Keras' `fit()` carries
    one `model.optimizer`: on JAX only `model.optimizer.variables` are threaded
    through the compiled step, so a second optimizer held elsewhere would
    silently keep Adam's iteration count at zero. kgan models set
    `model.optimizer` to this object, whose `variables` are its own step counter
    followed by each inner optimizer's variables. Each inner optimizer is applied
    directly to its own network's variables; this object never applies
    gradients itself. Its `iterations` counts adversarial training steps (one
    per batch, whatever `d_steps` and `g_steps` are).

    Args:
        generator: `keras.optimizers.Optimizer` for the generator side.
        discriminator: `keras.optimizers.Optimizer` for the discriminator side.
        name: str, default `"adversarial_optimizer"`.

    Example:
        >>> opt = AdversarialOptimizer(keras.optimizers.Adam(2e-4),
        ...                            keras.optimizers.Adam(2e-4))
        >>> opt.generator.learning_rate  # doctest: +SKIP
    """

    def __init__(self, generator, discriminator, name="adversarial_optimizer", **kwargs):
        if kwargs:
            raise ValueError(
                "AdversarialOptimizer takes no optimizer hyperparameters; set them on the "
                f"generator and discriminator optimizers. Received: {sorted(kwargs)}"
            )
        for role, optimizer in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(optimizer, keras.optimizers.Optimizer):
                raise ValueError(
                    f"The {role} optimizer must be a keras.optimizers.Optimizer instance. "
                    f"Received: {role}={optimizer!r}"
                )
        if generator is discriminator:
            raise ValueError(
                "The generator and the discriminator need two distinct optimizer objects "
                "(each keeps its own moments). Received the same object twice."
            )
        super().__init__(learning_rate=0.0, name=name)
        self.generator = generator
        self.discriminator = discriminator

    def build(self, variables):
        """Builds both inner optimizers.

        Args:
            variables: dict with keys `"generator"` and `"discriminator"`, each a
                list of the `keras.Variable` that optimizer updates.
        """
        if not isinstance(variables, dict) or set(variables) != {"generator", "discriminator"}:
            raise ValueError(
                "AdversarialOptimizer.build() takes a dict with the keys 'generator' and "
                f"'discriminator'. Received: {type(variables).__name__}"
            )
        self.generator.build(variables["generator"])
        self.discriminator.build(variables["discriminator"])
        # A read-only mapping, which the optimizer's attribute tracking leaves
        # alone: these are the networks' variables, not optimizer state.
        self._variable_groups = types.MappingProxyType(dict(variables))
        self.built = True

    @property
    def _own_variables(self):
        """This object's own state (`keras.optimizers.Optimizer.variables`): its
        step counter and its unused learning rate."""
        return super().variables

    @property
    def variables(self):
        return self._own_variables + self.generator.variables + self.discriminator.variables

    def apply(self, grads, trainable_variables=None):
        raise TypeError(
            "AdversarialOptimizer does not apply gradients itself: apply them with "
            "`.generator` or `.discriminator`."
        )

    def save_own_variables(self, store):
        # The inner optimizers are saved as children of this object.
        for i, variable in enumerate(self._own_variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        for i, variable in enumerate(self._own_variables):
            variable.assign(store[str(i)])

    def finalize_variable_values(self, var_list):
        # Called by fit() at the end; each inner optimizer finalises its own
        # variables (this matters for optimizers built with use_ema=True).
        for role, optimizer in (
            ("generator", self.generator),
            ("discriminator", self.discriminator),
        ):
            optimizer.finalize_variable_values(self._variable_groups[role])

    def get_config(self):
        return {
            "name": self.name,
            "generator": keras.optimizers.serialize(self.generator),
            "discriminator": keras.optimizers.serialize(self.discriminator),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for role in ("generator", "discriminator"):
            config[role] = keras.optimizers.deserialize(config[role], custom_objects=custom_objects)
        return cls(**config)


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


def lazy_regularization_optimizer(optimizer, interval, main_steps=1):
    """A copy of `optimizer` corrected for a lazy regulariser every `interval` steps.

    With lazy regularisation a network takes m·k main updates and one
    regulariser update every k train steps (m: its main updates per train
    step, `d_steps` or `g_steps`), m·k + 1 optimizer steps where a plain run
    takes m·k. StyleGAN2 (Karras et al. 2020, Appendix B; m = 1) keeps the
    optimizer's time scale by multiplying the learning rate by
    c = m·k / (m·k + 1) and raising Adam's β1 and β2 to the power c.

    Args:
        optimizer: `keras.optimizers.Optimizer` (not modified).
        interval: int k > 1.
        main_steps: int m ≥ 1, default 1.

    Returns:
        A new, unbuilt optimizer of the same class.
    """
    updates = interval * main_steps
    ratio = updates / (updates + 1)
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
