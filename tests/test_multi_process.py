"""Multi-process helpers in one process: `kgan.data.process_shard` (each process's
rows of every global batch), the callbacks that only rank 0 lets write, the
launcher's TF_CONFIG and TensorFlow's ranks of its tasks. The 2-process runs
themselves are in test_distributed.py."""

import json
import os
import types

import keras
import numpy as np
import pytest

import kgan
import kgan.backend
import kgan.callbacks.checkpoint
import kgan.callbacks.sample_grid
import kgan.recipe
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


def test_every_rank_generates_the_grids_and_saves_the_model(tmp_path, monkeypatch):
    # On JAX both run over every process's devices (saving creates optimizer
    # variables there): a rank that skipped them would leave the others waiting.
    monkeypatch.setattr(kgan.callbacks.sample_grid, "is_chief", lambda: False)
    monkeypatch.setattr(kgan.backend, "is_chief", lambda: False)
    saved = []
    monkeypatch.setattr(keras.Model, "save", lambda model, path, **kwargs: saved.append(path))
    model = kgan.models.GAN(*tiny_mlp_pair(), latent_dim=4, seed=0)
    model.compile()
    grids = kgan.callbacks.SampleGrid(str(tmp_path / "grids"), every_n_epochs=2, num_samples=8)
    generated = []
    monkeypatch.setattr(grids, "_generate", lambda: generated.append(1) or np.zeros((8, 2)))
    x = kgan.data.gaussian_mixture("ring8", 64, seed=0)
    history = model.fit(x, batch_size=32, epochs=4, verbose=0, callbacks=[grids])
    assert len(generated) == 2  # epochs 2 and 4, none again at the end: as on rank 0
    kgan.recipe.save_and_summarize(model, history, 1.0, str(tmp_path / "out"))
    assert len(saved) == 1 and not saved[0].startswith(str(tmp_path))
    assert not os.path.exists(tmp_path / "out") and not os.path.exists(tmp_path / "grids")


def test_tensorflow_workers_each_get_a_port_and_their_task_in_tf_config():
    from kgan.launcher import worker_environment

    for rank in range(2):
        config = json.loads(worker_environment("tensorflow", rank, 2, [1234, 1235])["TF_CONFIG"])
        assert config == {"cluster": {"worker": ["127.0.0.1:1234", "127.0.0.1:1235"]},
                          "task": {"type": "worker", "index": rank}}


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TF_CONFIG tasks")
def test_tensorflow_ranks_put_the_chief_task_first(monkeypatch):
    import tensorflow as tf

    from kgan.backend import tensorflow as tf_backend

    resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(
        tf.train.ClusterSpec({"chief": ["host0:1"], "worker": ["host1:1", "host2:1"]}),
        task_type="worker", task_id=1,
    )
    monkeypatch.setattr(tf_backend, "_multi_worker_strategy",
                        lambda: types.SimpleNamespace(cluster_resolver=resolver))
    assert (tf_backend.process_index(), tf_backend.process_count()) == (2, 3)
