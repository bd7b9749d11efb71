"""Batches of two unpaired image domains with CycleGAN's random pairing and jitter."""

import math

import keras
import numpy as np


class UnpairedDataset(keras.utils.PyDataset):
    """`(a, b)` batches from two image sets of any sizes, re-paired every epoch.

    As the CycleGAN authors' unaligned loader: an epoch has
    `ceil(max(n_a, n_b) / batch_size)` batches; the larger domain is visited
    once in a new random order and the smaller one is drawn in as many fresh
    random orders as it takes, so no image of either domain is dropped and
    pairs change every epoch. With `crop_size` set, each image gets the
    paper's jitter: a random `crop_size` square from the stored (larger)
    image and a horizontal flip with probability ½, drawn independently per
    image.

    Args:
        images_a: array `(n_a, H, W, C)`, domain A (e.g. in [-1, 1]).
        images_b: array `(n_b, H, W, C)`, domain B, the same `(H, W, C)`.
        batch_size: int ≥ 1, default 1 (the paper's).
        crop_size: int or None (default: no jitter, images as stored). Load the
            images at a larger size (the paper: 286 for 256) and crop to this.
        seed: int or None, the seed of the orders, crops and flips.
        workers: int ≥ 1, default 2, threads that prefetch batches.

    Example:
        >>> horses, zebras = kgan.data.load_unpaired_folder("horse2zebra", 286)
        >>> data = kgan.data.UnpairedDataset(horses, zebras, crop_size=256, seed=0)
        >>> model.fit(data, epochs=200)   # a CycleGAN with 256×256 generators
    """

    def __init__(self, images_a, images_b, batch_size=1, crop_size=None, seed=None, workers=2):
        super().__init__(workers=workers, use_multiprocessing=False)
        self.images_a, self.images_b = np.asarray(images_a), np.asarray(images_b)
        for name, images in (("images_a", self.images_a), ("images_b", self.images_b)):
            if images.ndim != 4 or len(images) == 0:
                raise ValueError(
                    f"{name} must be a non-empty (n, height, width, channels) array. "
                    f"Received shape {images.shape}"
                )
        if self.images_a.shape[1:] != self.images_b.shape[1:]:
            raise ValueError(
                "images_a and images_b must have the same image shape. Received: "
                f"{self.images_a.shape[1:]} and {self.images_b.shape[1:]}"
            )
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer. Received: {batch_size!r}")
        height, width = self.images_a.shape[1:3]
        if crop_size is not None and not (
            isinstance(crop_size, int) and 1 <= crop_size <= min(height, width)
        ):
            raise ValueError(
                f"crop_size must be an int in [1, {min(height, width)}] (the stored images are "
                f"{height}×{width}) or None. Received: crop_size={crop_size!r}"
            )
        self.batch_size = batch_size
        self.crop_size = crop_size
        self._rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def _order(self, count, length):
        repeats = math.ceil(length / count)
        return np.concatenate([self._rng.permutation(count) for _ in range(repeats)])[:length]


    def _jitter(self, images, rng):
        if self.crop_size is None:
            return images
        size = self.crop_size
        out = np.empty((len(images), size, size, images.shape[-1]), images.dtype)
        tops = rng.integers(0, images.shape[1] - size + 1, len(images))
        lefts = rng.integers(0, images.shape[2] - size + 1, len(images))
        flips = rng.random(len(images)) < 0.5
        for i, (top, left, flip) in enumerate(zip(tops, lefts, flips, strict=True)):
            crop = images[i, top : top + size, left : left + size]
            out[i] = crop[:, ::-1] if flip else crop
        return out

    def __len__(self):
        return math.ceil(len(self._orders[0]) / self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        # A generator per batch: the same crops whichever prefetching thread asks.
        rng = np.random.default_rng([self._epoch_seed, index])
        order_a, order_b = self._orders
        return (self._jitter(self.images_a[order_a[rows]], rng),
                self._jitter(self.images_b[order_b[rows]], rng))

    def on_epoch_end(self):
        length = max(len(self.images_a), len(self.images_b))
        self._orders = (self._order(len(self.images_a), length),
                        self._order(len(self.images_b), length))
        self._epoch_seed = int(self._rng.integers(2**62))
