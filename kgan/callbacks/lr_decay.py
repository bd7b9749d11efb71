"""Linear learning-rate decay to zero for both optimizers of a GAN (CycleGAN's schedule)."""

import keras

from kgan.utils.validation import check_int


class LinearLearningRateDecay(keras.callbacks.Callback):
    """Keeps both learning rates for `constant_epochs`, then decays them linearly
    towards zero over `decay_epochs`.

    At 0-based epoch e the generator's and the discriminator's learning rates are
    their initial values times `1 − max(0, e + 1 − constant_epochs) / (decay_epochs + 1)`,
    the CycleGAN schedule (100 + 100 epochs in the paper). The initial values are
    read when `fit()` first hands the callback its model, before any callback's
    `on_train_begin`: a `kgan.callbacks.Checkpoint` that restores a decayed
    optimizer there resumes the same schedule. A later `fit()` keeps them, so pass
    `initial_epoch` to continue the schedule.

    Args:
        constant_epochs: int ≥ 0, epochs at the initial learning rates.
        decay_epochs: int ≥ 1, epochs of the linear decay.

    Example:
        >>> decay = kgan.callbacks.LinearLearningRateDecay(constant_epochs=100, decay_epochs=100)
        >>> model.fit(a, b, epochs=200, callbacks=[decay])

    Reference:
        Zhu et al. 2017, "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", section 7.1.
    """

    def __init__(self, constant_epochs, decay_epochs):
        super().__init__()
        self.constant_epochs = check_int(constant_epochs, "constant_epochs", minimum=0)
        self.decay_epochs = check_int(decay_epochs, "decay_epochs")
        self.initial_learning_rates = None

    def factor(self, epoch):
        """The learning-rate multiplier at 0-based `epoch`."""
        return max(0.0, 1.0 - max(0, epoch + 1 - self.constant_epochs) / (self.decay_epochs + 1))

    def _optimizers(self):
        return {"generator": self.model.g_optimizer, "discriminator": self.model.d_optimizer}

    def set_model(self, model):
        super().set_model(model)
        if self.initial_learning_rates is not None:
            return
        rates = {}
        for role, optimizer in self._optimizers().items():
            if isinstance(optimizer._learning_rate, keras.optimizers.schedules.LearningRateSchedule):
                raise ValueError(
                    f"LinearLearningRateDecay sets the learning rate itself; the {role} optimizer "
                    "must have a constant learning rate, not a LearningRateSchedule."
                )
            rates[role] = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        self.initial_learning_rates = rates

    def on_epoch_begin(self, epoch, logs=None):
        for role, optimizer in self._optimizers().items():
            optimizer.learning_rate = self.initial_learning_rates[role] * self.factor(epoch)
