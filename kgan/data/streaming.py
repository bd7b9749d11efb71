"""Image folders too large for memory (FFHQ: 70,000 images), read batch by batch."""

import os

import keras
import numpy as np

from kgan.data.images import IMAGE_EXTENSIONS, _check_folder_args, _load_one, images_from_array
from kgan.utils.validation import check_int


def image_files(directory):
    """Every image file under `directory`, sub-folders included, sorted by path."""
    found = []
    for folder, _, names in os.walk(directory):
        found.extend(os.path.join(folder, name) for name in names
                     if name.lower().endswith(IMAGE_EXTENSIONS))
    return sorted(found)


class ImageFolderStream(keras.utils.PyDataset):
    """Unlabelled image batches read from disk as `fit()` asks for them.

    Finds every image under `directory` (any depth, e.g. FFHQ's
    `images1024x1024/00000/00000.png` ... or CelebA's `img_align_celeba/`),
    and reads each batch when it is needed, centre-cropped to its largest
    square and resized with bicubic interpolation (as `load_image_folder`),
    in `workers` threads that prefetch batches. Only whole batches are
    served (the last partial one is dropped: the minibatch standard deviation
    layer needs batches divisible by its group size).

    Args:
        directory: str, the folder.
        image_size: int > 0.
        batch_size: int ≥ 1, default 32; at most the number of images.
        channels: 1 or 3 (default).
        shuffle: bool, default True: a new order every epoch.
        seed: int or None, the seed of the orders and flips.
        max_images: int or None, use the first this many images (by path).
        mirror: bool, default False: flip each image horizontally with
            probability ½ (StyleGAN2-ADA's `--mirror`).
        workers: int ≥ 1, default 4.

    Batches are float32 `(batch_size, image_size, image_size, channels)` in [-1, 1].

    Example:
        >>> faces = kgan.data.ImageFolderStream("ffhq/images1024x1024", 256, mirror=True)
        >>> model.fit(faces, epochs=10)
    """

    def __init__(self, directory, image_size, batch_size=32, channels=3, shuffle=True, seed=None,
                 max_images=None, mirror=False, workers=4):
        super().__init__(workers=workers, use_multiprocessing=False)
        _check_folder_args(directory, channels)
        check_int(image_size, "image_size")
        self.files = image_files(directory)
        if max_images is not None:
            self.files = self.files[:check_int(max_images, "max_images")]
        if not isinstance(batch_size, int) or not 1 <= batch_size <= len(self.files):
            raise ValueError(
                f"batch_size must be an integer in [1, {len(self.files)}] (the images found "
                f"under {directory!r}, extensions {', '.join(IMAGE_EXTENSIONS)}). "
                f"Received: {batch_size!r}"
            )
        self.image_size, self.channels = image_size, channels
        self.batch_size, self.shuffle, self.mirror = batch_size, shuffle, mirror
        self._rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def __len__(self):
        return len(self.files) // self.batch_size

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        images = np.stack([_load_one(self.files[row], self.image_size, self.channels)
                           for row in rows])
        if self.mirror:
            flips = np.random.default_rng([self._epoch_seed, index]).random(len(rows)) < 0.5
            images[flips] = images[flips, :, ::-1]
        return images_from_array(images)

    def on_epoch_end(self):
        count = len(self.files)
        self._order = self._rng.permutation(count) if self.shuffle else np.arange(count)
        self._epoch_seed = int(self._rng.integers(2**62))
