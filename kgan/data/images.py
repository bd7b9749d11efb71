"""Loading image arrays and folders into kgan's convention: float32 NHWC in [-1, 1]."""

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


def _load_one(path, image_size, channels):
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("L" if channels == 1 else "RGB")
        width, height = image.size
        side = min(width, height)
        left, top = (width - side) // 2, (height - side) // 2
        image = image.crop((left, top, left + side, top + side))
        image = image.resize((image_size, image_size), Image.Resampling.BICUBIC)
        return np.asarray(image, dtype="uint8").reshape(image_size, image_size, channels)


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
    if not os.path.isdir(directory):
        raise ValueError(f"Image folder not found: {directory!r}")
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3. Received: channels={channels!r}")
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
        for name in sorted(os.listdir(folder)):
            if name.lower().endswith(IMAGE_EXTENSIONS):
                images.append(_load_one(os.path.join(folder, name), image_size, channels))
                labels.append(label)
    if not images:
        raise ValueError(f"No images ({', '.join(IMAGE_EXTENSIONS)}) found in {directory!r}.")
    return images_from_array(np.stack(images)), np.asarray(labels, dtype="int32"), class_names
