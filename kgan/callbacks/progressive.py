"""The callback that grows a ProgressiveGAN during `fit()`."""

import keras


class ProgressiveGrowing(keras.callbacks.Callback):
    """Grows a `kgan.models.ProgressiveGAN` when its stage has seen its images.

    After every batch it asks the model whether the current stage is over
    (`growth_due`: `stable_images` at level 0, `fade_images + stable_images`
    above) and, if so, calls `model.grow()`: the next level starts with α = 0
    and a new train function for its resolution, from the next batch on. The
    schedule lives in the model (α advances inside the train step), so a run
    resumed from a `.keras` file or a `kgan.callbacks.Checkpoint` continues
    the same schedule; this callback holds no state.

    Args:
        verbose: int, default 0. 1 prints a line at each growth.

    Attributes:
        growths: list of `(epoch, batch, level)`, the growths of the last `fit()`.

    Example:
        >>> model.fit(x, batch_size=32, epochs=20,
        ...           callbacks=[kgan.callbacks.ProgressiveGrowing(verbose=1)])
    """

    def __init__(self, verbose=0):
        super().__init__()
        self.verbose = verbose
        self.growths = []
        self._epoch = 0

    def on_train_begin(self, logs=None):
        if not all(hasattr(self.model, name) for name in ("growth_due", "grow")):
            raise ValueError(
                "ProgressiveGrowing grows a kgan.models.ProgressiveGAN. "
                f"Received a model of type {type(self.model).__name__}."
            )
        self.growths = []

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        model = self.model  # on JAX, this syncs the step's state into the variables
        if model.growth_due:
            model.grow()
            self.growths.append((self._epoch, batch, model.current_level))
            if self.verbose:
                side = model.current_resolution
                print(f"\nProgressiveGrowing: epoch {self._epoch + 1}, batch {batch + 1}: "
                      f"level {model.current_level} ({side}×{side}), fading in.")
