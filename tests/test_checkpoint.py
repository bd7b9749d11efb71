"""Full-state checkpoints: exact resume, SIGKILL safety, corruption, NaN guard."""

import os
import signal
import subprocess
import sys

import keras
import numpy as np
import pytest

import kgan
from kgan.callbacks import (
    Checkpoint,
    CheckpointError,
    NaNGuard,
    latest_checkpoint,
    load_checkpoint,
)
from kgan.callbacks.checkpoint import read_checkpoint, training_state_variables
from tests.conftest import tiny_mlp_pair

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH = 32  # 128 ring samples: 4 steps per epoch


def ring():
    return kgan.data.gaussian_mixture("ring8", 128, seed=0)


def make_gan(width=16, run_eagerly=False):
    g, d = tiny_mlp_pair(width=width)
    model = kgan.models.GAN(g, d, latent_dim=4, seed=0)
    model.compile(run_eagerly=run_eagerly)
    return model


def quick_gan(width=16):
    """For tests of file handling: eager, so JAX does not compile a step per model."""
    return make_gan(width, run_eagerly=True)


def fit(model, epochs, callbacks=(), x=None):
    return model.fit(ring() if x is None else x, batch_size=BATCH, epochs=epochs, shuffle=False,
                     verbose=0, callbacks=list(callbacks))


def state_of(model):
    return [np.array(keras.ops.convert_to_numpy(v)) for _, v in training_state_variables(model)]


def assert_same_state(actual, expected):
    assert len(actual) == len(expected)
    for a, b in zip(actual, expected):
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
        else:
            np.testing.assert_array_equal(a, b)


@pytest.fixture(scope="module")
def straight_4_epochs():
    """The reference: 4 epochs (16 steps) in one uninterrupted fit()."""
    model = make_gan()
    history = fit(model, 4)
    return state_of(model), history.history


def test_resume_matches_uninterrupted_run(tmp_path, straight_4_epochs):
    reference, reference_history = straight_4_epochs
    fit(make_gan(), 2, [Checkpoint(str(tmp_path))])  # steps 1-8, then "the process ends"

    resumed = make_gan()
    for variable in resumed.generator.trainable_variables:  # prove the restore is what counts
        variable.assign(variable + 1.0)
    checkpoint = Checkpoint(str(tmp_path))
    history = fit(resumed, 4, [checkpoint])  # unchanged user code: the same call again

    assert checkpoint.restored_from.endswith("epoch-000002.kgan-ckpt")
    assert int(keras.ops.convert_to_numpy(resumed.optimizer.iterations)) == 16
    assert_same_state(state_of(resumed), reference)
    # The returned history covers all 4 epochs; the restored part is exact.
    assert history.epoch == [0, 1, 2, 3]
    for name, values in reference_history.items():
        np.testing.assert_allclose(history.history[name], values, rtol=1e-6, atol=1e-6)
    assert resumed._initial_epoch is None  # a later fit() starts where asked


@pytest.mark.skipif(keras.backend.backend() == "tensorflow",
                    reason="Keras reads TensorFlow's first batches (their order) before a restore")
def test_resume_with_shuffled_arrays_matches_uninterrupted_run(tmp_path):
    def run(epochs, directory):  # a fresh process, seeded as a recipe seeds it
        keras.utils.set_random_seed(0)
        model = make_gan()
        model.fit(ring(), batch_size=BATCH, epochs=epochs, shuffle=True, verbose=0,
                  callbacks=[Checkpoint(str(tmp_path / directory))])
        return model

    reference = state_of(run(3, "straight"))
    run(1, "resumed")  # epoch 1 of 3, then "the process ends"
    assert_same_state(state_of(run(3, "resumed")), reference)


def test_checkpoint_holds_seed_and_composite_optimizer_counters(tmp_path):
    model = make_gan()
    fit(model, 1, [Checkpoint(str(tmp_path))])
    _, meta, arrays = latest_checkpoint(str(tmp_path))
    stored = {v["path"].split("/", 1)[-1]: a for v, a in zip(meta["variables"], arrays)}
    stored_paths = [v["path"] for v in meta["variables"]]
    assert meta["step"] == 4 and meta["epoch"] == 1
    assert "adversarial_optimizer/iteration" in stored_paths
    assert int(stored["iteration"]) == 4  # the first "iteration" is the composite optimizer's
    # .keras files do not restore the seed generator's state; checkpoints do.
    np.testing.assert_array_equal(stored["seed_generator_state"],
                                  keras.ops.convert_to_numpy(model.seed_generator.state))


def test_keep_last_k_and_every_n_epochs(tmp_path):
    fit(quick_gan(), 3, [Checkpoint(str(tmp_path / "a"), keep=2)])
    assert sorted(os.listdir(tmp_path / "a")) == ["epoch-000002.kgan-ckpt",
                                                   "epoch-000003.kgan-ckpt"]
    fit(quick_gan(), 3, [Checkpoint(str(tmp_path / "b"), every_n_epochs=2)])
    assert sorted(os.listdir(tmp_path / "b")) == ["epoch-000002.kgan-ckpt",  # and the last
                                                   "epoch-000003.kgan-ckpt"]


def _run(*args):
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, os.path.join(ROOT, "tests", "resume_run.py"), *args],
                          env=env, capture_output=True, text=True, timeout=600)


def test_sigkill_mid_epoch_then_resume(tmp_path):
    ckpt, killed_out, resumed_out = (str(tmp_path / n) for n in ("ckpt", "k.npz", "r.npz"))
    # Epoch 1 is checkpointed; the process kills itself after step 6 (mid epoch 2).
    killed = _run(ckpt, killed_out, "3", "6")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert not os.path.exists(killed_out)
    assert os.listdir(ckpt) == ["epoch-000001.kgan-ckpt"]
    # The same command again resumes from epoch 1 and finishes.
    resumed = _run(ckpt, resumed_out, "3")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "epoch-000001.kgan-ckpt" in resumed.stdout
    # Reference: the same run, uninterrupted (in this process).
    from tests import resume_run

    reference_out = str(tmp_path / "ref.npz")
    resume_run.main(str(tmp_path / "ref_ckpt"), reference_out, 3)
    with np.load(resumed_out) as got, np.load(reference_out) as want:
        assert len(got.files) == len(want.files)
        assert_same_state([got[k] for k in got.files], [want[k] for k in want.files])


def _corrupt(path, how):
    data = bytearray(open(path, "rb").read())
    if how == "truncate":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0xFF
    with open(path, "wb") as f:
        f.write(bytes(data))


@pytest.mark.parametrize("how, reason", [("truncate", "truncated"), ("flip", "checksum")])
def test_corrupted_latest_is_rejected_and_previous_used(tmp_path, how, reason):
    directory = str(tmp_path)
    fit(quick_gan(), 3, [Checkpoint(directory)])
    latest = os.path.join(directory, "epoch-000003.kgan-ckpt")
    _corrupt(latest, how)
    with pytest.raises(CheckpointError, match=reason):
        read_checkpoint(latest)

    model = quick_gan()
    checkpoint = Checkpoint(directory)
    with pytest.warns(UserWarning, match=f"Skipping checkpoint .*epoch-000003.*{reason}"):
        fit(model, 4, [checkpoint])
    assert checkpoint.restored_from.endswith("epoch-000002.kgan-ckpt")
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 16
    read_checkpoint(latest)  # epoch 3 was written again, whole


def test_all_checkpoints_corrupted_is_a_clear_error(tmp_path):
    directory = str(tmp_path)
    fit(quick_gan(), 1, [Checkpoint(directory)])
    _corrupt(os.path.join(directory, "epoch-000001.kgan-ckpt"), "flip")
    with pytest.warns(UserWarning), pytest.raises(CheckpointError, match="all rejected"):
        fit(quick_gan(), 2, [Checkpoint(directory)])


def test_half_written_temporary_file_is_never_latest(tmp_path):
    directory = str(tmp_path)
    fit(quick_gan(), 1, [Checkpoint(directory)])
    good = os.path.join(directory, "epoch-000001.kgan-ckpt")
    leftover = os.path.join(directory, ".tmp-999-epoch-000002.kgan-ckpt")  # a killed write
    with open(leftover, "wb") as f:
        f.write(open(good, "rb").read()[:100])
    assert latest_checkpoint(directory)[0] == good
    checkpoint = Checkpoint(directory)
    fit(quick_gan(), 1, [checkpoint])
    assert checkpoint.restored_from == good and not os.path.exists(leftover)


def test_not_a_checkpoint_file(tmp_path):
    path = tmp_path / "epoch-000001.kgan-ckpt"
    path.write_bytes(b"PK\x03\x04 something else")
    with pytest.raises(CheckpointError, match="header"):
        read_checkpoint(str(path))


def test_checkpoint_of_another_model_is_rejected(tmp_path):
    fit(quick_gan(width=16), 1, [Checkpoint(str(tmp_path))])
    with pytest.raises(CheckpointError, match="must have shape"):
        fit(quick_gan(width=8), 2, [Checkpoint(str(tmp_path))])


def test_restore_false_needs_an_empty_directory(tmp_path):
    checkpoint = Checkpoint(str(tmp_path), restore=False)
    fit(quick_gan(), 1, [checkpoint])
    assert checkpoint.restored_from is None
    with pytest.raises(ValueError, match="must hold no checkpoint when restore=False"):
        fit(quick_gan(), 1, [Checkpoint(str(tmp_path), restore=False)])


def test_load_checkpoint_outside_fit(tmp_path):
    trained = quick_gan()
    fit(trained, 1, [Checkpoint(str(tmp_path))])
    fresh = quick_gan()
    meta = load_checkpoint(fresh, str(tmp_path))
    assert meta["epoch"] == 1
    assert_same_state(state_of(fresh), state_of(trained))
    np.testing.assert_array_equal(fresh.generate(4, seed=0), trained.generate(4, seed=0))


# ---------------------------------------------------------------- NaN guard

class NaNAtBatch(keras.utils.PyDataset):
    """The ring data, 4 batches per epoch, with NaN in batch `bad` of every epoch."""

    def __init__(self, bad):
        super().__init__()
        self.x, self.bad = ring(), bad

    def __len__(self):
        return 4

    def __getitem__(self, index):
        batch = self.x[index * BATCH : (index + 1) * BATCH].copy()
        if index == self.bad:
            batch[0, 0] = np.nan
        return batch


@pytest.mark.parametrize("raise_error", [True, False])
def test_nan_guard_names_step_and_term_and_keeps_last_checkpoint(tmp_path, raise_error):
    directory = str(tmp_path)
    fit(quick_gan(), 1, [Checkpoint(directory)])  # a good checkpoint at epoch 1 (step 4)
    good = open(os.path.join(directory, "epoch-000001.kgan-ckpt"), "rb").read()

    model = quick_gan()
    guard = NaNGuard(raise_error=raise_error)
    # Either order works: the guard reads the restored step count at epoch begin.
    callbacks = [Checkpoint(directory), guard] if raise_error else [guard, Checkpoint(directory)]
    expected = r"step 7 \(epoch 2, batch 3\): the loss term 'd_loss' must be finite"
    if raise_error:
        with pytest.raises(FloatingPointError, match=expected):
            model.fit(NaNAtBatch(bad=2), epochs=3, shuffle=False, verbose=0,
                      callbacks=callbacks)
    else:
        with pytest.warns(UserWarning) as record:
            model.fit(NaNAtBatch(bad=2), epochs=3, shuffle=False, verbose=0,
                      callbacks=callbacks)
        messages = [str(w.message) for w in record]
        assert any("step 7" in m and "'d_loss'" in m for m in messages)
        assert any("not written" in m for m in messages)  # the checkpoint refused the state
    assert guard.step == 7
    assert os.listdir(directory) == ["epoch-000001.kgan-ckpt"]
    assert open(os.path.join(directory, "epoch-000001.kgan-ckpt"), "rb").read() == good
    assert model._initial_epoch is None


def test_nan_guard_checks_weights(tmp_path):
    class Poison(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                bias = self.model.generator.trainable_variables[-1]
                bias.assign(np.full(bias.shape, np.nan, "float32"))

    guard = NaNGuard(check_weights=True)
    with pytest.raises(FloatingPointError, match=r"step 2 .* variable '.*bias' must be finite"):
        fit(quick_gan(), 1, [Poison(), guard])
