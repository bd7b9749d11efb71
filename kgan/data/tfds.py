"""TensorFlow Datasets by name, offline: read a prepared data set, never download."""

import numpy as np

from kgan.data.images import images_from_array, square_resize


def _prepare_command(name, data_dir):
    where = f", data_dir={data_dir!r}" if data_dir else ""
    return (
        f'python -c "import tensorflow_datasets as tfds; '
        f"tfds.builder({name!r}{where}).download_and_prepare()\""
    )


def load_tfds(name, split="train", image_size=None, data_dir=None, channels=None,
              image_key="image", label_key="label", max_examples=None):
    """Loads a prepared TensorFlow Datasets image data set into memory.

    Never downloads (`download=False`): a data set that is not prepared in
    `data_dir` raises an error that names it and gives the command to prepare
    it on a machine with internet (then copy the folder over). Images are
    centre-cropped to their largest square and resized with bicubic
    interpolation (as `load_image_folder`) when `image_size` is given.

    Args:
        name: str, a tfds name, optionally with config and version
            (`"mnist"`, `"cifar10:3.0.2"`).
        split: str, default `"train"`; any tfds split expression (`"test[:10%]"`).
        image_size: int or None (default: keep the data set's size; every
            image must then have the same size).
        data_dir: str or None, the tfds data folder (default: tfds' own,
            `~/tensorflow_datasets` or `$TFDS_DATA_DIR`).
        channels: 1, 3 or None (default: as stored).
        image_key: str, default `"image"`.
        label_key: what to return beside the images. A str (default
            `"label"`): one integer feature, int32 `(n,)`; None, or a name
            the data set lacks: zeros. A list of feature paths (nested
            features joined by `/`, e.g. celeb_a's
            `["attributes/Blond_Hair", "attributes/Male"]`): float32 `(n, K)`,
            column k the value of path k (booleans as 0/1), the attribute
            vectors `kgan.models.StarGAN` takes; a path the data set lacks is
            an error that lists the features at that level.
        max_examples: int or None, read at most this many examples.

    Returns:
        `(images, labels)`: float32 `(n, s, s, c)` in [-1, 1] and the labels
        (see `label_key`).

    Example:
        >>> x, y = kgan.data.load_tfds("mnist", split="train", image_size=32)
        >>> faces, hair = kgan.data.load_tfds(
        ...     "celeb_a", image_size=128,
        ...     label_key=["attributes/Black_Hair", "attributes/Blond_Hair"])
    """
    try:
        import tensorflow_datasets as tfds
    except ImportError as error:
        raise ImportError(
            "load_tfds needs tensorflow and tensorflow-datasets: pip install 'kgan[all]'"
        ) from error
    if channels not in (None, 1, 3):
        raise ValueError(f"channels must be 1, 3 or None. Received: channels={channels!r}")
    builder = tfds.builder(name, data_dir=data_dir, try_gcs=False)
    if not builder.is_prepared():
        raise FileNotFoundError(
            f"The tfds data set {name!r} is not prepared in {builder.data_dir!r} "
            f"(data_dir={data_dir!r}), and kgan never downloads. On a machine with internet "
            f"run:\n    {_prepare_command(name, data_dir)}\nthen copy that data folder here "
            "and pass it as data_dir (or set TFDS_DATA_DIR)."
        )
    features = builder.info.features
    if image_key not in features:
        raise ValueError(
            f"image_key {image_key!r} is not a feature of {name!r}; its features: "
            f"{sorted(features)}"
        )
    attribute_paths = None
    if label_key is not None and not isinstance(label_key, str):
        attribute_paths = [_check_feature_path(features, name, path) for path in label_key]
        if not attribute_paths:
            raise ValueError("label_key must name at least one feature path. Received: []")
    dataset = builder.as_dataset(split=split, shuffle_files=False)
    if max_examples is not None:
        dataset = dataset.take(max_examples)
    images, labels = [], []
    for example in tfds.as_numpy(dataset):
        image = example[image_key]
        if channels is not None and image.shape[-1] != channels:
            image = _convert_channels(image, channels)
        if image_size is not None:
            image = square_resize(image, image_size)
        images.append(image)
        if attribute_paths is not None:
            labels.append([_feature_value(example, path) for path in attribute_paths])
        else:
            labels.append(example[label_key] if label_key and label_key in example else 0)
    if not images:
        raise ValueError(f"Split {split!r} of {name!r} has no examples.")
    shapes = {image.shape for image in images}
    if len(shapes) > 1:
        raise ValueError(
            f"The images of {name!r} have different sizes ({sorted(shapes)[:3]}...): pass "
            "image_size to crop and resize them."
        )
    label_dtype = "int32" if attribute_paths is None else "float32"
    return images_from_array(np.stack(images)), np.asarray(labels, dtype=label_dtype)


def _check_feature_path(features, name, path):
    """Splits `path` at `/` and checks each part names a (nested) feature."""
    parts = path.split("/")
    level = features
    for depth, part in enumerate(parts):
        if not hasattr(level, "keys") or part not in level:
            where = "/".join(parts[:depth]) or "the top level"
            known = sorted(level.keys()) if hasattr(level, "keys") else []
            raise ValueError(
                f"label_key path {path!r} is not a feature of {name!r}: no {part!r} at "
                f"{where}; the features there: {known}"
            )
        level = level[part]
    return parts


def _feature_value(example, parts):
    for part in parts:
        example = example[part]
    return float(example)


def _convert_channels(image, channels):
    if channels == 3:
        return np.repeat(image, 3, axis=-1)
    weights = np.array([0.299, 0.587, 0.114], dtype="float32")  # ITU-R 601-2 luma, as PIL "L"
    return np.round(image.astype("float32") @ weights)[..., None].astype(image.dtype)
