"""Resizing protocols for Inception features: images in [-1, 1] → `size`×`size`.

FID values depend on how images reach the network's 299×299 input (Parmar et
al., "On Aliased Resizing and Surprising Subtleties in GAN Evaluation", CVPR
2022), so kgan names the protocol and keys cached statistics by it:

- `"tf_bilinear"`: TF-FID (TTUR's `fid.py`, the 2015-12-05 graph's own
  `ResizeBilinear` op): bilinear without antialiasing, TF1 coordinates
  (`align_corners=False`, `half_pixel_centers=False`: source = target · in/out),
  on the float images. Equals `tf.compat.v1.image.resize_bilinear`.
- `"pytorch_bilinear"`: pytorch-fid: bilinear without antialiasing, half-pixel
  centres (`torch.nn.functional.interpolate(mode="bilinear",
  align_corners=False)`, also TF2's `tf.image.resize` and
  `keras.ops.image.resize(..., antialias=False)`), on the float images.
- `"clean"`: clean-fid: images quantised to uint8 (`round((x + 1) · 127.5)`,
  as when saved to PNG; clean-fid reads image folders as uint8), then PIL's
  bicubic filter per channel in float mode, which antialiases when
  downsampling, clipped to [0, 255].

The linear protocols are exact separable matrix products in float64 numpy, so
they give the same result on every Keras backend.
"""

import numpy as np
from PIL import Image

RESIZE_PROTOCOLS = ("tf_bilinear", "pytorch_bilinear", "clean")


def _bilinear_matrix(in_size, out_size, half_pixel):
    """The `(out_size, in_size)` matrix of 1-D linear interpolation."""
    scale = in_size / out_size
    target = np.arange(out_size, dtype=np.float64)
    source = (target + 0.5) * scale - 0.5 if half_pixel else target * scale
    source = np.maximum(source, 0.0)
    low = np.floor(source).astype(np.int64)
    high = np.minimum(low + 1, in_size - 1)
    weight = source - low
    matrix = np.zeros((out_size, in_size))
    rows = np.arange(out_size)
    np.add.at(matrix, (rows, low), 1.0 - weight)
    np.add.at(matrix, (rows, high), weight)
    return matrix


def _bilinear(images, size, half_pixel):
    rows = _bilinear_matrix(images.shape[1], size, half_pixel)
    columns = _bilinear_matrix(images.shape[2], size, half_pixel)
    resized = np.einsum("oh,nhwc->nowc", rows, images.astype(np.float64), optimize=True)
    return np.einsum("pw,nowc->nopc", columns, resized, optimize=True)


def _clean(images, size):
    pixels = np.rint(np.clip((images.astype(np.float64) + 1.0) * 127.5, 0.0, 255.0))
    resized = np.empty((len(images), size, size, images.shape[3]), np.float32)
    for index, image in enumerate(pixels.astype(np.float32)):
        for channel in range(image.shape[2]):
            plane = Image.fromarray(np.ascontiguousarray(image[:, :, channel]))  # mode "F"
            plane = plane.resize((size, size), resample=Image.Resampling.BICUBIC)
            resized[index, :, :, channel] = np.asarray(plane)
    return np.clip(resized, 0.0, 255.0) / 127.5 - 1.0


def resize_images(images, size=299, protocol="tf_bilinear"):
    """Resizes a batch of images by a named protocol (see the module docstring).

    Args:
        images: array `(n, height, width, channels)` in [-1, 1] (NHWC).
        size: int, the output height and width, default 299.
        protocol: str, one of `"tf_bilinear"` (default), `"pytorch_bilinear"`,
            `"clean"`.

    Returns:
        float32 array `(n, size, size, channels)`; in [-1, 1] when the input
        is (bilinear weights are convex, bicubic results are clipped).

    Example:
        >>> resized = resize_images(np.zeros((2, 32, 32, 3)), protocol="clean")
        >>> resized.shape
        (2, 299, 299, 3)
    """
    if protocol not in RESIZE_PROTOCOLS:
        raise ValueError(f"protocol must be one of {RESIZE_PROTOCOLS}. Received: protocol={protocol!r}")
    if not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a positive integer. Received: size={size!r}")
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images must be a batch (n, height, width, channels). Received shape {images.shape}.")
    if protocol == "clean":
        return _clean(images, size)
    return _bilinear(images, size, half_pixel=protocol == "pytorch_bilinear").astype(np.float32)
