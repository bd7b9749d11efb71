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
from keras import ops

from kgan.layers.equalized import HE_GAIN, EqualizedConv2D, EqualizedDense, PixelNormalization
from kgan.layers.minibatch import MinibatchStdDev
from kgan.layers.resample import Resample2D
from kgan.layers.style import (
    AdaptiveInstanceNormalization,
    ConstantInput,
    ModulatedConv2D,
    NoiseInjection,
)
from kgan.utils.validation import check_bool, check_int, check_positive

SQRT_HALF = math.sqrt(0.5)  # NVlabs' residual scaling


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
        or size < 4
        or size & (size - 1)
        or not isinstance(image_shape[2], int)
        or image_shape[2] <= 0
    ):
        raise ValueError(
            "image_shape must be (size, size, channels) with size a power of 2 ≥ 4. "
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


def _check_architecture(architecture, choices):
    if architecture not in choices:
        raise ValueError(
            f"architecture must be one of {choices}. Received: architecture={architecture!r}"
        )


def num_style_layers(resolution):
    """How many w a synthesis network of this resolution takes: 2·log2(resolution) − 2."""
    return 2 * int(math.log2(resolution)) - 2


def stylegan_mapping(latent_dim, w_dim=512, num_layers=8, lr_multiplier=0.01, c_dim=0,
                     embed_features=None, layer_features=None, name="mapping"):
    """The mapping network f: (z, c) → w of StyleGAN and StyleGAN2 (NVlabs' `MappingNetwork`).

    z is normalised to unit second moment (`PixelNormalization`); a label
    vector c (one-hot, `c_dim > 0`) is embedded by a linear
    `EqualizedDense(embed_features)`, normalised the same way and concatenated
    after z. Then `num_layers` `EqualizedDense` layers (`layer_features`
    wide, the last `w_dim`) with leaky ReLU (0.2) times √2 and learning-rate
    multiplier `lr_multiplier`. The tracked average w and truncation live in
    the model (`kgan.models.StyleGAN.w_avg`); broadcasting to every style
    layer in `stylegan_generator`. With `latent_dim=0` it maps labels alone
    (the conditional discriminator's label embedding).

    Args:
        latent_dim: int ≥ 0, size of z.
        w_dim: int > 0, default 512, size of w.
        num_layers: int > 0, default 8.
        lr_multiplier: float > 0, default 0.01 (the papers' setting).
        c_dim: int ≥ 0, default 0, size of the label vector (0: unconditional).
        embed_features: int > 0 or None (`w_dim`), size of the label embedding.
        layer_features: int > 0 or None (`w_dim`), width of the hidden layers.
        name: str, default `"mapping"` (the name the models look for).

    Returns:
        `keras.Model` z `(batch, latent_dim)`, `[z, c]` (with `c` `(batch,
        c_dim)`) or c alone → w `(batch, w_dim)`.

    Example:
        >>> mapping = kgan.networks.stylegan_mapping(latent_dim=64, w_dim=64, num_layers=4)

    Reference:
        Karras et al. 2019, "A Style-Based Generator Architecture for
        Generative Adversarial Networks", Section 2; NVlabs'
        stylegan2-ada-pytorch `training/networks.py`.
    """
    check_int(latent_dim, "latent_dim", minimum=0)
    check_int(c_dim, "c_dim", minimum=0)
    if not latent_dim and not c_dim:
        raise ValueError("latent_dim and c_dim cannot both be 0 (the network would have no input).")
    check_int(w_dim, "w_dim")
    check_int(num_layers, "num_layers")
    embed_features = w_dim if embed_features is None else check_int(embed_features, "embed_features")
    layer_features = w_dim if layer_features is None else check_int(layer_features, "layer_features")
    inputs, parts = [], []
    if latent_dim:
        z = keras.Input((latent_dim,), name="z")
        inputs.append(z)
        parts.append(PixelNormalization(name="normalize_z")(z))
    if c_dim:
        c = keras.Input((c_dim,), name="c")
        inputs.append(c)
        embedded = EqualizedDense(embed_features, gain=1.0, name="embed")(c)
        parts.append(PixelNormalization(name="normalize_c")(embedded))
    h = parts[0] if len(parts) == 1 else keras.layers.Concatenate(name="z_and_c")(parts)
    for i in range(num_layers):
        h = EqualizedDense(
            w_dim if i == num_layers - 1 else layer_features, gain=1.0,
            lr_multiplier=lr_multiplier, activation="leaky_relu", activation_gain=HE_GAIN,
            name=f"fc{i}",
        )(h)
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs, h, name=name)


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
        h = NoiseInjection(per_channel=True, name=f"noise_{tag}")(h)
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
                        architecture="skip", conv_clamp=None, use_noise=True,
                        resample_kernel=(1, 3, 3, 1), name="synthesis"):
    """StyleGAN2's synthesis network, as NVlabs' `SynthesisNetwork` builds it.

    One block per resolution r = 4, 8, ..., size with
    `min(channel_base // r, channel_max)` channels. Block 4: a learned
    constant → `b4_conv1`; block r > 4: `b{r}_conv0` (upsampling) →
    `b{r}_conv1`, each a `ModulatedConv2D` 3×3 with noise, bias, leaky ReLU
    times √2 and clamping at ±`conv_clamp`. `architecture="skip"` (the
    papers' configuration E/F): every block adds its 1×1 toRGB
    (`b{r}_torgb`, no demodulation, linear, clamped) to the FIR-upsampled
    image so far; `"orig"`: only the last block has a toRGB. Block r's
    convolutions take ws `i, i+1` and its toRGB `i+2`, the next block's first
    (NVlabs' indexing). Runs in float32 where NVlabs runs its highest
    resolutions in float16 (`num_fp16_res`); `conv_clamp` is what keeps those
    in range there.

    Args:
        w_dim: int > 0, size of w.
        image_shape: `(size, size, channels)`, size a power of 2 ≥ 4. Default `(32, 32, 1)`.
        channel_base: int, default 16384 (NVlabs: 32768 for configuration F, 16384 at 256²).
        channel_max: int, default 512.
        architecture: `"skip"` (default) or `"orig"`.
        conv_clamp: float > 0 or None (default; NVlabs' pickles use 256).
        use_noise: bool, default True. False: no noise inputs.
        resample_kernel: FIR taps, default `(1, 3, 3, 1)`.
        name: str, default `"synthesis"`.

    Returns:
        `keras.Model` `ws (batch, num_style_layers(size), w_dim)` → images
        `(batch, *image_shape)` (linear, not clipped).

    Example:
        >>> synthesis = kgan.networks.stylegan2_synthesis(64, (16, 16, 1), 512, 32)

    Reference:
        Karras et al. 2020, "Analyzing and Improving the Image Quality of
        StyleGAN"; NVlabs' stylegan2-ada-pytorch `training/networks.py`.
    """
    image_shape = _check_image_shape(image_shape)
    check_int(w_dim, "w_dim")
    _check_architecture(architecture, ("skip", "orig"))
    check_bool(use_noise, "use_noise")
    clamp = None if conv_clamp is None else check_positive(conv_clamp, "conv_clamp")
    resolution = image_shape[0]
    _check_channels(channel_base, channel_max, resolution)
    ws = keras.Input((num_style_layers(resolution), w_dim), name="ws")

    def style(index, tag):
        return StyleSelect(index, name=f"{tag}_w")(ws)

    def conv(h, channels, index, tag, up=1):
        return ModulatedConv2D(
            channels, 3, up=up, use_noise=use_noise, activation="leaky_relu",
            activation_gain=HE_GAIN, clamp=clamp, resample_kernel=resample_kernel, name=tag,
        )([h, style(index, tag)])

    h = image = None
    index = 0
    res = 4
    while res <= resolution:
        channels = _channels(res, channel_base, channel_max)
        if res == 4:
            h = ConstantInput(channels, name="b4_const")(ws)
            h = conv(h, channels, index, "b4_conv1")
            num_conv = 1
        else:
            h = conv(h, channels, index, f"b{res}_conv0", up=2)
            h = conv(h, channels, index + 1, f"b{res}_conv1")
            num_conv = 2
        if image is not None:
            image = Resample2D(up=2, kernel=resample_kernel, name=f"b{res}_upsample")(image)
        if architecture == "skip" or res == resolution:
            rgb = ModulatedConv2D(
                image_shape[2], 1, demodulate=False, clamp=clamp, name=f"b{res}_torgb"
            )([h, style(index + num_conv, f"b{res}_torgb")])
            image = rgb if image is None else keras.layers.Add(name=f"b{res}_add")([image, rgb])
        index += num_conv
        res *= 2
    return keras.Model(ws, image, name=name)


def stylegan_generator(mapping, synthesis, name="generator"):
    """The generator z → image of a StyleGAN model: `synthesis(broadcast(mapping(z)))`.

    Args:
        mapping: built `keras.Model` `(batch, latent_dim)` → `(batch, w_dim)`,
            e.g. `stylegan_mapping`, named `"mapping"`.
        synthesis: built `keras.Model` `(batch, num_ws, w_dim)` → images, e.g.
            `stylegan2_synthesis`, named `"synthesis"`.
        name: str, default `"generator"`.

    Returns:
        `keras.Model` z `(batch, latent_dim)` (or `[z, c]` when the mapping is
        conditional) → images, whose layers `"mapping"` and `"synthesis"` are
        the given networks (the same w for every layer).

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
    if isinstance(mapping.input, (list, tuple)):
        inputs = [keras.Input(tuple(shape)[1:], name=role)
                  for shape, role in zip(mapping.input_shape, ("z", "c"))]
    else:
        inputs = keras.Input(tuple(mapping.input_shape)[1:], name="z")
    ws = keras.layers.RepeatVector(ws_shape[1], name="broadcast_w")(mapping(inputs))
    return keras.Model(inputs, synthesis(ws), name=name)


@keras.saving.register_keras_serializable(package="kgan")
class LabelProjection(keras.layers.Layer):
    """`Σ_i x_i · cmap_i / sqrt(cmap_dim)`: the conditional StyleGAN2 discriminator's output.

    Inputs: `[x, cmap]`, both `(batch, cmap_dim)` (the features and the
    mapped label). Output: logits `(batch, 1)`.
    """

    def call(self, inputs):
        x, cmap = inputs
        return ops.sum(x * cmap, axis=1, keepdims=True) / math.sqrt(x.shape[-1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)


def stylegan2_discriminator(image_shape=(32, 32, 1), channel_base=16384, channel_max=512,
                            mbstd_group_size=4, mbstd_num_channels=1, architecture="resnet",
                            conv_clamp=None, c_dim=0, cmap_dim=None, mapping_layers=8,
                            mapping_lr_multiplier=0.01, resample_kernel=(1, 3, 3, 1),
                            name="discriminator"):
    """StyleGAN2's discriminator, as NVlabs' `Discriminator` builds it.

    One block per resolution r = size, size/2, ..., 8 (`tmp` =
    `min(channel_base // r, channel_max)` channels, output the next
    resolution's): `b{r}_fromrgb` (1×1) at the first block, then `b{r}_conv0`
    (3×3) and `b{r}_conv1` (3×3, FIR-filtered and strided down by 2), leaky
    ReLU times √2, clamped at ±`conv_clamp`. `architecture="resnet"` (the
    papers'): plus `b{r}_skip` (1×1, no bias, downsampling), the sum scaled
    by √½; `"skip"`: a fromRGB of the FIR-downsampled image at every block and
    at 4×4; `"orig"`: neither. At 4×4 (`b4_*`): minibatch standard deviation
    (`mbstd_group_size` samples, `mbstd_num_channels` features; 0 disables
    it), conv 3×3, dense, and the output: one logit, or with labels
    (`c_dim > 0`) a `cmap_dim` vector projected on the label's embedding
    (`mapping`, a `stylegan_mapping` of c alone). No normalisation (R1 needs a
    per-sample discriminator); float32 throughout.

    Args:
        image_shape: `(size, size, channels)`, size a power of 2 ≥ 4. Default `(32, 32, 1)`.
        channel_base: int, default 16384. channel_max: int, default 512.
        mbstd_group_size: int > 0, default 4. The batch size must be a
            multiple of `min(mbstd_group_size, batch)`.
        mbstd_num_channels: int ≥ 0, default 1.
        architecture: `"resnet"` (default), `"skip"` or `"orig"`.
        conv_clamp: float > 0 or None (default; NVlabs' pickles use 256).
        c_dim: int ≥ 0, default 0: the size of the label vector (one-hot).
        cmap_dim: int > 0 or None (the channels at 4×4), the label embedding's size.
        mapping_layers: int > 0, default 8; mapping_lr_multiplier: float > 0,
            default 0.01: the label mapping's depth and learning-rate multiplier.
        resample_kernel: FIR taps, default `(1, 3, 3, 1)`.
        name: str, default `"discriminator"`.

    Returns:
        `keras.Model` images `(batch, *image_shape)` (and `c` `(batch, c_dim)`
        when conditional: inputs `[images, c]`) → logits `(batch, 1)`.

    Example:
        >>> d = kgan.networks.stylegan2_discriminator((16, 16, 1), 512, 32)

    Reference:
        Karras et al. 2020, "Analyzing and Improving the Image Quality of
        StyleGAN", Section 4.1; NVlabs' stylegan2-ada-pytorch
        `training/networks.py`.
    """
    image_shape = _check_image_shape(image_shape)
    resolution = image_shape[0]
    _check_channels(channel_base, channel_max, resolution)
    _check_architecture(architecture, ("resnet", "skip", "orig"))
    check_int(mbstd_group_size, "mbstd_group_size")
    check_int(mbstd_num_channels, "mbstd_num_channels", minimum=0)
    check_int(c_dim, "c_dim", minimum=0)
    clamp = None if conv_clamp is None else check_positive(conv_clamp, "conv_clamp")
    images = keras.Input(image_shape, name="images")

    def conv(filters, kernel_size, tag, down=1, gain=1.0, activation="leaky_relu",
             use_bias=True, clamped=True):
        return EqualizedConv2D(
            filters, kernel_size, gain=1.0, activation=activation, use_bias=use_bias,
            activation_gain=(HE_GAIN if activation else 1.0) * gain,
            clamp=clamp * gain if clamped and clamp is not None else None,
            down=down, resample_kernel=resample_kernel, name=tag,
        )

    x, image = None, images
    res = resolution
    while res > 4:
        tmp, out = _channels(res, channel_base, channel_max), _channels(res // 2, channel_base,
                                                                          channel_max)
        if x is None or architecture == "skip":
            y = conv(tmp, 1, f"b{res}_fromrgb")(image)
            x = y if x is None else keras.layers.Add(name=f"b{res}_add_rgb")([x, y])
            if architecture == "skip":
                image = Resample2D(down=2, kernel=resample_kernel, name=f"b{res}_downsample")(image)
        if architecture == "resnet":
            skip = conv(out, 1, f"b{res}_skip", down=2, gain=SQRT_HALF, activation=None,
                        use_bias=False, clamped=False)(x)
            x = conv(tmp, 3, f"b{res}_conv0")(x)
            x = conv(out, 3, f"b{res}_conv1", down=2, gain=SQRT_HALF)(x)
            x = keras.layers.Add(name=f"b{res}_add")([skip, x])
        else:
            x = conv(tmp, 3, f"b{res}_conv0")(x)
            x = conv(out, 3, f"b{res}_conv1", down=2)(x)
        res //= 2
    channels = _channels(4, channel_base, channel_max)
    if x is None or architecture == "skip":
        y = conv(channels, 1, "b4_fromrgb", clamped=x is None)(image)
        x = y if x is None else keras.layers.Add(name="b4_add_rgb")([x, y])
    if mbstd_num_channels:
        x = MinibatchStdDev(mbstd_group_size, mbstd_num_channels, name="b4_mbstd")(x)
    x = conv(channels, 3, "b4_conv")(x)
    x = keras.layers.Flatten(name="b4_flatten")(x)
    x = EqualizedDense(channels, gain=1.0, activation="leaky_relu", activation_gain=HE_GAIN,
                       name="b4_fc")(x)
    if not c_dim:
        return keras.Model(images, EqualizedDense(1, gain=1.0, name="b4_out")(x), name=name)
    cmap_dim = channels if cmap_dim is None else check_int(cmap_dim, "cmap_dim")
    x = EqualizedDense(cmap_dim, gain=1.0, name="b4_out")(x)
    c = keras.Input((c_dim,), name="c")
    mapping = stylegan_mapping(0, cmap_dim, num_layers=mapping_layers,
                               lr_multiplier=mapping_lr_multiplier, c_dim=c_dim)
    logits = LabelProjection(name="b4_projection")([x, mapping(c)])
    return keras.Model([images, c], logits, name=name)
