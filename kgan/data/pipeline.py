"""Batched, shuffled, prefetched input pipelines over in-memory arrays, for `fit()`.

`make_dataset` returns a `tf.data.Dataset` when TensorFlow is installed and a
`keras.utils.PyDataset` otherwise; Keras' `fit()` takes either on every backend.
tf.data is a data library usable under every Keras backend, which is why this
module (and no other outside kgan/backend) imports TensorFlow.
"""

import importlib.util
import math
import threading

import keras
import numpy as np

from kgan.backend.interop import tf_data_pipeline
from kgan.utils.validation import check_int

KINDS = ("auto", "tf.data", "py_dataset")


def make_dataset(x, y=None, batch_size=64, shuffle=True, seed=None, drop_remainder=True,
                 kind="auto", workers=2):
    """Batches `x` (and `y`) for `model.fit(dataset, epochs=...)`, prefetching batches.

    Args:
        x: array `(n, ...)`, e.g. images in [-1, 1] or 2-D samples.
        y: optional array `(n, ...)`: labels (CGAN) or targets/second domain
            (Pix2Pix, CycleGAN); batches are then `(x, y)` pairs.
        batch_size: int > 0, default 64.
        shuffle: bool, default True: a new order every epoch.
        seed: int or None, the shuffling seed (`py_dataset` with None: numpy's
            global generator, which `keras.utils.set_random_seed` seeds).
        drop_remainder: bool, default True (as `fit()` batches arrays): every
            batch holds `batch_size` rows; the `n mod batch_size` rows left
            over sit out the epoch (others each epoch when shuffled). Data
            smaller than one batch is one batch. False: the last batch is short
            (and a compiled step compiles again for its shape).
        kind: `"auto"` (default: `"tf.data"` if TensorFlow is installed, else
            `"py_dataset"`), `"tf.data"` (`from_tensor_slices`, shuffled,
            batched and `prefetch(AUTOTUNE)`; the arrays are copied into the
            graph, so keep them under 2 GB) or `"py_dataset"` (a
            `keras.utils.PyDataset` whose `workers` threads prefetch batches).
        workers: int ≥ 1, default 2, threads of a `py_dataset` (1: no prefetch).

    Returns:
        `tf.data.Dataset` or `keras.utils.PyDataset`. The dataset shuffles
        itself: pass `shuffle=False` to `fit()` (for a `tf.data.Dataset`, Keras
        warns that it ignores `shuffle=True`).

    Example:
        >>> x, y = kgan.data.load_digits(image_size=32)
        >>> dataset = kgan.data.make_dataset(x, y, batch_size=64, seed=0)
        >>> model.fit(dataset, epochs=5, shuffle=False)
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}. Received: kind={kind!r}")
    check_int(batch_size, "batch_size")
    x = np.asarray(x)
    if y is not None:
        y = np.asarray(y)
        if len(y) != len(x):
            raise ValueError(
                f"x and y must have the same length. Received: len(x)={len(x)}, len(y)={len(y)}"
            )
    if len(x) == 0:
        raise ValueError("x is empty.")
    if kind == "auto":
        kind = "tf.data" if importlib.util.find_spec("tensorflow") else "py_dataset"
    if kind == "tf.data":
        return tf_data_pipeline(x, y, batch_size, shuffle, seed,
                                drop_remainder=drop_remainder and len(x) >= batch_size)
    return ArrayDataset(x, y, batch_size, shuffle=shuffle, seed=seed,
                        drop_remainder=drop_remainder, workers=workers)


class ArrayDataset(keras.utils.PyDataset):
    """A `keras.utils.PyDataset` over in-memory arrays; see `make_dataset`.

    Batch `i` holds rows `order[i·batch_size : (i+1)·batch_size]`. The order is
    drawn when an epoch's first batch is read (a permutation when `shuffle`, else
    `0..n-1`) and redrawn after every epoch. With `seed=None` it comes from
    numpy's global generator: `keras.utils.set_random_seed` seeds it, and
    `kgan.callbacks.Checkpoint` stores its state (`shuffle_rng_state`), so a
    resumed run reads an uninterrupted run's orders. With `drop_remainder` the
    `n mod batch_size` rows after the last full batch sit out that epoch (each
    epoch leaves out others when shuffled): every batch has the same shape, so a
    compiled step never compiles again for a short last batch. With `workers`
    > 1 Keras prefetches batches in that many threads (`max_queue_size` ahead).
    """

    def __init__(self, x, y=None, batch_size=64, shuffle=True, seed=None, drop_remainder=False,
                 workers=2, max_queue_size=8):
        super().__init__(workers=workers, use_multiprocessing=False,
                         max_queue_size=max_queue_size)
        self.x, self.y = x, y
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_remainder = drop_remainder
        self._rng = np.random if seed is None else np.random.default_rng(seed)
        self._order = None
        self._order_lock = threading.Lock()  # prefetching threads read the first batches at once

    def _epoch_order(self):
        with self._order_lock:
            if self._order is None:
                rows = len(self.x)
                self._order = self._rng.permutation(rows) if self.shuffle else np.arange(rows)
            return self._order

    def __len__(self):
        if self.drop_remainder:
            return max(1, len(self.x) // self.batch_size)  # fewer rows than a batch: one batch
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        rows = self._epoch_order()[index * self.batch_size : (index + 1) * self.batch_size]
        return self.x[rows] if self.y is None else (self.x[rows], self.y[rows])

    def on_epoch_end(self):
        with self._order_lock:
            self._order = None


def shuffle_rng_state():
    """The state of numpy's global generator, which `fit()`'s array batches
    (`ArrayDataset` with `seed=None`) draw their orders from, as JSON data."""
    state = np.random.get_state(legacy=False)
    return {**state, "state": {**state["state"], "key": state["state"]["key"].tolist()}}


def set_shuffle_rng_state(state):
    """Restores a `shuffle_rng_state()`."""
    np.random.set_state(state)
