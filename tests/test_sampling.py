"""Batched inference (`kgan.utils.sampling.generate_in_batches`, `kgan.backend.inference`):
compiled on JAX, it must still follow the Python state a trace fixes (noise modes) and advance
the network's random state, as an eager call does."""

import keras
import numpy as np

import kgan
from kgan.layers.style import noise_layers
from kgan.utils.sampling import generate_in_batches, noise_modes


def _generator():
    keras.utils.set_random_seed(0)
    mapping = kgan.networks.stylegan_mapping(4, 4, num_layers=1)
    generator = kgan.networks.stylegan_generator(
        mapping, kgan.networks.stylegan2_synthesis(4, (8, 8, 1), 64, 8))
    # Noise strengths start at 0; non-zero ones make the noise visible in the images.
    for variable in generator.trainable_variables:
        if variable.path.endswith("strength"):
            variable.assign(np.full(variable.shape, 0.5, "float32"))
    return generator


def _set_noise_mode(generator, mode):
    for layer in noise_layers(generator):
        layer.noise_mode = mode


def test_batches_equal_one_eager_call_and_follow_the_noise_mode():
    generator = _generator()
    z = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    _set_noise_mode(generator, "const")
    assert noise_modes(generator) == ("const",) * 3
    const = generate_in_batches(generator, [z], batch_size=2)  # batches of 2, 2 and 1
    eager = keras.ops.convert_to_numpy(generator(z, training=False))
    np.testing.assert_allclose(const, eager, atol=1e-5)
    # Each mode change is a new trace, not the first one replayed.
    _set_noise_mode(generator, "random")
    first, second = (generate_in_batches(generator, [z], 5) for _ in range(2))
    assert np.abs(first - second).max() > 1e-3  # the noise seed advanced between calls
    assert np.abs(first - const).max() > 1e-3
    _set_noise_mode(generator, "none")
    assert np.abs(generate_in_batches(generator, [z], 5) - const).max() > 1e-3
    _set_noise_mode(generator, "const")
    np.testing.assert_allclose(generate_in_batches(generator, [z], 5), const, atol=1e-5)


def test_weights_changed_after_a_call_are_used_by_the_next():
    generator = _generator()
    _set_noise_mode(generator, "const")
    z = np.ones((2, 4), "float32")
    before = generate_in_batches(generator, [z], 2)
    for variable in generator.trainable_variables:
        variable.assign(variable * 1.1)
    after = generate_in_batches(generator, [z], 2)
    np.testing.assert_allclose(after, keras.ops.convert_to_numpy(generator(z, training=False)),
                               atol=1e-5)
    assert np.abs(after - before).max() > 1e-3
