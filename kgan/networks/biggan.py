"""BigGAN's class-conditional residual generator and projection discriminator."""

import keras
from keras import ops

from kgan.layers.attention import SelfAttention
from kgan.layers.conditional_batch_norm import ConditionalBatchNormalization
from kgan.layers.convolution import Conv2D
from kgan.layers.spectral_normalization import SpectralNormalization
from kgan.utils.validation import check_int, is_int


def _sn_conv(filters, kernel_size, name):
    return SpectralNormalization(
        Conv2D(filters, kernel_size, padding="same", kernel_initializer="orthogonal", name=name),
        name=name + "_sn",
    )


def _sn_dense(units, name, use_bias=True):
    return SpectralNormalization(
        keras.layers.Dense(units, use_bias=use_bias, kernel_initializer="orthogonal", name=name),
        name=name + "_sn",
    )


def _check_channels(channels, minimum):
    if (
        not isinstance(channels, (tuple, list))
        or len(channels) < minimum
        or not all(is_int(c) and c > 0 for c in channels)
    ):
        raise ValueError(
            f"channels must be a sequence of at least {minimum} positive integers. "
            f"Received: channels={channels!r}"
        )


def _check_image_shape(image_shape):
    if (
        not isinstance(image_shape, (tuple, list))
        or len(image_shape) != 3
        or image_shape[0] != image_shape[1]
        or not all(isinstance(s, int) and s > 0 for s in image_shape)
    ):
        raise ValueError(
            "image_shape must be (size, size, channels), square. "
            f"Received: image_shape={image_shape!r}"
        )


def _generator_block(h, condition, filters, name):
    """Up-sampling residual block: CBN, ReLU, up ×2, conv 3×3, CBN, ReLU, conv 3×3;
    shortcut up ×2, conv 1×1."""
    x = ConditionalBatchNormalization(spectral_normalization=True, name=name + "_cbn1")(
        [h, condition]
    )
    x = keras.layers.ReLU()(x)
    x = keras.layers.UpSampling2D(2)(x)
    x = _sn_conv(filters, 3, name + "_conv1")(x)
    x = ConditionalBatchNormalization(spectral_normalization=True, name=name + "_cbn2")(
        [x, condition]
    )
    x = keras.layers.ReLU()(x)
    x = _sn_conv(filters, 3, name + "_conv2")(x)
    shortcut = _sn_conv(filters, 1, name + "_shortcut")(keras.layers.UpSampling2D(2)(h))
    return keras.layers.Add(name=name)([x, shortcut])


def biggan_generator(
    latent_dim,
    num_classes,
    image_shape=(32, 32, 3),
    channels=(256, 256, 256, 256),
    shared_dim=128,
    attention_resolution=None,
    name="biggan_generator",
):
    """BigGAN generator G(z, y): hierarchical latents, shared embedding, conditional BN.

    z is split into `len(channels)` equal chunks. The first goes through a
    linear layer to a 4×4×`channels[0]` map; each of the `len(channels) − 1`
    residual up-sampling blocks (4→8→…→size) gets its own chunk, concatenated
    with the shared class embedding, as the condition of its two conditional
    BatchNorms (`kgan.layers.ConditionalBatchNormalization`). Self-attention
    (`kgan.layers.SelfAttention`) follows the block whose output has
    `attention_resolution`. The output layer is BatchNorm, ReLU, conv 3×3 and
    tanh. Every convolution and linear map, including those of the
    conditional BN, is spectrally normalised (`kgan.layers.SpectralNormalization`);
    kernels and the shared embedding start orthogonal. BigGAN's 32×32 (CIFAR) generator is
    `channels=(256, 256, 256, 256)`, with `4·ch` = 256.

    Args:
        latent_dim: int > 0, a multiple of `len(channels)`.
        num_classes: int ≥ 2.
        image_shape: `(size, size, channels)`, size = 4 · 2^(len(channels) − 1).
            Default (32, 32, 3).
        channels: sequence of ints > 0, default (256, 256, 256, 256): the 4×4
            map's channels, then each block's output channels.
        shared_dim: int > 0, default 128, the shared class embedding's size.
        attention_resolution: int or None (default: no attention), a block
            output size (8, 16, …, size) after which self-attention runs.
        name: str.

    Returns:
        `keras.Model` with inputs `[z float32 (batch, latent_dim), labels int32
        (batch,)]` and images `(batch, *image_shape)` in [-1, 1].

    Example:
        >>> g = kgan.networks.biggan_generator(64, 10, (32, 32, 1), channels=(64, 64, 32, 16))
        >>> g([np.zeros((2, 64), "float32"), np.array([3, 7])]).shape
        (2, 32, 32, 1)

    Reference:
        Brock, Donahue & Simonyan 2019, "Large Scale GAN Training for High
        Fidelity Natural Image Synthesis", Appendix B (architecture).
    """
    _check_channels(channels, 2)
    _check_image_shape(image_shape)
    check_int(num_classes, "num_classes", minimum=2)
    num_chunks = len(channels)
    if not is_int(latent_dim) or latent_dim <= 0 or latent_dim % num_chunks:
        raise ValueError(
            f"latent_dim must be a positive multiple of len(channels) = {num_chunks} (one "
            f"chunk per block and one for the first layer). Received: latent_dim={latent_dim!r}"
        )
    check_int(shared_dim, "shared_dim")
    size = 4 * 2 ** (num_chunks - 1)
    if image_shape[0] != size:
        raise ValueError(
            f"image_shape must be ({size}, {size}, C) for {num_chunks} channels entries "
            f"(4×4 doubled {num_chunks - 1} times). Received: image_shape={image_shape!r}"
        )
    resolutions = [4 * 2**i for i in range(1, num_chunks)]
    if attention_resolution is not None and attention_resolution not in resolutions:
        raise ValueError(
            f"attention_resolution must be None or one of {resolutions}. "
            f"Received: attention_resolution={attention_resolution!r}"
        )
    z = keras.Input((latent_dim,), name="z")
    labels = keras.Input((), dtype="int32", name="labels")
    chunks = ops.split(z, num_chunks, axis=-1)
    shared = keras.layers.Embedding(
        num_classes, shared_dim, embeddings_initializer="orthogonal", name="shared_embedding"
    )(labels)
    h = _sn_dense(4 * 4 * channels[0], "linear")(chunks[0])
    h = keras.layers.Reshape((4, 4, channels[0]))(h)
    for index, (filters, resolution) in enumerate(zip(channels[1:], resolutions)):
        condition = keras.layers.Concatenate(name=f"condition{index}")([shared, chunks[index + 1]])
        h = _generator_block(h, condition, filters, f"block{index}")
        if resolution == attention_resolution:
            h = SelfAttention(name=f"attention{resolution}")(h)
    h = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name="output_bn")(h)
    h = keras.layers.ReLU()(h)
    images = keras.layers.Activation("tanh", name="images")(
        _sn_conv(image_shape[-1], 3, "output_conv")(h)
    )
    return keras.Model([z, labels], images, name=name)


def _discriminator_block(h, filters, downsample, first, name):
    """Residual block: [ReLU], conv 3×3, ReLU, conv 3×3, [avg-pool ×2]; shortcut
    conv 1×1 and pooling (pool first in the first block, which has no
    pre-activation)."""
    x = h if first else keras.layers.ReLU()(h)
    x = _sn_conv(filters, 3, name + "_conv1")(x)
    x = keras.layers.ReLU()(x)
    x = _sn_conv(filters, 3, name + "_conv2")(x)
    if downsample:
        x = keras.layers.AveragePooling2D(2)(x)
    shortcut = h
    if first and downsample:
        shortcut = keras.layers.AveragePooling2D(2)(shortcut)
    if downsample or h.shape[-1] != filters:
        shortcut = _sn_conv(filters, 1, name + "_shortcut")(shortcut)
    if downsample and not first:
        shortcut = keras.layers.AveragePooling2D(2)(shortcut)
    return keras.layers.Add(name=name)([x, shortcut])


def biggan_discriminator(
    image_shape,
    num_classes,
    channels=(256, 256, 256, 256),
    attention_resolution=None,
    name="biggan_discriminator",
):
    """BigGAN discriminator D(x, y): residual blocks and a projection head.

    Each entry of `channels` is a residual block; every block but the last
    halves the resolution (average pooling). Self-attention follows the block
    whose output has `attention_resolution`. The head is ReLU, a sum over
    positions (features φ(x) `(batch, channels[-1])`), and the projection
    ψ(φ) + ⟨embed(y), φ⟩ (Miyato & Koyama 2018). Every convolution, the
    linear ψ and the class embedding are spectrally normalised
    (`kgan.layers.ProjectionHead` is the same head without it); kernels start
    orthogonal.

    Args:
        image_shape: `(size, size, channels)`, size divisible by
            2^(len(channels) − 1).
        num_classes: int ≥ 2.
        channels: sequence of ints > 0, default (256, 256, 256, 256), each
            block's output channels.
        attention_resolution: int or None (default: no attention), a block
            output size after which self-attention runs (not the last block's).
        name: str.

    Returns:
        `keras.Model` with inputs `[x (batch, *image_shape), labels int32
        (batch,)]` and logits `(batch, 1)`.

    Example:
        >>> d = kgan.networks.biggan_discriminator((32, 32, 1), 10, channels=(16, 32, 64, 64))
        >>> d([np.zeros((2, 32, 32, 1), "float32"), np.array([3, 7])]).shape
        (2, 1)

    Reference:
        Brock, Donahue & Simonyan 2019, "Large Scale GAN Training for High
        Fidelity Natural Image Synthesis", Appendix B; Miyato & Koyama 2018,
        "cGANs with Projection Discriminator".
    """
    _check_channels(channels, 1)
    _check_image_shape(image_shape)
    check_int(num_classes, "num_classes", minimum=2)
    factor = 2 ** (len(channels) - 1)
    if image_shape[0] % factor:
        raise ValueError(
            f"image_shape's size must be divisible by {factor} ({len(channels) - 1} halvings). "
            f"Received: image_shape={image_shape!r}"
        )
    resolutions = [image_shape[0] // 2 ** (i + 1) for i in range(len(channels) - 1)]
    if attention_resolution is not None and attention_resolution not in resolutions:
        raise ValueError(
            f"attention_resolution must be None or one of {resolutions}. "
            f"Received: attention_resolution={attention_resolution!r}"
        )
    x = keras.Input(tuple(image_shape), name="x")
    labels = keras.Input((), dtype="int32", name="labels")
    h = x
    for index, filters in enumerate(channels):
        downsample = index < len(channels) - 1
        h = _discriminator_block(h, filters, downsample, index == 0, f"block{index}")
        if downsample and resolutions[index] == attention_resolution:
            h = SelfAttention(name=f"attention{attention_resolution}")(h)
    h = keras.layers.ReLU()(h)
    features = ops.sum(h, axis=(1, 2))
    linear = _sn_dense(1, "linear")(features)
    embedded = _sn_dense(channels[-1], "embedding", use_bias=False)(
        ops.one_hot(labels, num_classes)
    )
    projection = ops.sum(embedded * features, axis=-1, keepdims=True)
    logits = keras.layers.Add(name="logits")([linear, projection])
    return keras.Model([x, labels], logits, name=name)
