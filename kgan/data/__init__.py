"""Data: the bundled offline digits, 2-D mixtures, image arrays and folders."""

from kgan.data.digits import load_digits
from kgan.data.images import images_from_array, load_image_folder
from kgan.data.mixtures import gaussian_mixture, mixture_modes

__all__ = [
    "gaussian_mixture",
    "images_from_array",
    "load_digits",
    "load_image_folder",
    "mixture_modes",
]
