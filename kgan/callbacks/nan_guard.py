"""A callback that stops training at the first non-finite loss (or weight)."""

import warnings

import keras
import numpy as np

from kgan.utils.validation import check_bool


class NaNGuard(keras.callbacks.Callback):
    """Stops training at the first step whose loss (or, optionally, weight) is NaN or Inf.

    After every batch it reads the batch logs (the model's `log_names`:
    `d_loss`, `g_loss`, penalties, ...). At the first non-finite value it sets
    `model.stop_training = True` and raises `FloatingPointError` (or, with
    `raise_error=False`, warns) with a message that names the step, the epoch,
    and the first non-finite loss term. Raising ends `fit()` before the epoch
    ends, so no checkpoint is written from the diverged state; with
    `raise_error=False`, `kgan.callbacks.Checkpoint` refuses to write it.
    Either way the last good checkpoint is intact.

    Logged values are running means over the epoch, so the first batch whose
    loss is non-finite is the first whose logged mean is.

    Args:
        check_weights: bool, default False. Also check every model variable
            after each batch (costs a copy of the weights per step; on JAX a
            state sync).
        raise_error: bool, default True. Raise `FloatingPointError`; when False,
            stop training and emit a warning.

    Attributes:
        message: the message of the stop, or None while all is finite.
        step: the global training step (1-based) that went non-finite, or None.

    Example:
        >>> model.fit(x, callbacks=[kgan.callbacks.Checkpoint("runs/ckpt"),
        ...                         kgan.callbacks.NaNGuard()])
    """

    def __init__(self, check_weights=False, raise_error=True):
        super().__init__()
        self.check_weights = check_bool(check_weights, "check_weights")
        self.raise_error = check_bool(raise_error, "raise_error")
        self.message = None
        self.step = None

    def on_train_begin(self, logs=None):
        self.message = None
        self.step = None

    def on_epoch_begin(self, epoch, logs=None):
        # Read here, not in on_train_begin: a resuming Checkpoint may restore
        # the counter after this callback's on_train_begin ran.
        optimizer = self.model.optimizer
        self._step = int(keras.ops.convert_to_numpy(optimizer.iterations)) if optimizer else 0
        self._epoch = epoch
        self._epoch_start = self._step

    def on_train_batch_end(self, batch, logs=None):
        # `batch` is the index of the last batch run (steps_per_execution aware).
        self._step = self._epoch_start + batch + 1
        where = f"step {self._step} (epoch {self._epoch + 1}, batch {batch + 1})"
        for name, value in (logs or {}).items():
            value = np.asarray(keras.ops.convert_to_numpy(value))
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                return self._stop(
                    f"Training stopped at {where}: the loss term {name!r} must be finite. "
                    f"Received: {name}={float(value.reshape(-1)[0])}."
                )
        if self.check_weights:
            for variable in self.model.variables:
                value = np.asarray(keras.ops.convert_to_numpy(variable))
                if value.dtype.kind == "f" and not np.isfinite(value).all():
                    return self._stop(
                        f"Training stopped at {where}: the variable {variable.path!r} must be "
                        f"finite. Received {int((~np.isfinite(value)).sum())} NaN/Inf entries."
                    )

    def _stop(self, message):
        self.message = message + " The last checkpoint written before it is intact."
        self.step = self._step
        self.model.stop_training = True
        if self.raise_error:
            raise FloatingPointError(self.message)
        warnings.warn(self.message, stacklevel=2)
