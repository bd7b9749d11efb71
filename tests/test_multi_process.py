"""Multi-process helpers in one process: `kgan.data.process_shard` (each process's
rows of every global batch) and the callbacks that only rank 0 lets write.
The 2-process runs themselves are in test_distributed.py."""

import os

import numpy as np
import pytest

import kgan
import kgan.callbacks.checkpoint
import kgan.callbacks.sample_grid
from kgan.data import shard

from .conftest import tiny_mlp_pair


def test_one_process_keeps_the_data_and_the_batch():
    x = np.arange(10.0)
    out, batch = kgan.data.process_shard(x, 4)
    assert out is x and batch == 4


@pytest.mark.parametrize("rank", [0, 1])
def test_each_rank_takes_its_rows_of_every_global_batch(monkeypatch, rank):
    monkeypatch.setattr(shard, "process_count", lambda: 2)
    monkeypatch.setattr(shard, "process_index", lambda: rank)
    images, labels = np.arange(22.0).reshape(11, 2), np.arange(11)
    (image_rows, label_rows), batch = kgan.data.process_shard((images, labels), 4)
    # Global batches [0..3], [4..7]; the trailing 3 rows are dropped.
    expected = {0: [0, 1, 4, 5], 1: [2, 3, 6, 7]}[rank]
    assert batch == 2
    np.testing.assert_array_equal(label_rows, expected)
    np.testing.assert_array_equal(image_rows, images[expected])


def test_refuses_a_batch_the_processes_cannot_split(monkeypatch):
    monkeypatch.setattr(shard, "process_count", lambda: 2)
    monkeypatch.setattr(shard, "process_index", lambda: 0)
    with pytest.raises(ValueError, match="positive multiple of the 2 processes"):
        kgan.data.process_shard(np.zeros(8), 3)
    with pytest.raises(ValueError, match="at least one global batch of 4 rows"):
        kgan.data.process_shard(np.zeros(3), 4)


@pytest.mark.parametrize("chief", [True, False])
def test_only_the_chief_writes_checkpoints_and_grids(tmp_path, monkeypatch, chief):
    for module in (kgan.callbacks.checkpoint, kgan.callbacks.sample_grid):
        monkeypatch.setattr(module, "is_chief", lambda: chief)
    model = kgan.models.GAN(*tiny_mlp_pair(), latent_dim=4, seed=0)
    model.compile()
    x = kgan.data.gaussian_mixture("ring8", 64, seed=0)
    callbacks = [kgan.callbacks.Checkpoint(str(tmp_path / "ckpt")),
                 kgan.callbacks.SampleGrid(str(tmp_path / "grids"), num_samples=8)]
    model.fit(x, batch_size=32, epochs=1, verbose=0, callbacks=callbacks)
    assert os.path.isdir(tmp_path / "ckpt") == chief
    assert os.path.isdir(tmp_path / "grids") == chief
    if chief:
        assert len(kgan.callbacks.checkpoint.list_checkpoints(str(tmp_path / "ckpt"))) == 1
        assert len(os.listdir(tmp_path / "grids")) == 1
