"""A K-class discriminator for the semi-supervised GAN (Salimans et al. 2016)."""

import keras

from kgan.layers.convolution import Conv2D
from kgan.networks.dcgan import _base_size, _init
from kgan.utils.validation import check_int, check_number_in


def semi_supervised_discriminator(
    image_shape=(32, 32, 1), num_classes=10, base_filters=64, dropout=0.3, name="discriminator"
):
    """Images → K class logits: [Conv(4, 2) LeakyReLU(0.2) Dropout]… → features → Dense(K).

    DCGAN's strided convolutions without batch normalisation (a batch of only
    real or only generated images would change what each sample's output
    means), with dropout after every block as the semi-supervised
    discriminators of Salimans et al. use. The flattened last block is the layer
    named `"features"`, the default for feature matching.

    Args:
        image_shape: `(size, size, channels)`, size 4·2^k or 7·2^k (16, 28, 32, ...).
            Default `(32, 32, 1)`.
        num_classes: int ≥ 2, the K real classes. Default 10.
        base_filters: int > 0, filters of the first block, doubled per block. Default 64.
        dropout: float in [0, 1), dropout rate after each block. Default 0.3.

    Returns:
        `keras.Model`: images `(batch, *image_shape)` in [-1, 1] → class logits
        `(batch, num_classes)` (no softmax; the fake class is implied, see
        `kgan.models.SemiSupervisedGAN`).
    """
    image_shape = tuple(image_shape)
    if len(image_shape) != 3 or image_shape[0] != image_shape[1]:
        raise ValueError(
            f"image_shape must be (size, size, channels). Received: image_shape={image_shape!r}"
        )
    check_int(num_classes, "num_classes", minimum=2)
    check_int(base_filters, "base_filters")
    check_number_in(dropout, "dropout", 0, 1, closed="left")
    _, steps = _base_size(image_shape[0])
    x = keras.Input(image_shape, name="images")
    h, filters = x, base_filters
    for _ in range(steps):
        h = Conv2D(filters, 4, strides=2, padding="same", kernel_initializer=_init())(h)
        h = keras.layers.Dropout(dropout)(keras.layers.LeakyReLU(0.2)(h))
        filters *= 2
    features = keras.layers.Flatten(name="features")(h)
    logits = keras.layers.Dense(num_classes, kernel_initializer=_init(), name="class_logits")(
        features
    )
    return keras.Model(x, logits, name=name)
