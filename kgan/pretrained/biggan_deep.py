"""`pytorch-pretrained-biggan`'s BigGAN-deep generators as kgan networks, weight for weight.

`load_biggan_deep(folder)` reads the package's layout (`config.json`, a
`BigGANConfig`, and `pytorch_model.bin`, its `BigGAN`'s state dict, read with
`weights_only=True`), builds `kgan.networks.biggan_deep_generator` with the same
configuration and copies every tensor into it. Layouts: PyTorch kernels
`[out, in, kh, kw]` become Keras' `(kh, kw, in, out)` and linear weights are
transposed; the spectral-norm vector v of a convolution moves from PyTorch's
`(in, kh, kw)` flattening to Keras' `(kh, kw, in)`. Every tensor of the file
must find its place and every kgan weight must receive one, or the file is
refused. The returned `BigGANDeep` samples as the package does.
"""

import json
import os
import re

import keras
import numpy as np
from keras import ops
from scipy.stats import truncnorm

from kgan.backend.interop import read_torch_state_dict
from kgan.networks.biggan_deep import (
    biggan_deep_generator,
    biggan_deep_statistics_weights,
    mix_statistics_sets,
)
from kgan.utils.placeholder_weights import PlaceholderWeights

WEIGHTS_NAME = "pytorch_model.bin"
CONFIG_NAME = "config.json"
_SOURCE = (
    "pytorch-pretrained-biggan's layout: the released 128/256/512 generators are "
    "https://s3.amazonaws.com/models.huggingface.co/biggan/biggan-deep-<size>-pytorch_model.bin "
    "and biggan-deep-<size>-config.json, saved into one folder under these two names; kgan "
    "never downloads them"
)
_CONFIG_KEYS = {"output_dim", "z_dim", "class_embed_dim", "channel_width", "num_classes",
                "layers", "attention_layer_position", "eps", "n_stats"}
# The self-attention's torch convolutions → kgan.layers.SelfAttention's sub-layers.
_ATTENTION = {"snconv1x1_theta": "query", "snconv1x1_phi": "key", "snconv1x1_g": "value",
              "snconv1x1_o_conv": "output_conv"}


class _Unsupported(ValueError):
    pass


@keras.saving.register_keras_serializable(package="kgan")
class BigGANDeep(keras.Model):
    """A loaded BigGAN-deep generator that samples as `pytorch-pretrained-biggan`.

    Sampling only: the released files hold no discriminator, and the
    generator's batch norms use stored statistics mixed by truncation, unlike
    `kgan.models.BigGAN` (a trainer whose batch norms keep one moving set and
    whose truncation resamples z). It saves as `.keras` and exports to a
    SavedModel (`kgan.export.export_saved_model`: `z`, `labels` and a float64
    `truncation`, see the README's serving section).

    Args:
        generator: the `keras.Model` of `kgan.networks.biggan_deep_generator`.
        config: the `config.json` dict (a `BigGANConfig`).

    Example:
        >>> model = kgan.pretrained.load_biggan_deep("biggan-deep-128")  # a folder
        >>> model.generate([207, 980], truncation=0.4, seed=0).shape
        (2, 128, 128, 3)
    """

    def __init__(self, generator, config, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.config = dict(config)
        self.built = True

    @property
    def sampling_generator(self):
        return self.generator

    @property
    def latent_dim(self):
        return self.config["z_dim"]

    @property
    def num_classes(self):
        return self.config["num_classes"]

    @property
    def statistics_sets(self):
        """int, the stored batch-norm statistics sets (51 in the released files)."""
        return self.config["n_stats"]

    def call(self, inputs, training=False):
        """The generator on `[z, class_vector, set_weights]` (its inputs)."""
        return self.generator(inputs, training=training)

    def sample_with_statistics(self, inputs, index, fraction):
        """Images for `[z, labels]` with the statistics mix at a position (keras.ops).

        Args:
            inputs: `[z (batch, z_dim), labels int (batch,)]`.
            index, fraction: scalars, from `biggan_deep_statistics_position`
                (the export computes them in float64 from the served truncation).

        Returns:
            images `(batch, R, R, 3)` in [-1, 1].
        """
        z, labels = inputs
        weights = mix_statistics_sets(index, fraction, self.statistics_sets)
        set_weights = ops.ones_like(z[:, :1]) * weights[None, :]
        class_vector = ops.one_hot(ops.cast(labels, "int32"), self.num_classes, dtype="float32")
        return self.generator([z, class_vector, set_weights], training=False)

    def get_config(self):
        return {"name": self.name,
                "generator": keras.saving.serialize_keras_object(self.generator),
                "config": self.config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        generator = keras.saving.deserialize_keras_object(config.pop("generator"))
        return cls(generator=generator, **config)

    def truncated_noise(self, num_samples, truncation, seed=None):
        """z as the package's `truncated_noise_sample(num_samples, z_dim, truncation, seed)`.

        Returns:
            float32 `(num_samples, z_dim)`: `truncation` × a normal truncated to
            [-2, 2] drawn by scipy from `np.random.RandomState(seed)`.
        """
        state = None if seed is None else np.random.RandomState(seed)
        shape = (num_samples, self.config["z_dim"])
        return truncation * truncnorm.rvs(-2, 2, size=shape, random_state=state).astype(np.float32)

    def generate(self, labels, truncation=1.0, z=None, num_samples=None, seed=None):
        """Images for `labels`: the package's `BigGAN(z, one_hot(labels), truncation)`.

        Args:
            labels: ints in [0, num_classes) `(batch,)` (one class each), or class
                vectors `(batch, num_classes)` (one-hot or mixes), or one int for
                all `num_samples`.
            truncation: float in (0, 1]; picks the batch-norm statistics (and
                scales z when z is drawn here).
            z: `(batch, z_dim)`, or None to draw `truncated_noise(num_samples,
                truncation, seed)`.
            num_samples: int, the batch when z is None (default: len(labels)).
            seed: int or None, of the drawn z.

        Returns:
            float32 images `(batch, R, R, 3)` in [-1, 1] (NHWC; the package's
            are NCHW).
        """
        num_classes = self.config["num_classes"]
        labels = np.asarray(labels)
        if z is None:
            if num_samples is None:
                num_samples = 1 if labels.ndim == 0 else len(labels)
            z = self.truncated_noise(num_samples, truncation, seed)
        z = np.asarray(z, np.float32)
        if labels.ndim == 0:
            labels = np.full(len(z), labels)
        if labels.ndim == 1:
            if not np.issubdtype(labels.dtype, np.integer) or not (
                (labels >= 0) & (labels < num_classes)
            ).all():
                raise ValueError(
                    f"labels must be ints in [0, {num_classes}). Received: labels={labels}"
                )
            labels = np.eye(num_classes, dtype=np.float32)[labels]
        if labels.shape != (len(z), num_classes) or z.shape[1:] != (self.config["z_dim"],):
            raise ValueError(
                f"labels must be (batch,) or (batch, {num_classes}) with z (batch, "
                f"{self.config['z_dim']}). Received: labels shape {labels.shape}, z shape {z.shape}"
            )
        weights = biggan_deep_statistics_weights(truncation, self.config["n_stats"])
        set_weights = np.tile(weights, (len(z), 1))
        images = self.generator([z, labels.astype(np.float32), set_weights], training=False)
        return ops.convert_to_numpy(images).astype(np.float32)


def _read_config(path):
    with open(path, encoding="utf-8") as file:
        config = json.load(file)
    if not isinstance(config, dict):
        raise _Unsupported(f"{path} must hold a JSON object (a BigGANConfig)")
    unknown = sorted(set(config) - _CONFIG_KEYS)
    missing = sorted(_CONFIG_KEYS - set(config))
    if unknown or missing:
        raise _Unsupported(
            f"{path} must hold exactly BigGANConfig's keys. Unknown: {unknown}; missing: {missing}"
        )
    return config


def build_generator(config, source="config"):
    """`kgan.networks.biggan_deep_generator` for a BigGANConfig dict.

    `class_embed_dim` is not used (the package's class embedding has z_dim
    outputs); `output_dim` must be the resolution that `layers` gives.

    Raises:
        ValueError: for a configuration kgan does not build, naming `source`.
    """
    try:
        generator = biggan_deep_generator(
            layers=[tuple(layer) for layer in config["layers"]],
            z_dim=config["z_dim"],
            channel_width=config["channel_width"],
            num_classes=config["num_classes"],
            attention_layer_position=config["attention_layer_position"],
            epsilon=float(config["eps"]),
            num_sets=config["n_stats"],
        )
    except (TypeError, ValueError) as error:
        raise _Unsupported(f"{source}: kgan does not build this BigGANConfig: {error}") from error
    resolution = generator.output_shape[1]
    if config["output_dim"] != resolution:
        raise _Unsupported(
            f"{source}: output_dim must be the resolution its layers give ({resolution}). "
            f"Received: output_dim={config['output_dim']}"
        )
    return generator


class _Copier:
    """Plans file tensors → kgan weights, checking each shape; `apply` sets them all."""

    def __init__(self, state, source):
        self.state = state
        self.source = source
        self.used = set()
        self.plan = {}  # id(variable) → (variable, value)

    def take(self, key):
        if key not in self.state:
            raise _Unsupported(f"{self.source} has no tensor {key!r}")
        self.used.add(key)
        return self.state[key]

    def assign(self, variable, value, key):
        value = np.asarray(value, np.float32)
        if value.shape != tuple(variable.shape):
            raise _Unsupported(
                f"{self.source}: tensor {key!r} (as {value.shape}) does not fit kgan's "
                f"{variable.path} {tuple(variable.shape)}"
            )
        self.plan[id(variable)] = (variable, value)

    def apply(self):
        for variable, value in self.plan.values():
            variable.assign(value)

    def spectral(self, layer, prefix):
        """A torch spectral-norm Linear/Conv2d at `prefix` into a SpectralNormalization."""
        weight = self.take(prefix + ".weight_orig")
        v = self.take(prefix + ".weight_v")
        if weight.ndim == 4 and v.size == np.prod(weight.shape[1:]):
            # [out, in, kh, kw] → (kh, kw, in, out); v follows from (in, kh, kw) to (kh, kw, in)
            v = v.reshape(weight.shape[1:]).transpose(1, 2, 0)
        weight = weight.transpose(2, 3, 1, 0) if weight.ndim == 4 else weight.T
        self.assign(layer.layer.kernel, weight, prefix + ".weight_orig")
        self.assign(layer.vector_u, self.take(prefix + ".weight_u")[None], prefix + ".weight_u")
        self.assign(layer.vector_v, v.reshape(1, -1), prefix + ".weight_v")
        if layer.layer.use_bias:
            self.assign(layer.layer.bias, self.take(prefix + ".bias"), prefix + ".bias")


def _torch_prefix(layer_name):
    """The package's module path of a builder layer: `generator_layers_3_conv_1_sn` →
    `generator.layers.3.conv_1`, `generator_gen_z_sn` → `generator.gen_z`."""
    name = layer_name.removesuffix("_sn")
    match = re.fullmatch(r"generator_layers_(\d+)(?:_(.+))?", name)
    if match:
        return ".".join(filter(None, ("generator.layers", match[1], match[2])))
    return name.replace("generator_", "generator.", 1)


def _copy_weights(generator, state, source):
    copier = _Copier(state, source)
    for layer in generator.layers:
        if not layer.weights:
            continue
        if layer.name == "embeddings":
            copier.assign(layer.kernel, copier.take("embeddings.weight").T, "embeddings.weight")
            continue
        prefix = _torch_prefix(layer.name)
        kind = type(layer).__name__
        if kind == "SpectralNormalization":
            copier.spectral(layer, prefix)
        elif kind == "SelfAttention":
            for torch_name, attribute in _ATTENTION.items():
                copier.spectral(getattr(layer, attribute), f"{prefix}.{torch_name}")
            copier.assign(layer.gamma, np.squeeze(copier.take(prefix + ".gamma")),
                          prefix + ".gamma")
        elif kind == "InterpolatedBatchNormalization":
            for torch_name, variable in (("running_means", layer.means),
                                         ("running_vars", layer.variances)):
                copier.assign(variable, copier.take(f"{prefix}.{torch_name}"),
                              f"{prefix}.{torch_name}")
            if layer.conditional:
                copier.spectral(layer.gain, prefix + ".scale")
                copier.spectral(layer.bias, prefix + ".offset")
            else:
                copier.assign(layer.gamma, copier.take(prefix + ".weight"), prefix + ".weight")
                copier.assign(layer.beta, copier.take(prefix + ".bias"), prefix + ".bias")
        else:
            raise AssertionError(f"no copy rule for kgan layer {layer.name} ({kind})")
    unused = sorted(set(state) - copier.used)
    if unused:
        raise _Unsupported(f"{source} has tensors kgan's network has no place for: {unused[:8]}")
    unset = [w.path for w in generator.weights if id(w) not in copier.plan]
    if unset:
        raise AssertionError(f"kgan weights {unset[:8]} received no tensor from {source}")
    copier.apply()


def load_biggan_deep(folder):
    """A `pytorch-pretrained-biggan` BigGAN-deep folder as a kgan `BigGANDeep`.

    Args:
        folder: a directory holding `config.json` (a `BigGANConfig`) and
            `pytorch_model.bin` (its `BigGAN`'s state dict), the package's layout.

    Returns:
        `BigGANDeep` whose `generate(labels, truncation, z=...)` equals the
        package's `BigGAN(z, one_hot(labels), truncation)` (NHWC here).

    Raises:
        FileNotFoundError: when the folder or either file is missing.
        ValueError: for a configuration kgan does not build, or tensors that
            do not match it (the message names the file).
        ImportError: when torch (needed to read the `.bin`) is not installed.
    """
    folder = os.fspath(folder)
    paths = {name: os.path.join(folder, name) for name in (CONFIG_NAME, WEIGHTS_NAME)}
    for path in paths.values():
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"{path} not found. A BigGAN-deep folder holds {CONFIG_NAME} and "
                f"{WEIGHTS_NAME} ({_SOURCE})."
            )
    config = _read_config(paths[CONFIG_NAME])
    placeholders = PlaceholderWeights()  # every weight comes from the file
    with placeholders:
        generator = build_generator(config, paths[CONFIG_NAME])
    state = read_torch_state_dict(paths[WEIGHTS_NAME])
    _copy_weights(generator, state, paths[WEIGHTS_NAME])
    placeholders.check_all_assigned()
    return BigGANDeep(generator, config)
