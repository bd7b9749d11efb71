"""Data: the bundled offline digits and MNIST (and Stacked MNIST), 2-D mixtures, image
arrays and folders."""

from kgan.data.celeba import load_celeba_folder
from kgan.data.digits import load_digits
from kgan.data.images import (
    images_from_array,
    load_image_folder,
    load_paired_folder,
    load_unpaired_folder,
)
from kgan.data.jitter import PairedDataset, UnpairedDataset
from kgan.data.mixtures import gaussian_mixture, mixture_modes
from kgan.data.mnist import load_mnist, stacked_mnist
from kgan.data.pipeline import make_dataset
from kgan.data.shard import process_shard
from kgan.data.streaming import ImageFolderStream
from kgan.data.tfds import load_tfds
from kgan.data.translation import (
    condition_digits,
    domain_digits,
    paired_digits,
    render_domains,
    style_digits,
    unpaired_digits,
)

__all__ = [
    "gaussian_mixture",
    "images_from_array",
    "load_digits",
    "load_image_folder",
    "load_mnist",
    "load_paired_folder",
    "load_tfds",
    "load_unpaired_folder",
    "UnpairedDataset",
    "PairedDataset",
    "load_celeba_folder",
    "ImageFolderStream",
    "make_dataset",
    "process_shard",
    "mixture_modes",
    "stacked_mnist",
    "domain_digits",
    "render_domains",
    "paired_digits",
    "unpaired_digits",
    "condition_digits",
    "style_digits",
]
