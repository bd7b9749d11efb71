"""The TensorFlow side of `kgan.export`: serving signatures around a generator.

Imported by `kgan.export` only when a SavedModel is written from the
TensorFlow or JAX backend. The generator's forward pass is exported with
Keras' `ExportArchive` (on JAX it is converted with jax2tf into an
`XlaCallModule` op); the signatures that TF Serving calls are TensorFlow
functions around it that check their inputs, draw latents and convert the
images to uint8.
"""

import keras
import tensorflow as tf


def _outputs(images):
    images = tf.clip_by_value(images, -1.0, 1.0)
    return {
        "images": images,
        "images_uint8": tf.cast(tf.round((images + 1.0) * 127.5), tf.uint8),
    }


def _check_labels(labels, num_rows, num_classes, rows_name, name="labels"):
    return [
        tf.debugging.assert_equal(
            tf.shape(labels)[0], num_rows,
            message=f"{name} must have one label per {rows_name}",
        ),
        tf.debugging.assert_greater_equal(
            labels, 0, message=f"{name} must be in [0, {num_classes})"
        ),
        tf.debugging.assert_less(
            labels, num_classes, message=f"{name} must be in [0, {num_classes})"
        ),
    ]


def _check_truncation(truncation):
    return [
        tf.debugging.assert_positive(truncation, message="truncation must be in (0, 1]"),
        tf.debugging.assert_less_equal(
            truncation, tf.constant(1.0, tf.float64), message="truncation must be in (0, 1]"
        ),
    ]


def _statistics_position(truncation, num_sets):
    """BigGAN-deep's `(index, fraction)` between stored statistics sets, in float64 as
    `kgan.networks.biggan_deep_statistics_position` (the package's `math.modf`)."""
    position = truncation / (1.0 / (num_sets - 1))
    index = tf.math.floor(position)
    return [tf.cast(index, tf.int32), tf.cast(position - index, tf.float32)]


def _serve_conditional_images(run, image_shape, condition):
    """`serving_default(images, conditions | styles)` of a conditional translator."""
    name = condition["name"]
    if name == "styles":
        spec = tf.TensorSpec([None], tf.int32, name)
    else:
        spec = tf.TensorSpec([None, condition["width"]], tf.float32, name)

    @tf.function(input_signature=[tf.TensorSpec([None, *image_shape], tf.float32, "images"), spec])
    def serve(images, values):
        images = tf.ensure_shape(images, [None, *image_shape], name="images")
        values = tf.ensure_shape(values, spec.shape, name=name)
        if name == "styles":
            checks = _check_labels(values, tf.shape(images)[0], condition["num_styles"], "image",
                                   name="styles")
        else:
            checks = [tf.debugging.assert_equal(
                tf.shape(values)[0], tf.shape(images)[0],
                message="conditions must have one row per image")]
        with tf.control_dependencies(checks):
            return _outputs(run(tf.identity(images), tf.identity(values)))

    return serve


def _forward_function(network, forward, specs):
    """`forward` as a `tf.function`, exported by a private ExportArchive, that
    answers a batch of 0 rows with an empty float32 `(0, H, W, C)` batch.

    On JAX the archive converts it with jax2tf and the function keeps the
    archive (which owns the TensorFlow copies of the variables) referenced.
    The archive's own endpoint is never written: the signatures call it.
    """
    archive = keras.export.ExportArchive()
    archive.track(network)
    kwargs = {}
    if keras.backend.backend() == "jax":
        # Lowered for CPU and CUDA servers, not only the exporting machine;
        # serving needs no gradient (converting one doubles the export time).
        kwargs["jax2tf_kwargs"] = {
            "native_serialization_platforms": ("cpu", "cuda"),
            "with_gradient": False,
        }
    endpoint = archive.add_endpoint(
        "forward",
        forward,
        input_signature=[keras.InputSpec(shape=shape, dtype=dtype) for shape, dtype in specs],
        **kwargs,
    )
    output_shape = list(network.output_shape[1:])

    def run(*inputs):
        # jax2tf's symbolic batch size is ≥ 1: the JAX export rejects 0 rows, so an
        # empty batch never reaches the network on any backend.
        return tf.cond(
            tf.shape(inputs[0])[0] > 0,
            lambda: tf.cast(endpoint(*inputs), tf.float32),
            lambda: tf.zeros([0, *output_shape], tf.float32),
        )

    return run


def write_saved_model(path, network, forward, contract, signatures):
    """Writes a SavedModel at `path` with the signatures of `kgan.export`.

    Args:
        path: str, output directory.
        network: the built `keras.Model` whose variables `forward` reads.
        forward: function of keras tensors → raw images, positional inputs in
            the order `z, labels, psi` (those present), `z, labels, index,
            fraction` (BigGAN-deep's statistics position) or `images` (and the
            translator's condition).
        contract: dict with `kind` ("unconditional", "conditional",
            "translator"), `latent_dim`, `num_classes`, `image_shape`,
            `truncation` (bool), `statistics_sets` (int: BigGAN-deep, served
            with a float64 `truncation`; or None) and, for translators,
            `condition` (None or a dict: `name` "conditions" with `width`, or
            "styles" with `num_styles`).
        signatures: names to write, a subset of `("serving_default", "generate")`.
    """
    kind = contract["kind"]
    truncation = contract["truncation"]
    statistics_sets = contract.get("statistics_sets")
    if kind == "translator":
        specs = [((None, *contract["image_shape"]), "float32")]
        condition = contract["condition"]
        if condition and condition["name"] == "styles":
            specs.append(((None,), "int32"))
        elif condition:
            specs.append(((None, condition["width"]), "float32"))
    else:
        specs = [((None, contract["latent_dim"]), "float32")]
        if kind == "conditional":
            specs.append(((None,), "int32"))
        if statistics_sets:
            specs += [((), "int32"), ((), "float32")]
        elif truncation:
            specs.append(((), "float32"))
    run = _forward_function(network, forward, specs)
    archive = keras.export.ExportArchive()
    functions = {}

    if kind == "translator" and contract["condition"]:
        functions["serving_default"] = _serve_conditional_images(
            run, list(contract["image_shape"]), contract["condition"]
        )
    elif kind == "translator":
        image_shape = list(contract["image_shape"])

        @tf.function(input_signature=[tf.TensorSpec([None, *image_shape], tf.float32, "images")])
        def serve_images(images):
            images = tf.ensure_shape(images, [None, *image_shape], name="images")
            return _outputs(run(images))

        functions["serving_default"] = serve_images
    else:
        latent_dim = contract["latent_dim"]
        num_classes = contract["num_classes"]
        conditional = kind == "conditional"

        def call(z, labels, psi, checks):
            if statistics_sets:
                checks = checks + _check_truncation(psi)
            with tf.control_dependencies(checks):
                args = [tf.identity(z)]
                if conditional:
                    args.append(tf.identity(labels))
                if statistics_sets:
                    args += _statistics_position(tf.identity(psi), statistics_sets)
                elif truncation:
                    args.append(tf.identity(psi))
            return _outputs(run(*args))

        z_spec = tf.TensorSpec([None, latent_dim], tf.float32, "z")
        label_spec = [tf.TensorSpec([None], tf.int32, "labels")] if conditional else []
        if statistics_sets:
            psi_spec = [tf.TensorSpec([], tf.float64, "truncation")]
        else:
            psi_spec = [tf.TensorSpec([], tf.float32, "psi")] if truncation else []

        def serve(z, *rest):
            z = tf.ensure_shape(z, [None, latent_dim], name="z")
            labels = rest[0] if conditional else None
            psi = rest[-1] if truncation else None
            checks = (
                _check_labels(labels, tf.shape(z)[0], num_classes, "row of z")
                if conditional else []
            )
            return call(z, labels, psi, checks)

        def generate(seed, num_samples, *rest):
            labels = rest[0] if conditional else None
            psi = rest[-1] if truncation else None
            checks = [
                tf.debugging.assert_non_negative(
                    num_samples, message="num_samples must be ≥ 0"
                )
            ]
            if conditional:
                checks += _check_labels(labels, num_samples, num_classes, "sample")
            with tf.control_dependencies(checks):
                shape = tf.stack([tf.maximum(num_samples, 0), latent_dim])
                seed_pair = tf.stack([seed, tf.constant(0, tf.int64)])
                if statistics_sets:
                    z = tf.cast(psi, tf.float32) * tf.random.stateless_truncated_normal(
                        shape, seed=seed_pair)
                else:
                    z = tf.random.stateless_normal(shape, seed=seed_pair)
            return call(z, labels, psi, checks)

        functions["serving_default"] = tf.function(
            serve, input_signature=[z_spec, *label_spec, *psi_spec]
        )
        functions["generate"] = tf.function(
            generate,
            input_signature=[
                tf.TensorSpec([], tf.int64, "seed"),
                tf.TensorSpec([], tf.int32, "num_samples"),
                *label_spec,
                *psi_spec,
            ],
        )

    for name in signatures:
        functions[name].get_concrete_function()  # traced: ExportArchive takes it as is
        archive.add_endpoint(name, functions[name])
    archive.write_out(path, verbose=False)
