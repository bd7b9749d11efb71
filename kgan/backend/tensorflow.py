"""TensorFlow implementation of the kgan engine: `tf.GradientTape`.

Multi-worker runs use `tf.distribute.MultiWorkerMirroredStrategy`: each process
(worker) holds a copy of every variable and trains on its own rows of every
global batch (one device a worker); the gradients are summed across all
workers' replicas after each replica's loss is divided by the replica count,
so every worker takes the step one process takes on the global batch.
"""

import json
import os

import keras
import numpy as np
import tensorflow as tf
from keras import ops
from tensorflow.python.ops.control_flow_util import GraphOrParentsInXlaContext

from kgan.backend.common import depthwise_fir_filter, shifted_fir_filter

# TF_CONFIG's job names of a MultiWorkerMirroredStrategy cluster, in rank order
# (an optional "chief" task, then the workers).
_RANKED_JOBS = ("chief", "worker")


def _replica_scale(loss):
    # tf.distribute sums gradients over replicas; scale as Keras' own losses do.
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    return loss / replicas if replicas > 1 else loss


def gradients(loss_fn, variables):
    """`kgan.backend.gradients` with a `tf.GradientTape`, loss scaled for `tf.distribute`
    replicas."""
    with tf.GradientTape() as tape:
        loss, logs = loss_fn()
        scaled = _replica_scale(loss)
    # Zeros, not None, for variables the loss does not reach (a penalty does not
    # reach the discriminator's last bias), as JAX and torch give.
    grads = [
        tf.zeros(v.shape, v.dtype) if g is None else g
        for v, g in zip(variables, tape.gradient(scaled, variables))
    ]
    return loss, logs, grads


def input_gradients(fn, x):
    """Differentiable gradient of `sum(fn(x))` with respect to the tensor `x`."""
    x = ops.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = ops.sum(fn(x))
    return tape.gradient(total, x)


def run_if(condition, fn):
    """`kgan.backend.run_if` with `tf.cond`: graph control flow in a `tf.function`, a
    Python branch when eager."""

    def run():
        fn()
        return tf.constant(True)

    tf.cond(condition, run, lambda: tf.constant(False))


def repeat(count, fn):
    """`kgan.backend.repeat` with `tf.while_loop` in a `tf.function`: the graph
    holds `fn`'s work once, not `count` unrolled copies. A Python loop when
    eager or under several replicas (the optimizer's cross-replica update
    cannot run inside a loop body)."""
    if count == 1 or tf.executing_eagerly() or replica_context()[1] > 1:
        for _ in range(count):
            fn()
        return

    def body(index):
        fn()
        return index + 1

    tf.while_loop(lambda index: index < count, body, [tf.constant(0)])


def replica_context():
    """`(replica_id, num_replicas)` of the running `tf.distribute` replica.

    `(0, 1)` outside a multi-replica strategy; `replica_id` is a scalar tensor
    inside `strategy.run`.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


def initialize_processes():
    """Joins the multi-worker run that `TF_CONFIG` describes (as TensorFlow
    defines it; `kgan train --workers` sets it): creates a
    `tf.distribute.MultiWorkerMirroredStrategy` and makes it the strategy of the
    whole process (`tf.distribute.experimental_set_strategy`), so models built
    afterwards anywhere (recipes, user code) hold mirrored variables and
    Keras' `fit()` runs each step on every worker. Collectives: ring all-reduce
    over gRPC on CPU, NCCL on GPUs. A worker that dies is noticed by the
    strategy's peer health check (every 30 s, 3 tries of 10 s), which aborts
    the others' collectives with an `UnavailableError`, so no survivor waits
    forever (`kgan.launcher` ends them sooner). Does nothing without a
    `TF_CONFIG` cluster of more than one task, or when a multi-worker strategy
    is already set. Call it before any other TensorFlow work in the process
    (the strategy must start the process's collective runtime).
    """
    cluster = json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    if sum(len(cluster.get(job, [])) for job in _RANKED_JOBS) <= 1 or _multi_worker_strategy():
        return
    implementation = tf.distribute.experimental.CommunicationImplementation
    strategy = tf.distribute.MultiWorkerMirroredStrategy(
        communication_options=tf.distribute.experimental.CommunicationOptions(
            implementation=(implementation.NCCL if tf.config.list_physical_devices("GPU")
                            else implementation.RING)
        )
    )
    tf.distribute.experimental_set_strategy(strategy)


def _multi_worker_strategy():
    """The current `MultiWorkerMirroredStrategy` of a cluster of several tasks, or None."""
    strategy = tf.distribute.get_strategy()
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return None
    return strategy if len(_ranked_tasks(strategy)) > 1 else None


def _ranked_tasks(strategy):
    spec = strategy.cluster_resolver.cluster_spec()
    return [(job, index) for job in _RANKED_JOBS if job in spec.jobs
            for index in range(spec.num_tasks(job))]


def process_index():
    """This worker's rank under a `MultiWorkerMirroredStrategy` (its `TF_CONFIG`
    task, the chief first); 0 in one process."""
    strategy = _multi_worker_strategy()
    if strategy is None:
        return 0
    resolver = strategy.cluster_resolver
    return _ranked_tasks(strategy).index((resolver.task_type, resolver.task_id))


def process_count():
    """The workers of a `MultiWorkerMirroredStrategy` cluster; 1 in one process."""
    strategy = _multi_worker_strategy()
    return 1 if strategy is None else len(_ranked_tasks(strategy))


def per_process_dataset(x, y, batch_size, shuffle):
    """`fit()`'s array data as this worker's own batches, under a multi-worker strategy.

    kgan shards the data per process (`kgan.data.process_shard`: each worker
    holds its rows of every global batch and fits with `batch_size` = global /
    workers). Keras would hand arrays to `experimental_distribute_dataset`,
    which treats `batch_size` as the global batch, splits each batch across the
    workers and auto-shards with the DATA policy: a step would see
    `batch_size / workers` rows a worker. So the batches are given to the
    strategy with `distribute_datasets_from_function`, which neither re-batches
    nor shards (auto-shard OFF in effect: the data is already this worker's
    shard): each step trains on `batch_size` rows of every worker. A
    `tf.data.Dataset` or other non-array input is left to Keras.

    Args:
        x: array `(N, ...)`, this worker's rows.
        y: None or array `(N, ...)` (labels).
        batch_size: int ≥ 1, this worker's batch.
        shuffle: bool, whether to reshuffle the rows every epoch, as Keras does.

    Returns:
        A `tf.distribute.DistributedDataset` of `(x,)` or `(x, y)` batches for
        `fit(dataset)`, or None outside a multi-worker run or for non-array `x`.

    Raises:
        ValueError: when a worker has more than one device (one process a device).
    """
    strategy = _multi_worker_strategy()
    if strategy is None or not isinstance(x, (np.ndarray, tf.Tensor)):
        return None
    workers = len(_ranked_tasks(strategy))
    if strategy.num_replicas_in_sync != workers:
        raise ValueError(
            "A TensorFlow multi-worker run in kgan must have one device a worker "
            "(start one process a GPU). Received: "
            f"{strategy.num_replicas_in_sync} replicas over {workers} workers"
        )
    data = keras.utils.pack_x_y_sample_weight(x, y)
    rows = len(x)

    def batches(input_context):
        indices = tf.data.Dataset.range(rows)
        if shuffle:
            indices = indices.shuffle(rows, reshuffle_each_iteration=True)
        # Full batches only, as `fit()` batches arrays in one process.
        indices = indices.batch(batch_size, drop_remainder=rows >= batch_size)
        return indices.map(
            lambda index: tf.nest.map_structure(lambda array: tf.gather(array, index), data),
            num_parallel_calls=tf.data.AUTOTUNE,
        ).prefetch(tf.data.AUTOTUNE)

    return strategy.distribute_datasets_from_function(batches)


class TrainStep:
    """Mixin: Keras' trainer calls `train_step(data)`, which runs the model's
    backend-neutral `stateful_train_step(data)`.

    Under a multi-worker strategy Keras' TensorFlow trainer reduces the step's
    logs with `strategy.reduce("MEAN", value, axis=0)`, which fails on a scalar
    (tensorflow/tensorflow#72388): each log is returned with shape `(1,)`, so
    the reduction gives the mean of the replicas' values, as
    `MirroredStrategy` does in one process.
    """

    def train_step(self, data):
        logs = self.stateful_train_step(data)
        if _multi_worker_strategy() is None:
            return logs
        return {name: ops.reshape(value, (1,)) for name, value in logs.items()}


def fir_filter(x, taps, down):
    """`kgan.backend.fir_filter`: shifted sums where the graph being traced is
    compiled with XLA (`jit_compile=True`; XLA:CPU's depthwise convolution is
    16–52× slower, `kgan.backend.common.shifted_fir_filter`), TensorFlow's
    depthwise convolution elsewhere (eager, graphs without XLA, SavedModels).
    Whether a graph is XLA-compiled is TensorFlow's internal
    `GraphOrParentsInXlaContext` (tests/test_keras_internals.py guards it)."""
    if GraphOrParentsInXlaContext(tf.compat.v1.get_default_graph()):
        return shifted_fir_filter(x, taps, down)
    return depthwise_fir_filter(x, taps, down)
