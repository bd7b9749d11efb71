"""A callback that writes generated samples from fixed latents as PNG files."""

import os

import keras
import numpy as np

from kgan.callbacks.plots import save_image_grid, save_scatter
from kgan.models.gan import latents


class SampleGrid(keras.callbacks.Callback):
    """Writes `log_dir/samples_epoch_XXXX.png` every `every_n_epochs` epochs.

    The latents (and labels, for conditional models) are fixed when training
    starts, so the grids show how the same samples evolve. Images are drawn as a
    grid; 2-D samples (the Gaussian mixtures) as a scatter plot.

    Args:
        log_dir: str, output directory (created if missing).
        every_n_epochs: int ≥ 1, default 1.
        num_samples: int > 0, default 64.
        seed: int, default 0, seed of the fixed latents.
        labels: optional ints `(num_samples,)` for conditional models; default
            cycles through the classes.

    Attributes:
        paths: list of the files written so far.
    """

    def __init__(self, log_dir, every_n_epochs=1, num_samples=64, seed=0, labels=None):
        super().__init__()
        if not isinstance(every_n_epochs, int) or every_n_epochs < 1:
            raise ValueError(f"every_n_epochs must be an integer ≥ 1. Received: {every_n_epochs!r}")
        if not isinstance(num_samples, int) or num_samples < 1:
            raise ValueError(f"num_samples must be a positive integer. Received: {num_samples!r}")
        self.log_dir = log_dir
        self.every_n_epochs = every_n_epochs
        self.num_samples = num_samples
        self.seed = seed
        self.labels = labels
        self.paths = []

    def on_train_begin(self, logs=None):
        os.makedirs(self.log_dir, exist_ok=True)
        self._z = latents(self.num_samples, self.model.latent_dim, self.seed)
        if hasattr(self.model, "num_classes") and self.labels is None:
            self.labels = np.arange(self.num_samples) % self.model.num_classes

    def _generate(self):
        if self.labels is not None:
            return self.model.generate(labels=self.labels, z=self._z)
        return self.model.generate(z=self._z)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        samples = self._generate()
        path = os.path.join(self.log_dir, f"samples_epoch_{epoch + 1:04d}.png")
        title = f"epoch {epoch + 1}"
        if samples.ndim == 2 and samples.shape[1] == 2:
            save_scatter(samples, path, title=title)
        else:
            save_image_grid(samples, path, title=title)
        self.paths.append(path)
