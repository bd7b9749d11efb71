"""Framework code that serves every Keras backend: a `tf.data` input pipeline and
reading a PyTorch state dict. Each imports its framework lazily, inside the
function, so neither is imported unless it is used.
"""


def tf_data_pipeline(x, y, batch_size, shuffle, seed):
    """A batched, prefetching `tf.data.Dataset` over arrays `x` (and `y`).

    Shuffled over the whole array every epoch when `shuffle` (seeded by `seed`).
    """
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def read_torch_state_dict(path):
    """Reads a pickled PyTorch state dict into a dict name → float32 numpy array.

    `weights_only=True`: tensors are unpickled, never code.

    Raises:
        ImportError: when torch is not installed.
    """
    try:
        import torch
    except ImportError as error:
        raise ImportError(
            f"Reading {path} (a PyTorch state dict) needs torch: `pip install torch` (the CPU "
            "build is enough). The converted network then runs on any Keras backend."
        ) from error
    state = torch.load(path, map_location="cpu", weights_only=True)
    return {name: tensor.detach().float().numpy() for name, tensor in state.items()}
