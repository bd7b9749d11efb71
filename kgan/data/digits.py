"""The bundled offline image data set: scikit-learn's handwritten digits.

1,797 grey images of the digits 0–9, 8×8 pixels with 17 grey levels, from the
UCI "Optical Recognition of Handwritten Digits" data (E. Alpaydin, C. Kaynak),
shipped inside scikit-learn (BSD-3-Clause). No download is ever needed.
"""

import numpy as np
from scipy import ndimage

from kgan.utils.validation import check_int

SOURCE_SIZE = 8
_SPLIT_SEED = 0


def load_digits(image_size=32, split="all", test_fraction=0.2):
    """Returns the digits as images in [-1, 1] and integer labels.

    The 8×8 images (values 0–16) are upsampled to `image_size` by bilinear
    interpolation (scipy.ndimage.zoom, order 1), then scaled to [-1, 1].

    Args:
        image_size: int ≥ 8, default 32.
        split: `"all"` (default), `"train"` or `"test"`: a fixed stratified-free
            random split (seed 0) with `test_fraction` of the images in test.
        test_fraction: float in (0, 1), default 0.2.

    Returns:
        `(images, labels)`: float32 `(n, image_size, image_size, 1)` in [-1, 1]
        and int32 `(n,)` in [0, 10).
    """
    from sklearn.datasets import load_digits as sklearn_digits

    check_int(image_size, "image_size", minimum=SOURCE_SIZE)
    if split not in ("all", "train", "test"):
        raise ValueError(f"split must be 'all', 'train' or 'test'. Received: split={split!r}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1). Received: {test_fraction!r}")
    bunch = sklearn_digits()
    images = bunch.images.astype("float32") / 16.0
    labels = bunch.target.astype("int32")
    if split != "all":
        order = np.random.default_rng(_SPLIT_SEED).permutation(len(images))
        num_test = int(round(test_fraction * len(images)))
        chosen = order[:num_test] if split == "test" else order[num_test:]
        images, labels = images[chosen], labels[chosen]
    if image_size != SOURCE_SIZE:
        zoom = image_size / SOURCE_SIZE
        images = ndimage.zoom(images, (1, zoom, zoom), order=1, grid_mode=True, mode="nearest")
    images = np.clip(images, 0.0, 1.0) * 2.0 - 1.0
    return images[..., None].astype("float32"), labels
