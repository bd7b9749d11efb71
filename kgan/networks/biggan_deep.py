"""BigGAN-deep's generator as `pytorch-pretrained-biggan` builds it (Brock et al. 2019).

The network maps a latent z, a class vector (one-hot, or any mix of classes) and
per-sample weights over the stored batch-norm statistics sets to NHWC images in
[-1, 1]. Every convolution and linear map is spectrally normalised with a stored
(u, v) pair (`kgan.layers.SpectralNormalization(keep_v=True)`); the batch norms
use statistics mixed from the stored sets (`kgan.layers.InterpolatedBatchNormalization`).
Layer names follow the package's module names with "." as "_"
(`generator_layers_3_conv_1` for `generator.layers.3.conv_1`).
"""

import math

import keras
import numpy as np
from keras import ops

from kgan.layers.attention import SelfAttention
from kgan.layers.convolution import Conv2D
from kgan.layers.interpolated_batch_norm import InterpolatedBatchNormalization
from kgan.layers.spectral_normalization import SpectralNormalization
from kgan.utils.validation import check_int, check_positive

# BigGANConfig's default layer list (the 128×128 model): (up-sample, in, out) in channel_width units.
BIGGAN_DEEP_128_LAYERS = (
    (False, 16, 16), (True, 16, 16), (False, 16, 16), (True, 16, 8), (False, 8, 8),
    (True, 8, 4), (False, 4, 4), (True, 4, 2), (False, 2, 2), (True, 2, 1),
)


def biggan_deep_statistics_position(truncation, num_sets=51):
    """Where `truncation` falls between the stored statistics sets, as
    `pytorch-pretrained-biggan` computes it, in float64:
    `fraction, index = math.modf(truncation / (1 / (num_sets - 1)))`.

    Args:
        truncation: float in (0, 1].
        num_sets: int ≥ 2, the number of stored sets (51 in the released files).

    Returns:
        `(index, fraction)`: int in [0, num_sets), float in [0, 1).
    """
    truncation = float(truncation)
    if not 0.0 < truncation <= 1.0:
        raise ValueError(f"truncation must be in (0, 1]. Received: truncation={truncation}")
    check_int(num_sets, "num_sets", minimum=2)
    fraction, index = math.modf(truncation / (1.0 / (num_sets - 1)))
    return int(index), fraction


def mix_statistics_sets(index, fraction, num_sets):
    """The weights of the stored statistics sets at a position (keras.ops).

    Set `index` gets weight `fraction` and set `index + 1` weight
    `1 - fraction` (this order is the package's); `fraction == 0` (an exact
    grid point) uses set `index` alone.

    Args:
        index: int scalar (tensor), in [0, num_sets).
        fraction: float32 scalar (tensor), in [0, 1).
        num_sets: int ≥ 2.

    Returns:
        float32 tensor `(num_sets,)` summing to 1.
    """
    index = ops.cast(index, "int32")
    fraction = ops.cast(fraction, "float32")
    at_index = ops.one_hot(index, num_sets, dtype="float32")
    # At the last set the fraction is 0 (truncation 1): `after_index` is then unused.
    after_index = ops.one_hot(ops.minimum(index + 1, num_sets - 1), num_sets, dtype="float32")
    mixed = fraction * at_index + (1.0 - fraction) * after_index
    return ops.where(fraction == 0.0, at_index, mixed)


def biggan_deep_statistics_weights(truncation, num_sets=51):
    """The mix of stored statistics sets that BigGAN-deep uses at `truncation`:
    `mix_statistics_sets(*biggan_deep_statistics_position(truncation, num_sets))`.

    Args:
        truncation: float in (0, 1].
        num_sets: int ≥ 2, the number of stored sets (51 in the released files).

    Returns:
        float32 array `(num_sets,)` summing to 1.
    """
    index, fraction = biggan_deep_statistics_position(truncation, num_sets)
    return ops.convert_to_numpy(mix_statistics_sets(index, fraction, num_sets)).astype(np.float32)


def _sn_conv(filters, kernel_size, name):
    conv = Conv2D(filters, kernel_size, padding="same", name=name)
    return SpectralNormalization(conv, keep_v=True, name=name + "_sn")


def _check_layers(layers, attention_layer_position):
    layers = [tuple(layer) for layer in layers]
    if not layers or layers[0][1] != 16 or layers[-1][2] != 1:
        raise ValueError(
            "layers must start at 16 channel_width units (the 4×4 map of gen_z) and end at 1. "
            f"Received: layers={layers}"
        )
    for index, (up_sample, in_units, out_units) in enumerate(layers):
        if not isinstance(up_sample, bool) or not all(
            isinstance(n, int) and n > 0 for n in (in_units, out_units)
        ):
            raise ValueError(
                "Each layer must be (up_sample: bool, in: int > 0, out: int > 0). "
                f"Received: layers[{index}]={layers[index]}"
            )
        if out_units not in (in_units, in_units / 2):
            raise ValueError(
                "A layer's out channels must equal its in channels or half of them (its skip "
                f"keeps the first half). Received: layers[{index}]={layers[index]}"
            )
        if index and in_units != layers[index - 1][2]:
            raise ValueError(
                f"layers[{index}] must take the {layers[index - 1][2]} units layers[{index - 1}] "
                f"gives. Received: layers[{index}]={layers[index]}"
            )
    check_int(attention_layer_position, "attention_layer_position", minimum=0)
    return layers


def _gen_block(h, condition, set_weights, units, channel_width, name, num_sets, epsilon):
    up_sample, in_units, out_units = units
    middle = in_units * channel_width // 4
    if middle < 1:
        raise ValueError(
            f"{name} needs at least 4 input channels (its bottleneck has a quarter). "
            f"Received: {in_units * channel_width}"
        )

    def bn(x, index):
        return InterpolatedBatchNormalization(num_sets, epsilon=epsilon, name=f"{name}_bn_{index}")(
            [x, set_weights, condition]
        )

    x = _sn_conv(middle, 1, f"{name}_conv_0")(ops.relu(bn(h, 0)))
    x = ops.relu(bn(x, 1))
    if up_sample:
        x = keras.layers.UpSampling2D(2, interpolation="nearest", name=f"{name}_up")(x)
    x = _sn_conv(middle, 3, f"{name}_conv_1")(x)
    x = _sn_conv(middle, 3, f"{name}_conv_2")(ops.relu(bn(x, 2)))
    x = _sn_conv(out_units * channel_width, 1, f"{name}_conv_3")(ops.relu(bn(x, 3)))
    skip = h
    if in_units != out_units:
        skip = skip[..., : h.shape[-1] // 2]
    if up_sample:
        skip = keras.layers.UpSampling2D(2, interpolation="nearest", name=f"{name}_skip_up")(skip)
    return x + skip


def biggan_deep_generator(
    layers=BIGGAN_DEEP_128_LAYERS,
    z_dim=128,
    channel_width=128,
    num_classes=1000,
    attention_layer_position=8,
    epsilon=1e-4,
    num_sets=51,
    name="biggan_deep_generator",
):
    """BigGAN-deep's generator, the network of `pytorch-pretrained-biggan`'s `BigGAN`.

    The condition c = [z, class_vector · E] (E `(num_classes, z_dim)`, no bias)
    feeds a spectrally normalised dense map to a 4×4×16·channel_width map, the
    conditional batch norms of every block, and nothing else. Each entry
    `(up_sample, in, out)` of `layers` is a GenBlock (BN-ReLU-1×1 conv to in/4,
    BN-ReLU-[2× nearest]-3×3 conv, BN-ReLU-3×3 conv, BN-ReLU-1×1 conv to out;
    the skip keeps the first `out` channels and is up-sampled alike); the
    self-attention block (`kgan.layers.SelfAttention`) runs before block
    `attention_layer_position`. Then BN, ReLU, a 3×3 conv to channel_width
    channels, the first 3 of them and tanh. The resolution is 4·2^(up-samples).

    Args:
        layers: sequence of `(up_sample: bool, in: int, out: int)` in
            channel_width units; the first takes 16, the last gives 1.
            Default: the 128×128 model's (`BIGGAN_DEEP_128_LAYERS`).
        z_dim: int > 0, default 128 (the class embedding has the same size).
        channel_width: int ≥ 3, default 128.
        num_classes: int > 0, default 1000.
        attention_layer_position: int ≥ 0, default 8 (≥ len(layers): no
            self-attention).
        epsilon: float > 0, default 1e-4, of every batch norm.
        num_sets: int ≥ 2, default 51, the stored statistics sets.
        name: the model's name.

    Returns:
        `keras.Model` with inputs `[z (batch, z_dim), class_vector (batch,
        num_classes), set_weights (batch, num_sets)]` (set_weights from
        `biggan_deep_statistics_weights(truncation, num_sets)`) and output
        images `(batch, R, R, 3)` in [-1, 1].
    """
    layers = _check_layers(layers, attention_layer_position)
    check_int(z_dim, "z_dim")
    check_int(num_classes, "num_classes")
    check_int(channel_width, "channel_width", minimum=3)  # the image is the last conv's first 3
    check_int(num_sets, "num_sets", minimum=2)
    check_positive(epsilon, "epsilon")

    z = keras.Input((z_dim,), name="z")
    class_vector = keras.Input((num_classes,), name="class_vector")
    set_weights = keras.Input((num_sets,), name="set_weights")
    embedding = keras.layers.Dense(z_dim, use_bias=False, name="embeddings")(class_vector)
    condition = ops.concatenate([z, embedding], axis=-1)
    gen_z = keras.layers.Dense(4 * 4 * 16 * channel_width, name="generator_gen_z")
    h = SpectralNormalization(gen_z, keep_v=True, name="generator_gen_z_sn")(condition)
    # The package reshapes gen_z's output as NHWC (its TensorFlow origin), as kgan does.
    h = ops.reshape(h, (-1, 4, 4, 16 * channel_width))
    index = 0
    for position, units in enumerate(layers):
        if position == attention_layer_position:
            h = SelfAttention(keep_v=True, name=f"generator_layers_{index}")(h)
            index += 1
        h = _gen_block(h, condition, set_weights, units, channel_width,
                       f"generator_layers_{index}", num_sets, epsilon)
        index += 1
    h = InterpolatedBatchNormalization(
        num_sets, conditional=False, epsilon=epsilon, name="generator_bn"
    )([h, set_weights])
    h = _sn_conv(channel_width, 3, "generator_conv_to_rgb")(ops.relu(h))
    images = ops.tanh(h[..., :3])
    return keras.Model([z, class_vector, set_weights], images, name=name)
