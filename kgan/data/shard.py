"""`process_shard`: the rows of each global batch that one process of a multi-process
run trains on."""

import numpy as np

from kgan.backend import process_count, process_index


def process_shard(arrays, global_batch_size):
    """This process's rows of every global batch of `arrays`, and its batch size.

    In a multi-process run (torch: `torchrun`, `kgan train --workers N`) each of the
    P processes calls `fit(shard, batch_size=batch_size, shuffle=False)`: its batch
    `b` is rows `[b·G + r·G/P, b·G + (r+1)·G/P)` of the data (G the global batch
    size, r the rank), so the P processes together step on the global batches one
    process would see, and the run equals one process's. A trailing global batch
    of fewer than G rows is dropped (every rank must step on as many rows). In one
    process it returns `arrays` unchanged and `global_batch_size`.

    Args:
        arrays: a numpy array `(N, ...)` or a tuple of arrays with the same N
            (images, labels).
        global_batch_size: int ≥ 1, divisible by the number of processes.

    Returns:
        `(shard, batch_size)`: `shard` like `arrays` (an array or a tuple),
        `batch_size = global_batch_size / processes`.
    """
    count, index = process_count(), process_index()
    if global_batch_size < 1 or global_batch_size % count:
        raise ValueError(
            f"global_batch_size must be a positive multiple of the {count} processes. "
            f"Received: global_batch_size={global_batch_size}"
        )
    if count == 1:
        return arrays, global_batch_size
    batch_size = global_batch_size // count
    several = isinstance(arrays, tuple)
    shards = []
    for array in arrays if several else (arrays,):
        batches = len(array) // global_batch_size
        if batches == 0:
            raise ValueError(
                f"The data must hold at least one global batch of {global_batch_size} rows. "
                f"Received: {len(array)} rows"
            )
        rows = np.asarray(array[: batches * global_batch_size])
        rows = rows.reshape(batches, count, batch_size, *rows.shape[1:])[:, index]
        shards.append(rows.reshape(batches * batch_size, *rows.shape[2:]))
    return (tuple(shards) if several else shards[0]), batch_size
