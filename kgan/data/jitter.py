"""Batches for translation models with the pix2pix/CycleGAN jitter: a random crop
of a larger stored image and a random horizontal flip, per image."""

import math

import keras
import numpy as np

from kgan.utils.validation import check_int


def random_crop_flip(arrays, crop_size, rng):
    """The same random `crop_size` square and horizontal flip (probability ½),
    drawn per image, cut from every array of `arrays` (each `(n, H, W, C_k)`);
    `crop_size` None returns them unchanged."""
    if crop_size is None:
        return arrays
    count, height, width = arrays[0].shape[:3]
    tops = rng.integers(0, height - crop_size + 1, count)
    lefts = rng.integers(0, width - crop_size + 1, count)
    flips = rng.random(count) < 0.5
    crops = []
    for images in arrays:
        out = np.empty((count, crop_size, crop_size, images.shape[-1]), images.dtype)
        for i, (top, left, flip) in enumerate(zip(tops, lefts, flips, strict=True)):
            crop = images[i, top : top + crop_size, left : left + crop_size]
            out[i] = crop[:, ::-1] if flip else crop
        crops.append(out)
    return crops


def _check_crop_size(crop_size, images):
    height, width = images.shape[1:3]
    if crop_size is not None and not (
        isinstance(crop_size, int) and 1 <= crop_size <= min(height, width)
    ):
        raise ValueError(
            f"crop_size must be an int in [1, {min(height, width)}] (the stored images are "
            f"{height}×{width}) or None. Received: crop_size={crop_size!r}"
        )


def _check_images(named):
    for name, images in named:
        if images.ndim != 4 or len(images) == 0:
            raise ValueError(
                f"{name} must be a non-empty (n, height, width, channels) array. "
                f"Received shape {images.shape}"
            )


class PairedDataset(keras.utils.PyDataset):
    """`(source, target)` batches of aligned pairs with pix2pix's jitter.

    Every epoch visits the pairs in a new random order; with `crop_size` set,
    each pair gets one random `crop_size` square and one horizontal flip
    (probability ½), the same for its source and its target (pix2pix: images
    loaded at 286×286, crops of 256×256).

    Args:
        source: array `(n, H, W, C_s)`; target: array `(n, H, W, C_t)`, row i
            paired with row i of `source`.
        batch_size: int ≥ 1, default 1 (the paper's).
        crop_size: int or None (default: no jitter).
        seed: int or None.
        workers: int ≥ 1, default 2, threads that prefetch batches.

    Example:
        >>> labels, photos = kgan.data.load_paired_folder("facades/train", 286)
        >>> data = kgan.data.PairedDataset(photos, labels, crop_size=256, seed=0)
        >>> model.fit(data, epochs=200)   # a Pix2Pix model: photo → labels
    """

    def __init__(self, source, target, batch_size=1, crop_size=None, seed=None, workers=2):
        super().__init__(workers=workers, use_multiprocessing=False)
        self.source, self.target = np.asarray(source), np.asarray(target)
        _check_images((("source", self.source), ("target", self.target)))
        if self.source.shape[:3] != self.target.shape[:3]:
            raise ValueError(
                "source and target must hold the same number of images of one height and "
                f"width. Received: {self.source.shape} and {self.target.shape}"
            )
        check_int(batch_size, "batch_size")
        _check_crop_size(crop_size, self.source)
        self.batch_size, self.crop_size = batch_size, crop_size
        self._rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def __len__(self):
        return math.ceil(len(self.source) / self.batch_size)

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        # A generator per batch: the same crops whichever prefetching thread asks.
        rng = np.random.default_rng([self._epoch_seed, index])
        source, target = random_crop_flip((self.source[rows], self.target[rows]),
                                          self.crop_size, rng)
        return source, target

    def on_epoch_end(self):
        self._order = self._rng.permutation(len(self.source))
        self._epoch_seed = int(self._rng.integers(2**62))


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
        _check_images((("images_a", self.images_a), ("images_b", self.images_b)))
        if self.images_a.shape[1:] != self.images_b.shape[1:]:
            raise ValueError(
                "images_a and images_b must have the same image shape. Received: "
                f"{self.images_a.shape[1:]} and {self.images_b.shape[1:]}"
            )
        check_int(batch_size, "batch_size")
        _check_crop_size(crop_size, self.images_a)
        self.batch_size = batch_size
        self.crop_size = crop_size
        self._rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def _order(self, count, length):
        repeats = math.ceil(length / count)
        return np.concatenate([self._rng.permutation(count) for _ in range(repeats)])[:length]

    def __len__(self):
        return math.ceil(len(self._orders[0]) / self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        # A generator per batch: the same crops whichever prefetching thread asks.
        rng = np.random.default_rng([self._epoch_seed, index])
        order_a, order_b = self._orders
        (images_a,) = random_crop_flip((self.images_a[order_a[rows]],), self.crop_size, rng)
        (images_b,) = random_crop_flip((self.images_b[order_b[rows]],), self.crop_size, rng)
        return images_a, images_b

    def on_epoch_end(self):
        length = max(len(self.images_a), len(self.images_b))
        self._orders = (self._order(len(self.images_a), length),
                        self._order(len(self.images_b), length))
        self._epoch_seed = int(self._rng.integers(2**62))
