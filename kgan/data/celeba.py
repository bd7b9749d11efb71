"""CelebA in its own folder layout (as its authors and StarGAN's download script ship it)."""

import os

import numpy as np

from kgan.data.images import _load_one, images_from_array

ATTRIBUTE_FILE = "list_attr_celeba.txt"
PARTITION_FILE = "list_eval_partition.txt"
IMAGE_FOLDER = "img_align_celeba"
SPLITS = {"train": 0, "validation": 1, "test": 2}


def _read_attribute_table(path):
    with open(path) as table:
        lines = [line.split() for line in table if line.strip()]
    if len(lines) < 3 or not lines[0][0].isdigit():
        raise ValueError(
            f"{path!r} is not a CelebA attribute table (a count line, a line of attribute "
            "names, then 'file value value ...' rows of -1/1)."
        )
    names, rows = lines[1], lines[2:]
    bad = [row[0] for row in rows if len(row) != len(names) + 1]
    if bad:
        raise ValueError(
            f"{path!r}: {len(bad)} rows do not hold {len(names)} values, e.g. {bad[:3]}"
        )
    files = [row[0] for row in rows]
    values = np.asarray([row[1:] for row in rows], dtype="int8")
    return names, files, values


def load_celeba_folder(directory, attributes, image_size, split="train", max_images=None):
    """Loads CelebA images with chosen binary attributes, for `kgan.models.StarGAN`.

    Reads `directory/list_attr_celeba.txt` (the 40 attributes as -1/1),
    `directory/img_align_celeba/` (the aligned 178×218 JPEGs) and, if present,
    `directory/list_eval_partition.txt` (0 train, 1 validation, 2 test; without
    it every image is in every split). Each image is centre-cropped to its
    largest square (178×178, StarGAN's crop) and resized to `image_size` with
    bicubic interpolation.

    Args:
        directory: str, the CelebA folder.
        attributes: list of attribute names from the table (e.g. StarGAN's
            `["Black_Hair", "Blond_Hair", "Brown_Hair", "Male", "Young"]`).
        image_size: int > 0.
        split: `"train"` (default), `"validation"`, `"test"` or `"all"`.
        max_images: int or None, the first this many images of the split
            (float32 at 128²: 196 KB an image, 40 GB for all of CelebA).

    Returns:
        `(images, attribute_vectors)`: float32 `(n, s, s, 3)` in [-1, 1] and
        float32 `(n, K)` in {0, 1}, column k attribute `attributes[k]`.

    Example:
        >>> faces, hair = kgan.data.load_celeba_folder(
        ...     "celeba", ["Black_Hair", "Blond_Hair", "Brown_Hair"], 128, max_images=20000)
    """
    table = os.path.join(directory, ATTRIBUTE_FILE)
    if not os.path.isfile(table):
        raise FileNotFoundError(
            f"No {ATTRIBUTE_FILE} in {directory!r}: expected CelebA's layout ({ATTRIBUTE_FILE}, "
            f"{IMAGE_FOLDER}/, optionally {PARTITION_FILE}). kgan never downloads."
        )
    if split != "all" and split not in SPLITS:
        raise ValueError(f"split must be one of {(*SPLITS, 'all')}. Received: split={split!r}")
    names, files, values = _read_attribute_table(table)
    attributes = list(attributes)
    unknown = [name for name in attributes if name not in names]
    if not attributes or unknown:
        raise ValueError(
            f"attributes must name columns of {ATTRIBUTE_FILE}; unknown: {unknown or '[]'}. "
            f"Its attributes: {names}"
        )
    rows = np.arange(len(files))
    partition = os.path.join(directory, PARTITION_FILE)
    if split != "all" and os.path.isfile(partition):
        with open(partition) as lines:
            part = dict(line.split() for line in lines if line.strip())
        rows = np.asarray([row for row in rows if int(part.get(files[row], -1)) == SPLITS[split]],
                          dtype="int64")
    if max_images is not None:
        rows = rows[:max_images]
    if len(rows) == 0:
        raise ValueError(f"The {split!r} split of {directory!r} holds no images.")
    folder = os.path.join(directory, IMAGE_FOLDER)
    images = np.stack([_load_one(os.path.join(folder, files[row]), image_size, 3) for row in rows])
    columns = [names.index(name) for name in attributes]
    return images_from_array(images), (values[rows][:, columns] > 0).astype("float32")
