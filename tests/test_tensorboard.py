"""TensorBoard on the active backend: Keras' callback logs every loss and the
MetricsCallback figures; SampleGrid writes the grids as TensorBoard images."""

import keras
import numpy as np
import pytest

import kgan

from .conftest import tiny_dcgan_pair

pytest.importorskip("tensorflow")  # Keras' TensorBoard callback writes with tf.summary
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")


class MeanPixel:
    """A stand-in evaluator: MetricsCallback takes any object with evaluate()."""

    def evaluate(self, images, labels=None):
        return {"mean_pixel": float(np.mean(images))}


def _tags(directory):
    accumulator = event_accumulator.EventAccumulator(str(directory))
    accumulator.Reload()
    return accumulator


def test_losses_metrics_and_grids_reach_tensorboard(tmp_path, digits16):
    generator, discriminator = tiny_dcgan_pair()
    model = kgan.models.GAN(generator, discriminator, latent_dim=8, seed=0)
    model.compile()
    log_dir = tmp_path / "tb"
    callbacks = [
        kgan.callbacks.SampleGrid(str(tmp_path / "grids"), num_samples=4,
                                  tensorboard_dir=str(log_dir)),
        kgan.callbacks.MetricsCallback(evaluator=MeanPixel(), num_samples=10),
        keras.callbacks.TensorBoard(str(log_dir)),  # after MetricsCallback: logs its figures
    ]
    model.fit(digits16[0][:64], batch_size=32, epochs=2, callbacks=callbacks, verbose=0)

    scalars = _tags(log_dir / "train")
    names = set(scalars.Tags()["tensors"]) | set(scalars.Tags()["scalars"])
    for name in ("d_loss", "g_loss", "d_real", "d_fake", "mean_pixel"):
        assert f"epoch_{name}" in names, sorted(names)
    assert [event.step for event in scalars.Tensors("epoch_mean_pixel")] == [0, 1]

    images = _tags(log_dir / "samples")
    assert images.Tags()["images"] == ["samples"]
    grids = images.Images("samples")
    assert [grid.step for grid in grids] == [0, 1]
    assert (grids[0].width, grids[0].height) == (2 * 17 + 1, 2 * 17 + 1)  # 2×2 grid of 16 px
