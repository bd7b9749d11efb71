"""The pix2pix/CycleGAN networks of junyanz/pytorch-CycleGAN-and-pix2pix as kgan networks.

The authors' `BaseModel.save_networks` writes each network's PyTorch
`state_dict()` (`latest_net_G.pth`, `latest_net_G_A.pth`, …). A loader here
reads such a file with `torch.load(weights_only=True)` (tensors only, no code),
builds kgan's network of the configuration the caller names (the authors'
`--netG`, `--norm`, `--input_nc`, … options: the file does not record them) and
copies every tensor into it. The shared part, `_copy_state_dict`, walks the
network's weighted layers in order beside the authors' module paths: PyTorch
kernels `[out, in, kh, kw]` (transposed convolutions `[in, out, kh, kw]`)
become Keras' `(kh, kw, in, out)` (`(kh, kw, out, in)`), batch norms take
weight, bias, running mean and variance. Every tensor must find its place and
every kgan weight must receive one, or the file is refused. As the authors'
loader does, InstanceNorm running statistics that files written before PyTorch
0.4 carry are dropped: the authors' instance normalisation uses none.
"""

import os

import numpy as np

from kgan.backend.interop import read_torch_state_dict
from kgan.networks.patchgan import patchgan_discriminator, pixel_discriminator
from kgan.networks.resnet_generator import resnet_generator
from kgan.networks.unet import unet_generator
from kgan.utils.placeholder_weights import PlaceholderWeights
from kgan.utils.validation import check_int

GENERATORS = {"resnet_9blocks": 9, "resnet_6blocks": 6, "unet_128": 7, "unet_256": 8}
DISCRIMINATORS = ("basic", "n_layers", "pixel")
NORMS = {"batch": "batch", "instance": "instance", "none": None}
_WHERE = (
    "The authors publish their pretrained generators at "
    "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/NAME.pth (CycleGAN) and "
    "http://efrosgans.eecs.berkeley.edu/pix2pix/models-pytorch/NAME.pth (pix2pix); their "
    "scripts/download_cyclegan_model.sh and scripts/download_pix2pix_model.sh fetch them (save "
    "the file as checkpoints/NAME_pretrained/latest_net_G.pth). kgan never downloads them."
)
# The running statistics PyTorch < 0.4 saved for InstanceNorm layers.
_INSTANCE_NORM_STATISTICS = ("running_mean", "running_var", "num_batches_tracked")


def load_junyanz_generator(path, netG="resnet_9blocks", norm="instance", input_nc=3, output_nc=3,
                           ngf=64, use_dropout=False, image_size=256):
    """A pix2pix/CycleGAN generator file of the authors' code → a kgan generator.

    The arguments are the authors' `define_G` options the file was trained with
    (CycleGAN's pretrained models: `netG="resnet_9blocks", norm="instance"`;
    pix2pix's: `netG="unet_256", norm="batch", use_dropout=True`).

    Inference: `g(images)` (`training=False`) is the authors' network in eval
    mode (`--eval`): batch norms use the stored running statistics, no dropout.
    The authors' test script runs pix2pix's generator in train mode unless
    `--eval` is given: batch statistics of the test batch and active dropout;
    `g(images, training=True)` does the same.

    Args:
        path: str, a `.pth` state dict written by the authors' `save_networks`.
        netG: `"resnet_9blocks"` (default), `"resnet_6blocks"`, `"unet_256"` or
            `"unet_128"`.
        norm: `"instance"` (default), `"batch"` or `"none"`.
        input_nc: int, default 3, input channels.
        output_nc: int, default 3, output channels.
        ngf: int, default 64, filters of the first layer.
        use_dropout: bool, default False (True for the authors' pix2pix models).
        image_size: int or `(height, width)`, default 256, the input size the
            network is built for; divisible by 4 (ResNet), by 128 (`unet_128`)
            or by 256 (`unet_256`).

    Returns:
        `keras.Model`: images `(batch, height, width, input_nc)` in [-1, 1] (the
        authors' NCHW images, channels last) → `(batch, height, width,
        output_nc)` in [-1, 1].

    Raises:
        FileNotFoundError: when `path` does not exist.
        ValueError: for an unknown `netG` or `norm`, or a file whose tensors do
            not fit that network (names, shapes, missing or extra tensors).

    Example:
        >>> g = kgan.pretrained.load_junyanz_generator("horse2zebra.pth")  # CycleGAN
        >>> zebras = g(horses)               # (batch, 256, 256, 3) in [-1, 1]
        >>> p = kgan.pretrained.load_junyanz_generator(
        ...     "facades_label2photo.pth", netG="unet_256", norm="batch", use_dropout=True)
        >>> photos = p(labels, training=True)  # as the authors' test.py without --eval
    """
    if netG not in GENERATORS:
        raise ValueError(f"netG must be one of {tuple(GENERATORS)}. Received: netG={netG!r}")
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {tuple(NORMS)}. Received: norm={norm!r}")
    height, width = (image_size, image_size) if np.ndim(image_size) == 0 else tuple(image_size)
    state = _read_state_dict(path)
    dropout = 0.5 if use_dropout else 0.0
    placeholders = PlaceholderWeights()  # every weight comes from the file
    with placeholders:
        if netG.startswith("resnet"):
            model = resnet_generator((height, width, input_nc), output_nc, base_filters=ngf,
                                     num_blocks=GENERATORS[netG], normalization=NORMS[norm],
                                     dropout=dropout, name=netG)
            paths = _resnet_paths(GENERATORS[netG], use_dropout)
        else:
            depth = GENERATORS[netG]
            model = unet_generator((height, width, input_nc), output_nc, base_filters=ngf,
                                   depth=depth, dropout=dropout, normalization=NORMS[norm],
                                   name=netG)
            paths = _unet_paths(depth)
    _copy_state_dict(state, model, paths, norm, path,
                     f"netG={netG!r}, norm={norm!r}, use_dropout={use_dropout}")
    placeholders.check_all_assigned()
    return model


def _resnet_paths(num_blocks, use_dropout):
    """`(module path, kind)` of the authors' ResnetGenerator's weighted modules in
    the order kgan's `resnet_generator` creates its layers."""
    paths = [("model.1", "conv"), ("model.2", "norm")]
    for i in range(2):  # the two downsamplings: Conv, norm, ReLU
        paths += [(f"model.{4 + 3 * i}", "conv"), (f"model.{5 + 3 * i}", "norm")]
    second = 6 if use_dropout else 5  # nn.Dropout shifts the block's second convolution
    for b in range(num_blocks):
        block = f"model.{10 + b}.conv_block"
        paths += [(f"{block}.1", "conv"), (f"{block}.2", "norm"),
                  (f"{block}.{second}", "conv"), (f"{block}.{second + 1}", "norm")]
    up = 10 + num_blocks
    for i in range(2):  # ConvTranspose, norm, ReLU
        paths += [(f"model.{up + 3 * i}", "convT"), (f"model.{up + 3 * i + 1}", "norm")]
    return paths + [(f"model.{up + 7}", "conv")]  # after the ReflectionPad2d at up + 6


def _unet_paths(depth):
    """`(module path, kind)` of the authors' UnetGenerator's weighted modules in the
    order kgan's `unet_generator` creates its layers (encoder, then decoder).

    Block 0 (outermost) is `model.model`: [downconv, submodule, uprelu, upconv, tanh];
    the middle blocks [downrelu, downconv, downnorm, submodule, uprelu, upconv, upnorm,
    (dropout)]; the innermost [downrelu, downconv, uprelu, upconv, upnorm]."""
    blocks = ["model.model", "model.model.1.model"]
    while len(blocks) < depth:
        blocks.append(blocks[-1] + ".3.model")
    paths = [(f"{blocks[0]}.0", "conv")]
    for level in range(1, depth):
        paths.append((f"{blocks[level]}.1", "conv"))
        if level < depth - 1:
            paths.append((f"{blocks[level]}.2", "norm"))
    paths += [(f"{blocks[depth - 1]}.3", "convT"), (f"{blocks[depth - 1]}.4", "norm")]
    for level in reversed(range(1, depth - 1)):
        paths += [(f"{blocks[level]}.5", "convT"), (f"{blocks[level]}.6", "norm")]
    return paths + [(f"{blocks[0]}.3", "convT")]


def load_junyanz_discriminator(path, netD="basic", n_layers_D=3, norm="batch", input_nc=6, ndf=64,
                               image_size=256):
    """A pix2pix/CycleGAN discriminator file of the authors' code → a kgan discriminator.

    The arguments are the authors' `define_D` options the file was trained with
    (`--netD`, `--n_layers_D`, `--norm`, `--ndf`; `input_nc` is the condition's
    plus the image's channels for pix2pix, whose discriminator sees both
    concatenated, and the image's channels for CycleGAN). The authors publish
    generators only: discriminator files are those their training writes,
    `checkpoints/NAME/latest_net_D.pth` (pix2pix) or `latest_net_D_A.pth` and
    `latest_net_D_B.pth` (CycleGAN).

    Args:
        path: str, a `.pth` state dict written by the authors' `save_networks`.
        netD: `"basic"` (default; the 70×70 PatchGAN), `"n_layers"` (PatchGAN
            with `n_layers_D` stride-2 convolutions) or `"pixel"` (1×1 PixelGAN).
        n_layers_D: int ≥ 1, default 3, used by `"n_layers"` only.
        norm: `"batch"` (default), `"instance"` or `"none"`.
        input_nc: int, default 6, input channels.
        ndf: int, default 64, filters of the first layer.
        image_size: int or `(height, width)`, default 256, the input size the
            network is built for; at least `3 * 2**n_layers` for the PatchGANs.

    Returns:
        `keras.Model`: images `(batch, height, width, input_nc)` in [-1, 1] (the
        authors' NCHW images, channels last) → logits `(batch, height // 2**n − 2,
        width // 2**n − 2, 1)` for the PatchGANs (n = 3 for `"basic"`), `(batch,
        height, width, 1)` for `"pixel"`; no sigmoid. `training=False` is the
        authors' eval mode (batch norms use the stored running statistics).

    Raises:
        FileNotFoundError: when `path` does not exist.
        ValueError: for an unknown `netD` or `norm`, or a file whose tensors do
            not fit that network (names, shapes, missing or extra tensors).

    Example:
        >>> d = kgan.pretrained.load_junyanz_discriminator(
        ...     "checkpoints/facades_pix2pix/latest_net_D.pth", input_nc=6)
    """
    if netD not in DISCRIMINATORS:
        raise ValueError(f"netD must be one of {DISCRIMINATORS}. Received: netD={netD!r}")
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {tuple(NORMS)}. Received: norm={norm!r}")
    check_int(n_layers_D, "n_layers_D")
    height, width = (image_size, image_size) if np.ndim(image_size) == 0 else tuple(image_size)
    state = _read_state_dict(path)
    placeholders = PlaceholderWeights()  # every weight comes from the file
    with placeholders:
        if netD == "pixel":
            model = pixel_discriminator((height, width, input_nc), base_filters=ndf,
                                        normalization=NORMS[norm], name=netD)
            paths = [("net.0", "conv"), ("net.2", "conv"), ("net.3", "norm"), ("net.5", "conv")]
        else:
            num_layers = 3 if netD == "basic" else n_layers_D
            model = patchgan_discriminator((height, width, input_nc), base_filters=ndf,
                                           num_layers=num_layers, normalization=NORMS[norm],
                                           name=netD)
            paths = _patchgan_paths(num_layers)
    _copy_state_dict(state, model, paths, norm, path,
                     f"netD={netD!r}, n_layers_D={n_layers_D}, norm={norm!r}")
    placeholders.check_all_assigned()
    return model


def _patchgan_paths(num_layers):
    """`(module path, kind)` of the authors' NLayerDiscriminator's weighted modules:
    `model` is [Conv, LeakyReLU] + [Conv, norm, LeakyReLU] × num_layers + [Conv]
    (a `"none"` norm is an `Identity` module that keeps its index)."""
    paths = [("model.0", "conv")]
    for layer in range(num_layers):
        paths += [(f"model.{2 + 3 * layer}", "conv"), (f"model.{3 + 3 * layer}", "norm")]
    return paths + [(f"model.{2 + 3 * num_layers}", "conv")]


# Shared by the junyanz loaders: reading the file, copying tensors into a built network.


def _read_state_dict(path):
    """The file's tensors: module path + "." + parameter name → float32 array."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No junyanz/pytorch-CycleGAN-and-pix2pix network file at {path!r}. "
                                + _WHERE)
    try:
        return read_torch_state_dict(path)
    except ValueError as error:
        raise ValueError(f"{path} is not a PyTorch state dict as the authors' save_networks "
                         f"writes: {error}") from error


def _copy_state_dict(state, model, paths, norm, path, configuration):
    """Copies `state` into `model`'s weighted layers, which pair in order with
    `paths` (`(module path, "conv" | "convT" | "norm")`, the norm ones kept for every
    `norm`: only batch norms have weights; instance norms' old running statistics
    are dropped). Refuses any tensor left over and any weight left unassigned."""
    state = dict(state)
    layers = [layer for layer in model.layers if layer.weights]
    weighted = [(p, kind) for p, kind in paths if kind != "norm" or norm == "batch"]
    if norm == "instance":
        for p, kind in paths:
            if kind == "norm":
                for name in _INSTANCE_NORM_STATISTICS:
                    state.pop(f"{p}.{name}", None)
    if len(layers) != len(weighted):  # the builders and the path lists disagree: a kgan bug
        raise RuntimeError(f"{len(layers)} weighted layers for {len(weighted)} modules")
    for layer, (prefix, kind) in zip(layers, weighted, strict=True):
        names = ["weight", "bias", "running_mean", "running_var"] if kind == "norm" else ["weight", "bias"]
        tensors = []
        for name in names[:len(layer.weights)]:
            key = f"{prefix}.{name}"
            if key not in state:
                raise ValueError(f"{path} has no tensor {key!r}, which the authors' network of "
                                 f"{configuration} has: the file is of another configuration.")
            tensor = state.pop(key)
            tensors.append(_keras_layout(tensor, kind) if name == "weight" and kind != "norm"
                           else tensor)
        if kind == "norm":
            state.pop(f"{prefix}.num_batches_tracked", None)
        for variable, tensor in zip(layer.weights, tensors, strict=True):
            if tuple(variable.shape) != tensor.shape:
                raise ValueError(
                    f"{path}: tensor {prefix!r} has shape {tensor.shape} where the network of "
                    f"{configuration} needs {tuple(variable.shape)}: the file is of another "
                    "configuration (netG, norm, use_dropout, input_nc, output_nc, ngf).")
            variable.assign(tensor)
    if state:
        raise ValueError(f"{path} has tensors the authors' network of {configuration} lacks: "
                         f"{sorted(state)[:8]}: the file is of another configuration.")


def _keras_layout(kernel, kind):
    """PyTorch `[out, in, kh, kw]` (transposed: `[in, out, kh, kw]`) → Keras
    `(kh, kw, in, out)` (transposed: `(kh, kw, out, in)`): the same transpose."""
    if kernel.ndim != 4:
        raise ValueError(f"A {kind} kernel must be 4-D. Received: shape={kernel.shape}")
    return np.transpose(kernel, (2, 3, 1, 0))
