"""DiffAugment's transformations as differentiable `keras.ops` functions.

Images are NHWC batches in [-1, 1]. Each transformation comes as a pair: a
deterministic, differentiable function of the images and explicit parameters
(`adjust_color`, `translate`, `cut_out`), and a random function
(`color`, `translation`, `cutout`) that draws one set of parameters per sample
with `sample_<name>_params` and applies them. Everything is per-sample
broadcasting, masking and static slicing: no gather, no Python loop over the
batch, so it runs under JAX jit, `tf.function` and torch alike, and gradients
flow to the images (the generator learns through the augmentation).
"""

import keras
from keras import ops


def _per_sample(values):
    return ops.reshape(values, (-1, 1, 1, 1))


# ------------------------------------------------------------------ colour
def adjust_color(images, brightness, saturation, contrast):
    """DiffAugment's colour transformation with given per-sample factors.

    In this order: `x + brightness`; `(x − mean_c) · saturation + mean_c` with
    the mean over channels (the identity on one channel); `(x − mean) ·
    contrast + mean` with the mean over height, width and channels. As in the
    paper the result is not clipped (clipping would cut the gradient), so it
    may leave [-1, 1].

    Args:
        images: float `(batch, height, width, channels)`.
        brightness: float `(batch,)`, added; DiffAugment draws it in [-0.5, 0.5).
        saturation: float `(batch,)`, ≥ 0; 1 is the identity; drawn in [0, 2).
        contrast: float `(batch,)`, ≥ 0; 1 is the identity; drawn in [0.5, 1.5).

    Returns:
        The transformed images, same shape and dtype.
    """
    images = ops.convert_to_tensor(images)
    x = images + _per_sample(ops.cast(brightness, images.dtype))
    mean = ops.mean(x, axis=3, keepdims=True)
    x = (x - mean) * _per_sample(ops.cast(saturation, images.dtype)) + mean
    mean = ops.mean(x, axis=(1, 2, 3), keepdims=True)
    return (x - mean) * _per_sample(ops.cast(contrast, images.dtype)) + mean


def sample_color_params(shape, seed):
    """Draws `{"brightness", "saturation", "contrast"}`, each `(batch,)`, for
    `adjust_color`: U[-0.5, 0.5), U[0, 2) and U[0.5, 1.5) as in DiffAugment.

    Args:
        shape: the images' shape `(batch, height, width, channels)`.
        seed: `keras.random.SeedGenerator` or int.
    """
    batch = (shape[0],)
    return {
        "brightness": keras.random.uniform(batch, -0.5, 0.5, seed=seed),
        "saturation": keras.random.uniform(batch, 0.0, 2.0, seed=seed),
        "contrast": keras.random.uniform(batch, 0.5, 1.5, seed=seed),
    }


def color(images, seed):
    """Random brightness, saturation and contrast per sample (DiffAugment `color`).

    Args:
        images: float `(batch, height, width, channels)` in [-1, 1].
        seed: `keras.random.SeedGenerator` (advanced) or int.

    Returns:
        The augmented images, same shape and dtype (not clipped: see
        `adjust_color`).
    """
    return adjust_color(images, **sample_color_params(ops.shape(images), seed))


# ------------------------------------------------------------------ translation
def _slice_axis(x, start, stop, axis):
    index = [slice(None)] * 4
    index[axis] = slice(start, stop)
    return x[tuple(index)]


def _pad_axis(x, axis, before, after):
    padding = [(0, 0)] * 4
    padding[axis] = (before, after)
    return ops.pad(x, padding)


def _shift_axis(x, shifts, axis, bound):
    """`out[..., a, ...] = x[..., a + shift, ...]` along `axis`, per sample,
    zero outside; int `shifts` `(batch,)` clipped to [−bound, bound].

    A barrel shifter on a zero-padded canvas: bit k of each sample's offset
    `shift + bound` selects (with `where`) a static shift by 2^k, so the cost
    is about log2(2·bound) masked passes and no gather.
    """
    size = x.shape[axis]
    offsets = ops.clip(shifts, -bound, bound) + bound
    canvas = _pad_axis(x, axis, bound, bound)  # out[a] = canvas[a + offset]
    step = 1
    while step <= 2 * bound:
        moved = _pad_axis(_slice_axis(canvas, step, None, axis), axis, 0, step)
        take = _per_sample(ops.equal(ops.mod(ops.floor_divide(offsets, step), 2), 1))
        canvas = ops.where(take, moved, canvas)
        step *= 2
    return _slice_axis(canvas, 0, size, axis)


def translate(images, shifts, max_shift=None):
    """Translates each image by whole pixels, filling with zeros.

    `out[b, i, j] = images[b, i + shifts[b, 0], j + shifts[b, 1]]`, and 0 where
    that index is outside the image (DiffAugment's convention: its
    `translation` pads with zeros, the grey of [-1, 1] images).

    Args:
        images: float `(batch, height, width, channels)`.
        shifts: int `(batch, 2)`, (row, column) offsets per sample.
        max_shift: int or None, default None (the image size: exact for every
            shift). A bound on `|shifts|` that makes the shift cheaper (about
            log2(2·max_shift) masked passes per axis); larger shifts are
            clipped to it.

    Returns:
        The translated images, same shape and dtype.
    """
    images = ops.convert_to_tensor(images)
    shifts = ops.cast(shifts, "int32")
    x = images
    for axis in (1, 2):
        size = images.shape[axis]
        bound = size if max_shift is None else min(max_shift, size)
        x = _shift_axis(x, shifts[:, axis - 1], axis, bound)
    return x


def translation_bounds(shape, ratio):
    """Largest (row, column) shift of `translation`: `int(size · ratio + 0.5)`."""
    return int(shape[1] * ratio + 0.5), int(shape[2] * ratio + 0.5)


def sample_translation_params(shape, seed, ratio=0.125):
    """Draws `{"shifts": int32 (batch, 2)}` uniform in [−s, s] per axis, with
    `s = int(size · ratio + 0.5)` (DiffAugment's `translation`)."""
    rows, cols = translation_bounds(shape, ratio)
    batch = (shape[0],)
    return {
        "shifts": ops.stack(
            [
                keras.random.randint(batch, -rows, rows + 1, dtype="int32", seed=seed),
                keras.random.randint(batch, -cols, cols + 1, dtype="int32", seed=seed),
            ],
            axis=1,
        )
    }


def translation(images, seed, ratio=0.125):
    """Random translation per sample by up to `ratio` of the size, zero padding
    (DiffAugment `translation`).

    Args:
        images: float `(batch, height, width, channels)` in [-1, 1].
        seed: `keras.random.SeedGenerator` (advanced) or int.
        ratio: float in [0, 1), default 1/8.

    Returns:
        The translated images, same shape and dtype, in the input's range.
    """
    shape = ops.shape(images)
    params = sample_translation_params(shape, seed, ratio)
    return translate(images, params["shifts"], max_shift=max(translation_bounds(shape, ratio)))


# ------------------------------------------------------------------ cutout
def cutout_size(shape, ratio):
    """(rows, columns) of `cutout`'s square: `int(size · ratio + 0.5)`."""
    return int(shape[1] * ratio + 0.5), int(shape[2] * ratio + 0.5)


def cut_out(images, corners, size):
    """Zeroes one rectangle per image.

    Args:
        images: float `(batch, height, width, channels)`.
        corners: int `(batch, 2)`, the (row, column) of each rectangle's
            top-left corner; may be negative or past the edge (the rectangle is
            clipped to the image).
        size: `(rows, columns)`, ints, the rectangle's size.

    Returns:
        The images with `images[b, r:r + size[0], c:c + size[1]] = 0` (clipped),
        same shape and dtype.
    """
    images = ops.convert_to_tensor(images)
    corners = ops.cast(corners, "int32")
    rows = ops.reshape(ops.arange(images.shape[1], dtype="int32"), (1, -1, 1, 1))
    cols = ops.reshape(ops.arange(images.shape[2], dtype="int32"), (1, 1, -1, 1))
    top, left = _per_sample(corners[:, 0]), _per_sample(corners[:, 1])
    inside = ops.logical_and(
        ops.logical_and(rows >= top, rows < top + size[0]),
        ops.logical_and(cols >= left, cols < left + size[1]),
    )
    return images * ops.cast(ops.logical_not(inside), images.dtype)


def sample_cutout_params(shape, seed, ratio=0.5):
    """Draws `{"corners": int32 (batch, 2)}` as DiffAugment's `cutout`: the
    centre uniform in [0, size + (1 − side mod 2)), minus half the side."""
    sides = cutout_size(shape, ratio)
    batch = (shape[0],)
    return {
        "corners": ops.stack(
            [
                keras.random.randint(batch, 0, shape[axis] + 1 - side % 2, dtype="int32",
                                     seed=seed) - side // 2
                for axis, side in zip((1, 2), sides)
            ],
            axis=1,
        )
    }


def cutout(images, seed, ratio=0.5):
    """Zeroes a random square of `ratio` of the size per sample (DiffAugment `cutout`).

    Args:
        images: float `(batch, height, width, channels)` in [-1, 1].
        seed: `keras.random.SeedGenerator` (advanced) or int.
        ratio: float in (0, 1], default 1/2.

    Returns:
        The images with one zeroed square each, same shape and dtype.
    """
    shape = ops.shape(images)
    params = sample_cutout_params(shape, seed, ratio)
    return cut_out(images, params["corners"], cutout_size(shape, ratio))

