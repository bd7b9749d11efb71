"""Seeded latents and batched inference: what `generate()` and `translate()` share."""

import numpy as np
from keras import ops

from kgan.backend import inference
from kgan.layers.style import noise_layers
from kgan.utils.validation import check_int


def latents(num_samples, latent_dim, seed):
    """Standard normal latents `(num_samples, latent_dim)` float32 from a numpy seed.

    Drawn with numpy so the same seed gives the same latents on every backend.
    """
    return np.random.default_rng(seed).standard_normal((num_samples, latent_dim)).astype("float32")


def latents_or_given(num_samples, z, seed, latent_dim):
    """The latents `generate()` uses: `z` checked to be `(num_samples, latent_dim)`,
    or `num_samples` (an int ≥ 0) standard normal latents from `seed` (see `latents`)."""
    if z is None:
        if num_samples is None:
            raise ValueError("generate() needs num_samples or z. Received: num_samples=None")
        z = latents(check_int(num_samples, "num_samples", minimum=0), latent_dim, seed)
    z = np.asarray(z, dtype="float32")
    if z.ndim != 2 or z.shape[1] != latent_dim:
        raise ValueError(
            f"z must have shape (num_samples, {latent_dim}). Received: z.shape={z.shape}"
        )
    return z


def noise_modes(network):
    """The `noise_mode` of every `NoiseInjection` in `network`, as a tuple:
    Python state that a compiled forward pass fixes (StyleGAN's sampling sets
    it per call), so the trace key of `kgan.backend.inference`."""
    return tuple(layer.noise_mode for layer in noise_layers(network))


def generate_in_batches(network, inputs, batch_size):
    """Runs `network` in inference mode over numpy `inputs` (a list of arrays of
    equal length), `batch_size` rows at a time (`kgan.backend.inference`:
    compiled on JAX); returns one float32 numpy array.

    With no rows, the result is empty, `(0, *sample_shape)`."""
    check_int(batch_size, "batch_size")
    if len(inputs[0]) == 0:  # one row of zeros tells the output's shape
        rows = [np.zeros((1,) + np.shape(array)[1:], np.asarray(array).dtype) for array in inputs]
        return generate_in_batches(network, rows, batch_size)[:0]
    trace_key = noise_modes(network)
    outputs = []
    for start in range(0, len(inputs[0]), batch_size):
        chunk = [array[start : start + batch_size] for array in inputs]
        batch = chunk if len(chunk) > 1 else chunk[0]
        outputs.append(ops.convert_to_numpy(inference(network, batch, trace_key)))
    if outputs[0].dtype != np.float32:  # bfloat16/float16 under mixed precision
        outputs = [output.astype("float32") for output in outputs]
    return np.concatenate(outputs)
