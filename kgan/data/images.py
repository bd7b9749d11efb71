"""Loading image arrays and folders into kgan's convention: float32 NHWC in [-1, 1].

Folders: one class per sub-folder (`load_image_folder`), paired translation
data (`load_paired_folder`: `A/` + `B/` or side-by-side images) and unpaired
domains (`load_unpaired_folder`: `trainA/` + `trainB/`). Every image is
centre-cropped to its largest square, then resized with bicubic interpolation.
"""

import os

import numpy as np

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def images_from_array(array, value_range=(0, 255)):
    """Converts an image array to float32 NHWC in [-1, 1].

    Args:
        array: `(n, h, w)` or `(n, h, w, c)` numeric array.
        value_range: `(low, high)` of the input values, default `(0, 255)`;
            use `(0, 1)` for unit floats or `(-1, 1)` to keep them.

    Returns:
        float32 `(n, h, w, c)` in [-1, 1].
    """
    array = np.asarray(array)
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim != 4:
        raise ValueError(
            f"Images must have shape (n, h, w) or (n, h, w, c). Received: {array.shape}"
        )
    if array.dtype.kind not in "uif":
        raise ValueError(f"Images must be numeric. Received dtype {array.dtype}.")
    low, high = value_range
    if not high > low:
        raise ValueError(
            f"value_range must be (low, high) with high > low. Received: {value_range!r}"
        )
    array = array.astype("float32")
    if not np.isfinite(array).all():
        raise ValueError("Images contain NaN or Inf values.")
    if array.size and (array.min() < low or array.max() > high):
        raise ValueError(
            f"Image values must lie in value_range={value_range}. Received values from "
            f"{array.min()} to {array.max()}."
        )
    return (array - low) / (high - low) * 2.0 - 1.0


def square_resize(image, image_size):
    """Centre-crops a uint8 image `(h, w, c)` to its largest square and resizes it to
    `(image_size, image_size, c)` with bicubic interpolation (PIL)."""
    from PIL import Image

    channels = image.shape[-1]
    return _to_array(Image.fromarray(image[..., 0] if channels == 1 else image), image_size,
                     channels)


def _square(image, image_size):
    from PIL import Image

    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    image = image.crop((left, top, left + side, top + side))
    return image.resize((image_size, image_size), Image.Resampling.BICUBIC)


def _open(path, channels):
    from PIL import Image

    with Image.open(path) as image:
        return image.convert("L" if channels == 1 else "RGB")


def _to_array(image, image_size, channels):
    return np.asarray(_square(image, image_size), dtype="uint8").reshape(
        image_size, image_size, channels
    )


def _load_one(path, image_size, channels):
    return _to_array(_open(path, channels), image_size, channels)


def _check_folder_args(directory, channels):
    if not os.path.isdir(directory):
        raise ValueError(f"Image folder not found: {directory!r}")
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3. Received: channels={channels!r}")


def _image_files(folder):
    return sorted(name for name in os.listdir(folder) if name.lower().endswith(IMAGE_EXTENSIONS))


def load_image_folder(directory, image_size, channels=3):
    """Loads every image under `directory`, centre-cropped square and resized.

    Each image is cropped to its largest centred square and resized to
    `image_size` with bicubic interpolation. Labels are inferred from
    sub-folders (sorted names → 0, 1, ...); images directly in `directory` get
    label 0.

    Args:
        directory: path to a folder of PNG/JPEG/BMP/GIF files, possibly in one
            sub-folder per class.
        image_size: int > 0.
        channels: 1 (grey) or 3 (RGB), default 3.

    Returns:
        `(images, labels, class_names)`: float32 `(n, image_size, image_size,
        channels)` in [-1, 1], int32 `(n,)`, and the list of class names.
    """
    _check_folder_args(directory, channels)
    class_names = sorted(
        name for name in os.listdir(directory) if os.path.isdir(os.path.join(directory, name))
    )
    sources = (
        [(directory, 0)]
        if not class_names
        else [(os.path.join(directory, name), label) for label, name in enumerate(class_names)]
    )
    images, labels = [], []
    for folder, label in sources:
        for name in _image_files(folder):
            images.append(_load_one(os.path.join(folder, name), image_size, channels))
            labels.append(label)
    if not images:
        raise ValueError(f"No images ({', '.join(IMAGE_EXTENSIONS)}) found in {directory!r}.")
    return images_from_array(np.stack(images)), np.asarray(labels, dtype="int32"), class_names


def load_paired_folder(directory, image_size, channels=3):
    """Loads paired images for translation models (`kgan.models.Pix2Pix`).

    Two layouts, told apart by the folder's contents:

    - `A/` and `B/` sub-folders whose files pair up by name without the
      extension (`A/0001.png` with `B/0001.jpg`);
    - otherwise, one folder of side-by-side images as in the pix2pix data sets
      (facades, maps, edges2shoes): the left half of each image is A, the right
      half B.

    Each image (or half) is centre-cropped to its largest square and resized to
    `image_size` with bicubic interpolation.

    Args:
        directory: str, the folder.
        image_size: int > 0.
        channels: 1 (grey) or 3 (RGB, default).

    Returns:
        `(images_a, images_b)`: float32 `(n, image_size, image_size, channels)`
        in [-1, 1], row i of one paired with row i of the other.

    Example:
        >>> edges, photos = kgan.data.load_paired_folder("edges2shoes/train", 64)
        >>> model.fit(edges, photos)   # a Pix2Pix model: source → target
    """
    _check_folder_args(directory, channels)
    folder_a, folder_b = os.path.join(directory, "A"), os.path.join(directory, "B")
    images_a, images_b = [], []
    if os.path.isdir(folder_a) and os.path.isdir(folder_b):
        files_a = {os.path.splitext(name)[0]: name for name in _image_files(folder_a)}
        files_b = {os.path.splitext(name)[0]: name for name in _image_files(folder_b)}
        unmatched = sorted(set(files_a) ^ set(files_b))
        if unmatched:
            raise ValueError(
                f"A/ and B/ of {directory!r} must hold files with the same names; "
                f"{len(unmatched)} have no partner, e.g. {unmatched[:5]}"
            )
        for stem in sorted(files_a):
            images_a.append(_load_one(os.path.join(folder_a, files_a[stem]), image_size, channels))
            images_b.append(_load_one(os.path.join(folder_b, files_b[stem]), image_size, channels))
    else:
        for name in _image_files(directory):
            image = _open(os.path.join(directory, name), channels)
            width, height = image.size
            half = width // 2
            images_a.append(_to_array(image.crop((0, 0, half, height)), image_size, channels))
            images_b.append(
                _to_array(image.crop((half, 0, 2 * half, height)), image_size, channels)
            )
    if not images_a:
        raise ValueError(
            f"No paired images in {directory!r}: expected A/ and B/ sub-folders or side-by-side "
            f"images ({', '.join(IMAGE_EXTENSIONS)})."
        )
    return images_from_array(np.stack(images_a)), images_from_array(np.stack(images_b))


def load_unpaired_folder(directory, image_size, channels=3, split="train"):
    """Loads two unpaired image domains in CycleGAN's layout: `<split>A/` and `<split>B/`.

    Images are centre-cropped to their largest square and resized to
    `image_size` with bicubic interpolation. The domains may hold different
    numbers of images; `kgan.models.CycleGAN.fit(a, b)` takes equal numbers, so
    shuffle and cut the larger one (`b[rng.permutation(len(b))[:len(a)]]`).

    Args:
        directory: str, the data set folder (holding `trainA/`, `trainB/`,
            `testA/`, ...).
        image_size: int > 0.
        channels: 1 or 3 (default).
        split: str, default `"train"`: the folder-name prefix.

    Returns:
        `(images_a, images_b)`: float32 `(n_a, s, s, c)` and `(n_b, s, s, c)` in [-1, 1].

    Example:
        >>> horses, zebras = kgan.data.load_unpaired_folder("horse2zebra", 128)
    """
    _check_folder_args(directory, channels)
    domains = []
    for domain in ("A", "B"):
        folder = os.path.join(directory, split + domain)
        if not os.path.isdir(folder):
            present = sorted(n for n in os.listdir(directory)
                             if os.path.isdir(os.path.join(directory, n)))
            raise ValueError(
                f"{directory!r} has no {split + domain}/ folder (CycleGAN layout: {split}A/ and "
                f"{split}B/). Its sub-folders: {present}"
            )
        names = _image_files(folder)
        if not names:
            raise ValueError(f"No images ({', '.join(IMAGE_EXTENSIONS)}) found in {folder!r}.")
        domains.append(images_from_array(np.stack(
            [_load_one(os.path.join(folder, name), image_size, channels) for name in names]
        )))
    return domains[0], domains[1]
