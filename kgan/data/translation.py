"""Offline image-to-image translation tasks made from the bundled digits.

Every task is a fixed transform of `kgan.data.load_digits`, so translation
models are trained and measured without a download:

- paired (`paired_digits`): `"edges"` (the digit's edge map → the digit) and
  `"downsampled"` (the digit averaged over 4×4 blocks → the digit, 4×
  super-resolution);
- unpaired (`unpaired_digits`): domain A the digits as they are, domain B the
  digits with thickened strokes, each domain from a disjoint half of the images;
- multi-domain (`domain_digits`): two binary attributes per image, thick strokes
  and inverted grey levels, drawn at random per image.

All images are NHWC float32 in [-1, 1] with one channel.
"""

import numpy as np
from scipy import ndimage

from kgan.data.digits import load_digits

PAIRED_TASKS = ("edges", "downsampled")
SUPER_RESOLUTION_SCALE = 4


def _unit(images):
    return (images[..., 0] + 1.0) / 2.0


def _signed(unit):
    return (np.clip(unit, 0.0, 1.0) * 2.0 - 1.0)[..., None].astype("float32")


def edge_map(images):
    """Morphological gradient (3×3 dilation − erosion) of images in [-1, 1]: their edges, in [-1, 1]."""
    unit = _unit(images)
    footprint = (1, 3, 3)
    return _signed(ndimage.grey_dilation(unit, footprint) - ndimage.grey_erosion(unit, footprint))


def thicken(images):
    """Strokes dilated by a 3×3 maximum filter, images in [-1, 1]."""
    return _signed(ndimage.grey_dilation(_unit(images), (1, 3, 3)))


def ink_fraction(images):
    """The share of each image's pixels above 0 (mid-grey): thick strokes have more. `(n,)` floats."""
    return (np.asarray(images)[..., 0] > 0.0).mean(axis=(1, 2))


def downsample(images, factor=SUPER_RESOLUTION_SCALE):
    """Averages `factor`×`factor` blocks: `(n, H, W, C)` → `(n, H/factor, W/factor, C)`."""
    n, height, width, channels = images.shape
    blocks = images.reshape(n, height // factor, factor, width // factor, factor, channels)
    return blocks.mean(axis=(2, 4)).astype("float32")


def paired_digits(task, image_size=32, split="train"):
    """A paired translation task: `(source, target, labels)`.

    Args:
        task: `"edges"` (source: the digit's edge map, same size) or
            `"downsampled"` (source: `image_size / 4` pixels square, 4×4 block means).
        image_size: int, default 32; a multiple of 4 ≥ 16 for `"downsampled"`.
        split: `"all"`, `"train"` (default) or `"test"` (as `load_digits`).

    Returns:
        float32 source `(n, s, s, 1)` and target `(n, image_size, image_size, 1)` in
        [-1, 1], int32 digit labels `(n,)`.

    Example:
        >>> edges, digits, labels = kgan.data.paired_digits("edges", image_size=16)
    """
    if task not in PAIRED_TASKS:
        raise ValueError(f"task must be one of {PAIRED_TASKS}. Received: task={task!r}")
    if task == "downsampled" and (
        not isinstance(image_size, int) or image_size < 16 or image_size % SUPER_RESOLUTION_SCALE
    ):
        raise ValueError(
            "image_size must be a multiple of 4 and ≥ 16 for the 'downsampled' task. "
            f"Received: image_size={image_size!r}"
        )
    digits, labels = load_digits(image_size=image_size, split=split)
    source = edge_map(digits) if task == "edges" else downsample(digits)
    return source, digits, labels


def unpaired_digits(image_size=32, split="train", seed=0):
    """An unpaired two-domain task: thin (as drawn) digits A and thick digits B.

    The images of `split` are shuffled with `seed` and halved: A comes from one
    half, B (strokes thickened by `thicken`) from the other, so no digit appears
    in both domains.

    Args:
        image_size: int ≥ 8, default 32.
        split: `"all"`, `"train"` (default) or `"test"`.
        seed: int, default 0.

    Returns:
        `(images_a, images_b, labels_a, labels_b)`: float32 `(n, s, s, 1)` in
        [-1, 1] (the same n for both domains) and int32 labels `(n,)`.

    Example:
        >>> a, b, labels_a, labels_b = kgan.data.unpaired_digits(image_size=16)
    """
    digits, labels = load_digits(image_size=image_size, split=split)
    order = np.random.default_rng(seed).permutation(len(digits))
    half = len(order) // 2
    a, b = order[:half], order[half : 2 * half]
    return digits[a], thicken(digits[b]), labels[a], labels[b]


DOMAIN_ATTRIBUTES = ("thick", "inverted")


def domain_digits(image_size=32, split="train", seed=0):
    """A multi-domain task with two binary attributes: `("thick", "inverted")`.

    Each image gets both attributes at random (seed `seed`, the four domains
    equally likely): "thick" applies `thicken`, "inverted" negates the grey levels.

    Args:
        image_size: int ≥ 8, default 32.
        split: `"all"`, `"train"` (default) or `"test"`.
        seed: int, default 0.

    Returns:
        `(images, attributes, labels)`: float32 `(n, s, s, 1)` in [-1, 1], float32
        `(n, 2)` in {0, 1} (columns as `DOMAIN_ATTRIBUTES`), int32 digits `(n,)`.

    Example:
        >>> images, attributes, labels = kgan.data.domain_digits(image_size=16)
    """
    digits, labels = load_digits(image_size=image_size, split=split)
    attributes = np.random.default_rng(seed).integers(0, 2, (len(digits), 2)).astype("float32")
    thick = attributes[:, 0] == 1
    images = digits.copy()
    images[thick] = thicken(digits[thick])
    images[attributes[:, 1] == 1] *= -1.0
    return images, attributes, labels
