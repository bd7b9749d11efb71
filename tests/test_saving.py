"""kgan.saving.load_model: a path that is no loadable `.keras` file (missing, a
directory, truncated, damaged, a zip without a model) fails with a `ModelFileError`
that says which, before Keras reads it."""

import zipfile

import keras
import numpy as np
import pytest

from kgan.saving import ModelFileError, load_model


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = tmp_path_factory.mktemp("saving") / "model.keras"
    model.save(path)
    return path, model


def test_loads_a_keras_file(saved):
    path, model = saved
    x = np.ones((1, 3), "float32")
    expected = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(load_model(path)(x)), expected)


def test_says_what_is_wrong_with_the_path(saved, tmp_path):
    path, _ = saved
    data = path.read_bytes()
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match=f"not a valid .keras archive: its "
                                             f"{len(data) // 2:,} bytes hold no zip directory"):
        load_model(truncated)

    damaged = tmp_path / "damaged.keras"
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo("model.weights.h5")
        start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    flipped = bytearray(data)
    flipped[start + member.compress_size // 2] ^= 0xFF
    damaged.write_bytes(bytes(flipped))
    with pytest.raises(ModelFileError, match="damaged .keras archive"):
        load_model(damaged)

    not_a_model = tmp_path / "other.keras"
    with zipfile.ZipFile(not_a_model, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ModelFileError, match="a zip archive but not a .keras file"):
        load_model(not_a_model)

    renamed = tmp_path / "model.zip"
    renamed.write_bytes(data)
    with pytest.raises(ModelFileError, match=r"path must end in .keras"):
        load_model(renamed)
    with pytest.raises(ModelFileError, match="is a directory, not a .keras file"):
        load_model(tmp_path)
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "missing.keras")
