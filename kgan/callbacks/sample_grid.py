"""A callback that writes generated samples from fixed latents as PNG files
(and, optionally, as TensorBoard images)."""

import io
import os
import time

import keras
import numpy as np

from kgan.backend import is_chief
from kgan.callbacks.plots import save_image_grid, save_scatter, tile_images
from kgan.utils.sampling import latents
from kgan.utils.validation import check_int


class SampleGrid(keras.callbacks.Callback):
    """Writes `log_dir/samples_epoch_XXXX.png` every `every_n_epochs` epochs
    and after the last epoch (so a run shorter than `every_n_epochs`, or one
    stopped early, still leaves its final grid).

    The latents (and labels, for conditional models) are fixed when training
    starts, so the grids show how the same samples evolve. Images are drawn as a
    grid; 2-D samples (the Gaussian mixtures) as a scatter plot.

    With `tensorboard_dir`, each image grid is also written as a TensorBoard
    image (tag `samples`, step = the 0-based epoch, as Keras' scalars) to
    `tensorboard_dir/samples/`, a run beside the `train/` run of
    `keras.callbacks.TensorBoard(tensorboard_dir)`. It uses the `tensorboard`
    package's event writer, so it works on every backend without TensorFlow.

    Args:
        log_dir: str, output directory (created if missing).
        every_n_epochs: int ≥ 1, default 1.
        num_samples: int > 0, default 64.
        seed: int, default 0, seed of the fixed latents.
        labels: optional ints `(num_samples,)` for conditional models; default
            cycles through the classes.
        tensorboard_dir: optional str, a TensorBoard log directory (needs the
            `tensorboard` package).

    Attributes:
        paths: list of the files written so far.

    Example:
        >>> grids = kgan.callbacks.SampleGrid("runs/grids", every_n_epochs=5,
        ...                                   tensorboard_dir="runs/tb")
        >>> model.fit(x, epochs=30, callbacks=[grids, keras.callbacks.TensorBoard("runs/tb")])
    """

    def __init__(self, log_dir, every_n_epochs=1, num_samples=64, seed=0, labels=None,
                 tensorboard_dir=None):
        super().__init__()
        self.log_dir = log_dir
        self.every_n_epochs = check_int(every_n_epochs, "every_n_epochs")
        self.num_samples = check_int(num_samples, "num_samples")
        self.seed = seed
        self.labels = labels
        self.tensorboard_dir = tensorboard_dir
        self.paths = []
        self._writer = None

    def on_train_begin(self, logs=None):
        # In a multi-process run only rank 0 writes; every rank generates (on JAX
        # the generator runs over every process's devices: all must run it).
        self._writes = is_chief()
        if self._writes:
            os.makedirs(self.log_dir, exist_ok=True)
        if self._writes and self.tensorboard_dir and self._writer is None:
            try:
                from tensorboard.summary.writer.event_file_writer import EventFileWriter
            except ImportError as error:
                raise ImportError(
                    "SampleGrid(tensorboard_dir=...) needs the tensorboard package: "
                    "pip install tensorboard"
                ) from error
            self._writer = EventFileWriter(os.path.join(self.tensorboard_dir, "samples"))
        self._z = latents(self.num_samples, self.model.latent_dim, self.seed)
        self._last_epoch = self._written_epoch = None
        # A StyleGAN's num_classes is None when it is unconditional.
        if getattr(self.model, "num_classes", None) and self.labels is None:
            self.labels = np.arange(self.num_samples) % self.model.num_classes

    def _generate(self):
        if self.labels is not None:
            return self.model.generate(labels=self.labels, z=self._z)
        return self.model.generate(z=self._z)

    def on_epoch_end(self, epoch, logs=None):
        self._last_epoch = epoch
        if (epoch + 1) % self.every_n_epochs == 0:
            self._write(epoch)

    def on_train_end(self, logs=None):
        if self._last_epoch is not None and self._last_epoch != self._written_epoch:
            self._write(self._last_epoch)
        if self._writer is not None:
            self._writer.flush()

    def _write(self, epoch):
        samples = self._generate()
        self._written_epoch = epoch
        if not self._writes:
            return
        path = os.path.join(self.log_dir, f"samples_epoch_{epoch + 1:04d}.png")
        title = f"epoch {epoch + 1}"
        if samples.ndim == 2 and samples.shape[1] == 2:
            save_scatter(samples, path, title=title)
        else:
            save_image_grid(samples, path, title=title)
            if self._writer is not None:
                self._write_tensorboard_image(samples, epoch)
        self.paths.append(path)

    def _write_tensorboard_image(self, samples, step):
        from PIL import Image
        from tensorboard.compat.proto import event_pb2, summary_pb2

        grid = np.round(tile_images(samples) * 255.0).astype("uint8")
        png = io.BytesIO()
        Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid).save(png, format="PNG")
        image = summary_pb2.Summary.Image(height=grid.shape[0], width=grid.shape[1],
                                          colorspace=grid.shape[-1],
                                          encoded_image_string=png.getvalue())
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="samples", image=image)])
        self._writer.add_event(event_pb2.Event(wall_time=time.time(), step=step, summary=summary))
