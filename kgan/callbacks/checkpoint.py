"""Full-state training checkpoints: atomic, checksummed, resumable on any backend."""

import hashlib
import io
import json
import os
import re
import time
import warnings

import keras
import numpy as np

from kgan.backend import is_chief
from kgan.data.pipeline import set_shuffle_rng_state, shuffle_rng_state
from kgan.utils.validation import check_int

FORMAT_VERSION = 1
_MAGIC = b"KGANCKPT"
_SUFFIX = ".kgan-ckpt"
_NAME = re.compile(r"^epoch-(\d{6})" + re.escape(_SUFFIX) + r"$")
_TMP_PREFIX = ".tmp-"


class CheckpointError(ValueError):
    """A checkpoint file is truncated, corrupted, or does not fit the model."""


def _to_numpy(variable):
    array = np.array(keras.ops.convert_to_numpy(variable))
    if array.dtype.kind not in "biuf":
        # bfloat16 and other non-numpy dtypes: stored losslessly as float32.
        array = array.astype("float32")
    return array


def training_state_variables(model):
    """Every variable a kgan checkpoint stores, in a fixed order.

    `model.variables` (both networks' trainable and non-trainable weights,
    BatchNorm statistics, the seed generator's state, and any variable a later
    feature adds to the model, such as EMA weights or adaptive-augmentation
    state) followed by `model.optimizer.variables` (the composite optimizer's
    step counter, then each inner optimizer's iteration count, learning rate and
    moments). Metric trackers are not stored: Keras resets them every epoch.

    Returns:
        list of `(group, keras.Variable)`, group `"model"` or `"optimizer"`.
    """
    seen, result = set(), []
    groups = [("model", model.variables)]
    if getattr(model, "optimizer", None) is not None:
        groups.append(("optimizer", model.optimizer.variables))
    for group, variables in groups:
        for variable in variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                result.append((group, variable))
    return result


# ---------------------------------------------------------------- file format
def _encode(meta, arrays):
    buffer = io.BytesIO()
    entries = {f"v{i:05d}": array for i, array in enumerate(arrays)}
    entries["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype="uint8")
    np.savez(buffer, **entries)
    payload = buffer.getvalue()
    digest = hashlib.sha256(payload).hexdigest()
    header = _MAGIC + f" v{FORMAT_VERSION} sha256={digest} size={len(payload)}\n".encode()
    return header + payload


def read_checkpoint(path):
    """Reads and verifies one checkpoint file.

    Args:
        path: str, a file written by `Checkpoint`.

    Returns:
        `(meta, arrays)`: the metadata dict (`epoch`, `step`, `history`,
        `variables`, ...) and the list of stored numpy arrays.

    Raises:
        CheckpointError: the file is not a kgan checkpoint, is truncated, or its
            SHA-256 checksum does not match its contents.
    """
    with open(path, "rb") as f:
        data = f.read()
    header, newline, payload = data.partition(b"\n")
    match = re.fullmatch(rb"KGANCKPT v(\d+) sha256=([0-9a-f]{64}) size=(\d+)", header)
    if not newline or match is None:
        raise CheckpointError(
            f"Checkpoint file must start with a kgan checkpoint header. Received: path={path!r} "
            f"(first bytes {data[:24]!r}); the file is corrupted or not a kgan checkpoint."
        )
    version, digest, size = int(match[1]), match[2].decode(), int(match[3])
    if version != FORMAT_VERSION:
        raise CheckpointError(
            f"Checkpoint format version must be {FORMAT_VERSION}. Received: version={version} "
            f"in {path!r}."
        )
    if len(payload) != size:
        raise CheckpointError(
            f"Checkpoint {path!r} is truncated or padded: its header records {size} bytes of "
            f"data. Received: {len(payload)} bytes."
        )
    actual = hashlib.sha256(payload).hexdigest()
    if actual != digest:
        raise CheckpointError(
            f"Checkpoint {path!r} is corrupted: its SHA-256 checksum must be {digest}. "
            f"Received: {actual}."
        )
    with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
        meta = json.loads(npz["meta"].tobytes().decode())
        arrays = [npz[f"v{i:05d}"] for i in range(len(meta["variables"]))]
    return meta, arrays


def _write_atomic(path, data):
    directory = os.path.dirname(path) or "."
    tmp = os.path.join(directory, f"{_TMP_PREFIX}{os.getpid()}-{os.path.basename(path)}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    try:  # make the rename itself durable
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover (platforms without directory fds)
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def list_checkpoints(directory):
    """Checkpoint files in `directory`, oldest first (by epoch); unverified."""
    if not os.path.isdir(directory):
        return []
    found = [(int(m[1]), name) for name in os.listdir(directory) if (m := _NAME.match(name))]
    return [os.path.join(directory, name) for _, name in sorted(found)]


def latest_checkpoint(directory):
    """The newest checkpoint in `directory` that passes its checksum.

    Corrupted or truncated files are skipped with a warning that names them and
    says why.

    Returns:
        `(path, meta, arrays)`, or `None` when the directory holds no checkpoint.

    Raises:
        CheckpointError: checkpoints exist but none is valid.
    """
    paths = list_checkpoints(directory)
    problems = []
    for path in reversed(paths):
        try:
            meta, arrays = read_checkpoint(path)
        except (CheckpointError, OSError, ValueError, KeyError) as error:
            problems.append(f"{os.path.basename(path)}: {error}")
            warnings.warn(
                f"Skipping checkpoint {path}: {error} Falling back to the previous one.",
                stacklevel=2,
            )
            continue
        return path, meta, arrays
    if problems:
        raise CheckpointError(
            f"The checkpoint directory {directory!r} must hold at least one valid checkpoint. "
            f"Received {len(paths)}, all rejected: " + "; ".join(problems)
        )
    return None


def restore(model, meta, arrays, source="checkpoint"):
    """Assigns stored arrays to `model`'s training state (see `training_state_variables`).

    Variables are matched by position, and each one's shape is checked, so a
    checkpoint loads into a freshly built copy of the same model even when
    Keras named its layers differently.
    """
    targets = training_state_variables(model)
    stored = meta["variables"]
    if len(stored) != len(targets):
        raise CheckpointError(
            f"The {source} must hold the state of this model: {len(targets)} variables "
            f"(model and optimizer). Received: {len(stored)} variables, written for "
            f"{meta.get('model_class')}. Was it written by a different model or optimizer?"
        )
    for (group, variable), info in zip(targets, stored):
        if tuple(info["shape"]) != tuple(variable.shape) or info["group"] != group:
            raise CheckpointError(
                f"{group} variable {variable.path!r} must have shape {tuple(variable.shape)}. "
                f"Received: {info['group']} variable {info['path']!r} of shape "
                f"{tuple(info['shape'])} in the {source}."
            )
    for (_, variable), array in zip(targets, arrays):
        variable.assign(array.astype(keras.backend.standardize_dtype(variable.dtype)))


def load_checkpoint(model, path):
    """Restores a checkpoint into `model` outside `fit()` (to evaluate or sample).

    Args:
        model: a compiled kgan model built like the one that wrote the checkpoint.
        path: str, a checkpoint file, or a directory (its newest valid checkpoint).

    Returns:
        The checkpoint's metadata dict (`epoch`, `step`, `history`, ...).
    """
    if os.path.isdir(path):
        found = latest_checkpoint(path)
        if found is None:
            raise CheckpointError(
                f"path must be a checkpoint file or a directory holding one. Received: "
                f"path={path!r}, a directory with no checkpoint."
            )
        path, meta, arrays = found
    else:
        meta, arrays = read_checkpoint(path)
    restore(model, meta, arrays, source=f"checkpoint {path!r}")
    return meta


class Checkpoint(keras.callbacks.Callback):
    """Saves the full training state every few epochs; `fit()` resumes from it.

    Put it in `fit(callbacks=[...])` (first in the list). When training starts
    it restores the newest valid checkpoint in `directory`, if any, and `fit()`
    continues from the epoch after it: the same call, run again after a crash,
    finishes the job. Nothing else in the user's code changes.

    What is saved (generically, so later features are captured without changes
    here): every variable in `model.variables` (generator, discriminator(s),
    BatchNorm statistics, the seed generator's state, EMA weights or
    augmentation state once a model holds them as variables) and every variable
    in `model.optimizer.variables` (the composite optimizer's step counter, both
    inner optimizers' iterations and moments), plus the number of completed
    epochs, the step count, the per-epoch metric history and the state of the
    generator that shuffles `fit()`'s arrays. `.keras` files do not restore the
    seed generator's state; these checkpoints do.

    Granularity: checkpoints are written at the end of an epoch. A run killed in
    the middle of an epoch resumes at the start of that epoch from the last
    checkpoint, and finishes with the same weights as an uninterrupted run,
    provided the data order of an epoch is reproduced: `shuffle=False`, data
    you order yourself as a fixed function of the epoch number, or numpy arrays
    with `shuffle=True` on JAX and torch: `fit()` draws each epoch's order
    from numpy's global generator, whose state the checkpoint also stores
    (`kgan.data.pipeline.shuffle_rng_state`). On TensorFlow Keras reads the
    first batches before training starts (to learn their shapes), which draws
    the first order before a checkpoint is restored: a resumed run's first
    epoch sees another order.
    Metric trackers restart with the epoch, as in any `fit()`.

    Files: `directory/epoch-000004.kgan-ckpt`, one per saved epoch. Each is
    written to a temporary file, flushed to disk (`fsync`), and renamed into
    place, so a crash never leaves a half-written file under a checkpoint name.
    Each carries a SHA-256 checksum of its contents: a truncated or corrupted
    file is rejected with a warning that names it, and the previous good one is
    used. Only the newest `keep` files are kept. A state with a NaN or Inf
    variable or loss is never written (a warning says which), so the last
    checkpoint stays good when training diverges (see `NaNGuard`).

    Args:
        directory: str, where checkpoints live (created if missing).
        every_n_epochs: int ≥ 1, default 1. The last epoch of `fit()` is always
            saved.
        keep: int ≥ 1, default 3. How many checkpoints to keep.
        restore: bool, default True. Resume from the newest checkpoint when
            training starts. With False, `directory` must hold no checkpoint
            (so an old run's files can never pass for the newest state).

    Attributes:
        restored_from: path of the checkpoint restored by the last `fit()`, or None.
        history: dict of per-epoch logs over all runs (restored plus new); after a
            resumed `fit()` the returned `History` holds them too.

    Example:
        >>> g = kgan.networks.mlp_generator(latent_dim=8, output_dim=2)
        >>> d = kgan.networks.mlp_discriminator(input_dim=2)
        >>> model = kgan.models.GAN(g, d, latent_dim=8, seed=0)
        >>> model.compile()
        >>> x = kgan.data.gaussian_mixture("ring8", 512, seed=0)
        >>> model.fit(x, batch_size=128, epochs=4, shuffle=False,
        ...           callbacks=[kgan.callbacks.Checkpoint("runs/ckpt")])
    """

    def __init__(self, directory, every_n_epochs=1, keep=3, restore=True):
        super().__init__()
        if not isinstance(directory, (str, os.PathLike)) or not str(directory):
            raise ValueError(
                f"directory must be a non-empty path. Received: directory={directory!r}"
            )
        self.directory = os.fspath(directory)
        self.every_n_epochs = check_int(every_n_epochs, "every_n_epochs")
        self.keep = check_int(keep, "keep")
        self.restore = bool(restore)
        self.restored_from = None
        self.history = {}
        self._epochs = []

    # ------------------------------------------------------------ resume
    def on_train_begin(self, logs=None):
        model = self.model
        if is_chief():  # in a multi-process run every rank restores, rank 0 alone writes
            os.makedirs(self.directory, exist_ok=True)
            for name in os.listdir(self.directory):  # leftovers of a killed write
                if name.startswith(_TMP_PREFIX) and name.endswith(_SUFFIX):
                    os.remove(os.path.join(self.directory, name))
        self.restored_from, self.history, self._epochs = None, {}, []
        if not self.restore and list_checkpoints(self.directory):
            raise ValueError(
                "directory must hold no checkpoint when restore=False (an older run's files "
                f"would later pass for the newest state). Received: directory={self.directory!r} "
                f"with {len(list_checkpoints(self.directory))} checkpoints; delete them or use "
                "restore=True."
            )
        found = latest_checkpoint(self.directory) if self.restore else None
        if found is None:
            return
        path, meta, arrays = found
        restore(model, meta, arrays, source=f"checkpoint {path!r}")
        self.history = {name: list(values) for name, values in meta["history"].items()}
        self._epochs = list(range(meta["epoch"]))
        if isinstance(meta.get("shuffle_rng"), dict):  # older files: absent, or torch's generator
            set_shuffle_rng_state(meta["shuffle_rng"])
        self.restored_from = path
        # Keras' fit() starts from `_initial_epoch` when it is set (the
        # mechanism of keras.callbacks.BackupAndRestore; not public API, so
        # tests/test_keras_internals.py guards it). Keras never clears it:
        # on_epoch_begin and on_train_end do, so a later fit() starts where asked.
        model._initial_epoch = meta["epoch"]

    def on_epoch_begin(self, epoch, logs=None):
        # fit() has read `_initial_epoch` by now; clearing it here also covers
        # a fit() that an exception ends.
        self.model._initial_epoch = None

    # ------------------------------------------------------------ save
    def on_epoch_end(self, epoch, logs=None):
        logs = {name: float(np.asarray(value)) for name, value in (logs or {}).items()}
        self._epochs.append(epoch)
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)
        last = self.params.get("epochs") if self.params else None
        due = (epoch + 1) % self.every_n_epochs == 0 or (last is not None and epoch + 1 >= last)
        if due and is_chief():
            self.save(epoch + 1, logs)

    def save(self, epoch, logs=None):
        """Writes the current state as the checkpoint of `epoch` completed epochs.

        Returns:
            The file's path, or None when the state is not finite (not written).
        """
        model = self.model  # on JAX, reading self.model syncs the state
        variables = training_state_variables(model)
        arrays = [_to_numpy(v) for _, v in variables]
        bad_logs = [name for name, value in (logs or {}).items() if not np.isfinite(value)]
        bad_vars = [
            v.path for (_, v), a in zip(variables, arrays) if a.dtype.kind == "f"
            and not np.isfinite(a).all()
        ]
        if bad_logs or bad_vars:
            warnings.warn(
                f"Checkpoint for epoch {epoch} not written: the training state must be finite. "
                f"Received non-finite losses {bad_logs} and variables {bad_vars[:5]}. The last "
                f"checkpoint in {self.directory!r} is kept.",
                stacklevel=2,
            )
            return None
        step = int(_to_numpy(model.optimizer.iterations)) if model.optimizer is not None else 0
        meta = {
            "format": FORMAT_VERSION,
            "epoch": int(epoch),
            "step": step,
            "history": self.history,
            "shuffle_rng": shuffle_rng_state(),
            "model_class": type(model).__name__,
            "backend": keras.backend.backend(),
            "keras_version": keras.__version__,
            "time": time.time(),
            "variables": [
                {"group": group, "path": v.path, "shape": list(a.shape), "dtype": str(a.dtype)}
                for (group, v), a in zip(variables, arrays)
            ],
        }
        os.makedirs(self.directory, exist_ok=True)
        path = os.path.join(self.directory, f"epoch-{int(epoch):06d}{_SUFFIX}")
        _write_atomic(path, _encode(meta, arrays))
        for old in list_checkpoints(self.directory)[: -self.keep]:
            os.remove(old)
        return path

    def on_train_end(self, logs=None):
        model = self.model
        model._initial_epoch = None
        history = getattr(model, "history", None)
        if self.restored_from and isinstance(history, keras.callbacks.History):
            # The returned History covers the whole run, not only this call.
            history.epoch = list(self._epochs)
            history.history = {name: list(values) for name, values in self.history.items()}
