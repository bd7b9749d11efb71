"""PacGAN's packed discriminator around any discriminator network."""

import keras

from kgan.layers.minibatch import PackSamples
from kgan.utils.validation import check_int


def pack_discriminator(discriminator, num_packed, name="packed_discriminator"):
    """A discriminator that judges `num_packed` samples at once (PacGAN, Lin et al. 2018).

    Args:
        discriminator: a built `keras.Model` taking one input `(batch, ...,
            num_packed · C)`: the discriminator for packs (e.g.
            `dcgan_discriminator((28, 28, 2 * 3))` for PacGAN2 on RGB).
        num_packed: int ≥ 1, m.
        name: the model's name.

    Returns:
        `keras.Model`: samples `(batch, ..., C)`, batch a multiple of m →
        the discriminator's outputs for the `batch / m` packs
        (`kgan.layers.PackSamples` first).

    Example:
        >>> inner = kgan.networks.dcgan_discriminator((28, 28, 6), base_filters=16)
        >>> d = kgan.networks.pack_discriminator(inner, 2)
        >>> d(np.zeros((8, 28, 28, 3), "float32")).shape
        (4, 1)
    """
    check_int(num_packed, "num_packed")
    shape = discriminator.input_shape
    if isinstance(shape, list) or shape[-1] is None or shape[-1] % num_packed:
        raise ValueError(
            "discriminator must take one input whose channels are a multiple of num_packed "
            f"(num_packed · C). Received input shape {shape}, num_packed={num_packed}"
        )
    samples = keras.Input(tuple(shape[1:-1]) + (shape[-1] // num_packed,), name="samples")
    outputs = discriminator(PackSamples(num_packed, name="pack")(samples))
    return keras.Model(samples, outputs, name=name)
