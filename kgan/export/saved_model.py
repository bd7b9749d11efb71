"""SavedModel export with fixed serving signatures, from any Keras backend."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import keras

from kgan.backend import writes_saved_models

SIGNATURES = ("serving_default", "generate")
TRANSLATOR_SIGNATURES = ("serving_default",)
# What a SavedModel directory holds; `overwrite` removes nothing else.
SAVED_MODEL_ENTRIES = {"saved_model.pb", "variables", "assets", "assets.extra", "fingerprint.pb"}


def _input_shapes(network):
    shapes = network.input_shape if isinstance(network.input_shape, list) else [network.input_shape]
    return [tuple(shape) for shape in shapes]


def _translator_condition(model, network, shapes, num_classes):
    """The condition input of a conditional translator ([images, condition]), or None.

    A float condition `(batch, K)` (StarGAN's attributes, GANimation's action
    units) is served as `conditions` float32 `[batch, K]`; an int condition
    `(batch,)` (Zi2Zi's style index) as `styles` int32 `[batch]`, in
    `[0, num_styles)` from `model.num_styles` or the `num_classes` argument.
    """
    if len(shapes) == 1:
        return None
    condition = network.inputs[1]
    if len(shapes[1]) == 2 and shapes[1][1] is not None and "float" in str(condition.dtype):
        return {"name": "conditions", "dtype": "float32", "width": int(shapes[1][1])}
    count = getattr(model, "num_styles", None) if num_classes is None else num_classes
    if len(shapes[1]) == 1 and "int" in str(condition.dtype) and isinstance(count, int):
        return {"name": "styles", "dtype": "int32", "num_styles": count}
    raise ValueError(
        "A conditional translator must take [images, conditions float (batch, K)] or [images, "
        "styles int (batch,)] with num_styles known (kgan.models.Zi2Zi states it; else pass "
        f"num_classes). Received input shapes {shapes}, condition dtype {condition.dtype}, "
        f"num_styles={count!r}."
    )


def _contract(model, latent_dim, num_classes):
    """What the export serves: the network, its kind and input sizes."""
    if not isinstance(model, keras.Model) or not model.built:
        raise ValueError(
            "model must be a built keras.Model (a kgan model or a generator). "
            f"Received: model={model!r}"
        )
    network = getattr(model, "sampling_generator", model)
    shapes = _input_shapes(network)
    if getattr(model, "is_translator", False) or (network is model and len(shapes[0]) == 4):
        kind = "translator"
    elif len(shapes) == 2:
        kind = "conditional"
    else:
        kind = "unconditional"
    truncation = callable(getattr(model, "sample_with_truncation", None))
    # BigGAN-deep's batch norms mix stored statistics sets by truncation.
    statistics_sets = getattr(model, "statistics_sets", None)
    if statistics_sets is not None:
        kind, truncation = "conditional", True
    if kind == "translator":
        if not 1 <= len(shapes) <= 2 or len(shapes[0]) != 4 or None in shapes[0][1:]:
            raise ValueError(
                "A translator's sampling_generator must take images (batch, H, W, C) of a "
                f"fixed size, or [images, condition]. Received input shapes {shapes}."
            )
        return network, {"kind": kind, "latent_dim": None, "num_classes": None,
                         "image_shape": shapes[0][1:], "truncation": False,
                         "statistics_sets": None,
                         "condition": _translator_condition(model, network, shapes, num_classes)}
    latent_dim = getattr(model, "latent_dim", latent_dim) if latent_dim is None else latent_dim
    num_classes = getattr(model, "num_classes", num_classes) if num_classes is None else num_classes
    network_latent = shapes[0][1:]
    if latent_dim is None:
        latent_dim = network_latent[0] if len(network_latent) == 1 else None
    if network_latent != (latent_dim,):
        raise ValueError(
            "latent_dim must match the generator's latent input of shape "
            f"{(None, *network_latent)}. "
            f"Received: latent_dim={latent_dim!r}"
        )
    if kind == "conditional" and not (isinstance(num_classes, int) and num_classes >= 2):
        raise ValueError(
            "A conditional generator ([z, labels] → images) needs num_classes, an integer ≥ 2 "
            f"(kgan.models.CGAN states it). Received: num_classes={num_classes!r}"
        )
    output_shape = tuple(network.output_shape)
    if len(output_shape) != 4:
        raise ValueError(
            "export_saved_model serves image generators: the generator must output images "
            f"(batch, H, W, C). Received a generator with output shape {output_shape}."
        )
    return network, {"kind": kind, "latent_dim": latent_dim,
                     "num_classes": num_classes if kind == "conditional" else None,
                     "image_shape": output_shape[1:], "truncation": truncation,
                     "statistics_sets": statistics_sets}


def _forward(model, network, contract):
    """The generator's forward pass in keras.ops, positional inputs as exported."""
    conditional = contract["kind"] == "conditional"
    if contract["statistics_sets"]:
        def forward(z, labels, index, fraction):
            return model.sample_with_statistics([z, labels], index, fraction)
    elif contract["truncation"]:
        def forward(z, *rest):
            inputs = [z, rest[0]] if conditional else z
            return model.sample_with_truncation(inputs, rest[-1])
    elif conditional:
        def forward(z, labels):
            return network([z, labels], training=False)
    elif contract["kind"] == "translator" and contract["condition"]:
        def forward(images, condition):
            return network([images, condition], training=False)
    else:
        def forward(inputs):
            return network(inputs, training=False)
    return forward


def _check_signatures(signatures, kind):
    allowed = TRANSLATOR_SIGNATURES if kind == "translator" else SIGNATURES
    if signatures is None:
        return allowed
    if isinstance(signatures, str):
        signatures = (signatures,)
    signatures = tuple(signatures)
    if not signatures or "serving_default" not in signatures or not set(signatures) <= set(allowed):
        raise ValueError(
            f"signatures must include 'serving_default' and be a subset of {allowed} for a "
            f"{kind} model. Received: signatures={signatures!r}"
        )
    return tuple(name for name in allowed if name in signatures)


def _clear_directory(path, overwrite):
    """Checks that `path` is new or an empty directory; with `overwrite`, a
    SavedModel's directory is removed first, so no file of the old export stays."""
    if os.path.isfile(path):
        raise FileExistsError(f"path must be a directory, not a file. Received: path={path!r}")
    entries = sorted(os.listdir(path)) if os.path.isdir(path) else []
    if not entries:
        return
    if not overwrite:
        raise FileExistsError(
            f"{path!r} already holds an export or other files ({', '.join(entries[:5])}); "
            "pass overwrite=True (kgan export --overwrite) to replace it, or export to a new "
            "directory (for TF Serving, the next version number)."
        )
    if "saved_model.pb" not in entries or not set(entries) <= SAVED_MODEL_ENTRIES:
        raise FileExistsError(
            f"{path!r} holds files that are not a SavedModel's ({', '.join(entries[:5])}); "
            "overwrite replaces a SavedModel only: export to a new directory."
        )
    shutil.rmtree(path)


def export_saved_model(model, path, *, signatures=None, latent_dim=None, num_classes=None,
                       overwrite=False):
    """Writes a TF Serving SavedModel of a generator, from any Keras backend.

    The served network is `model.sampling_generator` (the generator EMA when
    the model keeps one) for kgan models, else `model` itself. Signatures
    (see the README's serving section for the full contract):

    - unconditional generators: `serving_default(z)` with `z` float32
      `[batch, latent_dim]`; `generate(seed, num_samples)` with `seed` int64 and
      `num_samples` int32 scalars draws z ~ N(0, I) in the graph
      (`tf.random.stateless_normal` with seed `[seed, 0]`, so a seed gives the
      same images at every call, though not the same z as
      `model.generate(seed=...)`, which uses numpy).
    - conditional generators (two inputs `[z, labels]`, e.g. `kgan.models.CGAN`):
      both signatures also take `labels` int32 `[batch]` in `[0, num_classes)`,
      one per row of z (`serving_default`) or per sample (`generate`, whose
      `labels` must have length `num_samples`).
    - image-to-image translators (models with `is_translator = True`, or a
      plain model whose input is images): `serving_default(images)` with
      `images` float32 `[batch, H, W, C]` in [-1, 1]. A conditional translator,
      whose network takes `[images, condition]`, also takes `conditions`
      float32 `[batch, K]` (StarGAN's target attributes, GANimation's
      conditions) or `styles` int32 `[batch]` in `[0, num_styles)` (Zi2Zi),
      one per image.
    - truncation: a model that defines `sample_with_truncation(inputs, psi)`
      (keras tensors `z` or `[z, labels]` and a float32 scalar `psi`; returns
      images using `sampling_generator`'s weights; what psi means is the
      model's: StyleGAN's ψ, 1 = none; BigGAN's threshold, large = none)
      gets a required float32 scalar input `psi` on both
      signatures (SignatureDefs have no optional inputs).
    - BigGAN-deep (`kgan.pretrained.BigGANDeep`): `z`, `labels` and a
      required float64 scalar `truncation` in (0, 1], float64 because the
      stored statistics sets are chosen as `pytorch-pretrained-biggan` does, by
      float64 arithmetic on the truncation. `serving_default` equals
      `BigGAN(z, one_hot(labels), truncation)`; `generate` draws
      z = truncation · N(0, I) truncated to [-2, 2]
      (`tf.random.stateless_truncated_normal`), the distribution of the
      package's `truncated_noise_sample`.

    Every signature returns `images` float32 `[batch, H, W, C]` clipped to
    [-1, 1] and `images_uint8` uint8 `round((images + 1) · 127.5)`, one image
    per row of the inputs or per sample asked for: 0 rows give an empty
    `[0, H, W, C]` batch, from every backend's export. Inputs of
    the wrong shape, labels out of range or of the wrong length, and a negative
    `num_samples` fail the request with a message that names the input.

    Backends: TensorFlow and JAX export with Keras' `ExportArchive` in this
    process (JAX through jax2tf: the graph holds `XlaCallModule` ops of
    calling-convention version 10, lowered for CPU and CUDA; serve them with a
    TF Serving release no older than the exporting TensorFlow). The torch backend cannot
    write a SavedModel (Keras needs torch_xla for it), so from torch the model
    is saved as `.keras` to a temporary folder and exported by a TensorFlow-
    backend subprocess: TensorFlow must be installed and the model's classes
    importable there (kgan's are).

    Args:
        model: built `keras.Model`: a kgan model, e.g. from
            `keras.saving.load_model("model.keras")`, or a plain generator or
            translator network.
        path: str or path-like, the SavedModel directory to write: new or
            empty (TF Serving's layout: `base/<version>`, e.g. `export/gan/1`).
        signatures: sequence of str or None (default: all that apply),
            a subset of `("serving_default", "generate")` that includes
            `"serving_default"`; translators have `serving_default` only.
        latent_dim: int or None, default None: from `model.latent_dim` or the
            generator's input shape. Must match the generator.
        num_classes: int or None, default None: from `model.num_classes`;
            required for a plain conditional generator. For a translator with
            an int style input, the number of styles (default `model.num_styles`).
        overwrite: bool, default False: replace the SavedModel at `path`
            (its directory is removed first). Without it a `path` that holds
            files raises `FileExistsError`; so does one that holds files other
            than a SavedModel's, even with it.

    Returns:
        dict, the exported contract: `kind`, `latent_dim`, `num_classes`,
        `image_shape`, `truncation`, `statistics_sets` (BigGAN-deep's count of
        stored statistics sets, else None), `signatures` and, for translators,
        `condition` (None, or the served condition input's `name`, `dtype` and
        `width` or `num_styles`).

    Example:
        >>> g = kgan.networks.dcgan_generator(16, (16, 16, 1), base_filters=8)
        >>> d = kgan.networks.dcgan_discriminator((16, 16, 1), base_filters=8)
        >>> gan = kgan.models.GAN(g, d, latent_dim=16)
        >>> kgan.export.export_saved_model(gan, "export/gan/1")
    """
    network, contract = _contract(model, latent_dim, num_classes)
    chosen = _check_signatures(signatures, contract["kind"])
    path = os.fspath(path)
    _clear_directory(path, overwrite)
    if writes_saved_models():
        from kgan.backend.saved_model import write_saved_model

        write_saved_model(path, network, _forward(model, network, contract), contract, chosen)
    else:
        _export_in_tensorflow(model, path, chosen, contract)
    return {**contract, "image_shape": list(contract["image_shape"]), "signatures": list(chosen)}


def _export_in_tensorflow(model, path, signatures, contract):
    with tempfile.TemporaryDirectory() as folder:
        keras_path = os.path.join(folder, "model.keras")
        model.save(keras_path)
        num_classes = contract["num_classes"]
        if contract["kind"] == "translator" and contract["condition"]:
            num_classes = contract["condition"].get("num_styles")
        options = {"signatures": list(signatures), "latent_dim": contract["latent_dim"],
                   "num_classes": num_classes}
        env = dict(os.environ, KERAS_BACKEND="tensorflow")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        run = subprocess.run(
            [sys.executable, "-m", "kgan.export.reexport", keras_path, path, json.dumps(options)],
            env=env, capture_output=True, text=True,
        )
    if run.returncode != 0:
        raise RuntimeError(
            "Exporting from the torch backend saves the model as .keras and exports it with "
            "KERAS_BACKEND=tensorflow in a subprocess (Keras cannot write a SavedModel from "
            "torch); that subprocess failed. Install TensorFlow (pip install 'kgan[tensorflow]') "
            "and make the model's classes importable. Its error:\n" + run.stderr[-3000:]
        )

