"""Checks kgan SavedModel exports the way a server sees them: TensorFlow only.

Run by test_export.py in a fresh process that imports TensorFlow and numpy,
never kgan:

    python tests/export_check.py CASES.json

CASES.json lists exports: {"path", "kind", "latent_dim", "num_classes",
"image_shape", "signatures", "condition" (translators), "statistics_sets" (BigGAN-deep), "inputs": .npz of the served inputs, "expected":
.npz of the Keras model's images for them}. Any failed check exits non-zero
with a message naming the export, signature and check. A path listed again
(other inputs to the same export, e.g. BigGAN-deep at other truncations) is
loaded once; its later cases check the served images only.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ATOL = 1e-5
EDGE_ROWS = (0, 1, 300)  # the empty batch, one row, and a batch far larger than the tests' own


def check_outputs(where, outputs, shape):
    assert sorted(outputs) == ["images", "images_uint8"], f"{where}: outputs {sorted(outputs)}"
    images, images_uint8 = outputs["images"].numpy(), outputs["images_uint8"].numpy()
    assert images.dtype == np.float32 and images_uint8.dtype == np.uint8, f"{where}: dtypes"
    assert images.shape == shape and images_uint8.shape == shape, (
        f"{where}: shape {images.shape}, expected {shape}"
    )
    assert np.all((images >= -1.0) & (images <= 1.0)), f"{where}: images outside [-1, 1]"
    expected_uint8 = np.round((images + 1.0) * 127.5).astype(np.uint8)
    difference = np.abs(images_uint8.astype(int) - expected_uint8)
    assert difference.max(initial=0) <= 1, f"{where}: images_uint8"
    return images


def rejects(where, function, message, **inputs):
    """`function(**inputs)` must fail with an error that contains `message`."""
    try:
        function(**inputs)
    except (tf.errors.InvalidArgumentError, ValueError, TypeError) as error:
        assert message in str(error), f"{where}: error without {message!r}: {error}"
        return
    raise AssertionError(f"{where}: accepted bad input {sorted(inputs)}")


def check_batch_sizes(name, loaded, case, inputs, expected):
    """Every signature answers 0, 1 and `EDGE_ROWS[-1]` rows with that many images;
    each served row is the Keras model's image for the inputs' first row."""
    for rows in EDGE_ROWS:
        batch = {key: value if value.shape.rank == 0 else tf.repeat(value[:1], rows, axis=0)
                 for key, value in inputs.items()}
        shape = (rows, *expected.shape[1:])
        where = f"{name} serving_default with {rows} rows"
        images = check_outputs(where, loaded.signatures["serving_default"](**batch), shape)
        assert np.abs(images - expected[:1]).max(initial=0.0) <= ATOL, f"{where}: images differ"
        if "generate" in case["signatures"]:
            extra = {key: batch[key] for key in ("labels", "psi", "truncation") if key in batch}
            outputs = loaded.signatures["generate"](
                seed=tf.constant(7, tf.int64), num_samples=tf.constant(rows), **extra)
            check_outputs(f"{name} generate with {rows} rows", outputs, shape)


def check_export(case, loaded, contract_checked):
    """Checks `case` on the SavedModel `loaded`: its served images, and, unless
    `contract_checked`, the rest of the serving contract."""
    name = case["path"]
    assert sorted(loaded.signatures) == sorted(case["signatures"]), (
        f"{name}: signatures {sorted(loaded.signatures)}"
    )
    inputs = {key: tf.constant(value) for key, value in np.load(case["inputs"]).items()}
    expected = np.load(case["expected"])["images"]
    image_shape = tuple(case["image_shape"])
    serve = loaded.signatures["serving_default"]
    batch = int(expected.shape[0])
    images = check_outputs(f"{name} serving_default", serve(**inputs), (batch, *image_shape))
    error = np.abs(images - expected).max()
    assert error <= ATOL, f"{name}: served images differ from Keras' by {error}"
    if contract_checked:
        return
    check_batch_sizes(name, loaded, case, inputs, expected)

    if case["kind"] == "translator":
        rejects(name, serve, "Shape of tensor images",
                **dict(inputs, images=tf.zeros((1, 3, 3, image_shape[-1]))))
        condition = case.get("condition")
        if condition and condition["name"] == "styles":
            styles, count = inputs["styles"], condition["num_styles"]
            bad = tf.tensor_scatter_nd_update(styles, [[0]], [count])
            rejects(name, serve, f"styles must be in [0, {count})", **dict(inputs, styles=bad))
            rejects(name, serve, "styles must have one label per image",
                    **dict(inputs, styles=styles[1:]))
        elif condition:
            wide = tf.zeros((batch, condition["width"] + 1))
            rejects(name, serve, "Shape of tensor conditions", **dict(inputs, conditions=wide))
            rejects(name, serve, "conditions must have one row per image",
                    **dict(inputs, conditions=inputs["conditions"][1:]))
        return
    latent_dim = case["latent_dim"]
    extra = {key: inputs[key] for key in ("psi", "truncation") if key in inputs}
    wrong_z = dict(inputs, z=tf.zeros((batch, latent_dim + 1)))
    rejects(name, serve, "Shape of tensor z", **wrong_z)
    rejects(name, serve, "Shape of tensor z", **dict(inputs, z=tf.zeros((batch, latent_dim, 1))))
    if case["kind"] == "conditional":
        labels = inputs["labels"]
        bad = tf.tensor_scatter_nd_update(labels, [[0]], [case["num_classes"]])
        rejects(name, serve, f"labels must be in [0, {case['num_classes']})", **dict(inputs, labels=bad))
        rejects(name, serve, "labels must have one label per", **dict(inputs, labels=labels[1:]))
        extra["labels"] = labels
    if case.get("statistics_sets"):
        for bad in (0.0, 1.5):
            rejects(name, serve, "truncation must be in (0, 1]",
                    **dict(inputs, truncation=tf.constant(bad, tf.float64)))

    if "generate" in case["signatures"]:
        generate = loaded.signatures["generate"]
        seed, num = tf.constant(7, tf.int64), tf.constant(batch, tf.int32)
        first = check_outputs(
            f"{name} generate", generate(seed=seed, num_samples=num, **extra), (batch, *image_shape)
        )
        again = generate(seed=seed, num_samples=num, **extra)["images"].numpy()
        assert np.array_equal(first, again), f"{name}: generate is not deterministic in seed"
        other = generate(seed=seed + 1, num_samples=num, **extra)["images"].numpy()
        assert not np.allclose(first, other), f"{name}: generate ignores seed"
        # The documented latents: tf.random.stateless_normal with seed [seed, 0]; BigGAN-deep's
        # truncation · stateless_truncated_normal.
        seed_pair = tf.constant([7, 0], tf.int64)
        if case.get("statistics_sets"):
            z = tf.cast(inputs["truncation"], tf.float32) * tf.random.stateless_truncated_normal(
                [batch, latent_dim], seed=seed_pair)
        else:
            z = tf.random.stateless_normal([batch, latent_dim], seed=seed_pair)
        served = serve(**dict(inputs, z=z))["images"].numpy()
        assert np.abs(first - served).max() <= ATOL, f"{name}: generate's z is not the documented one"
        rejects(name, generate, "num_samples must be", seed=seed, num_samples=tf.constant(-1),
                **extra)
        if case["kind"] == "conditional":
            rejects(name, generate, "labels must have one label per", seed=seed,
                    num_samples=tf.constant(batch + 1), **extra)


def main(cases_path):
    with open(cases_path) as file:
        cases = json.load(file)
    loaded = {}  # path -> SavedModel, kept referenced while its functions run
    for case in cases:
        checked = case["path"] in loaded
        if not checked:
            loaded[case["path"]] = tf.saved_model.load(case["path"])
        check_export(case, loaded[case["path"]], contract_checked=checked)
    assert not any(name.split(".")[0] == "kgan" for name in sys.modules), "kgan was imported"
    print(f"checked {len(cases)} exports")


if __name__ == "__main__":
    main(sys.argv[1])
