"""StyleGAN and StyleGAN2 network builders: mapping, synthesis, generator, residual discriminator.

A style-based generator is two networks composed by `stylegan_generator`: the
mapping network z → w and a synthesis network that takes one w per style
layer, `ws` of shape `(batch, num_ws, w_dim)` (the "w+" space; feeding the
same w to every layer is the "w" space). `kgan.models.StyleGAN` and
`StyleGAN2` reach the two parts through the generator's layers named
`"mapping"` and `"synthesis"`, which is how style mixing, truncation and
path-length regularisation see w.

Channels follow NVlabs: a layer at resolution r has
`min(channel_base // r, channel_max)` channels.
"""

import math

import keras

from kgan.layers.equalized import EqualizedConv2D, EqualizedDense, PixelNormalization
from kgan.layers.minibatch import MinibatchStdDev
from kgan.layers.resample import Resample2D
from kgan.layers.style import (
    AdaptiveInstanceNormalization,
    ConstantInput,
    ModulatedConv2D,
    NoiseInjection,
)
from kgan.utils.validation import check_int


@keras.saving.register_keras_serializable(package="kgan")
class StyleSelect(keras.layers.Layer):
    """w+ `(batch, num_ws, w_dim)` → the w of style layer `index`, `(batch, w_dim)`.

    Args:
        index: int ≥ 0.
    """

    def __init__(self, index, **kwargs):
        super().__init__(**kwargs)
        self.index = check_int(index, "index", minimum=0)

    def call(self, ws):
        return ws[:, self.index]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "index": self.index}


def _check_image_shape(image_shape):
    image_shape = tuple(image_shape)
    size = image_shape[0] if len(image_shape) == 3 else None
    if (
        size is None
        or image_shape[1] != size
        or not isinstance(size, int)
        or size < 8
        or size & (size - 1)
        or not isinstance(image_shape[2], int)
        or image_shape[2] <= 0
    ):
        raise ValueError(
            "image_shape must be (size, size, channels) with size a power of 2 ≥ 8. "
            f"Received: image_shape={image_shape!r}"
        )
    return image_shape


def _channels(resolution, channel_base, channel_max):
    return min(channel_base // resolution, channel_max)


def _check_channels(channel_base, channel_max, resolution):
    check_int(channel_base, "channel_base")
    check_int(channel_max, "channel_max")
    if channel_base < resolution:
        raise ValueError(
            "channel_base must be at least the resolution so that every layer has a channel "
            f"(channels at r: min(channel_base // r, channel_max)). Received: "
            f"channel_base={channel_base}, resolution={resolution}"
        )


def num_style_layers(resolution):
    """How many w a synthesis network of this resolution takes: 2·log2(resolution) − 2."""
    return 2 * int(math.log2(resolution)) - 2


def stylegan_mapping(latent_dim, w_dim=512, num_layers=8, lr_multiplier=0.01, name="mapping"):
    """The mapping network f: z → w of StyleGAN and StyleGAN2.

    z is normalised to unit second moment (`PixelNormalization`), then
    `num_layers` `EqualizedDense(w_dim)` layers with leaky ReLU (0.2) and
    learning-rate multiplier `lr_multiplier`.

    Args:
        latent_dim: int > 0, size of z.
        w_dim: int > 0, default 512, size of w.
        num_layers: int > 0, default 8.
        lr_multiplier: float > 0, default 0.01 (the papers' setting).
        name: str, default `"mapping"` (the name the models look for).

    Returns:
        `keras.Model` `(batch, latent_dim)` → `(batch, w_dim)`.

    Example:
        >>> mapping = kgan.networks.stylegan_mapping(latent_dim=64, w_dim=64, num_layers=4)

    Reference:
        Karras et al. 2019, "A Style-Based Generator Architecture for
        Generative Adversarial Networks", Section 2.
    """
    check_int(latent_dim, "latent_dim")
    check_int(w_dim, "w_dim")
    check_int(num_layers, "num_layers")
    z = keras.Input((latent_dim,), name="z")
    h = PixelNormalization(name="normalize_z")(z)
    for i in range(num_layers):
        h = EqualizedDense(
            w_dim, lr_multiplier=lr_multiplier, activation="leaky_relu", name=f"fc{i}"
        )(h)
    return keras.Model(z, h, name=name)


def stylegan_synthesis(w_dim, image_shape=(32, 32, 1), channel_base=16384, channel_max=512,
                       name="synthesis"):
    """StyleGAN's synthesis network: a learned constant, AdaIN and noise at every layer.

    At 4×4: constant → noise → leaky ReLU → AdaIN(w₀) → conv 3×3 → noise → leaky ReLU →
    AdaIN(w₁). Then per resolution 8, 16, ...: FIR upsampling (`Resample2D`,
    [1, 3, 3, 1]) → conv 3×3 → noise → leaky ReLU → AdaIN(w) → conv 3×3 →
    noise → leaky ReLU → AdaIN(w); finally a 1×1 toRGB convolution (linear
    output). Trained at a fixed resolution (no progressive growing, as in the
    paper's configuration without it). Convolutions have equalised learning
    rate.

    Args:
        w_dim: int > 0, size of w.
        image_shape: `(size, size, channels)`, size a power of 2 ≥ 8. Default `(32, 32, 1)`.
        channel_base: int, default 16384. channel_max: int, default 512.
        name: str, default `"synthesis"`.

    Returns:
        `keras.Model` `ws (batch, num_style_layers(size), w_dim)` → images
        `(batch, *image_shape)`, roughly in [-1, 1] (no tanh).

    Example:
        >>> synthesis = kgan.networks.stylegan_synthesis(64, (16, 16, 1), 512, 32)

    Reference:
        Karras et al. 2019, "A Style-Based Generator Architecture for
        Generative Adversarial Networks".
    """
    image_shape = _check_image_shape(image_shape)
    check_int(w_dim, "w_dim")
    resolution = image_shape[0]
    _check_channels(channel_base, channel_max, resolution)
    ws = keras.Input((num_style_layers(resolution), w_dim), name="ws")
    index = 0

    def epilogue(h, tag):
        nonlocal index
        h = NoiseInjection(name=f"noise_{tag}")(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        h = AdaptiveInstanceNormalization(name=f"adain_{tag}")(
            [h, StyleSelect(index, name=f"w_{tag}")(ws)]
        )
        index += 1
        return h

    h = ConstantInput(_channels(4, channel_base, channel_max), name="const")(ws)
    h = epilogue(h, "4_const")
    h = EqualizedConv2D(_channels(4, channel_base, channel_max), 3, name="conv_4")(h)
    h = epilogue(h, "4")
    res = 8
    while res <= resolution:
        channels = _channels(res, channel_base, channel_max)
        h = Resample2D(up=2, name=f"up_{res}")(h)
        h = EqualizedConv2D(channels, 3, name=f"conv0_{res}")(h)
        h = epilogue(h, f"{res}_0")
        h = EqualizedConv2D(channels, 3, name=f"conv1_{res}")(h)
        h = epilogue(h, f"{res}_1")
        res *= 2
    images = EqualizedConv2D(image_shape[2], 1, gain=1.0, name="to_rgb")(h)
    return keras.Model(ws, images, name=name)


def stylegan2_synthesis(w_dim, image_shape=(32, 32, 1), channel_base=16384, channel_max=512,
                        name="synthesis"):
    """StyleGAN2's synthesis network: modulated convolutions and skip (toRGB) outputs.

    At 4×4: constant → modulated conv 3×3 (w₀) → noise → leaky ReLU·√2, and
    toRGB (modulated 1×1 without demodulation, w₁). Per resolution 8, 16, ...:
    FIR upsampling → modulated conv 3×3 → noise → act → modulated conv 3×3 →
    noise → act, and `rgb = upsample(rgb) + toRGB(h)`, each toRGB sharing its w
    with the next block's first convolution (NVlabs' indexing). The output is
    the sum of the upsampled toRGB outputs (linear, no tanh).

    Args:
        w_dim: int > 0, size of w.
        image_shape: `(size, size, channels)`, size a power of 2 ≥ 8. Default `(32, 32, 1)`.
        channel_base: int, default 16384. channel_max: int, default 512.
        name: str, default `"synthesis"`.

    Returns:
        `keras.Model` `ws (batch, num_style_layers(size), w_dim)` → images
        `(batch, *image_shape)`.

    Example:
        >>> synthesis = kgan.networks.stylegan2_synthesis(64, (16, 16, 1), 512, 32)

    Reference:
        Karras et al. 2020, "Analyzing and Improving the Image Quality of
        StyleGAN" (configuration E/F's skip generator).
    """
    image_shape = _check_image_shape(image_shape)
    check_int(w_dim, "w_dim")
    resolution = image_shape[0]
    _check_channels(channel_base, channel_max, resolution)
    ws = keras.Input((num_style_layers(resolution), w_dim), name="ws")

    def layer(h, channels, index, tag):
        w = StyleSelect(index, name=f"w_{tag}")(ws)
        h = ModulatedConv2D(channels, 3, name=f"conv_{tag}")([h, w])
        h = NoiseInjection(name=f"noise_{tag}")(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        return keras.layers.Rescaling(math.sqrt(2.0))(h)

    def to_rgb(h, index, res):
        w = StyleSelect(index, name=f"w_rgb_{res}")(ws)
        return ModulatedConv2D(image_shape[2], 1, demodulate=False, name=f"to_rgb_{res}")([h, w])

    channels = _channels(4, channel_base, channel_max)
    h = ConstantInput(channels, name="const")(ws)
    h = layer(h, channels, 0, "4")
    rgb = to_rgb(h, 1, 4)
    res, index = 8, 1
    while res <= resolution:
        channels = _channels(res, channel_base, channel_max)
        h = Resample2D(up=2, name=f"up_{res}")(h)
        h = layer(h, channels, index, f"{res}_0")
        h = layer(h, channels, index + 1, f"{res}_1")
        rgb = Resample2D(up=2, name=f"up_rgb_{res}")(rgb)
        rgb = keras.layers.Add(name=f"skip_{res}")([rgb, to_rgb(h, index + 2, res)])
        res, index = res * 2, index + 2
    return keras.Model(ws, rgb, name=name)


def stylegan_generator(mapping, synthesis, name="generator"):
    """The generator z → image of a StyleGAN model: `synthesis(broadcast(mapping(z)))`.

    Args:
        mapping: built `keras.Model` `(batch, latent_dim)` → `(batch, w_dim)`,
            e.g. `stylegan_mapping`, named `"mapping"`.
        synthesis: built `keras.Model` `(batch, num_ws, w_dim)` → images, e.g.
            `stylegan2_synthesis`, named `"synthesis"`.
        name: str, default `"generator"`.

    Returns:
        `keras.Model` `(batch, latent_dim)` → images, whose layers `"mapping"`
        and `"synthesis"` are the given networks (the same w for every layer).

    Example:
        >>> generator = kgan.networks.stylegan_generator(
        ...     kgan.networks.stylegan_mapping(64, 64, num_layers=2),
        ...     kgan.networks.stylegan2_synthesis(64, (16, 16, 1), 512, 32))
    """
    for role, network in (("mapping", mapping), ("synthesis", synthesis)):
        if not isinstance(network, keras.Model) or not network.built:
            raise ValueError(f"{role} must be a built keras.Model. Received: {role}={network!r}")
    w_shape, ws_shape = tuple(mapping.output_shape), tuple(synthesis.input_shape)
    if len(w_shape) != 2 or len(ws_shape) != 3 or ws_shape[2] != w_shape[1]:
        raise ValueError(
            "The mapping must output w (batch, w_dim) and the synthesis take ws "
            "(batch, num_ws, w_dim) of the same w_dim. Received: mapping output "
            f"{w_shape}, synthesis input {ws_shape}"
        )
    for role, network in (("mapping", mapping), ("synthesis", synthesis)):
        if network.name != role:
            raise ValueError(
                f"The {role} network must be named {role!r}; the models find it by name. "
                f"Received: {role}.name={network.name!r}"
            )
    z = keras.Input(tuple(mapping.input_shape)[1:], name="z")
    ws = keras.layers.RepeatVector(ws_shape[1], name="broadcast_w")(mapping(z))
    return keras.Model(z, synthesis(ws), name=name)


def stylegan2_discriminator(image_shape=(32, 32, 1), channel_base=16384, channel_max=512,
                            mbstd_group_size=4, name="discriminator"):
    """StyleGAN2's residual discriminator with minibatch standard deviation.

    fromRGB (1×1 conv) at full resolution, then per resolution r down to 8 a
    residual block: `(conv3×3 → FIR downsample → conv3×3 + downsample → 1×1
    conv) / √2`; at 4×4 `MinibatchStdDev` → conv 3×3 → dense → dense(1).
    Equalised learning rate, leaky ReLU (0.2), no normalisation (R1 needs a
    per-sample discriminator). StyleGAN (v1) used ProgressiveGAN's
    (`kgan.networks.ProgressiveDiscriminator` at its final level), which
    trained v1 better on the digits (see recipes/README.md, `stylegan_digits`).

    Args:
        image_shape: `(size, size, channels)`, size a power of 2 ≥ 8. Default `(32, 32, 1)`.
        channel_base: int, default 16384. channel_max: int, default 512.
        mbstd_group_size: int > 0, default 4. The batch size must be a
            multiple of `min(mbstd_group_size, batch)`.
        name: str, default `"discriminator"`.

    Returns:
        `keras.Model` images `(batch, *image_shape)` → logits `(batch, 1)`.

    Example:
        >>> d = kgan.networks.stylegan2_discriminator((16, 16, 1), 512, 32)

    Reference:
        Karras et al. 2020, "Analyzing and Improving the Image Quality of
        StyleGAN", Section 4.1 (residual discriminator).
    """
    image_shape = _check_image_shape(image_shape)
    resolution = image_shape[0]
    _check_channels(channel_base, channel_max, resolution)
    check_int(mbstd_group_size, "mbstd_group_size")
    images = keras.Input(image_shape, name="images")
    h = EqualizedConv2D(
        _channels(resolution, channel_base, channel_max), 1, activation="leaky_relu",
        name="from_rgb",
    )(images)
    res = resolution
    while res > 4:
        channels = _channels(res // 2, channel_base, channel_max)
        skip = Resample2D(down=2, name=f"down_skip_{res}")(h)
        skip = EqualizedConv2D(channels, 1, use_bias=False, gain=1.0, name=f"skip_{res}")(skip)
        h = EqualizedConv2D(
            _channels(res, channel_base, channel_max), 3, activation="leaky_relu",
            name=f"conv0_{res}",
        )(h)
        h = Resample2D(down=2, name=f"down_{res}")(h)
        h = EqualizedConv2D(channels, 3, activation="leaky_relu", name=f"conv1_{res}")(h)
        h = keras.layers.Add()([h, skip])
        h = keras.layers.Rescaling(1.0 / math.sqrt(2.0))(h)
        res //= 2
    channels = _channels(4, channel_base, channel_max)
    h = MinibatchStdDev(group_size=mbstd_group_size, name="mbstd")(h)
    h = EqualizedConv2D(channels, 3, activation="leaky_relu", name="conv_4")(h)
    h = keras.layers.Flatten()(h)
    h = EqualizedDense(channels, activation="leaky_relu", name="fc")(h)
    logits = EqualizedDense(1, gain=1.0, name="logits")(h)
    return keras.Model(images, logits, name=name)
