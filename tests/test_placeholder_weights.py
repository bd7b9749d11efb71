"""kgan.utils.placeholder_weights: networks built for a file's weights draw no random values."""

import keras
import numpy as np
import pytest

import kgan
from kgan.utils.placeholder_weights import PlaceholderWeights

from .conftest import tiny_dcgan_pair


def test_random_initializers_give_nan_placeholders_until_assigned():
    placeholders = PlaceholderWeights()
    with placeholders:
        dense = keras.layers.Dense(3, bias_initializer="ones")
        dense.build((None, 2))
        seeds = keras.random.SeedGenerator(7)
    assert [variable for variable, _ in placeholders.variables] == [dense.kernel]
    assert np.isnan(keras.ops.convert_to_numpy(dense.kernel.value)).all()
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(dense.bias.value), np.ones(3))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(seeds.state.value), [7, 0])
    with pytest.raises(RuntimeError, match=r"left 1 weights unassigned .*\['dense.*kernel'\]"):
        placeholders.check_all_assigned()
    dense.kernel.assign(np.zeros((2, 3), "float32"))  # a file's tensor, zeros included
    placeholders.check_all_assigned()
    # Outside the context, initializers draw again, also after an error inside it.
    with pytest.raises(KeyError), placeholders:
        {}["missing"]
    outside = keras.layers.Dense(3)
    outside.build((None, 2))
    assert np.isfinite(keras.ops.convert_to_numpy(outside.kernel.value)).all()
    assert len(placeholders.variables) == 1


def test_weights_a_file_lacks_get_their_initial_values_drawn():
    placeholders = PlaceholderWeights()
    with placeholders:
        loaded, missing = keras.layers.Dense(2), keras.layers.Dense(200)
        loaded.build((None, 2))
        missing.build((None, 50))
    loaded.kernel.assign(np.ones((2, 2), "float32"))
    placeholders.initialize_unassigned()
    assert placeholders.unassigned() == []
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded.kernel.value), np.ones((2, 2)))
    drawn = keras.ops.convert_to_numpy(missing.kernel.value)
    limit = np.sqrt(6 / 250)  # Glorot uniform
    assert np.abs(drawn).max() <= limit and drawn.std() > 0.5 * limit / np.sqrt(3)


def test_a_kgan_model_file_loads_equal(tmp_path):
    generator, discriminator = tiny_dcgan_pair()
    model = kgan.models.GAN(generator, discriminator, latent_dim=8)
    model.compile()
    model.fit(np.zeros((8, 16, 16, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = kgan.saving.load_model(path)
    # Every weight and the optimizer's state (a seed generator's state is not saved).
    floats = [(saved, restored) for saved, restored in zip(model.variables, loaded.variables,
                                                           strict=True)
              if "float" in saved.dtype]
    assert len(floats) > 20
    for saved, restored in floats:
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(restored.value),
                                      keras.ops.convert_to_numpy(saved.value))
