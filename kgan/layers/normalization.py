"""The normalisation layers of the translation networks, picked by name.

Instance normalisation needs no layer of its own: Keras'
`keras.layers.GroupNormalization(groups=-1)` puts every channel in its own group,
so it normalises each sample's channel over height and width and then applies a
learned per-channel scale and offset, which is exactly instance normalisation
with affine parameters (Ulyanov et al. 2016) as CycleGAN, StarGAN and GANimation
use it.
"""

import keras

NORMALIZATIONS = ("batch", "instance", None)


def check_normalization(normalization):
    if normalization not in NORMALIZATIONS:
        raise ValueError(
            f"normalization must be one of {NORMALIZATIONS}. "
            f"Received: normalization={normalization!r}"
        )


def normalization_layer(normalization, instance_affine=True):
    """A fresh normalisation layer: `"batch"`, `"instance"` or `None` (identity).

    `instance_affine=False` gives instance normalisation without the learned scale
    and offset, as the pix2pix/CycleGAN authors' code builds it.
    """
    check_normalization(normalization)
    if normalization == "batch":
        return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)
    if normalization == "instance":
        return keras.layers.GroupNormalization(
            groups=-1, epsilon=1e-5, center=instance_affine, scale=instance_affine)
    return keras.layers.Identity()
