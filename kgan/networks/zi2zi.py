"""The zi2zi generator: a U-Net whose bottleneck carries a learned style embedding."""

import keras

from kgan.networks.resnet_generator import TileCondition
from kgan.networks.unet import check_unet_arguments, unet_decoder, unet_encoder
from kgan.utils.validation import check_int


def zi2zi_generator(
    image_shape,
    num_styles,
    embedding_dim=128,
    output_channels=None,
    base_filters=64,
    max_filters=512,
    depth=None,
    dropout=0.5,
    normalization="batch",
    name="zi2zi_generator",
):
    """zi2zi generator: the pix2pix U-Net with a style embedding at the bottleneck.

    The encoder (`kgan.networks.unet_generator`'s, a nested model named
    `"encoder"` whose last output is the bottleneck) maps the source glyph to
    features; the embedding of the style index, `(batch, embedding_dim)`, is
    broadcast over the bottleneck's pixels and appended as channels; the U-Net
    decoder, with its skip connections, renders the glyph in that style.
    `kgan.models.Zi2Zi` reads the encoder by name for its constant loss.

    Args:
        image_shape: `(height, width, channels)` of the source glyphs; height and
            width divisible by `2**depth`.
        num_styles: int ≥ 1, the number of styles (embedding rows).
        embedding_dim: int ≥ 1, default 128.
        output_channels: int or None (default: the input's channels).
        base_filters: int, default 64; doubled per level up to `max_filters`.
        max_filters: int, default 512.
        depth: int ≥ 2 or None (default: down to 1×1).
        dropout: float in [0, 1), default 0.5, after the decoder layers with
            `8 · base_filters` filters below the innermost one (`depth − 5` of them),
            as `kgan.networks.unet_generator`.
        normalization: `"batch"` (default), `"instance"` or None.
        name: str.

    Returns:
        `keras.Model`: `[images (batch, *image_shape) in [-1, 1], styles int32
        (batch,) in [0, num_styles)]` → images `(batch, height, width,
        output_channels)` in [-1, 1].

    Example:
        >>> g = kgan.networks.zi2zi_generator((16, 16, 1), num_styles=5, base_filters=8)
        >>> g([keras.ops.zeros((2, 16, 16, 1)), keras.ops.array([0, 4])]).shape  # (2, 16, 16, 1)

    Reference:
        Tian 2017, "zi2zi: Master Chinese Calligraphy with Conditional Adversarial
        Networks" (github.com/kaonashi-tyc/zi2zi); Isola et al. 2017 (pix2pix).
    """
    output_channels, depth = check_unet_arguments(
        image_shape, output_channels, base_filters, max_filters, depth, dropout, normalization
    )
    check_int(num_styles, "num_styles")
    check_int(embedding_dim, "embedding_dim")
    glyphs = keras.Input(image_shape, name="images")
    encoder = keras.Model(
        glyphs, unet_encoder(glyphs, depth, base_filters, max_filters, normalization),
        name="encoder",
    )
    images = keras.Input(image_shape, name="images")
    styles = keras.Input((), dtype="int32", name="styles")
    skips = encoder(images)
    embedding = keras.layers.Embedding(
        num_styles, embedding_dim, embeddings_initializer=keras.initializers.RandomNormal(stddev=0.01),
        name="style_embedding",
    )(styles)
    bottleneck = TileCondition()([skips[-1], embedding])
    outputs = unet_decoder(bottleneck, skips, output_channels, base_filters, max_filters, dropout,
                           normalization)
    return keras.Model([images, styles], outputs, name=name)
