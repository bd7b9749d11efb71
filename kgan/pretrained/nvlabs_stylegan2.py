"""NVlabs' stylegan2-ada-pytorch networks as kgan StyleGAN2 models, weight for weight.

`load_nvlabs_stylegan2` reads a network pickle with `read_nvlabs_pickle`
(tensors and constructor arguments only; no code from the file runs), builds
kgan's networks with the same configuration (`kgan.networks.stylegan_mapping`,
`stylegan2_synthesis`, `stylegan2_discriminator`) and copies every tensor
into them. Layouts: PyTorch kernels `[out, in, kh, kw]` become Keras'
`(kh, kw, in, out)`; the upsampling convolutions (NVlabs' transposed
convolutions) are flipped spatially; the 4×4 dense layer's input order moves
from NCHW to NHWC flattening; every parameter and buffer must find its place
and every kgan weight must receive one, or the file is refused.
"""

import numpy as np

from kgan.networks.stylegan import (
    stylegan2_discriminator,
    stylegan2_synthesis,
    stylegan_generator,
    stylegan_mapping,
)
from kgan.pretrained.nvlabs_pickle import read_nvlabs_pickle
from kgan.utils.placeholder_weights import PlaceholderWeights

_GENERATOR_KEYS = {"z_dim", "c_dim", "w_dim", "img_resolution", "img_channels",
                   "mapping_kwargs", "synthesis_kwargs"}
_MAPPING_KEYS = {"num_layers", "embed_features", "layer_features", "activation",
                 "lr_multiplier", "w_avg_beta"}
_SYNTHESIS_KEYS = {"channel_base", "channel_max", "num_fp16_res", "conv_clamp", "architecture",
                   "resample_filter", "use_noise", "activation", "fp16_channels_last",
                   "fused_modconv_default"}
_DISCRIMINATOR_KEYS = {"c_dim", "img_resolution", "img_channels", "architecture",
                       "channel_base", "channel_max", "num_fp16_res", "conv_clamp", "cmap_dim",
                       "block_kwargs", "mapping_kwargs", "epilogue_kwargs"}
_BLOCK_KEYS = {"activation", "resample_filter", "fp16_channels_last", "freeze_layers"}
_EPILOGUE_KEYS = {"mbstd_group_size", "mbstd_num_channels", "activation"}


class _Unsupported(ValueError):
    pass


def _kwargs(kwargs, allowed, where):
    kwargs = dict(kwargs or {})
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise _Unsupported(f"{where} has arguments kgan does not build: {unknown}")
    if kwargs.get("activation", "lrelu") != "lrelu":
        raise _Unsupported(f"{where}: activation {kwargs['activation']!r} (kgan builds 'lrelu')")
    return kwargs


def _taps(kwargs, where):
    taps = kwargs.get("resample_filter", [1, 3, 3, 1])
    if np.ndim(taps) != 1:
        raise _Unsupported(f"{where}: a 2-D resample_filter {taps!r}")
    return tuple(float(t) for t in taps)


def _mapping_args(kwargs, where):
    kwargs = _kwargs(kwargs, _MAPPING_KEYS, where)
    return {
        "num_layers": kwargs.get("num_layers", 8),
        "lr_multiplier": float(kwargs.get("lr_multiplier", 0.01)),
        "embed_features": kwargs.get("embed_features"),
        "layer_features": kwargs.get("layer_features"),
    }, kwargs.get("w_avg_beta", 0.995)


def build_generator(init_kwargs):
    """kgan's generator for NVlabs' `Generator(**init_kwargs)`, and its `w_avg_beta`.

    Returns:
        `(generator, w_avg_beta)`: a `keras.Model` z (or `[z, c]`) → NHWC
        images with layers `"mapping"` and `"synthesis"`.

    Raises:
        ValueError: for a configuration kgan does not build.
    """
    kwargs = _kwargs(init_kwargs, _GENERATOR_KEYS, "Generator")
    synthesis_kwargs = _kwargs(kwargs.get("synthesis_kwargs"), _SYNTHESIS_KEYS, "SynthesisNetwork")
    mapping_args, w_avg_beta = _mapping_args(kwargs.get("mapping_kwargs"), "MappingNetwork")
    resolution, channels = kwargs["img_resolution"], kwargs["img_channels"]
    mapping = stylegan_mapping(kwargs["z_dim"], kwargs["w_dim"], c_dim=kwargs.get("c_dim", 0),
                               **mapping_args)
    synthesis = stylegan2_synthesis(
        kwargs["w_dim"], (resolution, resolution, channels),
        channel_base=synthesis_kwargs.get("channel_base", 32768),
        channel_max=synthesis_kwargs.get("channel_max", 512),
        architecture=synthesis_kwargs.get("architecture", "skip"),
        conv_clamp=synthesis_kwargs.get("conv_clamp"),
        use_noise=synthesis_kwargs.get("use_noise", True),
        resample_kernel=_taps(synthesis_kwargs, "SynthesisNetwork"),
    )
    return stylegan_generator(mapping, synthesis), w_avg_beta


def build_discriminator(init_kwargs):
    """kgan's discriminator for NVlabs' `Discriminator(**init_kwargs)`.

    Raises:
        ValueError: for a configuration kgan does not build.
    """
    kwargs = _kwargs(init_kwargs, _DISCRIMINATOR_KEYS, "Discriminator")
    block_kwargs = _kwargs(kwargs.get("block_kwargs"), _BLOCK_KEYS, "DiscriminatorBlock")
    epilogue_kwargs = _kwargs(kwargs.get("epilogue_kwargs"), _EPILOGUE_KEYS,
                              "DiscriminatorEpilogue")
    mapping_args, _ = _mapping_args(kwargs.get("mapping_kwargs"), "Discriminator mapping")
    if mapping_args.pop("embed_features") is not None or mapping_args.pop("layer_features"):
        raise _Unsupported("Discriminator mapping with embed_features or layer_features")
    if epilogue_kwargs.get("mbstd_group_size", 4) is None:
        raise _Unsupported("mbstd_group_size=None (the whole batch as one group)")
    resolution, channels = kwargs["img_resolution"], kwargs["img_channels"]
    return stylegan2_discriminator(
        (resolution, resolution, channels),
        channel_base=kwargs.get("channel_base", 32768),
        channel_max=kwargs.get("channel_max", 512),
        mbstd_group_size=epilogue_kwargs.get("mbstd_group_size", 4),
        mbstd_num_channels=epilogue_kwargs.get("mbstd_num_channels", 1),
        architecture=kwargs.get("architecture", "resnet"),
        conv_clamp=kwargs.get("conv_clamp"),
        c_dim=kwargs.get("c_dim", 0),
        cmap_dim=kwargs.get("cmap_dim"),
        mapping_layers=mapping_args["num_layers"],
        mapping_lr_multiplier=mapping_args["lr_multiplier"],
        resample_kernel=_taps(block_kwargs, "DiscriminatorBlock"),
    )


class _Tensors:
    """The file's tensors of one network, handed out once each by name."""

    def __init__(self, tensors, network):
        self.tensors = dict(tensors)
        self.network = network

    def take(self, name):
        if name not in self.tensors:
            raise _Unsupported(f"{self.network} has no tensor {name!r} where kgan expects one")
        return np.asarray(self.tensors.pop(name), dtype="float32")

    def check_all_taken(self):
        left = sorted(name for name in self.tensors if not name.endswith("resample_filter"))
        if left:
            raise _Unsupported(f"{self.network} has tensors kgan's network has no place for: {left}")


def _conv_kernel(weight, flip=False):
    kernel = np.transpose(weight, (2, 3, 1, 0))
    return kernel[::-1, ::-1] if flip else kernel


def _assign(variable, value, where):
    if tuple(variable.shape) != tuple(value.shape):
        raise _Unsupported(
            f"{where}: the file's tensor has shape {tuple(value.shape)}; kgan's "
            f"{variable.path} has {tuple(variable.shape)}"
        )
    variable.assign(np.array(value, order="C"))


def _load_dense(layer, tensors, prefix):
    _assign(layer.kernel, tensors.take(f"{prefix}.weight").T, prefix)
    if layer.bias is not None:
        _assign(layer.bias, tensors.take(f"{prefix}.bias"), prefix)


def _load_conv(layer, tensors, prefix, flip=False):
    _assign(layer.kernel, _conv_kernel(tensors.take(f"{prefix}.weight"), flip), prefix)
    if layer.bias is not None:
        _assign(layer.bias, tensors.take(f"{prefix}.bias"), prefix)


def _load_mapping(mapping, tensors, prefix):
    for layer in mapping.layers:
        if layer.name == "embed" or layer.name.startswith("fc"):
            _load_dense(layer, tensors, f"{prefix}.{layer.name}")


def _load_synthesis(synthesis, tensors):
    for layer in synthesis.layers:
        name = layer.name
        if name == "b4_const":
            _assign(layer.constant, np.transpose(tensors.take("synthesis.b4.const"), (1, 2, 0)), name)
            continue
        if not hasattr(layer, "modulated_kernel"):
            continue
        block, conv = name.split("_")
        prefix = f"synthesis.{block}.{conv}"
        _load_conv(layer, tensors, prefix, flip=layer.up > 1)
        _load_dense(layer.affine, tensors, f"{prefix}.affine")
        if layer.noise is not None:
            _assign(layer.noise.strength, tensors.take(f"{prefix}.noise_strength"), prefix)
            _assign(layer.noise.const_noise, tensors.take(f"{prefix}.noise_const")[:, :, None],
                    prefix)


def _load_discriminator(discriminator, tensors):
    for layer in discriminator.layers:
        name = layer.name
        if name == "mapping":
            _load_mapping(layer, tensors, "mapping")
        elif name == "b4_fc":
            weight = tensors.take("b4.fc.weight")
            channels = weight.shape[1] // 16
            # NVlabs flattens NCHW (c, h, w); Keras flattens NHWC (h, w, c).
            weight = weight.reshape(-1, channels, 4, 4).transpose(0, 2, 3, 1).reshape(len(weight), -1)
            _assign(layer.kernel, weight.T, name)
            _assign(layer.bias, tensors.take("b4.fc.bias"), name)
        elif name == "b4_out":
            _load_dense(layer, tensors, "b4.out")
        elif hasattr(layer, "resample_kernel") and hasattr(layer, "kernel"):
            block, conv = name.split("_")
            _load_conv(layer, tensors, f"{block}.{conv}")


def _network(records, role, path):
    record = records.get(role)
    if record is None:
        raise ValueError(f"{path} has no {role!r} network (found {sorted(records)}).")
    return record


def load_nvlabs_stylegan2(path, **model_kwargs):
    """A `kgan.models.StyleGAN2` holding an NVlabs stylegan2-ada-pytorch network pickle.

    The pickle's `G`, `G_ema` and `D` become the model's `generator`,
    `generator_ema` and `discriminator`; `G_ema`'s tracked average w becomes
    `model.w_avg`. Nothing the file carries is executed (see
    `read_nvlabs_pickle`). With the same z (and labels), `model.generate(z=z,
    psi=ψ, noise_mode="const")` returns NVlabs' `G_ema(z, c,
    truncation_psi=ψ, noise_mode="const")` in NHWC, unclipped, and
    `model.discriminator(images)` (`[images, c]` when conditional) returns
    `D(images, c)`; kgan runs in float32 where NVlabs runs its highest
    resolutions in float16 on GPUs.

    Args:
        path: a `network-snapshot-*.pkl` or a published pickle (e.g.
            NVlabs' `ffhq.pkl`); kgan never downloads one.
        **model_kwargs: arguments of `kgan.models.StyleGAN2` (e.g.
            `r1_gamma`, `ema_half_life_images`), for fine-tuning.

    Returns:
        An uncompiled `kgan.models.StyleGAN2`.

    Raises:
        FileNotFoundError: no file at `path`.
        ValueError: not such a pickle, a global outside the allowlist, or a
            configuration kgan does not build (the message says which).
    """
    from kgan.models.stylegan import StyleGAN2  # models import networks; avoid a cycle

    records = read_nvlabs_pickle(path)
    try:
        g_record, d_record = _network(records, "G", path), _network(records, "D", path)
        ema_record = records.get("G_ema") or g_record
        placeholders = PlaceholderWeights()  # every weight comes from the file
        with placeholders:
            generator, w_avg_beta = build_generator(g_record.init_kwargs)
            generator_ema, _ = build_generator(ema_record.init_kwargs)
            discriminator = build_discriminator(d_record.init_kwargs)
        w_avg = None
        for network, record, role in ((generator, g_record, "G"),
                                      (generator_ema, ema_record, "G_ema")):
            tensors = _Tensors(record.tensors, role)
            _load_mapping(network.get_layer("mapping"), tensors, "mapping")
            _load_synthesis(network.get_layer("synthesis"), tensors)
            w_avg = tensors.take("mapping.w_avg")
            tensors.check_all_taken()
        tensors = _Tensors(d_record.tensors, "D")
        _load_discriminator(discriminator, tensors)
        tensors.check_all_taken()
    except ValueError as error:  # _Unsupported, or a builder's refusal of an argument
        raise ValueError(f"{path}: {error}. kgan cannot load this configuration.") from None
    model_kwargs.setdefault("w_avg_beta", w_avg_beta if w_avg_beta is not None else 0.995)
    with placeholders:
        model = StyleGAN2(generator, discriminator, **model_kwargs)
    if model.generator_ema is None:
        raise ValueError("load_nvlabs_stylegan2 keeps G_ema: leave the model's EMA enabled.")
    model.generator_ema.set_weights(generator_ema.get_weights())
    model.w_avg.assign(w_avg)
    placeholders.check_all_assigned()
    return model
