"""Framework code that serves every Keras backend: a `tf.data` input pipeline and
reading a PyTorch state dict. Each imports its framework lazily, inside the function, so
neither is imported unless it is used.
"""

import pickle


def tf_data_pipeline(x, y, batch_size, shuffle, seed, drop_remainder):
    """A batched, prefetching `tf.data.Dataset` over arrays `x` (and `y`).

    Shuffled over the whole array every epoch when `shuffle` (seeded by `seed`);
    with `drop_remainder` a short last batch is left out.
    """
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def read_torch_state_dict(path):
    """Reads a pickled PyTorch state dict into a dict name → float32 numpy array.

    `weights_only=True`: tensors are unpickled, never code.

    Raises:
        ImportError: when torch is not installed.
        ValueError: when torch cannot read the file without running code, or it
            holds something other than a dict of tensors.
    """
    torch = _import_torch(f"Reading {path} (a PyTorch state dict)")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, KeyError, EOFError) as error:
        # torch's errors for files it cannot read (a pickled module, other bytes)
        raise ValueError(f"{path} is not a file torch.load(weights_only=True) reads: "
                         f"{type(error).__name__}: {str(error)[:200]}") from error
    if not isinstance(state, dict) or not all(isinstance(t, torch.Tensor) for t in state.values()):
        raise ValueError(f"A PyTorch state dict must map names to tensors. Received: "
                         f"{type(state).__name__} from {path}")
    return {name: tensor.detach().float().numpy() for name, tensor in state.items()}


def _import_torch(task):
    """Imports torch, or raises an ImportError saying that `task` needs it."""
    try:
        import torch
    except ImportError as error:
        raise ImportError(
            f"{task} needs torch: `pip install torch` (the CPU "
            "build is enough). The converted network then runs on any Keras backend."
        ) from error
    return torch
